/**
 * Finding ids. Same content, same ids: `<detector>-` and the first 10 hex digits of the sha1 of
 * `[detector, digest, line, packet, JSON.stringify(subject)].join('\u0000')` (see stableId in
 * index.ts for what each part is). A long log makes 10,000 of them: `FindingIds` hashes the same
 * bytes written into one buffer of the run, instead of a string of each built in pieces, joined,
 * flattened and then dropped (some 700 bytes of garbage per finding).
 */
import { hash } from 'node:crypto';

/** The id as the basis string gives it: the definition, and the way taken for what the buffer does not write. */
export function findingIdOf(detector: string, digest: string, line: unknown, packet: unknown, subject: unknown): string {
  const basis = `${detector}\u0000${digest}\u0000${line ?? ''}\u0000${packet ?? ''}\u0000${JSON.stringify(subject) ?? ''}`;
  // crypto.hash: the same digest as createHash().update().digest(), without a Hash object per finding
  return `${detector}-${hash('sha1', basis, 'hex').slice(0, 10)}`;
}

/**
 * findingIdOf, its basis written as bytes into a buffer held for the run. Written only where its
 * UTF-8 is plain to see: ASCII texts, JSON strings with nothing to escape, whole numbers; anything
 * else (a non-ASCII URL, a quote, a nested subject) takes findingIdOf itself. State of one run.
 */
export class FindingIds {
  private buf = Buffer.allocUnsafe(512);
  /** views of the buffer's first n bytes, by n: hash takes a view, and lengths repeat */
  private views = new Map<number, Buffer>();
  /** the bytes of `detector \0 digest \0` at the buffer's start, and of which */
  private headDetector = '';
  private headDigest = '';
  private headLength = -1;
  /** `<detector>-` of the last detector, flat */
  private dashDetector = '';
  private dash = '';

  /**
   * The first 8 hex digits (32 bits) of every id made here: two ids alike have alike prefixes, so
   * while no prefix came twice no id did, and the pipeline need not look every id up in a set to
   * find the ones to number -2, -3 … (a set of 10,000 ids, each hashed first, was a fifth of the
   * finishing of a long log's findings).
   */
  private prefixes = new Int32Set();
  private repeated = false;

  id(detector: string, digest: string, line: unknown, packet: unknown, subject: unknown): string {
    const n = this.write(detector, digest, line, packet, subject);
    if (n < 0) {
      const id = findingIdOf(detector, digest, line, packet, subject);
      this.note(id, id.length - 10);
      return id;
    }
    let view = this.views.get(n);
    if (view === undefined) {
      if (this.views.size >= 4096) this.views.clear();
      this.views.set(n, (view = this.buf.subarray(0, n)));
    }
    if (detector !== this.dashDetector) {
      this.dashDetector = detector;
      this.dash = `${detector}-`;
    }
    const hex = hash('sha1', view, 'hex');
    this.note(hex, 0);
    return this.dash + hex.slice(0, 10);
  }

  /**
   * Whether two of the ids made here may be alike (their first 32 bits are): false says every id
   * made here differs from every other.
   */
  mayRepeat(): boolean {
    return this.repeated;
  }

  /** The prefix of the lowercase hex digits at `at` into the table; `repeated` once one comes twice. */
  private note(hex: string, at: number): void {
    if (this.repeated) return;
    let v = 0;
    for (let i = at; i < at + 8; i++) {
      const c = hex.charCodeAt(i);
      v = (v << 4) | (c <= 57 ? c - 48 : c - 87);
    }
    if (!this.prefixes.add(v)) this.repeated = true;
  }

  /** The basis' bytes written from the buffer's start: their length, or -1 where findingIdOf must make them. */
  private write(detector: string, digest: string, line: unknown, packet: unknown, subject: unknown): number {
    if (detector !== this.headDetector || digest !== this.headDigest || this.headLength < 0) {
      this.headLength = -1;
      let at = this.ascii(detector, 0);
      if (at >= 0) at = this.byte(0, at);
      if (at >= 0) at = this.ascii(digest, at);
      if (at >= 0) at = this.byte(0, at);
      if (at < 0) return -1;
      this.headDetector = detector;
      this.headDigest = digest;
      this.headLength = at;
    }
    let at = this.part(line, this.headLength);
    if (at >= 0) at = this.byte(0, at);
    if (at >= 0) at = this.part(packet, at);
    if (at >= 0) at = this.byte(0, at);
    if (at >= 0) at = this.json(subject, at);
    return at;
  }

  /** `${v ?? ''}` for a line or packet number */
  private part(v: unknown, at: number): number {
    if (v === undefined || v === null) return at;
    if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? this.digits(v, at) : this.ascii(String(v), at);
    return typeof v === 'string' ? this.ascii(v, at) : -1;
  }

