/**
 * Opening a source: whatever its kind (a file, standard input, an archive
 * member, an upload, bytes in memory), as one stream of chunks. gzip is told
 * by its magic bytes, not by a name, and read through. The first bytes are
 * read ahead for sniffing and then handed on, so nothing is read twice and
 * nothing is held whole; the sha256 is computed on the way through.
 */
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import { FaultlineError, type SourceRef } from '../model/index.js';
import { DEFAULT_ARCHIVE_LIMITS, openMember, type ArchiveLimits } from './archive.js';
import { openUnlessClosed } from './first-open.js';
import { READ_CHUNK, READ_THREAD_MIN_BYTES, ThreadedFileChunks, type ReaderThread, type ReadThreadOptions, type RecycleOptions } from './read-thread.js';

export const SNIFF_BYTES = 64 * 1024;
/** …for a file that grows while read: its reads past the size it had when opened */
const SMALLEST_CHUNK = 64 * 1024;
/**
 * Compressed bytes handed to gunzip per write. A corrupt member is located within one slice, and
 * a slice of deflate data expands to at most ~1,032× (64 MiB) before the consumer is waited for.
 */
const GZIP_SLICE = 64 * 1024;
/** Output per zlib call: 256 KiB runs at ~445 MB/s here, 64 KiB at 94 MB/s, 16 KiB at 31 MB/s (one thread-pool hop per call). */
const GUNZIP_CHUNK = 256 * 1024;
/** Compressed bytes kept to recover what zlib drops at a fault (see gunzipChunks); past this, the fault is located within a slice. */
const RECOVER_BYTES = 1 << 20;
/** …and only while what was decoded is this small: recovery decodes the prefix again, several times. */
const RECOVER_OUTPUT = 32 << 20;

export interface OpenedSource {
  /** what reports print */
  name: string;
  /** first bytes of the (decompressed) content, for sniffing */
  head: Buffer;
  /** the whole content as chunks, head included; iterate once */
  chunks: AsyncIterable<Buffer>;
  /** bytes read so far (decompressed); final once `chunks` is exhausted */
  bytesRead(): number;
  /** bytes of the source as stored (before our gunzip) read so far; final once `chunks` is exhausted */
  rawBytesRead(): number;
  /**
   * sha256 (hex) of the source's bytes AS STORED — the file, the upload, the archive member's
   * content — before faultline decompresses a gzip source, so it matches `sha256sum` of the
   * file. Computed while streaming; set once `chunks` has been read to its end (undefined before,
   * or when reading stopped early).
   */
  sha256(): string | undefined;
  /**
   * Why the content ended early (corrupt gzip data, a read error), once `chunks` is
   * exhausted: the stream ends there instead of throwing, so the parser finishes
   * normally and keeps everything it read, clock and times included.
   */
  error(): FaultlineError | undefined;
  gzip: boolean;
  /** size as stored, when known before reading (a file, an upload, a member, bytes in memory) */
  size?: number;
  /**
   * Asks for the chunks still to come to be read into two buffers used in turn instead of a fresh
   * one each: from then on a chunk is valid only until the chunk after the next one is pulled, so
   * only a consumer that copies what it keeps longer may ask (the capture, strace and curl line
   * readers do; csv-parse does not). Honoured for a
   * plain file or upload (not through gunzip, whose output is its own); elsewhere nothing changes.
   * A big file's chunks then come from a reader thread's ring of shared slots (read-thread.ts),
   * with the same promise: the thread writes a slot again only once its chunk is two pulls old.
   * A fresh 1 MiB buffer per read costs page faults and the collector's work: reading and hashing
   * 800 MB took 1.2 s of CPU that way, 0.7 s into two reused buffers.
   *
   * `own`: the chunks are to be in this thread's own memory, not in a reader thread's shared
   * slots (a slot's chunk is then copied into one of two buffers used in turn, with the same
   * promise). For a reader that calls Buffer's native methods once or more per line: each such
   * call costs ~25 ns more on SharedArrayBuffer memory (`indexOf` per line: 0.5 ms a MiB of
   * `curl -v` lines in this thread's memory, 1.3 ms in a slot), so the curl -v bench's 3.5 M
   * lines cost its main thread 0.14 s more read from the slots than copied (1.39 → 1.25 s of its
   * 1.4 s), the app-log's 0.1 s; the copy, a memcpy a MiB, costs ~0.1 ms. The capture reader,
   * which calls them per packet, gains nothing (its 200 MB: 1.04–1.07 s wall shared, 1.06–1.13 s
   * copied), nor the strace reader.
   */
  recycle?(opts?: RecycleOptions): void;
  close(): void;
}

