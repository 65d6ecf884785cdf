/**
 * One row per case: what summary.csv, the journal and index.html say about
 * it. Built from the case's result alone, so a case skipped by --resume is
 * described by the row recorded when it ran.
 */
import { stringify } from 'csv-stringify/sync';
import { runClockKind, TimeFormatter } from '../../reports/format.js';
import type { ErrorCode, InputInfo, RunResult, Severity } from '../model/index.js';
import { outcome } from '../pipeline/index.js';

/**
 * - analysed: every input read, every detector ran;
 * - partial: analysed, but an input could not be read or a detector failed (analyze's exit 3);
 * - no-traces: nothing in the case was a trace (every file skipped or unrecognised): listed, not an error of the batch;
 * - failed: the case produced no result (time limit, memory limit, a crash, a damaged or oversized archive).
 */
export type CaseStatus = 'analysed' | 'partial' | 'no-traces' | 'failed';

export interface CaseRecord {
  name: string;
  kind: 'folder' | 'archive' | 'file';
  status: CaseStatus;
  /** inputs in the result (members, files), and how many were read */
  inputs: number;
  inputs_read: number;
  formats: string[];
  /** bytes on disk (an archive's own size) */
  bytes: number;
  /** bytes analysed (decompressed) */
  bytes_read: number;
  /** the run's clock: 'absolute' (epoch seconds), 'time-of-day' or 'relative' */
  clock: string | null;
  start: number | null;
  end: number | null;
  /** start and end for people, in the case's time zone */
  start_time: string;
  end_time: string;
  findings: number;
  severity: Record<Severity, number>;
  detectors: Record<string, number>;
  /** the inputs that could not be read, and failed detectors, one line each */
  problems: string[];
  error_code?: ErrorCode;
  error?: string;
  /** report files, relative to --out */
  report_json?: string;
  report_html?: string;
  /** seconds the case took to run (0 when skipped) */
  seconds: number;
}

export function recordOf(
  base: Pick<CaseRecord, 'name' | 'kind' | 'bytes'>,
  result: RunResult,
  seconds: number,
  reports: { json: string; html: string },
): CaseRecord {
  const severity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const detectors: Record<string, number> = {};
  for (const f of result.findings) {
    severity[f.severity]++;
    detectors[f.detector] = (detectors[f.detector] ?? 0) + 1;
  }
  const read = result.inputs.filter((i) => i.status === 'read' || i.status === 'partial');
  const problems = [
    ...result.inputs.filter((i) => i.status === 'error').map((i) => `${i.path}: ${i.error ?? 'unreadable'}`),
    ...result.detector_failures.map((d) => `detector ${d.detector} failed: ${d.error}`),
  ];
  const span = timeSpan(result);
  const fmt = new TimeFormatter(result);
  const status: CaseStatus = read.length === 0 && result.inputs.every(heldNoTrace) ? 'no-traces' : outcome(result) === 3 ? 'partial' : 'analysed';
  return {
    ...base,
    status,
    inputs: result.inputs.length,
    inputs_read: read.length,
    formats: [...new Set(read.map((i) => i.format))].sort(),
    bytes_read: result.inputs.reduce((n, i) => n + (i.bytes ?? 0), 0),
    clock: span ? runClockKind(result) : null,
    start: span?.start ?? null,
    end: span?.end ?? null,
    start_time: span ? fmt.format(span.start) : '',
    end_time: span ? fmt.format(span.end) : '',
    findings: result.findings.length,
    severity,
    detectors,
    problems,
    report_json: reports.json,
    report_html: reports.html,
    seconds,
  };
}

export function failedRecord(base: Pick<CaseRecord, 'name' | 'kind' | 'bytes'>, code: ErrorCode, message: string, seconds: number): CaseRecord {
  return {
    ...base,
    status: 'failed',
    inputs: 0,
    inputs_read: 0,
    formats: [],
    bytes_read: 0,
    clock: null,
    start: null,
    end: null,
    start_time: '',
    end_time: '',
    findings: 0,
    severity: { error: 0, warning: 0, info: 0 },
    detectors: {},
    problems: [],
    error_code: code,
    error: message,
    seconds,
  };
}

/** An input that is no trace: skipped in a folder, unrecognised alone, or the folder's "no trace" entry. */
function heldNoTrace(i: InputInfo): boolean {
  return i.status === 'skipped' || i.error_code === 'E_UNKNOWN_FORMAT' || i.error_code === 'E_EMPTY_FOLDER';
}

/** First and last moment of the case's inputs on the run's clock (inputs placed on it; the others only when none is). */
function timeSpan(result: RunResult): { start: number; end: number } | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  const placed = result.inputs.filter((i) => result.clocks[i.path]?.absolute);
  for (const i of placed.length ? placed : result.inputs) {
    const off = result.clocks[i.path]?.offset ?? 0;
    if (typeof i.first_t === 'number') lo = Math.min(lo, i.first_t + off);
    if (typeof i.last_t === 'number') hi = Math.max(hi, i.last_t + off);
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? { start: lo, end: hi } : undefined;
}

/**
 * summary.csv: a column per detector of the registry (so every file of one faultline version
 * has the same columns) and per severity. Text cells that would start a spreadsheet formula
 * get a leading quote: case names and error texts come from the archive.
 */
export function summaryCsv(records: CaseRecord[], detectorIds: readonly string[]): string {
  const columns = [
    'case',
    'kind',
    'status',
    'inputs',
    'inputs_read',
    'formats',
    'bytes',
    'bytes_read',
    'clock',
    'start',
    'end',
    'start_time',
    'end_time',
    'span_s',
    'findings',
    'severity_error',
    'severity_warning',
    'severity_info',
    ...detectorIds,
    'error_code',
    'error',
    'report_html',
    'report_json',
    'seconds',
  ];
  const rows = records.map((r) => {
    const row: Record<string, string | number | null> = {
      case: r.name,
      kind: r.kind,
      status: r.status,
      inputs: r.inputs,
      inputs_read: r.inputs_read,
      formats: r.formats.join(' '),
      bytes: r.bytes,
      bytes_read: r.bytes_read,
      clock: r.clock,
      start: r.start,
      end: r.end,
      start_time: r.start_time,
      end_time: r.end_time,
      span_s: r.start !== null && r.end !== null ? round6(r.end - r.start) : null,
      findings: r.findings,
      severity_error: r.severity.error,
      severity_warning: r.severity.warning,
      severity_info: r.severity.info,
      error_code: r.error_code ?? '',
      error: r.error ?? r.problems.join('; '),
      report_html: r.report_html ?? '',
      report_json: r.report_json ?? '',
      seconds: round6(r.seconds),
    };
    for (const id of detectorIds) row[id] = r.detectors[id] ?? 0;
    return row;
  });
  return stringify(rows, { header: true, columns, escape_formulas: true, record_delimiter: 'unix' });
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
