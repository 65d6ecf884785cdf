/**
 * One strace line → its parts, without regular expressions on the argument
 * text (long string arguments make backtracking patterns slow): the return
 * value and the `-T` duration are found by scanning from the end of the line.
 *
 * `LineScanner` keeps its results in fields, not in fresh objects: it runs
 * once or twice per line on multi-GB logs, where an allocation per line shows.
 */

import { callKind, type CallKind } from './decode.js';

/** What the prefix of a line (before the call, signal or message) held. */
export interface Prefix {
  /** index in the line where the body starts */
  body: number;
  pid: number | null;
  comm?: string;
  /** clock kind of the time field, when there is one */
  timeKind?: TimeKind;
  /** seconds: since midnight (tod), since epoch, or the `-r` delta */
  time?: number;
  /** -n syscall number */
  number?: number;
  /** -i instruction pointer */
  ip?: string;
}

export type TimeKind = 'tod' | 'epoch' | 'relative';

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
const C_MINUS = 45;

/** An epoch time has a 10-digit integer part; `-r` deltas are small. */
const EPOCH_MIN = 100_000_000; /* s, 1973 */

// a Buffer, like every line source: one array shape keeps the byte loads monomorphic
const EMPTY: Uint8Array = Buffer.alloc(0);
const INTERN_SLOTS = 4096; /* power of two */
/** longer call names are not interned (no syscall name comes near) */
const MAX_CALL_NAME = 24; /* bytes */
const SMALL_NUMBERS = 8192;

/** 31^k mod 2^32, k ≤ MAX_CALL_NAME: a hash begun at 0 is the one begun at n shifted by n·31^len */
const POW31 = Array.from({ length: MAX_CALL_NAME + 1 }, (_, k) => {
  let p = 1;
  for (let i = 0; i < k; i++) p = Math.imul(p, 31);
  return p;
});

/** `<unfinished ...>` as four little-endian 32-bit words */
const UNFINISHED = [0, 4, 8, 12].map((k) => Buffer.from('<unfinished ...>', 'latin1').readInt32LE(k));
/** `<...` and ` resumed` as little-endian 32-bit words */
const RESUMED_OPEN = Buffer.from('<...', 'latin1').readInt32LE(0);
const RESUMED_CLOSE = [0, 4].map((k) => Buffer.from(' resumed', 'latin1').readInt32LE(k));

/** `00:00:00` as two little-endian 32-bit words */
const MIDNIGHT = [0, 4].map((k) => Buffer.from('00:00:00', 'latin1').readInt32LE(k));

/** -f -tt times read the long way at the start of a scanner's run (see pidTimePrefix) */
export const TOD_WARM_LINES = 256;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

export class LineScanner {
  /** the line's bytes: b[off] … b[off + len - 1]; latin1, so byte i is char i of the line string */
  private b: Uint8Array = EMPTY;
  private off = 0;
  private len = 0;
  // prefix
  body = 0;
  pid: number | null = null;
  comm: string | undefined = undefined;
  timeKind: TimeKind | undefined = undefined;
  time = 0;
  number: number | undefined = undefined;
  ip: string | undefined = undefined;
  // tail
  argsEnd = 0;
  ret: string | null = null;
  retval: number | null = null;
  errno: string | undefined = undefined;
  errnoText: string | undefined = undefined;
  retNote: string | undefined = undefined;
  /**
   * The -T duration, NaN when none: a field that only holds numbers keeps its double in
   * place (a `number | undefined` one took a fresh heap number and a write barrier on
   * every timed call); `duration` reads it as the events want it.
   */
  private dur = Number.NaN;
  get duration(): number | undefined {
    const d = this.dur;
    return d === d ? d : undefined;
  }
  unfinished = false;
  detached = false;

  /**
   * Points the scanner at a line. Scanning bytes is several times faster than
   * charCodeAt on a string sliced from a decoded chunk.
   */
  setLine(b: Uint8Array, off: number, len: number): void {
    if (b !== this.b) this.setBytes(b);
    this.off = off;
    this.len = len;
  }

