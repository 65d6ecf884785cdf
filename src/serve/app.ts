/**
 * `faultline serve` as a library: a Fastify server over one `--data` folder
 * and one injected Runner (the worker pool by default; BullMQ with --queue;
 * in-process in a test). Routes live in plugins with their own schemas; the
 * store, the jobs and the options are decorators of this instance, so two
 * servers in one process share nothing.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { FaultlineError, type RunResult, type RunSpec, type Severity, type SourceRef } from '../model/index.js';
import { specFromSources } from '../pipeline/index.js';
import { listArchive } from '../sources/index.js';
import type { Runner } from '../runner/types.js';
import { Jobs } from './jobs.js';
import { analysesPlugin } from './plugins/analyses.js';
import { authPlugin } from './plugins/auth.js';
import { pagePlugin } from './plugins/page.js';
import { reportsPlugin } from './plugins/reports.js';
import { securityPlugin } from './plugins/security.js';
import { renderReport } from './render.js';
import { Store, type AnalysisMeta } from './store.js';
import { DEFAULT_MAX_PENDING } from './defaults.js';

// defined beside the CLI's other start-up defaults (no bullmq/Fastify import to read them)
export { DEFAULT_MAX_PENDING };

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    jobs: Jobs;
  }
  interface FastifyRequest {
    /** holds a place counted against --max-pending (an upload) */
    reserved: boolean;
  }
}

export interface ServeOptions {
  /** the --data folder */
  dataDir: string;
  runner: Runner;
  /** when set, every route but /healthz needs it */
  token?: string;
  /** all files of one upload together */
  maxUploadBytes: number;
  /** analyses run at once */
  concurrency: number;
  /** uploads in flight + analyses waiting or running, past which uploads get 503 */
  maxPending?: number;
  /** an analysis the server stopped under this many times is marked failed instead of run again */
  maxAttempts?: number;
  /** ms per analysis (the runner enforces it) */
  timeoutMs?: number;
  /** the Host names this server answers to (a loopback server without a token: loopback names only); undefined = any */
  allowedHosts?: string[];
  /** Fastify's logger (off in tests) */
  logger?: boolean;
  log?: (msg: string) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 2;

/** What people call an archive is what they packed as one: told by the name, then read by its magic bytes. */
export function isArchiveName(name: string): boolean {
  return /\.(tar|tar\.gz|tgz|zip)$/i.test(name);
}

/**
 * The sources of a stored analysis: its uploads, under the names the client
 * gave (display only). One uploaded archive is one case of its members
 * (`bundle.tgz!capture.pcap`), read from the archive as streams, never
 * extracted; an archive that cannot be listed is that analysis's input error.
 */
export async function specForAnalysis(store: Store, meta: AnalysisMeta): Promise<RunSpec> {
  const only = meta.inputs.length === 1 ? meta.inputs[0] : undefined;
  if (only && isArchiveName(only.name)) {
    const archive = store.inputPath(meta.id, only.n);
    try {
      const listing = await listArchive(archive);
      const sources: SourceRef[] = listing.members.map((m) => ({ kind: 'archive-member', archive, member: m.name, name: `${only.name}!${m.name}`, size: m.size }));
      const spec = specFromSources(sources, {});
      if (sources.length === 0) spec.expand_errors.push({ name: only.name, code: 'E_EMPTY_FOLDER', message: 'the archive holds no file' });
      return spec;
    } catch (err) {
      const e = err instanceof FaultlineError ? err : new FaultlineError('E_ARCHIVE', (err as Error).message);
      const spec = specFromSources([], {});
      spec.expand_errors.push({ name: only.name, code: e.code, message: e.message });
      return spec;
    }
  }
  const sources: SourceRef[] = meta.inputs.map((i) => ({ kind: 'upload', path: store.inputPath(meta.id, i.n), name: i.name, sha256: i.sha256, size: i.size }));
  return specFromSources(sources, {});
}

export interface Server {
  app: FastifyInstance;
  store: Store;
  jobs: Jobs;
  /** analyses found half-written in --data and left alone */
  skipped: string[];
  /** analyses queued again after a restart */
  resumed: number;
}

export async function buildServer(opts: ServeOptions): Promise<Server> {
  const { store, skipped } = await Store.open(opts.dataDir);
  const jobs = new Jobs({
    runner: opts.runner,
    store,
    concurrency: Math.max(1, opts.concurrency),
    maxPending: opts.maxPending ?? DEFAULT_MAX_PENDING,
    timeoutMs: opts.timeoutMs,
    log: opts.log,
    specFor: (meta) => specForAnalysis(store, meta),
    onResult: (id, result) => storeResult(store, id, result),
  });

  // forceCloseConnections: a stop must not wait out clients' keep-alive sockets (72 s); an upload cut by it is dropped and its tmp/ folder removed at the next start
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 64 * 1024, return503OnClosing: true, forceCloseConnections: true });
  app.decorate('store', store);
  app.decorate('jobs', jobs);
  app.setErrorHandler((err: FaultlineError | (Error & { statusCode?: number; code?: string; validation?: unknown }), req, reply) => {
    const status = 'statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) opts.log?.(`${req.method} ${req.url}: ${err.message}`);
    const code = status === 413 ? 'E_TOO_LARGE' : status < 500 ? 'E_USAGE' : 'E_INTERNAL';
    return reply.code(status).send({ error: { code, message: status < 500 ? err.message : 'internal error' } });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: { code: 'E_NOT_FOUND', message: 'no such route' } }));

  await app.register(securityPlugin);
  await app.register(authPlugin, { token: opts.token, allowedHosts: opts.allowedHosts });
  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, pending: { type: 'integer' } } } } } }, async () => ({ ok: true, pending: jobs.pending() }));
  await app.register(pagePlugin);
  await app.register(reportsPlugin);
  await app.register(analysesPlugin, { maxUploadBytes: opts.maxUploadBytes });
  app.addHook('onClose', async () => {
    await jobs.close();
    await store.flush();
  });

  const again = await store.recover(opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  for (const id of again) jobs.enqueue(id);
  return { app, store, jobs, skipped, resumed: again.length };
}

/** A finished run: result first, then its report, then the status that lists it as done (a crash between leaves it running, so run again). */
async function storeResult(store: Store, id: string, result: RunResult): Promise<void> {
  await store.writeResult(id, result);
  await store.writeReport(id, await renderReport('html', result, await store.readNotes(id)));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of result.findings) counts[f.severity]++;
  await store.update(id, {
    status: 'done',
    finished: new Date().toISOString(),
    counts,
    input_errors: result.inputs.filter((i) => i.status === 'error').length,
  });
}
