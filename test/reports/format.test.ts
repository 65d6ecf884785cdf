import { describe, expect, it } from 'vitest';
import { formatDuration, formatSubject, TimeFormatter } from '../../reports/format.js';
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
