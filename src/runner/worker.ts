/**
 * The task a pool thread runs: one case. Plain data in (the spec, a port for
 * events), plain data out (a reply, never a thrown error: a structured clone
 * drops an error's `code`, so failures travel as data). The thread lives on
 * between cases; everything here is per call.
 */
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import type { Detector } from '../pipeline/index.js';
import { FaultlineError, type ErrorCode, type Location, type RunEvent, type RunResult, type RunSpec } from '../model/index.js';
import { runCase } from '../pipeline/index.js';

export interface PoolTask<J = unknown> {
  spec: RunSpec;
  /**
   * The pool's number for this case: the run's events go to the pool over the thread's own
   * port, tagged with it (a MessageChannel per case would cost a port transfer per case).
   */
  id?: number;
  /**
   * Post the run's events (a handful per input, one per chunk read): only when someone listens.
   * Each is a message to the main thread; measured at 1.5 ms of a thread's time per case of 5
   * small traces, 16% of the case (bench/batch, which wants none).
   */
  events?: boolean;
  /**
   * A module (absolute path or file: URL) exporting `registry: Detector[]`: the detectors to
   * choose from, for a library user's own detectors. Functions cannot cross a thread, a module name can.
   */
  registryModule?: string;
  /**
   * What a caller's own worker module needs beside the spec to finish the case on the thread
   * (batch: where to write its reports); plain data. This module ignores it.
   */
  job?: J;
}

export interface PoolFailure {
  code: ErrorCode;
  message: string;
  location: Location;
}

export type PoolReply<R = RunResult> = { ok: true; result: R } | { ok: false; error: PoolFailure };

/** What a thread posts about a case besides its reply: its start, its events, its end. */
export interface PoolMessage {
  /** tags our messages among whatever else a thread may post */
  faultline: 'case';
  id: number;
  /** 'start': the case left the queue and runs (its time limit starts); 'end': every event was posted before this */
  kind: 'start' | 'event' | 'end';
  event?: RunEvent;
}

export default function runPoolTask(task: PoolTask): Promise<PoolReply> {
  return runPoolCase(task, (result) => result);
}

/**
 * The body of every pool task: posts the case's start, its events and its end, runs it, and
 * hands its result to `finish` on this thread — what a caller's own worker module builds on
 * (src/batch/worker.ts renders and writes the case's reports here, and replies with a summary).
 * `finish` runs inside the case: within its time limit, memory limit and cancellation.
 */
export async function runPoolCase<J, R>(task: PoolTask<J>, finish: (result: RunResult, job: J | undefined) => R | Promise<R>): Promise<PoolReply<R>> {
  const id = task.id;
  const post = id === undefined || !parentPort ? undefined : (kind: PoolMessage['kind'], event?: RunEvent) => parentPort!.postMessage({ faultline: 'case', id, kind, event } satisfies PoolMessage);
  post?.('start');
  try {
    const registry = task.registryModule ? await loadRegistry(task.registryModule) : undefined;
    const result = await runCase(task.spec, {
      registry,
      onEvent: post && task.events ? (e: RunEvent) => post('event', e) : undefined,
    });
    return { ok: true, result: await finish(result, task.job) };
  } catch (err) {
    if (err instanceof FaultlineError) return { ok: false, error: { code: err.code, message: err.message, location: { ...err.location } } };
    const e = err as Error;
    return { ok: false, error: { code: 'E_INTERNAL', message: e?.message ?? String(err), location: {} } };
  } finally {
    // Messages on one port arrive in order: 'end' tells the pool no event of this case is still on its way.
    post?.('end');
  }
}

async function loadRegistry(module: string): Promise<readonly Detector[]> {
  const url = module.startsWith('file:') ? module : pathToFileURL(module).href;
  const mod = (await import(url)) as { registry?: readonly Detector[] };
  if (!Array.isArray(mod.registry)) throw new FaultlineError('E_INTERNAL', `detector module ${module} exports no 'registry' array`);
  return mod.registry;
}
