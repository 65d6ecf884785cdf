/**
 * Time and text formatting shared by the HTML, Markdown and CSV reports.
 * No dependencies: Markdown and CSV import this without pulling in the
 * HTML renderer's libraries.
 */
import type { Finding, RunResult, Subject } from '../src/model/index.js';
import { utcDateTime } from '../src/model/time.js';

/**
 * What the run's clock is, and so how a time on it reads:
 * - absolute: epoch seconds, shown as date and time in the run's time zone;
 * - time-of-day: seconds since a midnight of unknown date, shown as HH:MM:SS;
 * - relative: seconds from the start of the inputs, shown as `12.345 s`.
 */
export type RunClockKind = 'absolute' | 'time-of-day' | 'relative';

export function runClockKind(result: RunResult): RunClockKind {
  if (Object.values(result.clocks).some((c) => c.absolute)) return 'absolute';
  const timed = result.inputs.filter((i) => i.clock !== 'none');
  if (timed.length > 0 && timed.every((i) => i.clock === 'time-of-day')) return 'time-of-day';
  return 'relative';
}

/** Formats times on one run's clock; built once per report (Intl formatters are slow to create). */
export class TimeFormatter {
  readonly kind: RunClockKind;
  readonly timezone: string;
  private readonly dtf: Intl.DateTimeFormat | undefined;
  /** whole second → `YYYY-MM-DD HH:MM:SS`: formatToParts costs microseconds, and a report formats tens of thousands of times */
  private readonly seconds = new Map<number, string>();
  /** the zone is UTC: a time's fields are the Date's own, no formatter needed */
  private readonly utc: boolean;

  constructor(result: RunResult) {
    this.kind = runClockKind(result);
    this.timezone = result.assumptions.timezone || 'UTC';
    if (this.kind === 'absolute') {
      try {
        this.dtf = makeDtf(this.timezone);
      } catch {
        // an unknown zone name in the result: fall back to UTC and say so through `timezone`
        this.timezone = 'UTC';
        this.dtf = makeDtf('UTC');
      }
    }
    this.utc = this.dtf?.resolvedOptions().timeZone === 'UTC';
  }

  /** Full time: `2026-11-23 02:41:38.123456`, `02:41:38.123456` or `12.345678 s`. */
  format(t: number | null | undefined): string {
    if (t === null || t === undefined || !Number.isFinite(t)) return '';
    if (this.kind === 'absolute' && this.dtf) return this.dateTime(t, 6);
    if (this.kind === 'time-of-day') return timeOfDay(t, 6);
    return `${fixed(t, 6)} s`;
  }

  /** Short wall-clock label for an axis tick; `digits` fraction digits. */
  wall(t: number, digits: number): string {
    if (!Number.isFinite(t)) return '';
    if (this.kind === 'absolute' && this.dtf) return this.dateTime(t, digits).slice(11);
    if (this.kind === 'time-of-day') return timeOfDay(t, digits);
    return '';
  }

  /** The date of an absolute time, `2026-11-23`. */
  date(t: number): string {
    return this.kind === 'absolute' && this.dtf && inDateRange(t) ? this.dateTime(t, 0).slice(0, 10) : '';
  }

  private dateTime(t: number, digits: number): string {
    // beyond what a Date holds (±8.64e12 s): a number, never a thrown RangeError
    if (!inDateRange(t)) return `${fixed(t, digits)} s since 1970`;
    t = roundTo(t, digits);
    const whole = Math.floor(t);
    let base = this.seconds.get(whole);
    if (base === undefined && this.utc) base = utcDateTime(whole);
    if (base === undefined) {
      const parts: Record<string, string> = {};
      for (const p of this.dtf!.formatToParts(new Date(whole * 1000))) parts[p.type] = p.value;
      const hour = parts.hour === '24' ? '00' : parts.hour;
      base = `${parts.year}-${parts.month}-${parts.day} ${hour}:${parts.minute}:${parts.second}`;
      if (this.seconds.size > 100_000) this.seconds.clear();
      this.seconds.set(whole, base);
    }
    return digits > 0 ? base + fraction(t - whole, digits) : base;
  }
}