/**
 * A source before it is opened: its display name, its size when known without opening it, and
 * `open()`. Opening twice reads twice (standard input only once).
 */
export interface Source {
  readonly ref: SourceRef;
  readonly name: string;
  readonly size?: number;
  open(): Promise<OpenedSource>;
}

export interface OpenOptions {
  /** standard input for `stdin` sources (default process.stdin) */
  stdin?: Readable;
  /** limits for archive members */
  limits?: ArchiveLimits;
  /** bytes per read of a file or upload (default: up to 1 MiB); tests make it small so records span reads */
  readChunk?: number;
  /** read files with blocking calls (see `blockingReads`); default: on a worker thread, not on the main one */
  blocking?: boolean;
  /**
   * Read and hash a plain file (or an upload's file) on a second thread (src/sources/read-thread.ts).
   * Default: on the main thread, for files of READ_THREAD_MIN_BYTES and more (any size with
   * FAULTLINE_READ_THREAD=1), unless the environment says FAULTLINE_READ_THREAD=0 (the
   * benchmarks' A/B) or `blocking` is set; never on
   * a worker thread (a pool's thread reads with blocking calls). `true` or options: whatever the
   * thread, from `minBytes` (default 0) on.
   */
  readThread?: boolean | ReadThreadOptions;
  /**
   * A reader thread started ahead (the CLI starts one for a big file while it loads the pipeline):
   * taken by the first file the default policy above gives a thread, if its chunk size matches.
   * The caller closes it once the run is done (a no-op when a file took it).
   */
  readerThread?: ReaderThread;
}

export function source(ref: SourceRef, opts: OpenOptions = {}): Source {
  const size = ref.kind === 'memory' ? ref.bytes.byteLength : ref.kind === 'stdin' ? undefined : ref.size;
  return { ref, name: ref.name, size, open: () => openSource(ref, opts) };
}

interface Raw {
  chunks: AsyncIterable<Buffer>;
  size?: number;
  close(): void;
  /** see OpenedSource.recycle: only a reader of its own buffers can */
  recycle?(opts?: RecycleOptions): void;
  /** a reader that hashes what it reads itself (the reader thread): the sha256 once the chunks have ended */
  digest?(): string | undefined;
}

/**
 * A file read in order by `FileHandle.read`, one chunk per pull (nothing read ahead), into a
 * fresh buffer per chunk, or, after `recycle()`, into two buffers in turn. Opened at the first
 * pull, so an open error is a read error like any other; closed at the end, or by `close()`.
 */
class FileChunks implements AsyncIterableIterator<Buffer> {
  private fh: FileHandle | undefined;
  private ring: [Buffer, Buffer] | undefined;
  private turn = 0;
  private finished = false;

  constructor(
    private readonly path: string,
    private readonly chunk: number,
  ) {}

  recycle(): void {
    this.ring ??= [Buffer.allocUnsafeSlow(this.chunk), Buffer.allocUnsafeSlow(this.chunk)];
  }

