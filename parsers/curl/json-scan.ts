/**
 * A one-line %{json} object read from its bytes, without decoding the line or building its
 * values: curl prints every line of a `-w '%{json}\n'` loop with the same keys in the same order,
 * so a line is checked against the key bytes of the line before it (a `JsonTemplate`) and only
 * where each value starts and ends is noted. A value is made when asked for, as JSON.parse of
 * the decoded line would have made it; a transfer built lean reads a dozen of the ~45.
 *
 * The scan accepts only what JSON.parse accepts and reads the same way (strict JSON: no
 * whitespace between tokens, scalar values only), and declines anything else: such a line is
 * decoded and read as before. Declining is always safe; accepting must be exact.
 */

import { viewOfChunk } from './lines.js';

/** One-byte strings of a Buffer's bytes, without toString's wrapper (see lines.ts' decode). */
type Slicer = Buffer & { latin1Slice?: (start: number, end: number) => string; utf8Slice?: (start: number, end: number) => string };

function latin1(buf: Buffer, from: number, to: number): string {
  const b = buf as Slicer;
  return typeof b.latin1Slice === 'function' ? b.latin1Slice(from, to) : buf.toString('latin1', from, to);
}

function utf8(buf: Buffer, from: number, to: number): string {
  const b = buf as Slicer;
  return typeof b.utf8Slice === 'function' ? b.utf8Slice(from, to) : buf.toString('utf8', from, to);
}

// What a value's first byte said it is, and for a string how it must be decoded:
/** a string of ASCII without escapes: its bytes are its text */
const ASCII = 0;
/** a string with bytes >= 0x80 and no escapes: UTF-8 decoded */
const UTF8 = 1;
/** a string with escapes: JSON.parse of its decoded text, quotes included */
const ESCAPED = 2;
/** digits only (a sign first perhaps), at most 15 characters: exact as read */
const INT = 3;
/** any other JSON number: Number() of its text, which rounds as JSON.parse does */
const NUMBER = 4;
/**
 * digits, a point and digits, 15 digits at most: the digits as an integer m (below 2^53, so
 * exact) divided by 10^k (k <= 15, exact too): one correctly rounded division gives the double
 * nearest the decimal, which is what Number() and JSON.parse give (Clinger's fast path)
 */
const DECIMAL = 8;
const TRUE = 5;
const FALSE = 6;
const NULL = 7;

/**
 * The key bytes of one key list: for key i, `{"key":` (the first) or `,"key":`. Made once per key
 * list (JsonShape), where every key can be matched byte for byte and read back as JSON.parse
 * orders it: printable ASCII without `"` or `\` (no escapes to tell apart), not starting with a
 * digit (integer-like keys JSON.parse puts first), no `__proto__`.
 */
/** In ScannedLine.vals: a value not made (read it with value()). */
export const UNREAD: unique symbol = Symbol('unread');

/** JSON values of every kind scan() and value() tell apart, as JsonTemplate.rehearse prints them (some twice: the line before's text). */
const REHEARSED = [
  '"text"', '"text"', '"caf\\u00e9 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t"', '"\u00e9t\u00e9"', '0', '-12', '0.004501', '-1.5',
  '12345678901234567', '1.5e3', '-2E-7', '1234567890.1234567', 'true', 'false', 'null', '""',
];