/** Seconds since the epoch that a JavaScript Date can hold (±100,000,000 days). */
export const MAX_DATE_SECONDS = 8.64e12;
export function inDateRange(t: number): boolean {
  return Number.isFinite(t) && Math.abs(t) <= MAX_DATE_SECONDS;
}

function makeDtf(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** Rounded to `digits` decimals before splitting into whole and fraction, so 20.98 at one digit reads 21.0, not 20.9 or 20.10. */
function roundTo(t: number, digits: number): number {
  const m = 10 ** digits;
  return Math.round(t * m) / m;
}

function fraction(f: number, digits: number): string {
  // the clamp only guards against float noise: callers round first
  const scaled = Math.min(Math.round(f * 10 ** digits), 10 ** digits - 1);
  return '.' + String(scaled).padStart(digits, '0');
}

function timeOfDay(t: number, digits: number): string {
  const day = ((roundTo(t, digits) % 86_400) + 86_400) % 86_400;
  const whole = Math.floor(day);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const base = `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  return digits > 0 ? base + fraction(day - whole, digits) : base;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Fixed digits, trailing zeros trimmed (but at least one digit after a point kept off: `2`, `2.5`). */
export function fixed(n: number, digits: number): string {
  const s = n.toFixed(digits);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A duration in seconds for people: `850 µs`, `12.5 ms`, `2.35 s`, `4 min 3 s`. */
export function formatDuration(d: number): string {
  if (!Number.isFinite(d)) return '';
  const a = Math.abs(d);
  if (a < 1e-3) return `${fixed(d * 1e6, 0)} µs`;
  if (a < 1) return `${fixed(d * 1e3, a < 0.01 ? 2 : 1)} ms`;
  if (a < 120) return `${fixed(d, a < 10 ? 3 : 2)} s`;
  const min = Math.floor(a / 60);
  return `${d < 0 ? '-' : ''}${min} min ${Math.round(a - min * 60)} s`;
}

/** A count as every report prints it: 9,970, so no line says 9970 beside 9,970. */
export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${fixed(n / 1024, 1)} KiB`;
  if (n < 1024 ** 3) return `${fixed(n / 1024 / 1024, 1)} MiB`;
  return `${fixed(n / 1024 ** 3, 2)} GiB`;
}

/** One line naming what a finding is about: `pid 12 tid 13 · 10.0.0.1:5000->10.0.0.2:80 · https://…`. */
export function formatSubject(s: Subject): string {
  const parts: string[] = [];
  if (s.pid !== undefined) parts.push(`pid ${s.pid}`);
  if (s.tid !== undefined && s.tid !== s.pid) parts.push(`tid ${s.tid}`);
  if (s.syscall) parts.push(s.syscall);
  if (s.connection) parts.push(s.connection);
  if (s.url) parts.push(s.url);
  return parts.join(' · ');
}

/** The inputs a finding's evidence cites, in first-cited order. */
export function citedInputs(f: Finding): string[] {
  return [...new Set(f.evidence.map((e) => e.input))];
}

/** `line 12`, `packet 7`, or '' */
export function evidenceLocation(e: { line?: number; packet?: number }): string {
  if (e.line !== undefined) return `line ${e.line}`;
  if (e.packet !== undefined) return `packet ${e.packet}`;
  return '';
}

export const SEVERITY_ORDER = ['error', 'warning', 'info'] as const;

export function severityCounts(findings: Finding[]): Record<'error' | 'warning' | 'info', number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/** The clock note of one input for people: what its times are, and how they were placed. */
export function clockNote(result: RunResult, path: string): string {
  const input = result.inputs.find((i) => i.path === path);
  const placement = result.clocks[path];
  if (placement?.note) return placement.note;
  const parts: string[] = [];
  if (input) {
    parts.push(
      {
        epoch: 'epoch timestamps',
        'time-of-day': 'time of day, no date',
        relative: 'relative timestamps',
        none: 'no timestamps',
      }[input.clock],
    );
  }
  if (placement && placement.offset !== 0) parts.push(`shifted by ${fixed(placement.offset, 6)} s`);
  return parts.join('; ');
}