  async next(): Promise<IteratorResult<Buffer>> {
    if (this.finished) return { done: true, value: undefined };
    try {
      if (!this.fh) {
        this.fh = await openUnlessClosed(this.path, () => this.finished);
        if (!this.fh) return { done: true, value: undefined };
      }
      const buf = this.ring ? this.ring[this.turn++ & 1] : Buffer.allocUnsafeSlow(this.chunk);
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) {
        this.close();
        return { done: true, value: undefined };
      }
      return { done: false, value: bytesRead === buf.length ? buf : buf.subarray(0, bytesRead) };
    } catch (err) {
      this.close();
      throw err;
    }
  }

  async return(): Promise<IteratorResult<Buffer>> {
    this.close();
    return { done: true, value: undefined };
  }

  /** FileHandle.close waits for a read under way */
  close(): void {
    this.finished = true;
    const fh = this.fh;
    this.fh = undefined;
    fh?.close().catch(() => undefined);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Opens any kind of source. Throws (E_NOT_FOUND, E_UNREADABLE, E_ARCHIVE, E_LIMIT) only when nothing at all can be read. */
export async function openSource(ref: SourceRef, opts: OpenOptions = {}): Promise<OpenedSource> {
  return openRaw(ref.name, await rawOf(ref, opts));
}

/**
 * Opens a stream already at hand (an archive member met during `readArchive`, a request body),
 * with the same gzip sniffing, digest and head as `openSource`.
 */
export async function openStream(name: string, stream: Readable | AsyncIterable<Uint8Array>, size?: number): Promise<OpenedSource> {
  const close = (): void => {
    if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
  };
  return openRaw(name, { chunks: stream as AsyncIterable<Buffer>, size, close });
}

/**
 * An archive member met during `readArchive`, opened as `openSource` opens its `archive-member`
 * ref (same head, gzip sniffing, digest), but closing it leaves the archive alone: destroying a
 * tar member's stream would destroy the whole archive's stream (tar-stream), and the members
 * after it are still to come. Once done with the source, await `drain()`, which reads whatever
 * of the member was not read, so the walk goes on to the next member.
 */
export async function openArchiveMember(name: string, stream: AsyncIterable<Buffer>, size: number): Promise<{ opened: OpenedSource; drain(): Promise<void> }> {
  const it = stream[Symbol.asyncIterator]();
  let ended = false;
  const next = async (): Promise<IteratorResult<Buffer>> => {
    if (ended) return { done: true, value: undefined };
    try {
      const r = await it.next();
      if (r.done) ended = true;
      return r;
    } catch (err) {
      ended = true; // the archive is damaged here: the walk reports it
      throw err;
    }
  };
  const chunks: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({ next, return: async () => ({ done: true, value: undefined }) }),
  };
  const opened = await openRaw(name, { chunks, size, close: () => undefined });
  return {
    opened,
    drain: async () => {
      try {
        while (!(await next()).done);
      } catch {
        // the walk meets the same fault and says so
      }
    },
  };
}

