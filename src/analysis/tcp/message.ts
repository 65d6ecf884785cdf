import type { Pkt } from './packet.js';

/** A header block longer than this is not HTTP we can follow (servers cap near 8–64 KB). */
export const MAX_HEADER_BYTES = 64 * 1024; /* bytes */
/** chunk-size and trailer lines */
const MAX_LINE_BYTES = 4096; /* bytes */

/** What follows a header block, decided by the message's owner (request or response rules). */
export type Framing =
  | { kind: 'none' } // no body: the message ends with its headers
  | { kind: 'length'; n: number }
  | { kind: 'chunked' }
  | { kind: 'close' } // body runs to the connection's close
  | { kind: 'interim' } // a 1xx: the final response is still to come
  | { kind: 'opaque' } // 101 Switching Protocols, CONNECT: no more HTTP on this connection
  | { kind: 'invalid'; why: string };

/**
 * The owner of a MessageParser. Call order per message: start, headers,
 * then body/missing 0+ times and lastChunk at most once, then complete — or,
 * at any point, lost (the capture lacks bytes: loss or snaplen) or violation
 * (the bytes are all there but break HTTP/1.x framing). After either, the
 * parser skips to the next line that starts a message. `opaque` gets the bytes
 * after a switch (CONNECT 2xx, 101): a view valid only during the call.
 */
export interface MessageHandler {
  start(at: Pkt): void;
  /** bytes of the header block (counted as they arrive, before the block is complete) */
  headerBytes(n: number): void;
  headers(block: string, at: Pkt): Framing;
  body(n: number, at: Pkt): void;
  /** body bytes known to exist but not captured */
  missing(n: number, at: Pkt): void;
  lastChunk(at: Pkt): void;
  complete(at: Pkt): void;
  lost(at: Pkt, why: string): void;
  /** `offset`: where in this direction's byte stream (0-based) the offending bytes start */
  violation(at: Pkt, why: string, offset: number): void;
  opaque?(b: Uint8Array, start: number, end: number, at: Pkt): void;
}

/** shared: a default `[]` would be a new array per parser */
const NO_NEEDLES: readonly Uint8Array[] = [];

type State = 'start' | 'headers' | 'body' | 'size' | 'data' | 'crlf' | 'trailer' | 'close' | 'lost' | 'opaque' | 'paused';

/**
 * HTTP/1.x message framing for one direction, fed in sequence order. Header
 * bytes are buffered only until the block ends; bodies are counted, never kept.
 */
export class MessageParser {
  private st: State = 'start';
  private hdr: Buffer[] = [];
  private hdrLen = 0;
  private atLineStart = false;
  private remaining = 0;
  private line = '';
  /** bytes of this direction before the current feed (captured or not): stream offsets for violations */
  private pos = 0;
  /** stream offset where the current header block or chunk line began */
  private mark = 0;

  constructor(
    private readonly h: MessageHandler,
    /** does a chunk start with a message (used to find our feet again after a gap)? */
    private readonly looksLikeStart: (b: Uint8Array) => boolean,
    /**
     * byte strings a message starts with, searched anywhere after a loss (a
     * body seldom ends with a line break: the next status line follows its
     * last byte); without them only line starts are tried
     */
    private readonly needles: readonly Uint8Array[] = NO_NEEDLES,
  ) {}

  get state(): string {
    return this.st;
  }

  /** where the message being read (or the last one) began, in this direction's byte stream */
  get messageOffset(): number {
    return this.mark;
  }

  /** the bytes b[start, end) (all of b by default) */
  feed(b: Uint8Array, at: Pkt, start = 0, end = b.length): void {
    const base = this.pos - start;
    this.pos += end - start;
    this.run(b, at, start, end, base);
  }