export class JsonTemplate {
  /** bytes read four at a time: keys compared word by word cost three quarters of byte by byte */
  private readonly words: DataView;
  private constructor(
    /** the prefixes, one after the other */
    private readonly bytes: Uint8Array,
    /** where each key's prefix starts in bytes; one more at the end */
    private readonly at: Int32Array,
  ) {
    this.words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  static of(keys: readonly string[]): JsonTemplate | undefined {
    if (keys.length === 0) return undefined;
    let n = 0;
    for (const k of keys) {
      if (k === '__proto__' || k.length === 0) return undefined;
      const c0 = k.charCodeAt(0);
      if (c0 >= 48 && c0 <= 57) return undefined;
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        if (c < 32 || c > 126 || c === 34 || c === 92) return undefined;
      }
      n += k.length + 4;
    }
    const bytes = new Uint8Array(n);
    const at = new Int32Array(keys.length + 1);
    let p = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      at[i] = p;
      bytes[p++] = i === 0 ? 123 /* { */ : 44 /* , */;
      bytes[p++] = 34;
      for (let j = 0; j < k.length; j++) bytes[p++] = k.charCodeAt(j);
      bytes[p++] = 34;
      bytes[p++] = 58 /* : */;
    }
    at[keys.length] = p;
    const tpl = new JsonTemplate(bytes, at);
    tpl.rehearse(keys);
    return tpl;
  }

  /**
   * Scans and reads lines of this key list made up here, whose values are every kind of value
   * scan tells apart (REHEARSED), before any line of the input: every branch of scan() and value()
   * then has type feedback when they are first optimised, a few lines into the input. Without,
   * the first escaped string, negative number or the like met after that (lines later) threw the
   * optimised code away, and it was compiled again: scan three times and value twice in a 100 MB
   * %{json} run, 20-30 ms of compiling on its one thread. Only the made-up lines are read.
   */
  private rehearse(keys: readonly string[]): void {
    const line = new ScannedLine(keys.length);
    const kinds = REHEARSED.length;
    for (let round = 0; round * keys.length < kinds * 2; round++) {
      let text = '';
      for (let i = 0; i < keys.length; i++) text += `${i === 0 ? '{' : ','}"${keys[i]}":${REHEARSED[(round * keys.length + i) % kinds]}`;
      const buf = Buffer.from(`${text}}`, 'utf8');
      if (!this.scan(buf, 0, buf.length, line)) continue;
      line.read(keys.length);
      line.buf = undefined;
    }
  }

  get size(): number {
    return this.at.length - 1;
  }

  /**
   * Whether `buf[from, to)` is exactly this key list's object (nothing before `{` or after `}`),
   * each value a JSON scalar: then `line` holds where each value lies. `line` is left in an
   * unspecified state when false.
   */
  scan(buf: Buffer, from: number, to: number, line: ScannedLine): boolean {
    const bytes = this.bytes;
    const words = this.words;
    const view = line.view(buf);
    const at = this.at;
    const n = at.length - 1;
    const kinds = line.kinds;
    const starts = line.starts;
    const ends = line.ends;
    let p = from;
    for (let i = 0; i < n; i++) {
      const a = at[i];
      const z = at[i + 1];
      if (to - p < z - a + 1) return false;
      let j = a;
      for (; j + 4 <= z; j += 4, p += 4) if (view.getInt32(p) !== words.getInt32(j)) return false;
      for (; j < z; j++, p++) if (buf[p] !== bytes[j]) return false;
      const c = buf[p];
      starts[i] = p;
      if (c === 34 /* " */) {
        p++;
        let high = 0;
        let esc = false;
        for (;;) {
          if (p >= to) return false;
          const d = buf[p];
          if (d === 34) break;
          if (d < 32) return false;
          if (d === 92 /* \ */) {
            if (p + 1 >= to) return false;
            const e = buf[p + 1];
            if (e === 117 /* u */) {
              if (p + 5 >= to || !isHex(buf[p + 2]) || !isHex(buf[p + 3]) || !isHex(buf[p + 4]) || !isHex(buf[p + 5])) return false;
              p += 6;
            } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) p += 2;
            else return false;
            esc = true;
            continue;
          }
          high |= d;
          p++;
        }
        p++;
        kinds[i] = esc ? ESCAPED : high >= 128 ? UTF8 : ASCII;
      } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        if (c === 45) p++;
        if (p >= to) return false;
        const d0 = buf[p];
        if (d0 === 48) p++;
        else if (d0 >= 49 && d0 <= 57) {
          p++;
          while (p < to && buf[p] >= 48 && buf[p] <= 57) p++;
        } else return false;
        let kind = p - starts[i] <= 15 ? INT : NUMBER;
        if (p < to && buf[p] === 46 /* . */) {
          p++;
          const f = p;
          while (p < to && buf[p] >= 48 && buf[p] <= 57) p++;
          if (p === f) return false;
          // at most 15 digits (sign and point aside): below 2^53, and at most 15 decimals
          kind = p - starts[i] - (c === 45 ? 2 : 1) <= 15 ? DECIMAL : NUMBER;
        }
        if (p < to && (buf[p] | 32) === 101 /* e E */) {
          p++;
          if (p < to && (buf[p] === 43 || buf[p] === 45)) p++;
          const f = p;
          while (p < to && buf[p] >= 48 && buf[p] <= 57) p++;
          if (p === f) return false;
          kind = NUMBER;
        }
        kinds[i] = kind;
      } else if (c === 110 /* n */ && to - p >= 4 && buf[p + 1] === 117 && buf[p + 2] === 108 && buf[p + 3] === 108) {
        p += 4;
        kinds[i] = NULL;
      } else if (c === 116 /* t */ && to - p >= 4 && buf[p + 1] === 114 && buf[p + 2] === 117 && buf[p + 3] === 101) {
        p += 4;
        kinds[i] = TRUE;
      } else if (c === 102 /* f */ && to - p >= 5 && buf[p + 1] === 97 && buf[p + 2] === 108 && buf[p + 3] === 115 && buf[p + 4] === 101) {
        p += 5;
        kinds[i] = FALSE;
      } else return false;
      ends[i] = p;
    }
    if (p !== to - 1 || buf[p] !== 125 /* } */) return false;
    line.buf = buf;
    return true;
  }
}

