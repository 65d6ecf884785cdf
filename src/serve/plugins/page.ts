/** The page and its own assets. Its CSP allows scripts, styles and frames from this server only. */
import type { FastifyPluginAsync } from 'fastify';
import { PAGE_CSS } from '../page/css.js';
import { PAGE_JS } from '../page/client.js';
import { FAVICON_SVG, PAGE_HTML } from '../page/html.js';

export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const pagePlugin: FastifyPluginAsync = async (app) => {
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('Content-Security-Policy', PAGE_CSP).send(PAGE_HTML));
  app.get('/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(PAGE_JS));
  app.get('/app.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(PAGE_CSS));
  app.get('/favicon.svg', async (_req, reply) => reply.type('image/svg+xml').header('Cache-Control', 'max-age=86400').send(FAVICON_SVG));
  app.get('/favicon.ico', async (_req, reply) => reply.type('image/svg+xml').header('Cache-Control', 'max-age=86400').send(FAVICON_SVG));
};