async function rawOf(ref: SourceRef, opts: OpenOptions): Promise<Raw> {
  switch (ref.kind) {
    case 'stdin': {
      const stdin = opts.stdin ?? process.stdin;
      return { chunks: stdin, close: () => undefined };
    }
    case 'memory': {
      const bytes = ref.bytes;
      return {
        chunks: (async function* () {
          for (let i = 0; i < bytes.byteLength; i += READ_CHUNK) {
            const end = Math.min(i + READ_CHUNK, bytes.byteLength);
            yield Buffer.from(bytes.buffer, bytes.byteOffset + i, end - i);
          }
        })(),
        size: bytes.byteLength,
        close: () => undefined,
      };
    }
    case 'file':
    case 'upload': {
      const file = ref.path;
      const blocking = opts.blocking ?? !isMainThread;
      let st: Stats;
      try {
        st = blocking ? statSync(file) : await stat(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') throw new FaultlineError('E_NOT_FOUND', 'no such file', { file: ref.name });
        throw new FaultlineError('E_UNREADABLE', `cannot read: ${reason(err)}`, { file: ref.name });
      }
      if (!st.isFile()) throw new FaultlineError('E_UNREADABLE', 'not a regular file', { file: ref.name });
      if (ref.size !== undefined && ref.size !== st.size)
        throw new FaultlineError('E_DIGEST_MISMATCH', `holds ${st.size} bytes where ${ref.size} were expected (changed since the run was planned?)`, { file: ref.name });
      // A read buffer no bigger than the file (and the empty read that ends it): a 1 MiB buffer per
      // read of a 100 kB trace is garbage the collector pays for. Measured on 500 cases of 5 small
      // traces with --jobs 2 (bench/batch): GC threads 4.5 → 2.9 s, worker threads 8.9 → 7.5 s.
      const chunk = opts.readChunk ?? Math.max(SMALLEST_CHUNK, Math.min(READ_CHUNK, st.size + 1));
      const thread = readThreadOf(opts, st.size);
      if (thread) {
        const reader = new ThreadedFileChunks(file, chunk, thread);
        return { chunks: reader, size: st.size, close: () => reader.close(), recycle: (how) => reader.recycle(how), digest: () => reader.digest() };
      }
      if (blocking) return blockingReads(file, chunk, st.size);
      const reader = new FileChunks(file, chunk);
      return { chunks: reader, size: st.size, close: () => reader.close(), recycle: () => reader.recycle() };
    }
    case 'archive-member': {
      const m = await openMember(ref.archive, ref.member, opts.limits ?? DEFAULT_ARCHIVE_LIMITS);
      return { chunks: m.stream, size: m.size, close: m.close };
    }
  }
}

/**
 * A file read with blocking calls, for a worker thread: it runs one case and nothing else waits on
 * its event loop, where each of a stream's open, read and close is a trip through libuv's thread
 * pool and back — on bench/batch small (5 traces a case, 25 such trips) 1.8 ms of pool-thread CPU
 * a case beside the case thread's 13, CPU that --jobs 2 has no core left for. The main thread (a
 * server, the CLI with its progress) keeps asynchronous reads (FileChunks). Chunks are at most
 * READ_CHUNK, so a thread being terminated (a time limit, a cancel) stops between two reads;
 * opened on the first pull, so an open error surfaces where a stream's would. Only regular files
 * come here (a FIFO or device is refused above); a read that never returns (a hung network mount)
 * would hold this thread past its time limit, where a stream's would hold one of libuv's threads.
 */
const END_PROBE = 4096;

function blockingReads(file: string, chunk: number, size: number): Raw {
  let fd: number | undefined;
  let closed = false;
  /** after `recycle()`: the two buffers chunks are read into in turn (see OpenedSource.recycle) */
  let ring: [Buffer, Buffer] | undefined;
  let turn = 0;
  const close = (): void => {
    closed = true;
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      fd = openSync(file, 'r');
      let read = 0;
      while (!closed) {
        // Past the size it had, the file has most likely ended: the read that says so needs no big buffer.
        const want = read >= size ? END_PROBE : chunk;
        const buf = ring && want === chunk ? ring[turn++ & 1] : Buffer.allocUnsafe(want);
        const n = readSync(fd, buf, 0, want, null);
        if (n === 0) return;
        read += n;
        yield n === want ? buf : buf.subarray(0, n);
      }
    } finally {
      close();
    }
  }
  const recycle = (): void => {
    ring ??= [Buffer.allocUnsafeSlow(chunk), Buffer.allocUnsafeSlow(chunk)];
  };
  return { chunks: chunks(), size, close, recycle };
}

/** Whether a file of `size` bytes gets a reader thread, and with what (see OpenOptions.readThread). */
function readThreadOf(opts: OpenOptions, size: number): ReadThreadOptions | undefined {
  const asked = opts.readThread;
  if (asked === false) return undefined;
  if (asked === undefined) {
    const env = process.env.FAULTLINE_READ_THREAD;
    if (!isMainThread || opts.blocking || env === '0') return undefined;
    if (size < (env === '1' ? 0 : READ_THREAD_MIN_BYTES)) return undefined;
    return opts.readerThread ? { ahead: opts.readerThread } : {};
  }
  const o = asked === true ? {} : asked;
  return size >= (o.minBytes ?? 0) ? o : undefined;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  return e?.message ?? String(err);
}

