/**
 * A runner takes run specs and gives results: in-process (the CLI), a pool of
 * worker threads (the embedded default for batch and serve), or BullMQ workers
 * on Redis. Batch and serve talk to this interface only, so they do not care
 * which one runs a case.
 */
import type { RunEvent, RunResult, RunSpec } from '../model/index.js';

export interface RunOptions {
  /** aborting ends the case with E_CANCELLED */
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** ms; past it the case fails with E_TIMEOUT */
  timeoutMs?: number;
  /** a stable key for the case (batch: its relative name; serve: the analysis id): queue job ids, idempotent writes */
  key?: string;
}

export interface Runner {
  run(spec: RunSpec, opts?: RunOptions): Promise<RunResult>;
  /** finish what runs, release threads and connections */
  close(): Promise<void>;
}

/**
 * A runner whose cases run on threads of this process can also run a caller's own worker
 * module there: one that builds on `runPoolCase` (src/runner/worker.ts), finishing the case
 * on its thread (batch renders and writes its reports) and replying with what the caller
 * needs. Runners beyond this process (the queue) and the in-process one are plain Runners.
 */
export interface ThreadedRunner extends Runner {
  runOnThread<R>(workerFile: string, spec: RunSpec, job: unknown, opts?: RunOptions): Promise<R>;
}

export function isThreadedRunner(r: Runner): r is ThreadedRunner {
  return typeof (r as Partial<ThreadedRunner>).runOnThread === 'function';
}
