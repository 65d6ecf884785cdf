/**
 * What a shared link opens: GET /a/:id (the HTML report with its notes),
 * GET /a/:id.md (Markdown), GET /a/:id.postmortem.md (the postmortem draft), GET /a/:id/inputs/:n (an uploaded input, always
 * as a download: never rendered, whatever it holds).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { esc } from '../../../reports/html/escape.js';
import { cspHash } from '../../../reports/html/index.js';
import { isId } from '../ids.js';
import { attachmentHeader } from '../names.js';
import { renderReport, reportCsp } from '../render.js';
import type { AnalysisMeta } from '../store.js';

const WAIT_CSS = 'body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:10vh auto;padding:0 16px;color:#1f2937}.err{color:#c62828}';

/** While an analysis is not done: a page without script that reloads itself every 2 s. */
function waitingPage(m: AnalysisMeta): string {
  const failed = m.status === 'failed';
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    failed ? '' : '<meta http-equiv="refresh" content="2">',
    `<title>${esc(m.name)} — ${esc(m.status)}</title><style>${WAIT_CSS}</style></head><body>`,
    `<h1>${esc(m.name)}</h1>`,
    failed ? `<p class="err">The analysis failed: ${esc(m.error?.code ?? '')} ${esc(m.error?.message ?? '')}</p>` : `<p>The analysis is ${esc(m.status)}. This page reloads by itself.</p>`,
    '</body></html>',
  ].join('');
}

export const reportsPlugin: FastifyPluginAsync = async (app) => {
  const params = { type: 'object', properties: { file: { type: 'string', maxLength: 40 } }, required: ['file'] } as const;

  app.get('/a/:file', { schema: { params } }, async (req, reply) => {
    const { file } = req.params as { file: string };
    const format = file.endsWith('.postmortem.md') ? 'postmortem' : file.endsWith('.md') ? 'markdown' : 'html';
    const markdown = format !== 'html';
    const id = file.slice(0, file.length - (format === 'postmortem' ? '.postmortem.md' : format === 'markdown' ? '.md' : '').length);
    const m = isId(id) ? app.store.get(id) : undefined;
    if (!m) return reply.code(404).type('text/plain; charset=utf-8').send('no such analysis\n');
    if (m.status !== 'done') {
      if (markdown) return reply.code(409).type('text/plain; charset=utf-8').send(`the analysis is ${m.status}\n`);
      return reply.type('text/html; charset=utf-8').header('Content-Security-Policy', `default-src 'none'; style-src ${cspHash(WAIT_CSS)}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`).header('X-Frame-Options', 'SAMEORIGIN').send(waitingPage(m));
    }
    if (markdown) {
      const result = await app.store.readResult(id);
      if (!result) return reply.code(500).type('text/plain; charset=utf-8').send('the result is missing\n');
      return reply.type('text/markdown; charset=utf-8').send(await renderReport(format, result, await app.store.readNotes(id)));
    }
    let html: string;
    try {
      html = await readFile(app.store.reportPath(id), 'utf8');
    } catch {
      // the server stopped between the result and its report: draw it now
      const result = await app.store.readResult(id);
      if (!result) return reply.code(500).type('text/plain; charset=utf-8').send('the result is missing\n');
      html = await renderReport('html', result, await app.store.readNotes(id));
      await app.store.writeReport(id, html);
    }
    return reply.type('text/html; charset=utf-8').header('Content-Security-Policy', reportCsp(html)).header('X-Frame-Options', 'SAMEORIGIN').send(html);
  });

  app.get(
    '/a/:id/inputs/:n',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 }, n: { type: 'integer', minimum: 1 } }, required: ['id', 'n'] } } },
    async (req, reply) => {
      const { id, n } = req.params as { id: string; n: number };
      const input = app.store.get(id)?.inputs.find((i) => i.n === n);
      if (!input) return reply.code(404).type('text/plain; charset=utf-8').send('no such input\n');
      const file = app.store.inputPath(id, n);
      const st = await stat(file);
      return reply
        .type('application/octet-stream')
        .header('Content-Disposition', attachmentHeader(input.name))
        .header('Content-Length', String(st.size))
        .send(createReadStream(file));
    },
  );
};
