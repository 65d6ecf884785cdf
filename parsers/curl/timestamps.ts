/**
 * Timestamps at the start of a line: what curl's --trace-time prints (a time
 * of day), and what log writers put before a message (ISO 8601, PHP's
 * `[23-Nov-2026 10:00:00 UTC]`, Monolog's `[2026-11-23 10:00:00]`, syslog's
 * `Nov 23 10:00:00 host prog[pid]:`). Returned in seconds: epoch seconds when
 * the line has a full date, seconds since midnight when it has only a time.
 */

export interface Stamp {
  t: number;
  kind: 'epoch' | 'time-of-day';
  /** the line after the stamp */
  rest: string;
  /** the date had no zone and was read as UTC (no --tz given) */
  assumedUtc?: boolean;
  /** the date had no zone and was read in this zone (--tz) */
  assumedZone?: string;
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

const TRACE_TIME = /^(\d{2}):(\d{2}):(\d{2})\.(\d{1,9}) /;
const ISO = /^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?\]?(?:\s+|$)/;
const PHP = /^\[(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: ([A-Za-z_/+-][\w/+-]*))?\]\s*/;
const SYSLOG = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? \S+ [^:]{1,80}?: /;

function frac(s: string | undefined): number {
  return s ? Number(`0.${s}`) : 0;
}

function zoneOffsetMinutes(z: string | undefined): number | undefined {
  if (!z) return undefined;
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Offset of an IANA zone at a UTC instant, in minutes (Intl knows the zones; no table of ours). */
function ianaOffsetMinutes(zone: string, utcMs: number): number | undefined {
  try {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return Math.round((local - utcMs) / 60000);
  } catch {
    return undefined;
  }
}

/**
 * The same number, as an integer V8 keeps unboxed where it is one. The arithmetic of a date gives a
 * heap number even on a whole second, and an object field that has held a heap number keeps each
 * later value in a box of its own: a log stamped to the second (PHP, Monolog, ISO without a
 * fraction) then boxed the times of every transfer, evidence line, draft and finding made from it
 * (a dozen boxes per finding, for the collector to trace and move). -0 stays -0.
 */
export function wholeSecond(t: number): number {
  const i = t | 0;
  return i === t && (i !== 0 || 1 / t > 0) ? i : t;
}

/**
 * Where a stamp's seconds lie, when its time moves with them alone: `secondsAt` is the index of
 * the two digits of a stamp without a fraction of a second whose zone offset is fixed (a zone
 * written as `UTC`, `Z`, `+01:00`, or none and no --tz), else -1. Every pattern of parseStamp
 * reads a digit only through `\d`, so a line that differs from this one in those two digits alone
 * matches the same way, its time `t` moved by the difference of their values (Date.UTC and the
 * fixed offset are exact on whole seconds). A zone's name or --tz is looked up at each instant
 * (its offset moves at a DST switch): -1 there.
 */
export interface StampShape {
  secondsAt: number;
}

/**
 * `zone`: the IANA zone for dates that carry none (--tz); without it they are read as UTC.
 * `shape`, when given, is told where the seconds lie (see StampShape).
 */
export function parseStamp(line: string, zone?: string, shape?: StampShape): Stamp | undefined {
  if (shape !== undefined) shape.secondsAt = -1;
  // Every stamp starts with a digit, `[` or a month's capital: most lines are out after one look.
  const c = line.charCodeAt(0);
  const digit = c >= 48 && c <= 57;
  if (!digit && c !== 91 && !(c >= 65 && c <= 90)) return undefined;
  let m = digit ? TRACE_TIME.exec(line) : null;
  if (m) {
    return { t: Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + frac(m[4]), kind: 'time-of-day', rest: line.slice(m[0].length) };
  }
  m = digit || c === 91 ? ISO.exec(line) : null;
  if (m) {
    const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    let off = zoneOffsetMinutes(m[8]);
    // a fixed offset: written as one, or no zone and no --tz (UTC)
    const fixed = off !== undefined || !zone;
    const assumed = off === undefined && zone ? ianaOffsetMinutes(zone, utc) : undefined;
    if (assumed !== undefined) off = assumed;
    const t = wholeSecond((utc - (off ?? 0) * 60000) / 1000 + frac(m[7]));
    const out: Stamp = { t, kind: 'epoch', rest: line.slice(m[0].length) };
    if (assumed !== undefined) out.assumedZone = zone;
    else if (off === undefined) out.assumedUtc = true;
    // `[`? then yyyy-mm-dd hh:mm: 16 characters before the seconds
    if (shape !== undefined && fixed && m[7] === undefined) shape.secondsAt = (c === 91 ? 1 : 0) + 17;
    return out;
  }
  m = c === 91 ? PHP.exec(line) : null;
  if (m) {
    const mon = MONTHS[m[2].toLowerCase()];
    if (mon === undefined) return undefined;
    const utc = Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
    let off = zoneOffsetMinutes(m[7]);
    // a fixed offset: written as one, or no zone and no --tz (UTC)
    const fixed = off !== undefined || (!m[7] && !zone);
    if (off === undefined && m[7]) {
      // The offset at the local time read as UTC is right except within an hour of a DST switch.
      off = ianaOffsetMinutes(m[7], utc);
    }
    const assumed = off === undefined && zone ? ianaOffsetMinutes(zone, utc) : undefined;
    if (assumed !== undefined) off = assumed;
    const out: Stamp = { t: wholeSecond((utc - (off ?? 0) * 60000) / 1000), kind: 'epoch', rest: line.slice(m[0].length) };
    if (assumed !== undefined) out.assumedZone = zone;
    else if (off === undefined) out.assumedUtc = true;
    // `[d-Mon-yyyy hh:mm:`: the day's digits and 17 characters before the seconds
    if (shape !== undefined && fixed) shape.secondsAt = m[1].length + 17;
    return out;
  }
  m = c >= 65 && c <= 90 ? SYSLOG.exec(line) : null;
  if (m && MONTHS[m[1].toLowerCase()] !== undefined) {
    // syslog has no year: only the time of day is certain.
    return { t: Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]) + frac(m[6]), kind: 'time-of-day', rest: line.slice(m[0].length) };
  }
  return undefined;
}

/** `"time":"2025-04-29T13:15:19+00:00"` and friends inside a JSON log line. */
export function parseDateValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (v > 1e14) return v / 1e6; // microseconds
    if (v > 1e11) return v / 1000; // milliseconds
    if (v > 1e8) return v;
    return undefined;
  }
  if (typeof v !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return parseDateValue(Number(v));
  const s = parseStamp(v.trim() + ' ');
  return s && s.kind === 'epoch' ? s.t : undefined;
}
