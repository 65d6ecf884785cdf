/**
 * What crosses Redis: one job per case. The job's data is everything a worker
 * needs and nothing else (BullMQ's habit: the processor is a function of the
 * job's data alone), so any worker on any machine can run it, again, after a
 * crash. Plain JSON only: a RunSpec whose sources are absolute paths on a mount
 * every worker shares, with the digests they must have.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FaultlineError, type ErrorCode, type RunResult, type RunSpec } from '../model/index.js';

/** One queue for every case: batch and serve share the workers. */
export const QUEUE_NAME = 'faultline-cases';

/** A file the case reads, as it was when the case was queued: the worker checks it before analysing. */
export interface FileCheck {
  path: string;
  size: number;
  sha256: string;
}

export interface CaseJob {
  job_version: 1;
  /** the faultline version that queued the case: a worker of another version refuses it */
  faultline: string;
  /** the case's stable key (batch: its relative name; serve: the analysis id) — for people reading the queue */
  key: string;
  spec: RunSpec;
  /** every file the spec reads (an archive once for all its members) */
  files: FileCheck[];
  /** ms the worker gives the case once it runs (time waiting in the queue does not count) */
  timeout_ms: number | null;
}

/**
 * The job's return value. Results go back through Redis, not through files:
 * workers then need only read access to the evidence mount, nothing is left
 * to clean up on it, and Redis already keeps the result atomically with the
 * job's completion (a worker killed before it finished leaves no result, never
 * half of one). A result is bounded (lanes are capped), and JSON compresses
 * ~10×: above a few KB it travels gzipped.
 */
export type CaseReturn =
  | { encoding: 'json'; key: string; result: RunResult }
  | { encoding: 'gzip-base64'; key: string; bytes: number; data: string };

/** Below this a result goes as plain JSON (gzip would cost more than it saves). */
const GZIP_ABOVE = 16 * 1024; /* bytes of JSON */

export function encodeResult(key: string, result: RunResult): CaseReturn {
  const json = JSON.stringify(result);
  if (json.length < GZIP_ABOVE) return { encoding: 'json', key, result };
  return { encoding: 'gzip-base64', key, bytes: Buffer.byteLength(json), data: gzipSync(json).toString('base64') };
}

export function decodeResult(ret: unknown): RunResult {
  const r = ret as CaseReturn | null;
  if (r?.encoding === 'json') return r.result;
  if (r?.encoding === 'gzip-base64') return JSON.parse(gunzipSync(Buffer.from(r.data, 'base64')).toString('utf8')) as RunResult;
  throw new FaultlineError('E_QUEUE', 'the job finished without a result (a worker of another faultline version?)');
}

/**
 * The job id: the same case with the same inputs (by digest), spec and version is the same job,
 * so enqueueing it twice (a retried call, a restarted batch) adds nothing; a changed input is a new job.
 * A hash, because BullMQ ids may not contain ':' and case names may.
 */
export function jobIdFor(job: CaseJob): string {
  const basis = JSON.stringify([job.faultline, job.key, job.spec, job.files]);
  return `case-${createHash('sha256').update(basis).digest('hex').slice(0, 40)}`;
}

/**
 * A worker fails a job with `E_CODE: message` so the code survives Redis (a failed
 * job keeps only a reason string); the runner reads it back into a FaultlineError.
 */
export function failureReason(code: ErrorCode, message: string): string {
  return `${code}: ${message}`;
}

/** BullMQ's own reason when a job outlived maxStalledCount: every worker that took it died or stalled. */
const STALLED = /stalled more than allowable limit/;

export function errorFromReason(reason: string | undefined, attempts: number): FaultlineError {
  const m = /^(E_[A-Z_]+): ([\s\S]*)$/.exec(reason ?? '');
  if (m) return new FaultlineError(m[1] as ErrorCode, m[2]);
  if (reason && STALLED.test(reason))
    return new FaultlineError(
      'E_QUEUE',
      `every worker that took the case was lost while running it (${attempts} time${attempts === 1 ? '' : 's'}: killed, out of memory, or its machine lost) — a poison input?`,
    );
  return new FaultlineError('E_INTERNAL', reason || 'the job failed without a reason');
}
