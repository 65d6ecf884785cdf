/**
 * Placing every input on one clock. Epoch inputs are already there.
 * Time-of-day inputs (strace -t/-tt, curl --trace-time) get a date: the one
 * given with --date, else the day (in the time zone) of the earliest epoch
 * input of the run. Relative and clock-less inputs stay in their own clock.
 * --clock-offset adds a correction for one input's skew, whatever its clock.
 */
import { readlinkSync } from 'node:fs';
import { utcDateTime, type Clock, type ClockPlacement } from '../model/index.js';

export interface ClockOptions {
  /** YYYY-MM-DD */
  date?: string;
  /** IANA zone for time-of-day inputs; default the machine's */
  timezone?: string;
  /** a zone for one input, by inputs[].path (`--tz PATH=ZONE`) */
  timezones?: Record<string, string>;
  /** seconds added to one input's times, by inputs[].path */
  offsets?: Record<string, number>;
}

export interface ClockInput {
  path: string;
  clock: Clock;
  first: number | null;
}

/**
 * The machine's IANA zone, as Intl tells it. Where the machine is plainly on UTC (a container, a CI
 * runner, most servers) the answer is known without asking Intl: its first DateTimeFormat loads ICU's
 * zone data, 20–50 ms of a start-up that is ~0.3 s for a small file, and nothing else in such a run
 * needs it.
 */
export function machineTimezone(): string {
  return utcHost(process.env.TZ, localtimeLink()) ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

/** Names ICU reads as UTC (resolvedOptions() says 'UTC' for each: test/pipeline/clock-host.test.ts asks Intl). */
export const UTC_NAMES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu', 'GMT', 'Etc/GMT']);

/**
 * 'UTC' where the zone Intl would find is UTC by its name alone, else undefined (then Intl is asked):
 * `TZ` names one of UTC's names (with or without POSIX's leading `:`), or `TZ` is unset and
 * /etc/localtime links to such a name under a `zoneinfo/` folder, which is where ICU looks next.
 * Anything else — another zone, an empty `TZ`, a copied /etc/localtime — goes to Intl.
 */
export function utcHost(tz: string | undefined, localtime: string | undefined): 'UTC' | undefined {
  if (tz !== undefined) return UTC_NAMES.has(tz.startsWith(':') ? tz.slice(1) : tz) ? 'UTC' : undefined;
  const at = localtime?.lastIndexOf('/zoneinfo/') ?? -1;
  return localtime !== undefined && at >= 0 && UTC_NAMES.has(localtime.slice(at + '/zoneinfo/'.length)) ? 'UTC' : undefined;
}

/** Where /etc/localtime links to, or undefined (no link: a plain file, or none). */
function localtimeLink(): string | undefined {
  try {
    return readlinkSync('/etc/localtime');
  } catch {
    return undefined;
  }
}

export function placeClocks(inputs: ClockInput[], opts: ClockOptions): { placements: Record<string, ClockPlacement>; date?: string } {
  const tz = opts.timezone ?? machineTimezone();
  const placements: Record<string, ClockPlacement> = {};
  let earliest: { t: number; path: string } | undefined;
  if (!opts.date) {
    for (const i of inputs) {
      if (i.clock === 'epoch' && i.first !== null && (!earliest || i.first < earliest.t)) earliest = { t: i.first, path: i.path };
    }
  }
  /** The day a time-of-day input is placed on: --date, else the day of the earliest epoch input in that input's zone. */
  const dayIn = (zone: string): string | undefined => opts.date ?? (earliest ? dateInZone(earliest.t, zone) : undefined);
  const date = dayIn(tz);
  const dateFrom = opts.date ? '--date' : earliest?.path;
  for (const i of inputs) {
    const extra = opts.offsets?.[i.path] ?? 0;
    const zone = opts.timezones?.[i.path] ?? tz;
    const skew = extra ? `, corrected by ${extra} s (--clock-offset)` : '';
    switch (i.clock) {
      case 'epoch':
        placements[i.path] = { offset: extra, absolute: true, note: `epoch time${skew}` };
        break;
      case 'time-of-day': {
        const day = dayIn(zone);
        if (day) {
          placements[i.path] = {
            offset: midnightInZone(day, zone) + extra,
            absolute: true,
            note: `time of day placed on ${day} (${dateFrom === '--date' ? 'from --date' : `the day of ${dateFrom}`}) in ${zone}${skew}`,
          };
        } else {
          placements[i.path] = { offset: extra, absolute: false, note: `time of day only (no date: give --date to place it)${skew}` };
        }
        break;
      }
      case 'relative':
        placements[i.path] = { offset: extra, absolute: false, note: `relative to its first record${skew}` };
        break;
      default:
        placements[i.path] = { offset: 0, absolute: false, note: 'no timestamps' };
    }
  }
  return { placements, date };
}

/**
 * YYYY-MM-DD of an epoch second in a zone. In UTC (by any of its names) without ICU (utcDateTime):
 * its zone data cost 20 ms of every run with an epoch input, whose earliest one gives the run's date.
 */
export function dateInZone(epoch: number, tz: string): string {
  const utc = UTC_NAMES.has(tz) ? utcDateTime(epoch) : undefined;
  if (utc !== undefined) return utc.slice(0, 10);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(epoch * 1000),
  );
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Epoch seconds of local midnight of `date` in zone `tz` (two rounds settle DST edges). */
export function midnightInZone(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const utcMidnight = Date.UTC(y, m - 1, d) / 1000;
  // UTC is 0 ahead of itself at every instant a Date holds (what zoneOffset would find, without ICU)
  if (UTC_NAMES.has(tz) && Number.isFinite(utcMidnight)) return utcMidnight;
  let guess = utcMidnight;
  for (let k = 0; k < 2; k++) guess = utcMidnight - zoneOffset(guess, tz);
  return guess;
}

/** Seconds the zone is ahead of UTC at an instant. */
function zoneOffset(epoch: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epoch * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second')) / 1000;
  return asUtc - Math.floor(epoch);
}

/**
 * Whether ICU knows the zone (an IANA name or alias: `UTC`, `US/Eastern`, `Etc/GMT+5`). The zone is
 * judged when a format is made, before its fields are: a format of one narrow field (the weekday)
 * is judged alike and made in a fifth of the time of the default date format (~40 against ~240 µs).
 */
export function isValidTimezone(tz: string): boolean {
  // the zone most specs carry: no DateTimeFormat (nor ICU's zone data) to say so
  if (tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'narrow' });
    return true;
  } catch {
    return false;
  }
}

