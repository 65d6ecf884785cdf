/**
 * The unit of work that the CLI, batch, serve and the queue share: a run spec
 * is plain data (JSON, or structured-clone for in-memory uploads), so it can
 * cross a worker thread, a process or Redis. Every default is resolved when a
 * spec is built (the time zone above all): a worker never reads its own machine's.
 */
import type { ErrorCode } from './errors.js';
import type { Severity } from './finding.js';
import type { InputFormat, InputStatus } from './input.js';

/**
 * Where one input's bytes are. `name` is what reports print (never used as a
 * path). Compression (.gz …) is not a kind: whatever the kind, the opener
 * tells it by magic bytes and reads through it. `sha256`/`size`, when set,
 * are what the bytes must be (a queue worker checks them before analysing).
 */
export type SourceRef =
  /** a local file; `folder` (display form) when it was found inside a folder given: then a non-trace is 'skipped', not an error */
  | { kind: 'file'; path: string; name: string; folder?: string; sha256?: string; size?: number }
  /** standard input of the process that runs the case (in-process runs only) */
  | { kind: 'stdin'; name: string }
  /** one member of a .tar, .tar.gz/.tgz or .zip, read as a stream, never extracted under its own name */
  | { kind: 'archive-member'; archive: string; member: string; name: string; sha256?: string; size?: number }
  /** an uploaded body kept in a temporary file of ours (its name is ours, never the client's) */
  | { kind: 'upload'; path: string; name: string; sha256?: string; size?: number }
  /** an uploaded body held in memory (in-process and worker threads only: not JSON) */
  | { kind: 'memory'; name: string; bytes: Uint8Array };

export interface RunSpec {
  spec_version: 1;
  sources: SourceRef[];
  /** problems found while expanding the inputs (a folder holding nothing, an unreadable folder): reported as error entries */
  expand_errors: { name: string; code: ErrorCode; message: string }[];
  /** detector ids to run; null = all */
  detectors: string[] | null;
  min_severity: Severity | null;
  /** seconds within which one event seen in several inputs is joined */
  join_window: number;
  /** YYYY-MM-DD for time-of-day inputs, or null */
  date: string | null;
  /** IANA zone for time-of-day inputs, resolved when the spec was built */
  timezone: string;
  /** a zone for one input, by source name (`--tz PATH=ZONE`) */
  input_timezones: Record<string, string>;
  /** seconds added to one input's times, by source name */
  clock_offsets: Record<string, number>;
  redact: boolean;
  /**
   * false: no report of this run draws the timeline (JSON, CSV, text, Markdown), so the analyses
   * build no lanes and the result's `lanes` is empty; everything else is the same. Absent: lanes are built.
   */
  lanes?: boolean;
}

/** What a run says while it goes; a runner forwards these (thread → pool → batch progress, job.updateProgress …). */
export type RunEvent =
  | { type: 'input-opened'; input: string; size?: number }
  | { type: 'input-sniffed'; input: string; format: InputFormat }
  | { type: 'input-progress'; input: string; bytes: number; size?: number }
  | { type: 'input-done'; input: string; status: InputStatus; bytes?: number }
  | { type: 'detectors-done'; detectors: number; failures: number }
  | { type: 'result'; findings: number };