async function openRaw(name: string, raw: Raw): Promise<OpenedSource> {
  const hash = raw.digest ? undefined : createHash('sha256');
  let rawBytes = 0;
  let digest: string | undefined;
  const rawIt = raw.chunks[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const pull = async (): Promise<IteratorResult<Buffer>> => {
    const r = await rawIt.next();
    if (r.done) {
      digest ??= hash ? hash.digest('hex') : raw.digest!();
      return r;
    }
    const b = toBuffer(r.value);
    hash?.update(b);
    rawBytes += b.length;
    return { done: false, value: b };
  };

  let first: IteratorResult<Buffer>;
  try {
    first = await pull();
  } catch (err) {
    raw.close();
    if (err instanceof FaultlineError) throw err;
    throw new FaultlineError('E_UNREADABLE', `cannot read: ${reason(err)}`, { file: name });
  }
  const firstBuf = first.done ? Buffer.alloc(0) : first.value;
  const gzip = firstBuf.length >= 2 && firstBuf[0] === 0x1f && firstBuf[1] === 0x8b;

  // Re-join the first raw chunk with the rest of the raw stream.
  async function* rawChunks(): AsyncGenerator<Buffer> {
    if (firstBuf.length) yield firstBuf;
    if (first.done) return;
    for (;;) {
      const r = await pull();
      if (r.done) return;
      yield r.value;
    }
  }

  let rawError: Error | undefined;
  let gunzipError: { err: Error; at: number; exact: boolean } | undefined;
  let content: AsyncIterator<Buffer>;
  if (gzip) content = gunzipChunks(rawChunks(), (e) => (rawError = e), (err, at, exact) => (gunzipError = { err, at, exact }));
  else content = rawChunks();

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
      headParts.push(r.value);
      headLen += r.value.length;
    }
  } catch (err) {
    headError = err as Error;
    ended = true;
  }
  const head = Buffer.concat(headParts, headLen).subarray(0, Math.min(headLen, SNIFF_BYTES));

  const endError = (): FaultlineError | undefined => {
    if (gunzipError) return decompressError(gunzipError, name, bytes);
    const err = rawError ?? headError;
    if (!err) return undefined;
    if (err instanceof FaultlineError) return err;
    return new FaultlineError('E_UNREADABLE', `read failed: ${reason(err)}`, { file: name, byteOffset: bytes });
  };

  let streamError: FaultlineError | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (const p of headParts) {
        bytes += p.length;
        yield p;
      }
      if (!ended) {
        for (;;) {
          let r: IteratorResult<Buffer>;
          try {
            r = await content.next();
          } catch (err) {
            rawError ??= err as Error;
            break;
          }
          if (r.done) break;
          bytes += r.value.length;
          yield r.value;
        }
      }
      streamError = endError();
    } finally {
      // Left early (a cancelled run): let the decompressor and the raw stream go.
      if (!ended) await content.return?.(undefined);
    }
  }

  return {
    name,
    head,
    chunks: chunks(),
    bytesRead: () => bytes,
    rawBytesRead: () => rawBytes,
    sha256: () => (streamError && streamError.code !== 'E_DECOMPRESS' ? undefined : digest),
    error: () => streamError ?? (headLen === 0 ? endError() : undefined),
    gzip,
    size: raw.size,
    // gunzip's output buffers are its own; the raw chunks it reads may be held by it
    recycle: (how) => {
      if (!gzip) raw.recycle?.(how);
    },
    close: () => raw.close(),
  };
}

/**
 * gunzip without losing what decoded before a fault: output is taken as zlib makes it (a
 * 'data' listener, so a later error cannot discard buffered chunks), compressed bytes go in by
 * slices and the next slice waits until the consumer has taken the output. Ends (never throws)
 * on corrupt or cut data, reporting the fault and the compressed offset it was met at; a read
 * error of the raw stream is reported through `onRawError`. The raw stream is always read to its
 * end, so the digest covers every stored byte even when the gzip data is damaged.
 */
