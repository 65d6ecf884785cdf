import type { Clock } from './time.js';
import type { InputTried } from './tried.js';
import { formatLocation, type ErrorCode, type Location } from './errors.js';

export type InputFormat =
  | 'strace'
  | 'pcap'
  | 'pcapng'
  | 'curl-verbose'
  | 'curl-trace'
  | 'curl-writeout'
  | 'curl-json'
  | 'curl-csv'
  | 'app-log'
  | 'unknown';

/**
 * What an analysis saw in one input, counted (caps apply to what is kept, not to these):
 * captures: packets, connections, http_exchanges, tls_connections; strace: processes,
 * threads, syscalls, stops, socket_failures; curl output and logs: curl_transfers,
 * failed_transfers. A clean run says with them what it checked.
 */
export type InputStats = Record<string, number>;

export type InputStatus = 'read' | 'partial' | 'skipped' | 'error';

/** One input as the JSON report lists it (shape fixed by findings.schema.json). */
export interface InputInfo {
  /** as given on the command line; folder members as folder/relative; '-' for stdin */
  path: string;
  format: InputFormat;
  status: InputStatus;
  error?: string;
  /** error code when status is 'error' */
  error_code?: ErrorCode;
  /** bytes read (after decompression) */
  bytes?: number;
  /** what the analysis saw (see InputStats) */
  stats?: InputStats;
  /** size of the source as stored (before decompression), when known */
  size?: number;
  /** sha256 (hex) of the source's bytes as stored (before decompression), computed while reading; absent when reading stopped before the end */
  sha256?: string;
  /** records read: lines, packets or transfers */
  events: number;
  clock: Clock;
  warnings: string[];
  warnings_dropped?: number;
  /** free-form facts worth showing (strace -c summary seen, link types, pid from -ff name, ...) */
  notes?: string[];
  /** time span in the input's own clock */
  first_t?: number | null;
  last_t?: number | null;
  /** what its processes or clients tried to reach and the names they looked up (strace, captures) */
  tried?: InputTried;
}

export const MAX_WARNINGS_PER_INPUT = 100;

/**
 * Collects located warnings for one input: bad data is data, never an abort.
 * Keeps the first 100 and counts the rest.
 */
export class Diagnostics {
  readonly warnings: string[] = [];
  dropped = 0;
  readonly notes: string[] = [];
  warn(loc: Location, message: string): void {
    if (this.warnings.length >= MAX_WARNINGS_PER_INPUT) {
      this.dropped++;
      return;
    }
    const where = formatLocation(loc);
    this.warnings.push(where ? `${where}: ${message}` : message);
  }
  /**
   * A warning that must be kept whatever came before it (a decompression fault found at the end
   * of a stream that decoded into garbage first): placed first, the last kept one dropped if full.
   */
  warnFirst(loc: Location, message: string, where = formatLocation(loc)): void {
    if (this.warnings.length >= MAX_WARNINGS_PER_INPUT) {
      this.warnings.pop();
      this.dropped++;
    }
    this.warnings.unshift(where ? `${where}: ${message}` : message);
  }
  note(message: string): void {
    if (!this.notes.includes(message)) this.notes.push(message);
  }
}
