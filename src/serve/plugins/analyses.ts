/**
 * The API: POST /api/analyses (multipart, field `files`, optional `name`),
 * GET /api/analyses[?q=], GET /api/analyses/:id, POST /api/analyses/:id/notes,
 * DELETE /api/analyses/:id.
 *
 * An upload streams to files of ours in tmp/, hashed and counted as it comes:
 * past --max-upload-mb (all files together) it ends with 413 and its folder
 * is removed; only a whole upload becomes an analysis.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ID_PATTERN } from '../ids.js';
import { cleanText, displayName, uniqueNames } from '../names.js';
import type { AnalysisMeta, Staging, StoredInput } from '../store.js';
import { renderReport, schemaResult } from '../render.js';

export interface AnalysesOptions {
  maxUploadBytes: number;
}

/** Seconds a refused upload is told to wait. */
const RETRY_AFTER = 5; /* s */
const MAX_FILES = 1000;
const MAX_NAME = 200; /* characters */
const MAX_NOTE = 4000; /* characters */
/** multipart boundaries and part headers on top of the files' bytes, for the early Content-Length check */
const MULTIPART_SLACK = 1 << 20; /* bytes */

class TooLarge extends Error {}
class BadUpload extends Error {}

/** Counts and hashes the bytes of one file on their way to disk; fails once the upload's budget is spent. */
class Meter extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  constructor(private readonly budget: { left: number }) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.budget.left -= chunk.length;
    if (this.budget.left < 0) return cb(new TooLarge());
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: ID_PATTERN } }, required: ['id'] } as const;
const errorSchema = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } } as const;
const countsSchema = { type: 'object', properties: { error: { type: 'integer' }, warning: { type: 'integer' }, info: { type: 'integer' } } } as const;
const noteSchema = { type: 'object', properties: { id: { type: 'string' }, text: { type: 'string' }, created: { type: 'string' }, finding: { type: 'string' } } } as const;
const summarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    created: { type: 'string' },
    status: { type: 'string' },
    url: { type: 'string' },
    inputs: { type: 'array', items: { type: 'string' } },
    counts: countsSchema,
    input_errors: { type: 'integer' },
  },
} as const;

