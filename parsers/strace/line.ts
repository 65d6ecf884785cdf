/**
 * One strace line → its parts. Pure functions on a decoded line (latin1), no
 * regular expressions on the argument text: long string arguments make
 * backtracking patterns slow, so the return value and the `-T` duration are
 * found by scanning from the end of the line.
 */

/** What the prefix of a line (before the call, signal or message) held. */
export interface Prefix {
  /** index in the line where the body starts */
  body: number;
  pid: number | null;
  comm?: string;
  /** clock kind of the time field, when there is one */
  timeKind?: 'tod' | 'epoch' | 'relative';
  /** seconds: since midnight (tod), since epoch, or the `-r` delta */
  time?: number;
  /** `-t -r` together: `01:48:49 (+     0.000525)` — the delta is ignored, the time kept */
  number?: number;
  ip?: string;
}

const C_0 = 48;
const C_9 = 57;
const C_SPACE = 32;
const C_TAB = 9;
const C_LBRACK = 91;
const C_RBRACK = 93;
const C_LT = 60;
const C_GT = 62;
const C_COLON = 58;
const C_DOT = 46;
const C_LPAREN = 40;
const C_RPAREN = 41;

/** An epoch time has a 10-digit integer part; `-r` deltas are small. */
const EPOCH_MIN = 100_000_000; /* s, 1973 */

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** Reads the pid, time, `-n` number and `-i` pointer in front of the body. */
export function parsePrefix(s: string, pidHint: number | null): Prefix {
  const n = s.length;
  let i = 0;
  let pid: number | null = null;
  let comm: string | undefined;
  // [pid  123] or [pid 123<comm>]
  if (s.charCodeAt(0) === C_LBRACK && s.startsWith('[pid', 0)) {
    let j = 4;
    while (j < n && s.charCodeAt(j) === C_SPACE) j++;
    let v = 0;
    const d0 = j;
    while (j < n && isDigit(s.charCodeAt(j))) v = v * 10 + (s.charCodeAt(j++) - C_0);
    if (j > d0) {
      if (s.charCodeAt(j) === C_LT) {
        const e = s.indexOf('>]', j);
        if (e > 0) {
          comm = s.slice(j + 1, e);
          j = e + 1;
        }
      }
      if (s.charCodeAt(j) === C_RBRACK) {
        pid = v;
        i = j + 1;
        while (i < n && s.charCodeAt(i) === C_SPACE) i++;
      }
    }
  } else if (isDigit(s.charCodeAt(0))) {
    // "123 " / "123<comm> " is a pid; "01:48:49" a time; "1795398529.01" an epoch time
    let j = 0;
    let v = 0;
    while (j < n && isDigit(s.charCodeAt(j))) v = v * 10 + (s.charCodeAt(j++) - C_0);
    const c = s.charCodeAt(j);
    if (c === C_SPACE || c === C_TAB) {
      pid = v;
      i = j;
      while (i < n && (s.charCodeAt(i) === C_SPACE || s.charCodeAt(i) === C_TAB)) i++;
    } else if (c === C_LT) {
      const e = s.indexOf('> ', j);
      if (e > 0) {
        pid = v;
        comm = s.slice(j + 1, e);
        i = e + 2;
        while (i < n && s.charCodeAt(i) === C_SPACE) i++;
      }
    }
  }
  if (pid === null) pid = pidHint;
  const p: Prefix = { body: i, pid };
  if (comm !== undefined) p.comm = comm;

  // time: HH:MM:SS[.frac] | N.frac (epoch or -r, maybe space-padded)
  let k = i;
  while (k < n && s.charCodeAt(k) === C_SPACE) k++;
  if (isDigit(s.charCodeAt(k))) {
    let j = k;
    let v = 0;
    while (j < n && isDigit(s.charCodeAt(j))) v = v * 10 + (s.charCodeAt(j++) - C_0);
    const c = s.charCodeAt(j);
    if (c === C_COLON && j - k === 2) {
      // HH:MM:SS
      const mm = (s.charCodeAt(j + 1) - C_0) * 10 + (s.charCodeAt(j + 2) - C_0);
      const ss = (s.charCodeAt(j + 4) - C_0) * 10 + (s.charCodeAt(j + 5) - C_0);
      if (s.charCodeAt(j + 3) === C_COLON && mm >= 0 && mm < 60 && ss >= 0 && ss < 61) {
        let t = v * 3600 + mm * 60 + ss;
        j += 6;
        if (s.charCodeAt(j) === C_DOT) {
          const [frac, e] = readFraction(s, j + 1);
          t += frac;
          j = e;
        }
        if (s.charCodeAt(j) === C_SPACE) {
          p.timeKind = 'tod';
          p.time = t;
          i = j + 1;
          // `-t -r`: "01:48:49 (+     0.000525) "
          if (s.charCodeAt(i) === C_LPAREN && s.charCodeAt(i + 1) === 43) {
            const e = s.indexOf(') ', i);
            if (e > 0) i = e + 2;
          }
        }
      }
    } else if (c === C_DOT) {
      const [frac, e] = readFraction(s, j + 1);
      if (e > j + 1 && s.charCodeAt(e) === C_SPACE) {
        p.time = v + frac;
        p.timeKind = v >= EPOCH_MIN ? 'epoch' : 'relative';
        i = e + 1;
      }
    }
  }
  // -n "[  59] " and -i "[00007f86ea022ad7] ", in either order
  while (s.charCodeAt(i) === C_LBRACK) {
    const e = s.indexOf('] ', i);
    if (e < 0 || e - i > 24) break;
    const inner = s.slice(i + 1, e).trim();
    if (inner.length === 0) break;
    if (inner.length >= 8 && /^[0-9a-f]+$/.test(inner)) p.ip = inner;
    else if (/^\d+$/.test(inner)) p.number = Number(inner);
    else break;
    i = e + 2;
  }
  p.body = i;
  return p;
}

