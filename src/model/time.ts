/**
 * Time in faultline is always seconds as a JS number (double): microsecond
 * precision survives up to ~2^53 µs, far past any epoch we meet.
 *
 * Every event carries `t`: seconds *in its input's own clock* (see `Clock`),
 * or null when the input has no time at all. Inputs are placed on a shared
 * clock once, by the pipeline (`ClockPlacement`), never by parsers.
 */
export type Seconds = number;

/**
 * What an input's timestamps are.
 * - epoch: seconds since the Unix epoch (pcap, strace -ttt, curl %{json} with time)
 * - time-of-day: seconds since local midnight, no date (strace -t/-tt, curl --trace-time)
 * - relative: seconds since the input's first record (strace -r, summed)
 * - none: no timestamps; `t` is null everywhere
 */
export type Clock = 'epoch' | 'time-of-day' | 'relative' | 'none';

/** How one input's clock maps onto the run's shared clock: abs = t + offset. */
export interface ClockPlacement {
  /** seconds to add to the input's `t` to get the shared clock */
  offset: Seconds;
  /** true when the result is epoch seconds (the input had epoch time or was placed on a date) */
  absolute: boolean;
  /** how the placement was decided, for the report ("placed on 2026-11-23 in Europe/Berlin from pcap x") */
  note?: string;
}

export const SECONDS_PER_DAY = 86_400;

/**
 * `YYYY-MM-DD HH:MM:SS` of an instant in UTC, as the en-CA DateTimeFormat writes it, from the
 * Date's UTC fields: formatToParts costs microseconds a call (a report of a log a second per line
 * formats 10,000 seconds), and the first DateTimeFormat of a process loads ICU's zone data (20 ms).
 * Undefined for years outside 1000–9999, whose spelling the formatter decides.
 */
export function utcDateTime(epoch: Seconds): string | undefined {
  const d = new Date(epoch * 1000);
  const y = d.getUTCFullYear();
  if (!(y >= 1000 && y <= 9999)) return undefined;
  return `${y}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
