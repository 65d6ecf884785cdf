/**
 * Headers on every response: no MIME sniffing, no referrer, and a CSP that
 * allows nothing unless the route set its own (the page allows its own script
 * file, a report the hash of its inline script). Framing is refused unless a
 * route allows the page to frame it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { global } from './global.js';

export const DEFAULT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const securityPlugin: FastifyPluginAsync = global('faultline-security', async (app) => {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', DEFAULT_CSP);
    if (!reply.hasHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
});