  /** JSON.stringify(subject) of a plain object of strings and numbers (what subjects are); -1 for anything else */
  private json(subject: unknown, at: number): number {
    if (typeof subject !== 'object' || subject === null || Array.isArray(subject) || Object.getPrototypeOf(subject) !== Object.prototype) return -1;
    const o = subject as Record<string, unknown>;
    if (typeof o.toJSON === 'function') return -1;
    at = this.byte(123 /* { */, at);
    let first = true;
    for (const k in o) {
      if (at < 0) return -1;
      if (!Object.hasOwn(o, k)) continue;
      const v = o[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (!first) at = this.byte(44 /* , */, at);
      first = false;
      at = this.jsonString(k, at);
      if (at >= 0) at = this.byte(58 /* : */, at);
      if (at < 0) return -1;
      if (typeof v === 'string') at = this.jsonString(v, at);
      else if (typeof v === 'number') at = Number.isFinite(v) ? (Number.isSafeInteger(v) && v >= 0 ? this.digits(v, at) : this.ascii(String(v), at)) : this.ascii('null', at);
      else if (typeof v === 'boolean') at = this.ascii(v ? 'true' : 'false', at);
      else if (v === null) at = this.ascii('null', at);
      else return -1;
    }
    return at < 0 ? -1 : this.byte(125 /* } */, at);
  }

  /** a JSON string with nothing to escape (printable ASCII but `"` and `\`), quoted; -1 for any other */
  private jsonString(s: string, at: number): number {
    if (at < 0 || !this.room(at + s.length + 2)) return -1;
    const b = this.buf;
    b[at++] = 34;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c > 126 || c === 34 || c === 92) return -1;
      b[at++] = c;
    }
    b[at++] = 34;
    return at;
  }

  /** ASCII text as its bytes; -1 for any other */
  private ascii(s: string, at: number): number {
    if (at < 0 || !this.room(at + s.length)) return -1;
    const b = this.buf;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) return -1;
      b[at++] = c;
    }
    return at;
  }

  /** String(v) of a safe whole number >= 0 */
  private digits(v: number, at: number): number {
    let len = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) len++;
    if (!this.room(at + len)) return -1;
    const b = this.buf;
    let x = v;
    for (let i = at + len - 1; i >= at; i--) {
      b[i] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    return at + len;
  }

  private byte(c: number, at: number): number {
    if (at < 0 || !this.room(at + 1)) return -1;
    this.buf[at] = c;
    return at + 1;
  }

  /** Whether the buffer holds `n` bytes, grown (keeping what is written) if not; long bases (over 64 KiB) take findingIdOf. */
  private room(n: number): boolean {
    if (n <= this.buf.length) return true;
    if (n > 1 << 16) return false;
    const bigger = Buffer.allocUnsafe(Math.min(1 << 16, Math.max(n, this.buf.length * 2)));
    this.buf.copy(bigger);
    this.buf = bigger;
    this.views = new Map();
    return true;
  }
}

/**
 * A set of 32-bit numbers, open-addressed in an Int32Array: an add is a multiply and a probe or
 * two, where a Set of strings hashes each string (a cons string first copied out) and grows a
 * table of objects.
 */
export class Int32Set {
  private table = new Int32Array(0);
  private count = 0;
  /** 0 marks an empty slot: whether 0 itself is in */
  private zero = false;

  /** Adds `v` (an int32); false when it was in already. */
  add(v: number): boolean {
    if (v === 0) {
      if (this.zero) return false;
      return (this.zero = true);
    }
    if (this.count * 2 >= this.table.length) this.grow();
    const t = this.table;
    const mask = t.length - 1;
    for (let i = (Math.imul(v, 0x9e3779b1) >>> 0) & mask; ; i = (i + 1) & mask) {
      const x = t[i];
      if (x === 0) {
        t[i] = v;
        this.count++;
        return true;
      }
      if (x === v) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    const t = new Int32Array(Math.max(1024, old.length * 2));
    const mask = t.length - 1;
    for (const v of old) {
      if (v === 0) continue;
      let i = (Math.imul(v, 0x9e3779b1) >>> 0) & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = v;
    }
    this.table = t;
  }
}

/** FNV-1a of the string's UTF-16 code units, as an int32. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * One FindingIds made at load and never used: opaque (`unknown`), exported only to stay reachable.
 * V8 forgets a class's hidden class at a full collection once no instance of it is alive, and with
 * it the compiled code of every function that read one: each run after a full collection (a
 * batch's or a server's next case, each run of a benchmark) began by compiling the ids and the
 * making of findings again. Kept, the hidden class outlives the runs, and the code with it.
 */
export const FINDING_IDS_SHAPE: unknown = new FindingIds();
