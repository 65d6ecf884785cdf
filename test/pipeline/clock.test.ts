import { describe, expect, it } from 'vitest';
import { dateInZone, midnightInZone, placeClocks, UTC_NAMES } from '../../src/pipeline/clock.js';

describe('placing inputs on one clock', () => {
  it('finds local midnight in a zone, across a DST change', () => {
    expect(midnightInZone('2026-11-23', 'UTC')).toBe(Date.UTC(2026, 10, 23) / 1000);
    expect(midnightInZone('2026-11-23', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 22, 23) / 1000);
    expect(midnightInZone('2026-07-01', 'Europe/Berlin')).toBe(Date.UTC(2026, 5, 30, 22) / 1000);
    expect(midnightInZone('2026-03-29', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 28, 23) / 1000);
  });

  it('puts a time-of-day input on the day of the epoch input, in the zone', () => {
    const epoch = Date.UTC(2026, 10, 23, 10, 0, 0) / 1000;
    const { placements, date } = placeClocks(
      [
        { path: 'c.pcap', clock: 'epoch', first: epoch },
        { path: 'w.strace', clock: 'time-of-day', first: 11 * 3600 },
      ],
      { timezone: 'Europe/Berlin' },
    );
    expect(date).toBe('2026-11-23');
    expect(placements['w.strace'].absolute).toBe(true);
    // 11:00 Berlin = 10:00 UTC
    expect(11 * 3600 + placements['w.strace'].offset).toBe(epoch);
    expect(placements['w.strace'].note).toMatch(/c\.pcap/);
  });

  it('uses --date over any epoch input, and applies --clock-offset', () => {
    const { placements } = placeClocks(
      [
        { path: 'c.pcap', clock: 'epoch', first: 0 },
        { path: 'w.strace', clock: 'time-of-day', first: 0 },
      ],
      { date: '2026-01-02', timezone: 'UTC', offsets: { 'c.pcap': -0.5 } },
    );
    expect(placements['w.strace'].offset).toBe(Date.UTC(2026, 0, 2) / 1000);
    expect(placements['c.pcap'].offset).toBe(-0.5);
  });

  it('leaves a time-of-day input unplaced when nothing gives a date', () => {
    const { placements } = placeClocks([{ path: 'w.strace', clock: 'time-of-day', first: 5 }], { timezone: 'UTC' });
    expect(placements['w.strace']).toMatchObject({ offset: 0, absolute: false });
  });

  it('names the date of an instant in a zone', () => {
    expect(dateInZone(Date.UTC(2026, 10, 22, 23, 30) / 1000, 'Europe/Berlin')).toBe('2026-11-23');
    expect(dateInZone(Date.UTC(2026, 10, 22, 23, 30) / 1000, 'UTC')).toBe('2026-11-22');
  });

  it('names a UTC date and midnight, by every name of UTC, as ICU does (without asking it)', () => {
    const viaIntl = (epoch: number): string => {
      const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(epoch * 1000));
      return ['year', 'month', 'day'].map((t) => p.find((x) => x.type === t)?.value).join('-');
    };
    const lo = Date.UTC(1000, 0, 1) / 1000;
    const hi = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;
    const instants = [lo, hi, 0, -1, 86_399, 86_400, Date.UTC(2024, 1, 29, 12) / 1000, Date.UTC(999, 11, 31) / 1000, Date.UTC(10000, 0, 1) / 1000];
    let x = 7;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      instants.push(lo + (x / 2 ** 31) * (hi - lo));
    }
    for (const name of UTC_NAMES) {
      for (const t of instants) expect(dateInZone(t, name), `${name} ${t}`).toBe(viaIntl(t));
      for (const day of ['1970-01-01', '2024-02-29', '2026-11-23', '1000-01-01', '9999-12-31']) {
        const [y, m, d] = day.split('-').map(Number);
        expect(midnightInZone(day, name), `${name} ${day}`).toBe(Date.UTC(y, m - 1, d) / 1000);
      }
    }
  });
});