function readFraction(s: string, i: number): [number, number] {
  let v = 0;
  let scale = 1;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < C_0 || c > C_9) break;
    v = v * 10 + (c - C_0);
    scale *= 10;
    i++;
  }
  return [v / scale, i];
}

/** The tail of a syscall line: `= ret [ERRNO (text)|(note)] [<duration>]`. */
export interface CallTail {
  /** index of the `)` closing the arguments (exclusive end of args) */
  argsEnd: number;
  ret: string | null;
  retval: number | null;
  errno?: string;
  errnoText?: string;
  /** other text after the return: "(Timeout)", "(flags O_RDWR)", an -X comment */
  retNote?: string;
  duration?: number;
  unfinished?: boolean;
  detached?: boolean;
}

/**
 * Scans a call body from the end: duration, `<unfinished ...>`, ` = ret …`.
 * `from` is where the arguments start (after `(` or `resumed>`).
 * Returns null when the line has neither a return nor an unfinished mark.
 */
export function parseTail(s: string, from: number): CallTail | null {
  let end = s.length;
  while (end > from && s.charCodeAt(end - 1) <= C_SPACE) end--;
  let duration: number | undefined;
  if (s.charCodeAt(end - 1) === C_GT) {
    const lt = s.lastIndexOf('<', end - 1);
    if (lt >= from) {
      const inner = s.slice(lt + 1, end - 1);
      if (inner === 'unfinished ...') {
        let a = lt;
        while (a > from && s.charCodeAt(a - 1) === C_SPACE) a--;
        return { argsEnd: a, ret: null, retval: null, unfinished: true };
      }
      if (inner === 'detached ...') {
        let a = lt;
        while (a > from && s.charCodeAt(a - 1) === C_SPACE) a--;
        return { argsEnd: a, ret: null, retval: null, unfinished: true, detached: true };
      }
      const d = Number(inner);
      if (inner.length > 0 && Number.isFinite(d)) {
        duration = d;
        end = lt;
        while (end > from && s.charCodeAt(end - 1) === C_SPACE) end--;
      }
    }
  }
  const eq = s.lastIndexOf(' = ', end);
  if (eq < from) return null;
  let a = eq;
  while (a > from && s.charCodeAt(a - 1) === C_SPACE) a--;
  if (s.charCodeAt(a - 1) !== C_RPAREN) return null;
  // return token
  let r = eq + 3;
  let re = r;
  while (re < end && s.charCodeAt(re) !== C_SPACE) re++;
  const ret = s.slice(r, re);
  const tail: CallTail = { argsEnd: a - 1, ret, retval: parseRet(ret) };
  if (duration !== undefined) tail.duration = duration;
  r = re + 1;
  if (r < end) {
    const c = s.charCodeAt(r);
    if (c === 69 /* E */) {
      let e = r;
      while (e < end && s.charCodeAt(e) !== C_SPACE) e++;
      tail.errno = s.slice(r, e);
      if (s.charCodeAt(e + 1) === C_LPAREN && s.charCodeAt(end - 1) === C_RPAREN) tail.errnoText = s.slice(e + 2, end - 1);
      else if (e + 1 < end) tail.retNote = s.slice(e + 1, end);
    } else {
      tail.retNote = s.slice(r, end);
    }
  }
  return tail;
}

function parseRet(ret: string): number | null {
  if (ret === '?' || ret.length === 0) return null;
  const c = ret.charCodeAt(0);
  if (c === 48 && ret.charCodeAt(1) === 120 /* x */) {
    const v = Number.parseInt(ret.slice(2), 16);
    return Number.isFinite(v) ? v : null;
  }
  if (isDigit(c) || c === 45 /* - */) {
    const v = Number(ret);
    return Number.isFinite(v) ? v : null;
  }
  return null;
}

/** End index of a syscall name starting at i ([A-Za-z0-9_]), or i when none. */
export function scanName(s: string, i: number): number {
  const n = s.length;
  let j = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    if ((c >= 97 && c <= 122) || (c >= C_0 && c <= C_9) || c === 95 || (c >= 65 && c <= 90)) j++;
    else break;
  }
  return j;
}
