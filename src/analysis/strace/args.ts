/**
 * Reading the arguments of a few calls out of strace's argument text: the
 * top-level split (quotes, braces, brackets and parentheses respected) and
 * the timeouts of the calls that wait (requested and remaining time).
 */

/** Splits an argument list at its top-level commas. */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let inStr = false;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(args.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = args.slice(start).trim();
  if (last.length > 0 || out.length > 0) out.push(last);
  return out;
}

/**
 * A timespec/timeval struct in seconds: `{tv_sec=3, tv_nsec=0}`,
 * `{tv_sec=1, tv_usec=500}`, old `{3, 0}` (`subUnit` says what the second
 * number counts in the old form). Undefined for NULL, pointers, anything else.
 */
export function structSeconds(text: string | undefined, subUnit: 'ns' | 'us' = 'ns'): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  const named = /tv_sec=(-?\d+),\s*tv_(nsec|usec)=(\d+)/.exec(t);
  if (named !== null) return Number(named[1]) + Number(named[3]) / (named[2] === 'nsec' ? 1e9 : 1e6);
  const old = /^\{\s*(-?\d+),\s*(\d+)\s*\}/.exec(t);
  if (old !== null) return Number(old[1]) + Number(old[2]) / (subUnit === 'ns' ? 1e9 : 1e6);
  return undefined;
}

export interface WaitTimes {
  /** the timeout or sleep the call asked for, in seconds; undefined when none (NULL, -1) */
  requested?: number;
  /** true when `requested` is an absolute deadline (clock_nanosleep TIMER_ABSTIME) */
  absolute?: boolean;
  /** the time left that strace printed for the call (nanosleep's second argument) */
  remaining?: number;
  /** the argument text the times came from, as printed */
  requestedText?: string;
  remainingText?: string;
}

/** Requested and remaining time of the calls that wait with a timeout. */
export function waitTimes(name: string, args: string): WaitTimes {
  const a = splitArgs(args);
  const out: WaitTimes = {};
  const ms = (s: string | undefined): void => {
    if (s === undefined) return;
    const v = Number(s);
    if (Number.isFinite(v) && v >= 0) {
      out.requested = v / 1000;
      out.requestedText = `${s} ms`;
    }
  };
  const ts = (s: string | undefined, unit: 'ns' | 'us' = 'ns'): void => {
    const v = structSeconds(s, unit);
    if (v !== undefined) {
      out.requested = v;
      out.requestedText = s;
    }
  };
  const rem = (s: string | undefined): void => {
    const v = structSeconds(s, 'ns');
    if (v !== undefined) {
      out.remaining = v;
      out.remainingText = s;
    }
  };
  switch (name) {
    case 'nanosleep':
      ts(a[0]);
      rem(a[1]);
      break;
    case 'clock_nanosleep':
    case 'clock_nanosleep_time64':
      ts(a[2]);
      if (a[1] !== undefined && a[1].includes('TIMER_ABSTIME')) out.absolute = true;
      rem(a[3]);
      break;
    case 'poll':
      ms(a[2]);
      break;
    case 'ppoll':
    case 'ppoll_time64':
      ts(a[2]);
      break;
    case 'select':
    case '_newselect':
      ts(a[4], 'us');
      break;
    case 'pselect6':
    case 'pselect6_time64':
      ts(a[4]);
      break;
    case 'epoll_wait':
    case 'epoll_pwait':
      ms(a[3]);
      break;
    case 'epoll_pwait2':
      ts(a[3]);
      break;
    case 'futex':
      ts(a[3]);
      break;
    default:
      break;
  }
  return out;
}

/** "2.29 s", "120 ms", "35 µs" */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a >= 1) return `${Number(s.toFixed(a >= 100 ? 0 : 2))} s`;
  if (a >= 0.001) return `${Number((s * 1e3).toFixed(a >= 0.1 ? 0 : 1))} ms`;
  return `${Number((s * 1e6).toFixed(0))} µs`;
}
