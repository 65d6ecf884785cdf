/**
 * The task a pool thread runs: one case. Plain data in (the spec, a port for
 * events), plain data out (a reply, never a thrown error: a structured clone
 * drops an error's `code`, so failures travel as data). The thread lives on
 * between cases; everything here is per call.
 */
import { pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import type { Detector } from '../pipeline/index.js';
import { FaultlineError, type ErrorCode, type Location, type RunEvent, type RunResult, type RunSpec } from '../model/index.js';
import { runCase } from '../pipeline/index.js';

export interface PoolTask {
  spec: RunSpec;
  /** where the run's events go; transferred with the task, closed when the case ends */
  events?: MessagePort;
  /**
   * A module (absolute path or file: URL) exporting `registry: Detector[]`: the detectors to
   * choose from, for a library user's own detectors. Functions cannot cross a thread, a module name can.
   */
  registryModule?: string;
}

export interface PoolFailure {
  code: ErrorCode;
  message: string;
  location: Location;
}

export type PoolReply = { ok: true; result: RunResult } | { ok: false; error: PoolFailure };

/** The first message of a case: it left the queue and runs now (its time limit starts). */
export const EVENTS_START = 'faultline:case-start';
/** The last message of a case: every event of the case was posted before it. */
export const EVENTS_END = 'faultline:case-end';

export default async function runPoolTask(task: PoolTask): Promise<PoolReply> {
  const port = task.events;
  port?.postMessage(EVENTS_START);
  try {
    const registry = task.registryModule ? await loadRegistry(task.registryModule) : undefined;
    const result = await runCase(task.spec, {
      registry,
      onEvent: port ? (e: RunEvent) => port.postMessage(e) : undefined,
    });
    return { ok: true, result };
  } catch (err) {
    if (err instanceof FaultlineError) return { ok: false, error: { code: err.code, message: err.message, location: { ...err.location } } };
    const e = err as Error;
    return { ok: false, error: { code: 'E_INTERNAL', message: e?.message ?? String(err), location: {} } };
  } finally {
    port?.postMessage(EVENTS_END);
    port?.close();
  }
}

async function loadRegistry(module: string): Promise<readonly Detector[]> {
  const url = module.startsWith('file:') ? module : pathToFileURL(module).href;
  const mod = (await import(url)) as { registry?: readonly Detector[] };
  if (!Array.isArray(mod.registry)) throw new FaultlineError('E_INTERNAL', `detector module ${module} exports no 'registry' array`);
  return mod.registry;
}
