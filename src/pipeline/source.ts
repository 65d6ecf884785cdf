/**
 * Opening an input: a file (plain or gzip, told by its magic bytes, not its
 * name) or standard input, as a stream of chunks. The first bytes are read
 * ahead for sniffing and then handed on, so nothing is read twice and
 * nothing is held whole.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { FaultlineError } from '../model/index.js';

export const SNIFF_BYTES = 64 * 1024;
const READ_CHUNK = 1 << 20; // 1 MiB: big enough that per-chunk overhead vanishes, small enough to stay bounded

export interface OpenedSource {
  /** first bytes of the (decompressed) content, for sniffing */
  head: Buffer;
  /** the whole content as chunks, head included; iterate once */
  chunks: AsyncIterable<Buffer>;
  /** bytes read so far (decompressed); final once `chunks` is exhausted */
  bytesRead(): number;
  /**
   * Why the content ended early (corrupt gzip data, a read error), once `chunks` is
   * exhausted: the stream ends there instead of throwing, so the parser finishes
   * normally and keeps everything it read, clock and times included.
   */
  error(): FaultlineError | undefined;
  gzip: boolean;
  /** size on disk, when a file */
  size?: number;
  close(): void;
}

/** `file` is a path, or '-' for standard input. */
export async function openSource(file: string, stdin: Readable = process.stdin): Promise<OpenedSource> {
  let raw: Readable;
  let size: number | undefined;
  if (file === '-') {
    raw = stdin;
  } else {
    let st;
    try {
      st = await stat(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new FaultlineError('E_NOT_FOUND', 'no such file', { file });
      throw new FaultlineError('E_UNREADABLE', `cannot read: ${(err as Error).message}`, { file });
    }
    if (!st.isFile()) throw new FaultlineError('E_UNREADABLE', 'not a regular file', { file });
    size = st.size;
    raw = createReadStream(file, { highWaterMark: READ_CHUNK });
  }

  const rawIt = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await rawIt.next();
  } catch (err) {
    throw new FaultlineError('E_UNREADABLE', `cannot read: ${(err as Error).message}`, { file });
  }
  const firstBuf = first.done ? Buffer.alloc(0) : toBuffer(first.value);
  const gzip = firstBuf.length >= 2 && firstBuf[0] === 0x1f && firstBuf[1] === 0x8b;

  // Re-join the first raw chunk with the rest of the raw stream.
  async function* rawChunks(): AsyncGenerator<Buffer> {
    if (firstBuf.length) yield firstBuf;
    if (first.done) return;
    for (;;) {
      const r = await rawIt.next();
      if (r.done) return;
      yield toBuffer(r.value);
    }
  }

  let content: AsyncIterator<Buffer>;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    // Feed the gunzip stream by hand so that a corrupt member surfaces as an error of iteration.
    (async () => {
      try {
        for await (const c of rawChunks()) {
          if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
        }
        gunzip.end();
      } catch (err) {
        gunzip.destroy(err as Error);
      }
    })();
    content = (gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  } else {
    content = rawChunks();
  }

  let bytes = 0;
  const headParts: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  let headError: Error | undefined;
  try {
    while (headLen < SNIFF_BYTES) {
      const r = await content.next();
      if (r.done) {
        ended = true;
        break;
      }
      const b = toBuffer(r.value);
      headParts.push(b);
      headLen += b.length;
    }
  } catch (err) {
    // A gzip stream corrupt within its first bytes: sniff what we have, report the rest below.
    headError = err as Error;
    ended = true;
  }
  const head = Buffer.concat(headParts, headLen).subarray(0, Math.min(headLen, SNIFF_BYTES));

  let streamError: FaultlineError | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const p of headParts) {
      bytes += p.length;
      yield p;
    }
    if (headError) {
      streamError = decompressError(headError, file, bytes);
      return;
    }
    if (ended) return;
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await content.next();
      } catch (err) {
        streamError = gzip
          ? decompressError(err as Error, file, bytes)
          : new FaultlineError('E_UNREADABLE', `read failed: ${(err as Error).message}`, { file, byteOffset: bytes });
        return;
      }
      if (r.done) return;
      const b = toBuffer(r.value);
      bytes += b.length;
      yield b;
    }
  }

  return {
    head,
    chunks: chunks(),
    bytesRead: () => bytes,
    error: () => streamError ?? (headError && headLen === 0 ? decompressError(headError, file, 0) : undefined),
    gzip,
    size,
    close: () => {
      if (raw !== stdin) raw.destroy();
    },
  };
}

function decompressError(err: Error, file: string, at: number): FaultlineError {
  return new FaultlineError('E_DECOMPRESS', `gzip data is corrupt or cut short after ${at} decompressed bytes (${err.message})`, {
    file,
    byteOffset: at,
  });
}

function toBuffer(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array);
}