  /**
   * The bytes the next lines are in. The parser sets them once per window of
   * lines, outside the per-line code: a branch in `setLine` first taken at the
   * second chunk (after V8 had optimized the line reader without feedback for
   * it) threw that code away and compiled it again (~35 ms of CPU a run).
   */
  setBytes(b: Uint8Array): void {
    this.b = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** the bytes set last (setLine, setBytes) */
  get bytes(): Uint8Array {
    return this.b;
  }

  /**
   * The same bytes as `b`, read four at a time where a fixed text is compared
   * (`<unfinished ...>`, ` resumed>`): each load in optimized code costs its
   * bounds and map checks, so one 32-bit load is about a quarter of four byte loads.
   */
  private dv: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);

  /** The line's bytes at i (≥ 0) are `<... ` (a resumed call's opening). */
  resumedOpenAt(i: number): boolean {
    return i + 5 <= this.len && this.dv.getInt32(this.off + i, true) === RESUMED_OPEN && this.b[this.off + i + 4] === C_SPACE;
  }

  /** The line's bytes at i (≥ 0) are ` resumed>`. */
  resumedCloseAt(i: number): boolean {
    const k = this.off + i;
    return i + 9 <= this.len && this.dv.getInt32(k, true) === RESUMED_CLOSE[0] && this.dv.getInt32(k + 4, true) === RESUMED_CLOSE[1] && this.b[k + 8] === C_GT;
  }

  /** The line's bytes at i are `<unfinished ...>` (i ≥ 0, i + 16 ≤ the line's length). */
  private unfinishedAt(i: number): boolean {
    const d = this.dv;
    const k = this.off + i;
    return d.getInt32(k, true) === UNFINISHED[0] && d.getInt32(k + 4, true) === UNFINISHED[1] && d.getInt32(k + 8, true) === UNFINISHED[2] && d.getInt32(k + 12, true) === UNFINISHED[3];
  }

  /**
   * The line's bytes at i (≥ 0) are ` <unfinished ...>`: a resumed call whose thread went
   * away inside it. Every word is compared on every call (`&`, not `&&`): the mark is rare,
   * and a compare V8 first meets in optimized code would cost a recompile of its caller.
   */
  cutMarkAt(i: number): boolean {
    if (i + 17 > this.len) return false;
    const d = this.dv;
    const k = this.off + i + 1;
    return ((this.b[k - 1] === C_SPACE) as unknown as number) &
      ((d.getInt32(k, true) === UNFINISHED[0]) as unknown as number) &
      ((d.getInt32(k + 4, true) === UNFINISHED[1]) as unknown as number) &
      ((d.getInt32(k + 8, true) === UNFINISHED[2]) as unknown as number) &
      ((d.getInt32(k + 12, true) === UNFINISHED[3]) as unknown as number)
      ? true
      : false;
  }

  /** Byte i of the line (i ≥ 0: every caller guards its lower bound), -1 past its end. */
  at(i: number): number {
    return i < this.len ? this.b[this.off + i] : -1;
  }

  /** The line's bytes at i start with the ASCII text `t`. */
  startsWith(t: string, i: number): boolean {
    if (i + t.length > this.len) return false;
    const b = this.b;
    const o = this.off + i;
    for (let k = 0; k < t.length; k++) if (b[o + k] !== t.charCodeAt(k)) return false;
    return true;
  }

  /** Index of the ASCII text `t` in the line from i, -1 when absent. */
  indexOf(t: string, i: number): number {
    const b = this.b;
    const first = t.charCodeAt(0);
    const last = this.len - t.length;
    for (let k = i; k <= last; k++) {
      if (b[this.off + k] === first && this.startsWith(t, k)) return k;
    }
    return -1;
  }

  /** Strings seen before (syscall names, errnos), by a hash of their bytes: no new string per line. */
  // allocated on first use: scanners made for a single line must stay cheap
  private interned: (string | undefined)[] | null = null;
  private calls: (string | undefined)[] | null = null;
  private callKinds: Uint8Array | null = null;
  private callBytes: Uint8Array | null = null;
  /** callBytes read four at a time */
  private callWords: DataView | null = null;
  /** the kind (decode.ts) of the name `callName` returned last */
  kind: CallKind = 0;
  private numbers: (string | undefined)[] | null = null;

