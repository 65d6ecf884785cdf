/**
 * The embedded default runner for batch and serve: a pool of long-lived
 * worker threads (piscina). A case is plain data in (its spec), plain data
 * out (its result, or a failure with a code). What a case can do to its
 * thread stays with that case:
 *   - past `timeoutMs` it fails with E_TIMEOUT, cancelled (the signal) with
 *     E_CANCELLED: piscina terminates the thread running it, so even a case
 *     stuck in a loop or on a read that never ends is stopped;
 *   - past the thread's memory limit it fails with E_LIMIT;
 *   - a thread that crashes fails its case with E_INTERNAL;
 *   (a thread that dies takes its case's pending events with it: they are not waited for)
 * and in each of these the pool starts a fresh thread and goes on.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { FaultlineError, type RunEvent, type RunResult, type RunSpec } from '../model/index.js';
import type { RunOptions, ThreadedRunner } from './types.js';
import type { PoolMessage, PoolReply, PoolTask } from './worker.js';
import { compiledModule } from './compiled.js';

export { DEFAULT_WORKER_MEMORY_MB } from './defaults.js';
import { DEFAULT_WORKER_MEMORY_MB } from './defaults.js';

export interface PoolOptions {
  /** threads; default: this machine's cores */
  jobs?: number;
  /** old-generation heap limit per thread, MB */
  memoryMb?: number;
  /** a module exporting `registry: Detector[]`, imported by each thread (see PoolTask.registryModule) */
  registryModule?: string;
  /** the compiled worker module; default: worker.js beside this module (see `defaultWorkerFile`) */
  workerFile?: string;
}

export class PoolRunner implements ThreadedRunner {
  readonly jobs: number;
  readonly memoryMb: number;
  private readonly pool: Piscina<PoolTask, PoolReply<unknown>>;
  private readonly workerFile: string;
  private readonly registryModule?: string;
  private closed = false;
  /** cases running or queued, by the number their thread tags messages with */
  private readonly pending = new Map<number, { message: (m: PoolMessage) => void; fail: (e: FaultlineError) => void }>();
  private nextId = 1;
  /** set when the threads cannot start (piscina then stops replacing them and would queue cases forever) */
  private broken?: FaultlineError;
  private lastError?: Error;

  constructor(opts: PoolOptions = {}) {
    this.jobs = Math.max(1, Math.floor(opts.jobs ?? availableParallelism()));
    this.memoryMb = opts.memoryMb ?? DEFAULT_WORKER_MEMORY_MB;
    this.registryModule = opts.registryModule;
    const filename = opts.workerFile ?? defaultWorkerFile();
    if (!existsSync(filename)) throw new FaultlineError('E_INTERNAL', `the pool's worker module ${filename} is missing (build with 'npm run build')`);
    this.workerFile = filename;
    this.pool = new Piscina<PoolTask, PoolReply<unknown>>({
      filename,
      minThreads: this.jobs,
      maxThreads: this.jobs,
      // Threads live as long as the pool: starting one costs tens of ms of module loading.
      idleTimeout: Infinity,
      // Callers bound their own work (batch keeps a few cases ahead, serve queues to a limit).
      maxQueue: Infinity,
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
    });
    this.pool.on('message', (m: PoolMessage) => {
      if (m && m.faultline === 'case') this.pending.get(m.id)?.message(m);
    });
    // A thread's error outside any case would otherwise be an unhandled 'error' event: the whole process down.
    this.pool.on('error', (err: Error) => {
      this.lastError = err;
      this.checkThreads();
    });
    this.pool.on('workerDestroy', () => this.checkThreads());
  }

  /**
   * piscina replaces a thread that dies, unless threads die as they start (a worker module that
   * cannot load): then none is left and queued cases would wait forever. Fail them instead.
   */
  private checkThreads(): void {
    setImmediate(() => {
      if (this.closed || this.broken || this.pool.threads.length > 0) return;
      this.broken = new FaultlineError('E_INTERNAL', `the worker threads cannot start${this.lastError ? `: ${this.lastError.message}` : ' (they exit as they start)'}`);
      for (const p of this.pending.values()) p.fail(this.broken);
    });
  }