async function* gunzipChunks(
  raw: AsyncIterable<Buffer>,
  onRawError: (e: Error) => void,
  onGzipError: (err: Error, compressedOffset: number, exact: boolean) => void,
): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  const queue: Buffer[] = [];
  let wake: (() => void) | undefined;
  let fault: Error | undefined;
  let finished = false;
  let fed = 0;
  let delivered = 0;
  /** the compressed bytes so far, while they are few: what a fault is recovered from */
  let kept: Buffer[] | undefined = [];
  let stopped = false;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const finish = (): void => {
    finished = true;
    poke();
  };
  gunzip.on('data', (c: Buffer) => {
    delivered += c.length;
    queue.push(c);
    poke();
  });
  gunzip.on('error', (err) => {
    fault ??= err;
  });
  const closed = new Promise<void>((r) => gunzip.once('close', r));
  const waitTurn = (): Promise<void> => new Promise((r) => (wake = r));

  /**
   * zlib drops the output of the call that met the fault (up to GUNZIP_CHUNK bytes, or all of a
   * small file). When the compressed bytes so far are still kept, decode them again up to the
   * longest prefix that decodes cleanly: that hands on everything before the damage and tells
   * exactly where it is. Otherwise the fault is located within the slice that met it.
   */
  const onFault = (err: Error, sliceStart: number): void => {
    const found = kept && delivered <= RECOVER_OUTPUT ? decodablePrefix(Buffer.concat(kept), delivered + 2 * GUNZIP_CHUNK) : undefined;
    if (found) {
      if (found.out.length > delivered) queue.push(found.out.subarray(delivered));
      onGzipError(err, found.at, true);
    } else onGzipError(err, sliceStart, false);
  };

  // Feeder: runs beside the consumer; each slice is written once the previous one is processed.
  let drainedOutput: (() => void) | undefined;
  const feeder = (async () => {
    let faultAt: number | undefined;
    try {
      for await (const chunk of raw) {
        for (let i = 0; i < chunk.length; i += GZIP_SLICE) {
          if (stopped) return;
          if (faultAt !== undefined) continue; // keep reading raw bytes for the digest
          const slice = chunk.subarray(i, i + GZIP_SLICE);
          const before = fed;
          fed += slice.length;
          if (kept) {
            kept.push(slice);
            if (fed > RECOVER_BYTES) kept = undefined;
          }
          // On a fault zlib calls no write callback: 'close' ends the wait instead.
          await Promise.race([new Promise<void>((resolve) => gunzip.write(slice, () => resolve())), closed]);
          if (fault) {
            faultAt = before;
            onFault(fault, before);
            continue;
          }
          // Wait for the consumer to take this slice's output before feeding more (bounded memory).
          if (queue.length > 4) await new Promise<void>((r) => (drainedOutput = r));
        }
      }
      if (faultAt === undefined && !stopped) {
        // end's callback comes before a cut stream's error: wait for 'close', which follows either.
        gunzip.end();
        await closed;
        if (fault) onFault(fault, fed);
      }
    } catch (err) {
      onRawError(err as Error);
      gunzip.destroy();
    }
    finish();
  })();

  try {
    for (;;) {
      if (queue.length) {
        const c = queue.shift()!;
        if (queue.length <= 4 && drainedOutput) {
          const d = drainedOutput;
          drainedOutput = undefined;
          d();
        }
        yield c;
        continue;
      }
      if (finished) break;
      await waitTurn();
    }
  } finally {
    // Also when the consumer stops early (a cancelled run): the feeder stops at its next step.
    stopped = true;
    if (!finished) gunzip.destroy();
    drainedOutput?.();
  }
  await feeder;
}

/**
 * The longest prefix of `gz` that decodes without a fault (a cut stream decodes up to its cut),
 * by bisection, and what it decodes to. `at` is where the damage begins, in compressed bytes.
 */
function decodablePrefix(gz: Buffer, maxOutput: number): { out: Buffer; at: number } | undefined {
  // 'big': decodes past what can have been lost (a bomb-like prefix): not decoded whole, never held.
  const tryDecode = (n: number): Buffer | 'bad' | 'big' => {
    try {
      return gunzipSync(gz.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxOutput });
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'big' : 'bad';
    }
  };
  const whole = tryDecode(gz.length);
  if (whole === 'big') return undefined;
  if (whole !== 'bad') return { out: whole, at: gz.length };
  let lo = 0; // decodes (an empty prefix does)
  let hi = gz.length; // does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (tryDecode(mid) !== 'bad') lo = mid;
    else hi = mid;
  }
  const out = tryDecode(lo);
  return typeof out === 'string' ? undefined : { out, at: lo };
}

/** `location.byteOffset` is the offset in the COMPRESSED data (where the damage is in the file as stored). */
function decompressError(fault: { err: Error; at: number; exact: boolean }, file: string, decodedBytes: number): FaultlineError {
  const m = fault.err.message;
  const what = /unexpected end/i.test(m)
    ? 'gzip data ends part-way (cut short)'
    : /incorrect (data|length) check/i.test(m)
      ? `gzip data is damaged (${m}: the check at its end failed, so what decoded may hold garbage from an unknown point on)`
      : `gzip data is corrupt (${m})`;
  const where = fault.exact ? '' : ` within the ${GZIP_SLICE}-byte slice from compressed byte ${fault.at} (up to ${GUNZIP_CHUNK} decoded bytes just before it are lost)`;
  return new FaultlineError('E_DECOMPRESS', `${what}${where} after ${decodedBytes} decompressed bytes; reading stopped there`, { file, byteOffset: fault.at });
}

function toBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