  /** The line's text [a, e) as a shared string, when it is short. */
  intern(s: string, a: number, e: number): string {
    const n = e - a;
    if (n > 24) return s.slice(a, e);
    const b = this.b;
    const o = this.off;
    let h = n;
    for (let k = a; k < e; k++) h = (h * 31 + b[o + k]) | 0;
    const slot = h & (INTERN_SLOTS - 1);
    const table = (this.interned ??= new Array<string | undefined>(INTERN_SLOTS));
    const c = table[slot];
    if (c !== undefined && c.length === n) {
      let k = 0;
      while (k < n && c.charCodeAt(k) === b[o + a + k]) k++;
      if (k === n) return c;
    }
    // a fresh flat copy (not a slice pinning the decoded chunk)
    const fresh = n < 13 ? s.slice(a, e) : Buffer.from(b.subarray(o + a, o + e)).toString('latin1');
    table[slot] = fresh;
    return fresh;
  }

  /** A call name at [a, e) as a shared string, like `intern`, with its kind in `this.kind`. */
  callName(s: string, a: number, e: number): string {
    const n = e - a;
    if (n > MAX_CALL_NAME) {
      const name = s.slice(a, e);
      this.kind = callKind(name);
      return name;
    }
    const b = this.b;
    const o = this.off;
    // the hash intern() would make: the length, then each byte
    let h: number;
    if (a === this.nameStart && e === this.nameStop) h = (Math.imul(n, POW31[n]) + this.nameHash) | 0;
    else {
      h = n;
      for (let k = a; k < e; k++) h = (h * 31 + b[o + k]) | 0;
    }
    this.nameStart = -1;
    const slot = h & (INTERN_SLOTS - 1);
    const table = (this.calls ??= new Array<string | undefined>(INTERN_SLOTS));
    const kinds = (this.callKinds ??= new Uint8Array(INTERN_SLOTS));
    // each slot's name as bytes too: comparing bytes with bytes is cheaper than with charCodeAt
    const bytes = (this.callBytes ??= new Uint8Array(INTERN_SLOTS * MAX_CALL_NAME));
    const words = (this.callWords ??= new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const c = table[slot];
    if (c !== undefined && c.length === n) {
      // four bytes at a time while four are left (a slot has MAX_CALL_NAME bytes, so its loads stay inside), then byte by byte
      const dv = this.dv;
      const at = slot * MAX_CALL_NAME - (o + a);
      let k = o + a;
      const end = o + e;
      while (k + 4 <= end && words.getInt32(at + k, true) === dv.getInt32(k, true)) k += 4;
      while (k < end && bytes[at + k] === b[k]) k++;
      if (k === end) {
        this.kind = kinds[slot] as CallKind;
        return c;
      }
    }
    const fresh = n < 13 ? s.slice(a, e) : Buffer.from(b.subarray(o + a, o + e)).toString('latin1');
    table[slot] = fresh;
    bytes.set(b.subarray(o + a, o + e), slot * MAX_CALL_NAME);
    const kind = callKind(fresh);
    kinds[slot] = kind;
    this.kind = kind;
    return fresh;
  }


  private smallNumber(v: number): string {
    if (v >= SMALL_NUMBERS || v < -SMALL_NUMBERS) return String(v);
    const k = v < 0 ? SMALL_NUMBERS - v - 1 : v;
    const table = (this.numbers ??= new Array<string | undefined>(SMALL_NUMBERS * 2));
    let str = table[k];
    if (str === undefined) {
      str = String(v);
      table[k] = str;
    }
    return str;
  }

  /**
   * End index of a syscall name starting at i ([A-Za-z0-9_]), or i when none.
   * It hashes the name on the way, for `callName` on the same span.
   */
  nameEnd(i: number): number {
    const b = this.b;
    const o = this.off;
    const n = this.len;
    let j = i;
    let h = 0;
    while (j < n) {
      const c = b[o + j];
      if ((c >= 97 && c <= 122) || (c >= C_0 && c <= C_9) || c === 95 || (c >= 65 && c <= 90)) {
        h = (h * 31 + c) | 0;
        j++;
      } else break;
    }
    this.nameStart = i;
    this.nameStop = j;
    this.nameHash = h;
    return j;
  }

  /** the span and hash (without its length) of the name nameEnd read last */
  private nameStart = -1;
  private nameStop = -1;
  private nameHash = 0;

  /** Reads the pid, time, `-n` number and `-i` pointer in front of the body; `s` is the line as text. */
  prefix(s: string, pidHint: number | null): void {
    if (!this.pidTimePrefix()) this.anyPrefix(s, pidHint);
  }

  /**
   * The prefix of `strace -f -tt` ("1234  01:48:49.123456 ") read on local
   * bytes, the shape of almost every line of a busy log; false (nothing set)
   * for anything else, which `anyPrefix` reads. Same results as anyPrefix on
   * the lines it takes.
   */
  private pidTimePrefix(): boolean {
    const b = this.b;
    const o = this.off;
    const n = this.len;
    let j = 0;
    let pid = 0;
    for (; j < n; j++) {
      const d = b[o + j];
      if (d < C_0 || d > C_9) break;
      pid = pid * 10 + (d - C_0);
    }
    if (j === 0 || j >= n || b[o + j] !== C_SPACE) return false;
    let k = j + 1;
    while (k < n && (b[o + k] === C_SPACE || b[o + k] === C_TAB)) k++;
    // HH:MM:SS, digits only (anyPrefix reads odd bytes in a time its own way)
    if (k + 8 >= n) return false;
    const q = o + k;
    if (k + 16 < n) {
      // "HH:MM:SS.UUUUUU " (-tt writes six digits) as four 32-bit loads; anything else is read byte by byte below
      const dv = this.dv;
      const w0 = dv.getInt32(q, true);
      const w1 = dv.getInt32(q + 4, true);
      const w2 = dv.getInt32(q + 8, true);
      const w3 = dv.getInt32(q + 12, true);
      const f1 = ((w2 >>> 8) & 0xff) - C_0;
      const f2 = ((w2 >>> 16) & 0xff) - C_0;
      const f3 = (w2 >>> 24) - C_0;
      const f4 = (w3 & 0xff) - C_0;
      const f5 = ((w3 >>> 8) & 0xff) - C_0;
      const f6 = ((w3 >>> 16) & 0xff) - C_0;
      const i = k + 16;
      const c = b[o + i];
      if (
        (w2 & 0xff) === C_DOT &&
        w3 >>> 24 === C_SPACE &&
        (f1 | f2 | f3 | f4 | f5 | f6) >= 0 &&
        f1 <= 9 && f2 <= 9 && f3 <= 9 && f4 <= 9 && f5 <= 9 && f6 <= 9 &&
        c !== C_LPAREN && c !== C_LBRACK
      ) {
        let whole = -1;
        if (w0 === this.todW0 && w1 === this.todW1) {
          // "HH:MM:SS" as on the line before (most lines of a busy log fall in the same second):
          // its whole seconds are known, only the fraction is read
          whole = this.todSeconds;
        } else {
          const h1 = (w0 & 0xff) - C_0;
          const h2 = ((w0 >>> 8) & 0xff) - C_0;
          const m1 = (w0 >>> 24) - C_0;
          const m2 = (w1 & 0xff) - C_0;
          const s1 = ((w1 >>> 16) & 0xff) - C_0;
          const s2 = (w1 >>> 24) - C_0;
          const mm = m1 * 10 + m2;
          const ss = s1 * 10 + s2;
          if (
            ((w0 >>> 16) & 0xff) === C_COLON &&
            ((w1 >>> 8) & 0xff) === C_COLON &&
            (h1 | h2 | m1 | m2 | s1 | s2) >= 0 &&
            h1 <= 9 && h2 <= 9 && m1 <= 9 && m2 <= 9 && s1 <= 9 && s2 <= 9 &&
            mm < 60 && ss < 61
          ) {
            whole = (h1 * 10 + h2) * 3600 + mm * 60 + ss;
            // The first lines are all read the long way: V8 optimizes this function after a few
            // thousand lines, often before the log's second first changes, and the long way met
            // first in optimized code threw that code away and compiled it again.
            if (this.todWarm > 0) this.todWarm--;
            else {
              this.todW0 = w0;
              this.todW1 = w1;
              this.todSeconds = whole;
            }
          }
        }
        if (whole >= 0) {
          this.pid = pid;
          this.comm = undefined;
          this.timeKind = 'tod';
          // whole seconds first, then the fraction: the same sum (and double) whichever way the seconds were found
          this.time = whole + (((((f1 * 10 + f2) * 10 + f3) * 10 + f4) * 10 + f5) * 10 + f6) / 1e6;
          this.number = undefined;
          this.ip = undefined;
          this.body = i;
          return true;
        }
      }
    }
    const h1 = b[q] - C_0;
    const h2 = b[q + 1] - C_0;
    const m1 = b[q + 3] - C_0;
    const m2 = b[q + 4] - C_0;
    const s1 = b[q + 6] - C_0;
    const s2 = b[q + 7] - C_0;
    if (b[q + 2] !== C_COLON || b[q + 5] !== C_COLON) return false;
    if (h1 < 0 || h1 > 9 || h2 < 0 || h2 > 9 || m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9) return false;
    const mm = m1 * 10 + m2;
    const ss = s1 * 10 + s2;
    if (mm >= 60 || ss >= 61) return false;
    let t = (h1 * 10 + h2) * 3600 + mm * 60 + ss;
    j = k + 8;
    if (b[o + j] === C_DOT) {
      let f = 0;
      const f0 = ++j;
      for (; j < n; j++) {
        const d = b[o + j];
        if (d < C_0 || d > C_9) break;
        f = f * 10 + (d - C_0);
      }
      t += f / (POW10[j - f0] ?? 10 ** (j - f0));
    }
    if (j >= n || b[o + j] !== C_SPACE) return false;
    const i = j + 1;
    // `-t -r` "(+ 0.000525) ", `-n`/`-i` "[…] ": anyPrefix's
    if (i < n && (b[o + i] === C_LPAREN || b[o + i] === C_LBRACK)) return false;
    this.pid = pid;
    this.comm = undefined;
    this.timeKind = 'tod';
    this.time = t;
    this.number = undefined;
    this.ip = undefined;
    this.body = i;
    return true;
  }

  /**
   * The "HH:MM:SS" of the last -f -tt time read whole, as two 32-bit words, and its whole
   * seconds; "00:00:00" before any, so the words always stand for a time read the long way.
   */
  private todW0 = MIDNIGHT[0];
  private todW1 = MIDNIGHT[1];
  private todSeconds = 0;
  /** lines read the long way before the words are kept (see pidTimePrefix) */
  private todWarm = TOD_WARM_LINES;

  /** The general prefix reader: every shape strace writes (`prefix` reads the commonest on its own first). */
  anyPrefix(s: string, pidHint: number | null): void {
    const n = this.len;
    let i = 0;
    let pid: number | null = null;
    this.comm = undefined;
    this.timeKind = undefined;
    this.number = undefined;
    this.ip = undefined;
    let c = this.at(0);
    if (c === C_LBRACK) {
      // [pid  123] or [pid 123<comm>]
      if (this.at(1) === 112 /* p */ && this.startsWith('[pid', 0)) {
        let j = 4;
        while (j < n && this.at(j) === C_SPACE) j++;
        let v = 0;
        const d0 = j;
        for (; j < n; j++) {
          const d = this.at(j);
          if (d < C_0 || d > C_9) break;
          v = v * 10 + (d - C_0);
        }
        if (j > d0) {
          if (this.at(j) === C_LT) {
            const e = this.indexOf('>]', j);
            if (e > 0) {
              this.comm = s.slice(j + 1, e);
              j = e + 1;
            }
          }
          if (this.at(j) === C_RBRACK) {
            pid = v;
            i = j + 1;
            while (i < n && this.at(i) === C_SPACE) i++;
          }
        }
      }
    } else if (c >= C_0 && c <= C_9) {
      // "123 " / "123<comm> " is a pid; "01:48:49" a time; "1795398529.01" an epoch time
      let j = 0;
      let v = 0;
      for (; j < n; j++) {
        const d = this.at(j);
        if (d < C_0 || d > C_9) break;
        v = v * 10 + (d - C_0);
      }
      c = this.at(j);
      if (c === C_SPACE || c === C_TAB) {
        pid = v;
        i = j + 1;
        for (;;) {
          const d = this.at(i);
          if (d !== C_SPACE && d !== C_TAB) break;
          i++;
        }
      } else if (c === C_LT) {
        const e = this.indexOf('> ', j);
        if (e > 0) {
          pid = v;
          this.comm = s.slice(j + 1, e);
          i = e + 2;
          while (i < n && this.at(i) === C_SPACE) i++;
        }
      }
    }
    this.pid = pid === null ? pidHint : pid;

    // time: HH:MM:SS[.frac] | N.frac (epoch or -r, maybe space-padded)
    let k = i;
    while (this.at(k) === C_SPACE) k++;
    c = this.at(k);
    if (c >= C_0 && c <= C_9) {
      let j = k;
      let v = 0;
      for (; j < n; j++) {
        const d = this.at(j);
        if (d < C_0 || d > C_9) break;
        v = v * 10 + (d - C_0);
      }
      c = this.at(j);
      if (c === C_COLON && j - k === 2) {
        const mm = (this.at(j + 1) - C_0) * 10 + (this.at(j + 2) - C_0);
        const ss = (this.at(j + 4) - C_0) * 10 + (this.at(j + 5) - C_0);
        if (this.at(j + 3) === C_COLON && mm >= 0 && mm < 60 && ss >= 0 && ss < 61) {
          let t = v * 3600 + mm * 60 + ss;
          j += 6;
          if (this.at(j) === C_DOT) {
            let f = 0;
            const f0 = ++j;
            for (; j < n; j++) {
              const d = this.at(j);
              if (d < C_0 || d > C_9) break;
              f = f * 10 + (d - C_0);
            }
            t += f / (POW10[j - f0] ?? 10 ** (j - f0));
          }
          if (this.at(j) === C_SPACE) {
            this.timeKind = 'tod';
            this.time = t;
            i = j + 1;
            // `-t -r`: "01:48:49 (+     0.000525) " — the time of day is kept
            if (this.at(i) === C_LPAREN && this.at(i + 1) === 43) {
              const e = this.indexOf(') ', i);
              if (e > 0) i = e + 2;
            }
          }
        }
      } else if (c === C_DOT) {
        let f = 0;
        const f0 = ++j;
        for (; j < n; j++) {
          const d = this.at(j);
          if (d < C_0 || d > C_9) break;
          f = f * 10 + (d - C_0);
        }
        if (j > f0 && this.at(j) === C_SPACE) {
          this.time = v + f / (POW10[j - f0] ?? 10 ** (j - f0));
          this.timeKind = v >= EPOCH_MIN ? 'epoch' : 'relative';
          i = j + 1;
        }
      }
    }
    // -n "[  59] " and -i "[00007f86ea022ad7] ", in either order
    while (this.at(i) === C_LBRACK) {
      const e = this.indexOf('] ', i);
      if (e < 0 || e - i > 24) break;
      const inner = s.slice(i + 1, e).trim();
      if (inner.length === 0) break;
      // "????????????????": strace could not read the pointer (e.g. after exit)
      if (inner.length >= 8 && /^(?:[0-9a-f]+|\?+)$/.test(inner)) this.ip = inner;
      else if (/^\d+$/.test(inner)) this.number = Number(inner);
      else break;
      i = e + 2;
    }
    this.body = i;
  }

  /**
   * Scans a call body from the end: duration, `<unfinished ...>`, ` = ret …`.
   * `from` is where the arguments start (after `(` or `resumed>`). False when
   * the line has neither a return nor an unfinished mark.
   */
  tail(s: string, from: number): boolean {
    // the line's bytes in locals: the loads of a call to at() per byte showed in profiles
    const b = this.b;
    const o = this.off;
    const len = this.len;
    let end = len;
    while (end > from && b[o + end - 1] <= C_SPACE) end--;
    this.dur = Number.NaN;
    this.unfinished = false;
    this.detached = false;
    this.errno = undefined;
    this.errnoText = undefined;
    this.retNote = undefined;
    this.ret = null;
    this.retval = null;
    if (b[o + end - 1] === C_GT) {
      // The shapes strace writes, read at fixed places: -T "<S.UUUUUU>" (six digits after the
      // point) and "<unfinished ...>". Each gives what the general scan below gives on it (the
      // last `<` is the one found here: no `<` in between), with fewer loads.
      const p = end - 8;
      if (p - 2 >= from && b[o + p] === C_DOT) {
        const d1 = b[o + p + 1] - C_0;
        const d2 = b[o + p + 2] - C_0;
        const d3 = b[o + p + 3] - C_0;
        const d4 = b[o + p + 4] - C_0;
        const d5 = b[o + p + 5] - C_0;
        const d6 = b[o + p + 6] - C_0;
        if ((d1 | d2 | d3 | d4 | d5 | d6) >= 0 && d1 <= 9 && d2 <= 9 && d3 <= 9 && d4 <= 9 && d5 <= 9 && d6 <= 9) {
          let lt = p - 1;
          while (lt >= from && b[o + lt] >= C_0 && b[o + lt] <= C_9) lt--;
          if (lt < p - 1 && lt >= from && b[o + lt] === C_LT) {
            let v = 0;
            for (let j = lt + 1; j < p; j++) v = v * 10 + (b[o + j] - C_0);
            this.dur = v + (((((d1 * 10 + d2) * 10 + d3) * 10 + d4) * 10 + d5) * 10 + d6) / 1e6;
            end = lt;
            while (end > from && b[o + end - 1] === C_SPACE) end--;
            return this.callReturn(s, from, end);
          }
        }
      } else if (end - 16 >= from && b[o + end - 2] === C_DOT && this.unfinishedAt(end - 16)) {
        let a = end - 16;
        while (a > from && b[o + a - 1] === C_SPACE) a--;
        this.argsEnd = a;
        this.unfinished = true;
        return true;
      }
      // String.prototype.lastIndexOf is a runtime call in V8: a short loop is cheaper here
      let lt = end - 2;
      while (lt >= from && b[o + lt] !== C_LT) lt--;
      if (lt >= from) {
        const c = b[o + lt + 1];
        if (c >= C_0 && c <= C_9) {
          // -T "<0.000123>"
          let j = lt + 1;
          let v = 0;
          for (; j < end; j++) {
            const d = b[o + j];
            if (d < C_0 || d > C_9) break;
            v = v * 10 + (d - C_0);
          }
          if ((j < len ? b[o + j] : -1) === C_DOT) {
            let f = 0;
            const f0 = ++j;
            for (; j < end; j++) {
              const d = b[o + j];
              if (d < C_0 || d > C_9) break;
              f = f * 10 + (d - C_0);
            }
            v += f / (POW10[j - f0] ?? 10 ** (j - f0));
          }
          if (j === end - 1) {
            this.dur = v;
            end = lt;
            while (end > from && b[o + end - 1] === C_SPACE) end--;
          }
        } else if (c === 117 /* u */ && this.startsWith('unfinished ...>', lt + 1)) {
          let a = lt;
          while (a > from && b[o + a - 1] === C_SPACE) a--;
          this.argsEnd = a;
          this.unfinished = true;
          return true;
        } else if (c === 100 /* d */ && this.startsWith('detached ...>', lt + 1)) {
          let a = lt;
          while (a > from && b[o + a - 1] === C_SPACE) a--;
          this.argsEnd = a;
          this.unfinished = true;
          this.detached = true;
          return true;
        }
      }
    }
    return this.callReturn(s, from, end);
  }

  /** The tail's ` = ret [errno (text)|note]` ending at `end` (its duration already read). */
  private callReturn(s: string, from: number, end: number): boolean {
    const b = this.b;
    const o = this.off;
    const len = this.len;
    let eq = end - 3;
    for (; eq >= from; eq--) {
      if (b[o + eq + 1] === 61 /* = */ && b[o + eq] === C_SPACE && b[o + eq + 2] === C_SPACE) break;
    }
    if (eq < from) return false;
    let a = eq;
    while (a > from && b[o + a - 1] === C_SPACE) a--;
    if (b[o + a - 1] !== C_RPAREN) return false;
    this.argsEnd = a - 1;
    const r = eq + 3;
    let re = r;
    // the return token, read as a number on the way when it is one
    let c = (r < len ? b[o + r] : -1);
    let neg = false;
    let v = 0;
    let numeric = true;
    if (c === C_MINUS) {
      neg = true;
      re++;
    }
    const d0 = re;
    let digitsEnd = -1;
    for (; re < end; re++) {
      c = b[o + re];
      if (c === C_SPACE) break;
      if (c >= C_0 && c <= C_9) v = v * 10 + (c - C_0);
      else if (c === C_LT && numeric && re > d0) {
        // -y/-yy: a returned fd is decorated too, "= 5<TCP:[147402]>" (paths may hold spaces)
        digitsEnd = re;
        while (re < end && b[o + re] !== C_GT) re++;
        if (re < end) re++;
        break;
      } else numeric = false;
    }
    if (numeric && re > d0 && digitsEnd < 0 && re - r <= 5) {
      // small plain numbers ("0", "-1", "832") are most returns: share one string each
      this.retval = neg ? -v : v;
      // the printed digits are the number's own text unless they start with a 0 ("0", "007")
      this.ret = v < SMALL_NUMBERS || b[o + d0] === C_0 ? this.smallNumber(this.retval) : s.slice(r, re);
    } else {
      this.ret = s.slice(r, re);
      if (numeric && re > d0) this.retval = neg ? -v : v;
      else this.retval = parseRet(this.ret);
    }
    if (digitsEnd >= 0) this.retval = neg ? -v : v;
    const n = re + 1;
    if (n < end) {
      // One slice and both stores on every path: an errno's text comes early in any log, a
      // note ("(Timeout)", "(flags O_RDWR)") may come late, and a site V8 first meets in
      // optimized code costs a recompile of this function.
      let from = n;
      let to = end;
      let note = true;
      if (b[o + n] === 69 /* E */) {
        let e = n;
        while (e < end && b[o + e] !== C_SPACE) e++;
        this.errno = this.intern(s, n, e);
        if ((e + 1 < len ? b[o + e + 1] : -1) === C_LPAREN && b[o + end - 1] === C_RPAREN) {
          from = e + 2;
          to = end - 1;
          note = false;
        } else from = e + 1 < end ? e + 1 : -1;
      }
      if (from >= 0) {
        const text = s.slice(from, to);
        this.errnoText = note ? undefined : text;
        this.retNote = note ? text : undefined;
      }
    }
    return true;
  }
}

function parseRet(ret: string): number | null {
  if (ret === '?' || ret.length === 0) return null;
  const c = ret.charCodeAt(0);
  if (c === C_0 && ret.charCodeAt(1) === 120 /* x */) {
    const v = Number.parseInt(ret.slice(2), 16);
    return Number.isFinite(v) ? v : null;
  }
  if ((c >= C_0 && c <= C_9) || c === C_MINUS) {
    const v = Number(ret);
    return Number.isFinite(v) ? v : null;
  }
  return null;
}

/** Reads a line's prefix into a fresh object (for sniffing and tests; the parser uses a LineScanner). */
export function parsePrefix(s: string, pidHint: number | null, scanner?: LineScanner): Prefix {
  const sc = scannerFor(s, scanner);
  sc.prefix(s, pidHint);
  const p: Prefix = { body: sc.body, pid: sc.pid };
  if (sc.comm !== undefined) p.comm = sc.comm;
  if (sc.timeKind !== undefined) {
    p.timeKind = sc.timeKind;
    p.time = sc.time;
  }
  if (sc.number !== undefined) p.number = sc.number;
  if (sc.ip !== undefined) p.ip = sc.ip;
  return p;
}

/** Reads a call's tail into a fresh object; null when there is none. */
export function parseTail(s: string, from: number, scanner?: LineScanner): CallTail | null {
  const sc = scannerFor(s, scanner);
  if (!sc.tail(s, from)) return null;
  const t: CallTail = { argsEnd: sc.argsEnd, ret: sc.ret, retval: sc.retval };
  if (sc.errno !== undefined) t.errno = sc.errno;
  if (sc.errnoText !== undefined) t.errnoText = sc.errnoText;
  if (sc.retNote !== undefined) t.retNote = sc.retNote;
  if (sc.duration !== undefined) t.duration = sc.duration;
  if (sc.unfinished) t.unfinished = true;
  if (sc.detached) t.detached = true;
  return t;
}

/** A scanner on a string's own bytes (for the few lines that are not in a chunk). */
export function scannerFor(s: string, sc = new LineScanner()): LineScanner {
  const b = Buffer.from(s, 'latin1');
  sc.setLine(b, 0, b.length);
  return sc;
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
