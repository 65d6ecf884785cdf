/**
 * Who may use the server. With a token, every route but /healthz (and the
 * login form itself) needs it: `Authorization: Bearer TOKEN`, or the cookie
 * the login form sets (a keyed digest of the token, never the token), both
 * compared in constant time. Whatever the token, a state-changing request
 * from another site's page (its Origin is not this host) is refused, and a
 * server on loopback answers only to loopback host names, so a web page the
 * user visits can neither post uploads to it nor read it through DNS rebinding.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { cspHash } from '../../../reports/html/index.js';
import { esc } from '../../../reports/html/escape.js';
import { global } from './global.js';

export const SESSION_COOKIE = 'faultline_session';

export interface AuthOptions {
  token?: string;
  /** Host header names accepted (lower case, with or without port); undefined = any */
  allowedHosts?: string[];
}

/** Equal strings, in time that depends on neither (digests make the lengths equal). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('faultline session v1').digest('base64url');
}

const OPEN_ROUTES = new Set(['/healthz', '/login']);

const LOGIN_CSS = 'body{font:15px/1.5 system-ui,sans-serif;max-width:380px;margin:12vh auto;padding:0 16px;color:#1f2937}input{font:inherit;padding:6px 8px;width:100%;box-sizing:border-box;margin:6px 0 12px}button{font:inherit;padding:6px 16px}.err{color:#c62828}';

export function loginPage(message?: string): string {
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>faultline — sign in</title>',
    `<style>${LOGIN_CSS}</style></head><body>`,
    '<h1>faultline</h1><p>This server needs its access token.</p>',
    message ? `<p class="err">${esc(message)}</p>` : '',
    '<form method="post" action="/login"><label>Token<input type="password" name="token" autocomplete="current-password" autofocus required></label><button type="submit">Sign in</button></form>',
    '</body></html>',
  ].join('');
}

export const LOGIN_CSP = `default-src 'none'; style-src ${cspHash(LOGIN_CSS)}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

function cookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function hostName(host: string | undefined): string {
  return (host ?? '').toLowerCase().replace(/:\d+$/, '');
}

export const authPlugin: FastifyPluginAsync<AuthOptions> = global('faultline-auth', async (app, opts) => {
  const { token, allowedHosts } = opts;
  const session = token ? sessionValue(token) : undefined;

  const deny = (req: FastifyRequest, reply: FastifyReply, status: number, message: string) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/')) {
      return reply.code(status).type('text/html; charset=utf-8').header('Content-Security-Policy', LOGIN_CSP).send(loginPage(status === 401 ? undefined : message));
    }
    if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="faultline"');
    return reply.code(status).send({ error: { code: status === 401 ? 'E_AUTH' : 'E_FORBIDDEN', message } });
  };

  app.addHook('onRequest', async (req, reply) => {
    if (allowedHosts && !allowedHosts.includes(hostName(req.headers.host))) {
      return reply.code(421).send({ error: { code: 'E_FORBIDDEN', message: 'this server answers to its loopback address only' } });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null') {
        let same = false;
        try {
          same = new URL(origin).host === req.headers.host;
        } catch {
          same = false;
        }
        if (!same) return deny(req, reply, 403, 'a request from another site');
      } else if (origin === 'null') return deny(req, reply, 403, 'a request from an opaque origin');
    }
    if (!token) return;
    const route = req.routeOptions.url ?? '';
    if (OPEN_ROUTES.has(route)) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7).trim(), token)) return;
    const c = cookie(req, SESSION_COOKIE);
    if (c !== undefined && session !== undefined && sameSecret(c, session)) return;
    return deny(req, reply, 401, 'this server needs its token: Authorization: Bearer TOKEN, or sign in at /login');
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get('/login', async (_req, reply) => {
    if (!token) return reply.redirect('/', 303);
    return reply.type('text/html; charset=utf-8').header('Content-Security-Policy', LOGIN_CSP).send(loginPage());
  });

  app.post('/login', { schema: { body: { type: 'object', properties: { token: { type: 'string', maxLength: 4096 } } } } }, async (req, reply) => {
    if (!token) return reply.redirect('/', 303);
    const given = (req.body as { token?: string } | undefined)?.token ?? '';
    if (!sameSecret(given, token)) {
      return reply.code(401).type('text/html; charset=utf-8').header('Content-Security-Policy', LOGIN_CSP).send(loginPage('That is not the token.'));
    }
    reply.header('Set-Cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`);
    return reply.redirect('/', 303);
  });
});
