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
 * then body/missing 0+ times and lastChunk at most once, then complete — or
 * lost at any point when the bytes can no longer be followed.
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
}

type State = 'start' | 'headers' | 'body' | 'size' | 'data' | 'crlf' | 'trailer' | 'close' | 'lost' | 'opaque';

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

  constructor(
    private readonly h: MessageHandler,
    /** does a chunk start with a message (used to find our feet again after a gap)? */
    private readonly looksLikeStart: (b: Uint8Array) => boolean,
  ) {}

  get state(): string {
    return this.st;
  }

  /** the bytes b[start, end) (all of b by default) */
  feed(b: Uint8Array, at: Pkt, start = 0, end = b.length): void {
    let i = start;
    const n = end;
    if (this.st === 'lost' && this.looksLikeStart(start === 0 && end === b.length ? b : b.subarray(start, end))) this.st = 'start';
    while (i < n) {
      switch (this.st) {
        case 'start': {
          while (i < n && (b[i] === 13 || b[i] === 10)) i++;
          if (i === n) break;
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
            if (this.hdrLen > MAX_HEADER_BYTES) this.lose(at, `header block longer than ${MAX_HEADER_BYTES} bytes`);
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
          this.line += latin1(b, i, stop);
          i = stop;
          if (nl < 0) {
            if (this.line.length > MAX_LINE_BYTES) this.lose(at, 'chunk line too long');
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
            this.lose(at, `bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
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
        case 'lost':
        case 'opaque':
          i = n;
          break;
      }
    }
  }

  /** `n` bytes of this direction are not in the capture. */
  gap(n: number, at: Pkt): void {
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
        this.lose(at, `${n} bytes missing from the capture`);
        return;
      case 'close':
        this.h.missing(n, at);
        return;
      case 'lost':
      case 'opaque':
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
        this.lose(at, f.why);
        break;
    }
  }

  private done(at: Pkt): void {
    this.st = 'start';
    this.h.complete(at);
  }

  private lose(at: Pkt, why: string): void {
    this.st = 'lost';
    this.hdr = [];
    this.hdrLen = 0;
    this.line = '';
    this.h.lost(at, why);
  }
}

/** b[start, end) as latin1 text; a Buffer (what the readers hand over) is read in place */
function latin1(b: Uint8Array, start: number, end: number): string {
  if (Buffer.isBuffer(b)) return b.toString('latin1', start, end);
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}