function summary(m: AnalysisMeta) {
  return { id: m.id, name: m.name, created: m.created, status: m.status, url: `/a/${m.id}`, inputs: m.inputs.map((i) => i.name), counts: m.counts, input_errors: m.input_errors };
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

export const analysesPlugin: FastifyPluginAsync<AnalysesOptions> = async (app, opts) => {
  const { maxUploadBytes } = opts;
  app.decorateRequest('reserved', false);
  await app.register(multipart, {
    throwFileSizeLimit: false,
    // the Meter enforces the total; busboy's per-file limit only backs it up
    limits: { fileSize: maxUploadBytes + 1, files: MAX_FILES, fields: 16, fieldSize: 4096, parts: MAX_FILES + 16, headerPairs: 100 },
  });

  app.post(
    '/api/analyses',
    {
      schema: { response: { 202: { type: 'object', properties: { id: { type: 'string' }, url: { type: 'string' }, status: { type: 'string' } } }, '4xx': errorSchema, '5xx': errorSchema } },
      onRequest: async (req, reply) => {
        const length = Number(req.headers['content-length']);
        if (Number.isFinite(length) && length > maxUploadBytes + MULTIPART_SLACK) {
          return fail(reply.header('Connection', 'close'), 413, 'E_TOO_LARGE', `the upload is over the limit of ${mb(maxUploadBytes)}`);
        }
        if (!app.jobs.tryReserve()) {
          return fail(reply.header('Retry-After', String(RETRY_AFTER)).header('Connection', 'close'), 503, 'E_BUSY', 'too many analyses waiting; try again shortly');
        }
        req.reserved = true;
      },
      onResponse: async (req) => {
        if (req.reserved) app.jobs.release();
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) return fail(reply, 415, 'E_USAGE', "send multipart/form-data with the files in field 'files'");
      let staging: Staging | undefined;
      try {
        staging = await app.store.stage();
        const budget = { left: maxUploadBytes };
        const received: { clientName: string; size: number; sha256: string }[] = [];
        let name = '';
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'files') {
              part.file.resume();
              throw new BadUpload(`files go in field 'files', not '${part.fieldname}'`);
            }
            const meter = new Meter(budget);
            await pipeline(part.file, meter, createWriteStream(staging.inputPath(received.length + 1), { flags: 'wx' }));
            if (part.file.truncated) throw new TooLarge();
            received.push({ clientName: part.filename, size: meter.bytes, sha256: meter.hash.digest('hex') });
          } else if (part.fieldname === 'name' && typeof part.value === 'string') {
            name = cleanText(part.value, MAX_NAME);
          }
        }
        if (received.length === 0) throw new BadUpload("no file in field 'files'");
        const names = uniqueNames(received.map((r, i) => displayName(r.clientName, `input-${i + 1}`)));
        const inputs: StoredInput[] = received.map((r, i) => ({ n: i + 1, name: names[i], size: r.size, sha256: r.sha256 }));
        const meta: AnalysisMeta = {
          id: staging.id,
          name: name || (names.length === 1 ? names[0] : `${names[0]} and ${names.length - 1} more`),
          created: new Date().toISOString(),
          status: 'queued',
          inputs,
          attempts: 0,
        };
        await app.store.commit(staging, meta);
        staging = undefined;
        // the reservation becomes a place in the line
        app.jobs.enqueue(meta.id);
        return reply.code(202).header('Location', `/api/analyses/${meta.id}`).send({ id: meta.id, url: `/a/${meta.id}`, status: meta.status });
      } catch (err) {
        if (staging) await app.store.discard(staging);
        if (err instanceof TooLarge || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          reply.header('Connection', 'close');
          return fail(reply, 413, 'E_TOO_LARGE', `the upload is over the limit of ${mb(maxUploadBytes)}; nothing was kept`);
        }
        if (err instanceof BadUpload) return fail(reply, 400, 'E_USAGE', err.message);
        const code = (err as { code?: string }).code;
        if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') return fail(reply, 413, 'E_TOO_LARGE', `at most ${MAX_FILES} files in one upload`);
        if (code?.startsWith('FST_')) return fail(reply, 400, 'E_USAGE', (err as Error).message);
        // the client went away mid-upload: nothing to answer, nothing kept
        if (req.raw.destroyed || req.raw.aborted || code === 'ECONNRESET') return reply;
        throw err;
      }
    },
  );

  app.get(
    '/api/analyses',
    {
      schema: {
        querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { analyses: { type: 'array', items: summarySchema } } } },
      },
    },
    async (req) => ({ analyses: app.store.list((req.query as { q?: string }).q).map(summary) }),
  );

  app.get(
    '/api/analyses/:id',
    {
      schema: {
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              ...summarySchema.properties,
              markdown_url: { type: 'string' },
              postmortem_url: { type: 'string' },
              started: { type: 'string' },
              finished: { type: 'string' },
              remark: { type: 'string' },
              error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
              files: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' }, name: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' }, url: { type: 'string' } } } },
              progress: { type: 'object', additionalProperties: true },
              notes: { type: 'object', properties: { analysis: { type: 'array', items: noteSchema }, findings: { type: 'object', additionalProperties: { type: 'array', items: noteSchema } } } },
              result: { type: 'object', additionalProperties: true },
            },
          },
          404: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const m = app.store.get(id);
      if (!m) return fail(reply, 404, 'E_NOT_FOUND', 'no such analysis');
      const out: Record<string, unknown> = {
        ...summary(m),
        markdown_url: `/a/${m.id}.md`,
        postmortem_url: `/a/${m.id}.postmortem.md`,
        started: m.started,
        finished: m.finished,
        remark: m.remark,
        error: m.error,
        files: m.inputs.map((i) => ({ ...i, url: `/a/${m.id}/inputs/${i.n}` })),
        progress: app.jobs.progressOf(id),
        notes: await app.store.readNotes(id),
      };
      if (m.status === 'done') {
        const result = await app.store.readResult(id);
        if (result) out.result = await schemaResult(result);
      }
      return out;
    },
  );

  app.post(
    '/api/analyses/:id/notes',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          properties: { text: { type: 'string', minLength: 1, maxLength: MAX_NOTE }, finding: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['text'],
          additionalProperties: false,
        },
        response: { 201: noteSchema, '4xx': errorSchema },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const { text, finding } = req.body as { text: string; finding?: string };
      const m = app.store.get(id);
      if (!m) return fail(reply, 404, 'E_NOT_FOUND', 'no such analysis');
      const clean = cleanText(text, MAX_NOTE, true);
      if (!clean) return fail(reply, 400, 'E_USAGE', 'the note is empty');
      const result = m.status === 'done' ? await app.store.readResult(id) : undefined;
      if (finding !== undefined && !result?.findings.some((f) => f.id === finding)) {
        return fail(reply, 404, 'E_NOT_FOUND', 'no such finding in this analysis');
      }
      const note = await app.store.addNote(id, clean, finding);
      // the stored report shows the notes: write it again now rather than on the next read
      if (result) await app.store.writeReport(id, await renderReport('html', result, await app.store.readNotes(id)));
      return reply.code(201).send(note);
    },
  );

  app.delete('/api/analyses/:id', { schema: { params: idParams, response: { '4xx': errorSchema } } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!app.store.get(id)) return fail(reply, 404, 'E_NOT_FOUND', 'no such analysis');
    app.jobs.cancel(id);
    await app.store.delete(id);
    return reply.code(204).send();
  });
};

function mb(bytes: number): string {
  return `${(bytes / (1 << 20)).toLocaleString('en', { maximumFractionDigits: 1 })} MB`;
}