/** Whether `s` is the `n` one-byte characters `buf[from, from + n)`. */
function sameText(s: string, buf: Buffer, from: number, n: number): boolean {
  if (s.length !== n) return false;
  let k = 0;
  while (k < n && s.charCodeAt(k) === buf[from + k]) k++;
  return k === n;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/**
 * Where the values of the last line a JsonTemplate accepted lie, per key; one per reader, reused
 * line after line. `buf` is the reader's chunk, valid during the QuickLine call only: every value
 * must be read (value()) before that call returns.
 */
export class ScannedLine {
  /**
   * The values read() made, by key; UNREAD where a key was left out. Made in one loop, not as
   * each is asked for: one place decoding values keeps the code that asks small to compile
   * (a one-shot 100 MB run spends a fifth of its CPU time in TurboFan, on one thread).
   */
  vals!: unknown[];
  /** by key, the last ASCII string value made (see value()) */
  private texts!: Array<string | undefined>;
  /** by key, the last string value stored in full (JsonVars.storeInto) and what was stored of it */
  storedOf!: unknown[];
  stored!: unknown[];
  /** by key, the last evidence text made, and of what (see evidenceText()) */
  private evRaw!: Array<string | undefined>;
  private evValue!: Array<string | null | undefined>;
  private evText!: Array<string | undefined>;
  /** by key, the last number numberText() printed, and its text */
  private numValue!: Array<number | undefined>;
  private numText!: Array<string | undefined>;
  kinds!: Uint8Array;
  starts!: Int32Array;
  ends!: Int32Array;
  buf: Buffer | undefined;

  constructor(size = 64) {
    this.alloc(size);
  }

  /**
   * A DataView of `buf`: the reader's own of its chunk (lines.ts). Not one made and kept here when
   * a chunk is first met: that store, once a chunk, had no type feedback in the scan() optimised
   * within the first chunk (feedback is kept only once a function has run a while), and threw it away.
   */
  view(buf: Buffer): DataView {
    return viewOfChunk(buf);
  }

  /** Room for `n` keys; the values remembered by key are remembered no more (each is made again where asked). */
  fit(n: number): void {
    if (this.kinds.length < n) this.alloc(n);
  }

  private alloc(n: number): void {
    this.kinds = new Uint8Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    // By key, filled to their size (undefined): read by key where nothing was stored yet, arrays
    // grown one key at a time were read out of bounds (holey, too), and the code optimised within
    // the first lines (scan, value, storeInto: loops over forty keys) was thrown away for it
    this.vals = slots(n);
    this.texts = slots(n);
    this.storedOf = slots(n);
    this.stored = slots(n);
    this.evRaw = slots(n);
    this.evValue = slots(n);
    this.evText = slots(n);
    this.numValue = slots(n);
    this.numText = slots(n);
  }

  /**
   * `"raw": value`, key i's evidence text: the line before's string where it printed the same
   * (a kept transfer cites a dozen variables, half of them alike from line to line: `"exitcode": 0`,
   * `"remote_ip": 127.0.0.1`, the error message).
   */
  evidenceText(i: number, raw: string, value: string | null): string {
    if (this.evRaw[i] === raw && this.evValue[i] === value) return this.evText[i]!;
    const t = `"${raw}": ${value}`;
    this.evRaw[i] = raw;
    this.evValue[i] = value;
    this.evText[i] = t;
    return t;
  }

  /**
   * String(v) of key i's number `v`: the line before's string where it was the same number (a
   * kept transfer prints its status, exit code and HTTP version, the same from line to line).
   */
  numberText(i: number, v: number): string {
    if (this.numValue[i] === v) return this.numText[i]!;
    const t = String(v);
    this.numValue[i] = v;
    this.numText[i] = t;
    return t;
  }

  /** vals for the keys `wanted` marks (all where it is undefined), of the `n` keys of the line scanned. */
  read(n: number, wanted?: Uint8Array): void {
    const vals = this.vals;
    for (let i = 0; i < n; i++) vals[i] = wanted === undefined || wanted[i] === 1 ? this.value(i) : UNREAD;
  }

  /**
   * Whether key i's value is the integer 0 (digits only, a sign perhaps): true or false for an
   * integer, undefined for any other value. What the line says of its exit code before its
   * transfer is built (quickJson).
   */
  zeroInt(i: number): boolean | undefined {
    if (this.kinds[i] !== INT) return undefined;
    const buf = this.buf!;
    for (let k = this.starts[i]; k < this.ends[i]; k++) if (buf[k] !== 48 && buf[k] !== 45) return false;
    return true;
  }

  /** Key i's value as JSON.parse of the decoded line gives it. */
  value(i: number): string | number | boolean | null {
    const buf = this.buf!;
    const a = this.starts[i];
    const z = this.ends[i];
    switch (this.kinds[i]) {
      case ASCII: {
        // the same text as the line before's in this key (curl_version, remote_ip, method, …): the
        // same string, not a copy of it (kept transfers hold their variables: 15,000 copies of a
        // 150-byte curl_version were 2.5 MB for the young generation to copy, twice)
        const n = z - a - 2;
        const last = this.texts[i];
        if (last !== undefined && sameText(last, buf, a + 1, n)) return last;
        // or the key before's (`url_effective` after `url`, alike in all but redirected transfers)
        const before = i > 0 ? this.texts[i - 1] : undefined;
        if (before !== undefined && sameText(before, buf, a + 1, n)) return (this.texts[i] = before);
        return (this.texts[i] = latin1(buf, a + 1, z - 1));
      }
      case UTF8:
        // the quotes around it are ASCII: decoded alone it reads as it does inside the decoded line
        return utf8(buf, a + 1, z - 1);
      case ESCAPED:
        return JSON.parse(utf8(buf, a, z)) as string;
      case INT: {
        let i0 = a;
        const neg = buf[a] === 45;
        if (neg) i0++;
        let v = 0;
        for (let k = i0; k < z; k++) v = v * 10 + buf[k] - 48;
        return neg ? -v : v;
      }
      case NUMBER:
        return Number(latin1(buf, a, z));
      case DECIMAL: {
        let k = a;
        const neg = buf[a] === 45;
        if (neg) k++;
        let m = 0;
        let scale = 1;
        let frac = false;
        for (; k < z; k++) {
          const d = buf[k];
          if (d === 46) frac = true;
          else {
            m = m * 10 + d - 48;
            if (frac) scale *= 10;
          }
        }
        const v = m / scale;
        return neg ? -v : v;
      }
      case TRUE:
        return true;
      case FALSE:
        return false;
      default:
        return null;
    }
  }
}

/** `n` undefined elements, packed: read by index before anything is stored there, never out of bounds. */
function slots<T>(n: number): Array<T | undefined> {
  return new Array<T | undefined>(n).fill(undefined);
}