  private run(b: Uint8Array, at: Pkt, start: number, end: number, base: number): void {
    let i = start;
    const n = end;
    while (i < n) {
      switch (this.st) {
        case 'start': {
          while (i < n && (b[i] === 13 || b[i] === 10)) i++;
          if (i === n) break;
          this.mark = base + i;
          this.st = 'headers';
          if (this.hdr.length !== 0) this.hdr = [];
          this.hdrLen = 0;
          this.atLineStart = false;
          this.h.start(at);
          break;
        }
        case 'headers': {
          // The block ends at an LF with only CRs since the LF before it. LFs
          // are found by the native indexOf, line by line, not byte by byte.
          let j = i;
          let end = -1;
          let atLineStart = this.atLineStart;
          while (j < n) {
            let nl = b.indexOf(10, j);
            if (nl < 0 || nl > n) nl = n;
            if (atLineStart) {
              for (let k = j; k < nl; k++) {
                if (b[k] !== 13) {
                  atLineStart = false;
                  break;
                }
              }
            }
            if (nl === n) break;
            if (atLineStart) {
              end = nl;
              break;
            }
            atLineStart = true;
            j = nl + 1;
          }
          this.atLineStart = atLineStart;
          const stop = end >= 0 ? end + 1 : n;
          if (end >= 0 && this.hdrLen === 0) {
            // the whole block in this segment (the usual case): read it in place, no copies
            this.h.headerBytes(stop - i);
            const block = latin1(b, i, stop);
            i = stop;
            this.framed(this.h.headers(block, at), at);
            break;
          }
          this.hdr.push(Buffer.from(b.subarray(i, stop)));
          this.hdrLen += stop - i;
          this.h.headerBytes(stop - i);
          i = stop;
          if (end < 0) {
            if (this.hdrLen > MAX_HEADER_BYTES) this.violate(at, `header block longer than ${MAX_HEADER_BYTES} bytes`, this.mark);
            break;
          }
          const block = Buffer.concat(this.hdr, this.hdrLen).toString('latin1');
          this.hdr = [];
          this.hdrLen = 0;
          this.framed(this.h.headers(block, at), at);
          break;
        }
        case 'body': {
          const take = Math.min(this.remaining, n - i);
          this.remaining -= take;
          i += take;
          this.h.body(take, at);
          if (this.remaining === 0) this.done(at);
          break;
        }
        case 'close':
          this.h.body(n - i, at);
          i = n;
          break;
        case 'size':
        case 'trailer': {
          let nl = b.indexOf(10, i);
          if (nl >= n) nl = -1;
          const stop = nl >= 0 ? nl + 1 : n;
          if (this.line === '') this.mark = base + i;
          this.line += latin1(b, i, stop);
          i = stop;
          if (nl < 0) {
            if (this.line.length > MAX_LINE_BYTES) this.violate(at, `chunk line longer than ${MAX_LINE_BYTES} bytes`, this.mark);
            break;
          }
          const line = this.line.replace(/\r?\n$/, '');
          this.line = '';
          if (this.st === 'trailer') {
            if (line === '') this.done(at);
            break;
          }
          const m = /^\s*([0-9a-fA-F]{1,15})\s*(;.*)?$/.exec(line);
          if (!m) {
            this.violate(at, `bad chunk size line ${JSON.stringify(line.slice(0, 40))}`, this.mark);
            break;
          }
          const size = parseInt(m[1], 16);
          if (size === 0) {
            this.h.lastChunk(at);
            this.st = 'trailer';
          } else {
            this.remaining = size;
            this.st = 'data';
          }
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, n - i);
          this.remaining -= take;
          i += take;
          this.h.body(take, at);
          if (this.remaining === 0) this.st = 'crlf';
          break;
        }
        case 'crlf':
          // the CRLF after chunk data; tolerate a bare LF
          if (b[i] === 13) i++;
          else if (b[i] === 10) {
            i++;
            this.st = 'size';
          } else this.st = 'size';
          break;
        case 'lost': {
          // Find our feet again: the next line that starts a message, anywhere
          // in the bytes (responses share segments on a busy connection).
          const p = this.nextStart(b, i, n);
          if (p < 0) i = n;
          else {
            i = p;
            this.st = 'start';
          }
          break;
        }
        case 'opaque':
          this.h.opaque?.(b, i, n, at);
          i = n;
          break;
        case 'paused':
          i = n;
          break;
      }
    }
  }

  /** the first position in b[i, n) at a line start (or i itself) where a message starts, -1 when none */
  private nextStart(b: Uint8Array, i: number, n: number): number {
    let best = -1;
    for (const needle of this.needles) {
      let from = i;
      for (;;) {
        const k = indexOfBytes(b, needle, from, n);
        if (k < 0) break;
        if (this.looksLikeStart(b.subarray(k, n))) {
          if (best < 0 || k < best) best = k;
          break;
        }
        from = k + 1;
      }
    }
    if (best >= 0) return best;
    let p = i;
    while (p < n) {
      if (this.looksLikeStart(b.subarray(p, n))) return p;
      const nl = b.indexOf(10, p);
      if (nl < 0 || nl >= n - 1) return -1;
      p = nl + 1;
    }
    return -1;
  }

  /** `n` bytes of this direction are not in the capture. */
  gap(n: number, at: Pkt): void {
    this.pos += n;
    switch (this.st) {
      case 'body':
      case 'data':
        if (n <= this.remaining) {
          this.remaining -= n;
          this.h.missing(n, at);
          if (this.remaining === 0) {
            if (this.st === 'body') this.done(at);
            else this.st = 'crlf';
          }
          return;
        }
        if (this.st === 'body') {
          // The length says where this message ended: it is whole but for its
          // missing tail, and the rest of the hole is the start of the next one.
          const tail = this.remaining;
          this.remaining = 0;
          this.h.missing(tail, at);
          this.done(at);
          this.lose(at, `${n - tail} bytes missing from the capture at the start of a message`);
          return;
        }
        this.lose(at, `${n} bytes missing from the capture`);
        return;
      case 'close':
        this.h.missing(n, at);
        return;
      case 'lost':
      case 'opaque':
      case 'paused':
        return;
      default:
        this.lose(at, `${n} bytes missing from the capture`);
    }
  }

  /** The close-delimited body (if any) ends here; true when that completed a message. */
  close(at: Pkt): boolean {
    if (this.st === 'close') {
      this.done(at);
      this.st = 'opaque';
      return true;
    }
    return false;
  }

  stop(): void {
    this.st = 'opaque';
  }

  /** Read nothing until `resume` (a CONNECT waits for its answer: a tunnel, or HTTP again). */
  pause(): void {
    this.st = 'paused';
  }

  resume(): void {
    if (this.st === 'paused') this.st = 'start';
  }

  private framed(f: Framing, at: Pkt): void {
    switch (f.kind) {
      case 'none':
      case 'interim':
        this.done(at);
        break;
      case 'length':
        if (f.n === 0) this.done(at);
        else {
          this.remaining = f.n;
          this.st = 'body';
        }
        break;
      case 'chunked':
        this.line = '';
        this.st = 'size';
        break;
      case 'close':
        this.st = 'close';
        break;
      case 'opaque':
        this.h.complete(at);
        this.st = 'opaque';
        break;
      case 'invalid':
        this.violate(at, f.why, this.mark);
        break;
    }
  }

  private done(at: Pkt): void {
    this.st = 'start';
    this.h.complete(at);
  }

  private lose(at: Pkt, why: string): void {
    this.reset();
    this.h.lost(at, why);
  }

  private violate(at: Pkt, why: string, offset: number): void {
    this.reset();
    this.h.violation(at, why, offset);
  }

  private reset(): void {
    this.st = 'lost';
    this.hdr = [];
    this.hdrLen = 0;
    this.line = '';
  }
}

/** the first position of `needle` in b[from, end), -1 when absent */
function indexOfBytes(b: Uint8Array, needle: Uint8Array, from: number, end: number): number {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
  const k = buf.indexOf(needle, from);
  return k >= 0 && k + needle.length <= end ? k : -1;
}

/** b[start, end) as latin1 text; a Buffer (what the readers hand over) is read in place */
function latin1(b: Uint8Array, start: number, end: number): string {
  if (Buffer.isBuffer(b)) return b.toString('latin1', start, end);
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}
