import type { Diagnostics } from './input.js';
import type { Clock } from './time.js';

/**
 * The contract every parser follows. A parser reads `chunks` (a stream of
 * byte buffers: the file, already gunzipped, never the whole file at once),
 * emits model events in input order through `emit`, reports bad data through
 * `ctx.diag.warn({line|packet, byteOffset}, message)` and goes on. It throws
 * only when nothing at all can be read (FaultlineError E_BAD_HEADER / E_UNKNOWN_FORMAT).
 *
 * Buffers handed to `emit` (e.g. a TCP payload view) may be reused after the
 * callback returns: copy what you keep.
 */
export interface ParseContext {
  /** inputs[].path */
  path: string;
  diag: Diagnostics;
  /** pid taken from a `strace -ff` file name NAME.PID, when there is one */
  pidHint?: number;
  /** IANA zone for dated timestamps that carry no zone of their own (app logs), from --tz */
  timezone?: string;
}

export interface ParseSummary {
  /** records read: lines, packets or transfers */
  events: number;
  bytes: number;
  clock: Clock;
  /** first and last time in the input's own clock */
  firstT: number | null;
  lastT: number | null;
}

export type Chunks = AsyncIterable<Buffer>;

/** The one-pass handler contract (DevTools' trace handlers): events in, model out. */
export interface Analysis<E, M> {
  add(event: E): void;
  finish(summary: ParseSummary): M;
}

/** What an analysis gets besides events: its input's path and where to put warnings. */
export interface AnalysisContext {
  path: string;
  diag: Diagnostics;
  /** false when no report will draw lanes (JSON, text, CSV): an analysis may skip building them */
  timeline?: boolean;
}