  run(spec: RunSpec, opts: RunOptions = {}): Promise<RunResult> {
    return this.runOnThread<RunResult>(this.workerFile, spec, undefined, opts);
  }

  /**
   * A case run through another worker module on the same threads (piscina loads it beside the
   * pool's own, once per thread): the module's reply comes back as it is. Time limit, memory
   * limit, crash and cancellation hold as for `run`, for the whole task — what the module does
   * after the analysis included.
   */
  async runOnThread<R>(workerFile: string, spec: RunSpec, job: unknown, opts: RunOptions = {}): Promise<R> {
    if (this.closed) throw new FaultlineError('E_INTERNAL', 'the worker pool is closed');
    if (this.broken) throw this.broken;
    if (opts.signal?.aborted) throw cancelled();
    const stop = new AbortController();
    let why: 'cancelled' | 'timeout' | undefined;
    const end = (reason: 'cancelled' | 'timeout') => {
      if (why) return;
      why = reason;
      stop.abort(reason);
    };
    const onAbort = () => end('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;

    const id = this.nextId++;
    let eventsDone!: () => void;
    const allEvents = new Promise<void>((resolve) => (eventsDone = resolve));
    let failRun!: (e: FaultlineError) => void;
    const failed = new Promise<never>((_, reject) => (failRun = reject));
    this.pending.set(id, {
      message: (m) => {
        if (m.kind === 'start') {
          // The time limit counts the case's run, not its wait in the queue.
          if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) timer = setTimeout(() => end('timeout'), opts.timeoutMs);
        } else if (m.kind === 'end') eventsDone();
        else if (m.event) opts.onEvent?.(m.event);
      },
      fail: (e) => {
        failRun(e);
        stop.abort(e);
      },
    });

    const task: PoolTask = {
      spec,
      id,
      ...(opts.onEvent ? { events: true } : {}),
      ...(this.registryModule ? { registryModule: this.registryModule } : {}),
      ...(job === undefined ? {} : { job }),
    };
    try {
      const reply = (await Promise.race([this.pool.run(task, { signal: stop.signal, filename: workerFile }), failed])) as PoolReply<R>;
      // The reply and the thread's messages travel on different ports: wait for the end marker.
      await Promise.race([allEvents, failed]);
      if (reply.ok) return reply.result;
      throw new FaultlineError(reply.error.code, reply.error.message, reply.error.location);
    } catch (err) {
      if (err instanceof FaultlineError) throw err;
      if (why === 'timeout') throw new FaultlineError('E_TIMEOUT', `the case ran past its time limit of ${formatMs(opts.timeoutMs!)} and was stopped`);
      if (why === 'cancelled') throw cancelled();
      throw threadFailure(err, this.memoryMb);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      this.pending.delete(id);
    }
  }

  /** Lets running cases finish, then ends the threads. Abort the cases first to stop at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }
}

function cancelled(): FaultlineError {
  return new FaultlineError('E_CANCELLED', 'the case was cancelled');
}

/** What a thread's death means for its case. */
function threadFailure(err: unknown, memoryMb: number): FaultlineError {
  const e = err as Error & { code?: string };
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new FaultlineError('E_LIMIT', `the case ran out of memory: its worker thread passed the limit of ${memoryMb} MB and was stopped`);
  const exit = /worker exited with code: (-?\d+)/.exec(e?.message ?? '');
  if (exit) return new FaultlineError('E_INTERNAL', `the worker thread analysing the case exited (code ${exit[1]})`);
  return new FaultlineError('E_INTERNAL', `the worker thread analysing the case failed: ${e?.message ?? String(err)}`);
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** worker.js beside this module when compiled (dist/src/runner/); from the sources, the one under dist/. */
export function defaultWorkerFile(): string {
  return compiledModule(import.meta.url, 'worker.js');
}
