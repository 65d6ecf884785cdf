import { describe, expect, it } from 'vitest';
import { formatDuration, formatSubject, TimeFormatter } from '../../reports/format.js';
import { utcDateTime } from '../../src/model/time.js';
import { relativeOnly, straceStopContinue, T0, timeOfDay } from './fixtures.js';

describe('TimeFormatter', () => {
  const abs = new TimeFormatter(straceStopContinue());
  it.each([
    [T0, '2026-11-23 02:13:20.000000'],
    [T0 + 0.5, '2026-11-23 02:13:20.500000'],
    [T0 + 0.99999999, '2026-11-23 02:13:21.000000'],
    [T0 + 86_400 * 40, '2027-01-02 02:13:20.000000'],
  ])('absolute %d → %s', (t, want) => {
    expect(abs.format(t)).toBe(want);
  });

  it('carries a rounded fraction into the seconds of a tick label', () => {
    expect(abs.wall(T0 + 0.98, 1)).toBe('02:13:21.0');
    expect(abs.wall(T0 + 59.96, 1)).toBe('02:14:20.0');
  });

  it('uses the run\'s time zone', () => {
    const r = straceStopContinue();
    r.assumptions.timezone = 'Europe/Berlin';
    expect(new TimeFormatter(r).format(T0)).toBe('2026-11-23 03:13:20.000000');
  });

  it('falls back to UTC for an unknown zone', () => {
    const r = straceStopContinue();
    r.assumptions.timezone = 'Mars/Olympus';
    const f = new TimeFormatter(r);
    expect(f.timezone).toBe('UTC');
    expect(f.format(T0)).toBe('2026-11-23 02:13:20.000000');
  });

  it.each([
    ['time of day', timeOfDay, 3600.25, '01:00:00.250000'],
    ['relative', relativeOnly, 1.25, '1.25 s'],
  ])('%s inputs', (_n, make, t, want) => {
    expect(new TimeFormatter(make()).format(t)).toBe(want);
  });

  it('writes a UTC second as the en-CA formatter does, from the Date alone, across years 1000-9999', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const viaIntl = (whole: number): string => {
      const p: Record<string, string> = {};
      for (const x of intl.formatToParts(new Date(whole * 1000))) p[x.type] = x.value;
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    };
    const lo = Date.UTC(1000, 0, 1) / 1000;
    const hi = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;
    // edges (the first and last second of a year, a leap day, the epoch, before it) and seeded seconds between
    const seconds = [lo, hi, 0, -1, 59, 3599, 86_399, Date.UTC(2024, 1, 29, 23, 59, 59) / 1000, Date.UTC(2027, 0, 1) / 1000 - 1];
    let x = 12345;
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      seconds.push(lo + Math.floor((x / 2 ** 31) * (hi - lo)));
    }
    for (const s of seconds) expect(utcDateTime(s), String(s)).toBe(viaIntl(s));
    // years the formatter spells its own way are left to it
    expect(utcDateTime(Date.UTC(999, 11, 31) / 1000)).toBeUndefined();
    expect(utcDateTime(Date.UTC(10000, 0, 1) / 1000)).toBeUndefined();
    // a run in UTC by another name formats as UTC, through the same path
    const r = straceStopContinue();
    r.assumptions.timezone = 'Etc/UTC';
    expect(new TimeFormatter(r).format(T0)).toBe('2026-11-23 02:13:20.000000');
  });

  it('writes nothing for a missing time', () => {
    expect(abs.format(null)).toBe('');
  });
});

describe('durations and subjects', () => {
  it.each([
    [0.00085, '850 µs'],
    [0.0125, '12.5 ms'],
    [2.345, '2.345 s'],
    [45.5, '45.5 s'],
    [243, '4 min 3 s'],
  ])('formatDuration(%d) = %s', (d, want) => {
    expect(formatDuration(d)).toBe(want);
  });

  it('names pid, tid, syscall, connection and URL', () => {
    expect(formatSubject({ pid: 1, tid: 2, syscall: 'read', connection: 'a:1->b:2', url: 'http://x/' })).toBe('pid 1 · tid 2 · read · a:1->b:2 · http://x/');
    expect(formatSubject({ pid: 3, tid: 3 })).toBe('pid 3');
  });
});
