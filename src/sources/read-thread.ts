/**
 * A big local file read and hashed on a second thread, so the thread that parses and analyses
 * it does neither: reading and hashing (sha256) 800 MB cost 0.7 s of the CLI's main thread, 0.5 s
 * of it the hash. The reader thread reads with blocking calls into a ring of slots in shared
 * memory, hashes each chunk and hands it over through Atomics; the consumer gets the slots
 * themselves as its chunks (no copy). Only a consumer that has asked for `recycle()` can take
 * them, so the thread starts at the first pull after it; before (the head's chunks, a gzip or a
 * CSV read, which never recycle) the file is read here, into fresh buffers, as `FileChunks` does.
 *
 * Starting a thread costs 80 ms of CPU here (180 ms of wall time on a loaded machine), so the
 * consumer does not wait for it: it reads (and hashes) the first chunks itself, asynchronously, as
 * `FileChunks` does, and hands over at the first pull after the thread says it is up. The thread
 * then reads those first bytes again to hash them (its sha256 goes on from there), and the
 * consumer compares that prefix's digest with its own: a file rewritten under us in that window
 * ends the stream with a read error instead of a digest of bytes nobody parsed. A thread that
 * cannot start (its script missing) leaves the consumer reading on alone, as before.
 *
 * Call order and ownership: the consumer pulls chunks one by one; after `recycle()` chunk k's bytes
 * are valid until chunk k + 2 is pulled (two buffers' worth, as `FileChunks` promises), before it
 * for good. So with SLOTS slots the thread is at most SLOTS - 2 chunks ahead of the consumer.
 * `close()` at any point stops the thread (it exits between two reads) and closes the file once
 * it has exited: the descriptor is ours, the thread never closes it.
 *
 * A line reader (strace's) also gets where each chunk's newlines are (src/model/newlines.ts):
 * once one asks, the thread finds them as it reads each chunk, on its core, instead of the main
 * thread looking for every line's end (3.3 million lines in the 404 MB strace bench log). They sit
 * beside the slot's bytes and are given out while the chunk is lent, so they are valid exactly as
 * long as it is.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { openUnlessClosed } from './first-open.js';
import { formatOfHead } from './magic.js';
import { handOutChunk, type NewlineIndexer } from '../model/newlines.js';
import { Ctl, END_DONE, END_FAILED, END_READING, GO_READ, GO_STOP, POS_FROM, POS_PREFIX, sharedBuffer, views, type Shared, type ThreadData } from './read-thread-layout.js';

/** 2 held by the consumer, 2 being read ahead: the thread stays ahead of a consumer 5× slower than it without waiting on a slot. */
const SLOTS = 4;

/**
 * Files from this size get a reader thread (on the main thread, see `openSource`). The thread
 * saves the main thread ~0.9 ms of CPU a MB (reading and hashing 800 MB: 0.7 s), but only for
 * what it reads: while it starts (80 ms of CPU, 50–250 ms of wall time as the machine is loaded)
 * the main thread reads 30–170 MB itself, and the thread then costs its start and a second hash
 * of those bytes. Measured with the CLI at load 11 on 2 cores, the main thread's CPU median of
 * 3 with / without: 32 MB 0.87 / 0.90 s, 64 MB 0.92 / 0.97 s, 128 MB 1.31 / 1.30 s, 800 MB
 * 2.42 / 2.79 s (FAULTLINE_READ_THREAD=1 / 0): up to 128 MB within that load's noise (±0.1 s),
 * as most of such a file is read before the hand-over. 64 MB: on a quiet machine the thread is up
 * after ~30 MB and takes the other half; below, its start costs more CPU than it saves.
 */
export const READ_THREAD_MIN_BYTES = 64 << 20;

/** Bytes per read of a file (open.ts: of a smaller file, its size), and so the size of the ring's slots for a big one. */
export const READ_CHUNK = 1 << 20; // 1 MiB: big enough that per-chunk overhead vanishes, small enough to stay bounded

export interface ReadThreadOptions {
  /** smallest file given a thread (default READ_THREAD_MIN_BYTES) */
  minBytes?: number;
  /**
   * Bytes this thread reads itself at most before it waits for the reader thread (default: as
   * many as it reads while the thread is starting). Tests set 0 or a few chunks, so that small
   * files are read by the thread.
   */
  handoverBy?: number;
  /** tests: the thread's read at this byte offset fails with EIO, as a bad sector's would */
  failAt?: number;
  /** tests: told the byte offset at which the reader thread took over */
  onHandover?: (byteOffset: number) => void;
  /** a thread started ahead (see ReaderThread), taken instead of starting one when its slots are this reader's chunk size */
  ahead?: ReaderThread;
}

/** How chunks are to be recycled: see OpenedSource.recycle (open.ts). */
export interface RecycleOptions {
  /** the chunks in this thread's own memory, not in a reader thread's shared slots */
  own?: boolean;
}

/** What a started thread is to the reader that uses it. */
interface Started {
  worker: Worker;
  sh: Shared;
  /** settles when the thread is up (true) or cannot be (false) */
  up: Promise<boolean>;
  /** true once the thread said it is up (as `up`, but readable at once) */
  ready: boolean;
  exited: Promise<void>;
}

/**
 * Starts a thread and its ring of `slotSize`-byte slots; `fd` undefined: the reader that takes it
 * sets it in the shared words before the word to read. Undefined when no thread can be made.
 */
function startThread(slotSize: number, fd: number | undefined, failAt: number | undefined): Started | undefined {
  const sh = views(sharedBuffer(SLOTS, slotSize), SLOTS, slotSize);
  const data: ThreadData = { sab: sh.sab, slots: SLOTS, slotSize, ...(fd !== undefined ? { fd } : {}), ...(failAt !== undefined ? { failAt } : {}) };
  let worker: Worker;
  try {
    worker = new Worker(workerScript(), { workerData: data, execArgv: [], stdout: false, stderr: false });
  } catch {
    return undefined;
  }
  // Unreferenced but while it is waited for: a source left unclosed must not keep the process alive.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const started: Started = { worker, sh, up: Promise.resolve(false), ready: false, exited };
  started.up = new Promise<boolean>((resolve) => {
    worker.once('message', () => {
      started.ready = true;
      resolve(true);
    });
    // a script that cannot load: read on here, as without a thread
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  return started;
}

/**
 * A reader thread started before the file it will read is opened: the CLI starts one for a big
 * plain file before it loads the pipeline, so the thread's own start-up (80 ms of CPU, up to
 * 250 ms of wall time on a loaded machine) runs while the main thread loads modules, and the
 * thread is up when the capture reader asks for it. Otherwise the main thread reads and hashes
 * the first 6–20 MB itself while the thread starts (measured on the 800 MB capture at load 6),
 * and the thread reads and hashes them again. Taken by one reader (`take`), with the same
 * protocol from then on; `close()` ends it if no reader took it.
 */
export class ReaderThread {
  private started: Started | undefined;
  private taken = false;

  constructor(readonly slotSize: number) {
    this.started = startThread(slotSize, undefined, undefined);
  }

  /** The thread, once, for a reader of `slotSize`-byte chunks; undefined when the sizes differ or it was taken. */
  take(slotSize: number): Started | undefined {
    if (this.taken || slotSize !== this.slotSize) return undefined;
    this.taken = true;
    return this.started;
  }

  /** Ends the thread unless a reader took it (that reader closes it); settles once it has exited. */
  async close(): Promise<void> {
    if (this.taken) return;
    this.taken = true;
    const s = this.started;
    if (!s) return;
    Atomics.store(s.sh.ctl, Ctl.GO, GO_STOP);
    Atomics.notify(s.sh.ctl, Ctl.GO);
    await s.worker.terminate().catch(() => undefined);
  }
}

/** The compiled script beside this module; run from the TypeScript sources (vitest, tsx), its twin under dist/ (as src/runner/compiled.ts does). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (!here.endsWith('.ts')) return path.join(dir, 'read-thread-worker.js');
  const root = path.resolve(dir, '../..');
  return path.join(root, 'dist', path.relative(root, dir), 'read-thread-worker.js');
}

type Phase = 'own' | 'thread' | 'done';

/** Atomics.waitAsync (Node 16+, V8), not in the ES2023 lib the build targets */
type WaitAsync = (ta: Int32Array, index: number, value: number) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * The chunks of a file: read here until the reader thread is up, then from its ring. Opened at
 * the first pull, so an open error is a read error like any other (as `FileChunks`).
 */
export class ThreadedFileChunks implements AsyncIterableIterator<Buffer>, NewlineIndexer {
  private fh: FileHandle | undefined;
  private worker: Worker | undefined;
  private sh: Shared | undefined;
  private ready = false;
  /** settles when the thread is up (true) or cannot be (false) */
  private up: Promise<boolean> | undefined;
  private exited: Promise<void> | undefined;
  private phase: Phase = 'own';
  private closed = false;
  /** bytes read here before the hand-over, and their hash */
  private own = 0;
  private ownHash: Hash | undefined = createHash('sha256');
  private ownDigest: string | undefined;
  private ownRing: [Buffer, Buffer] | undefined;
  private turn = 0;
  private recycled = false;
  /** recycle({ own: true }): the two buffers the slots' chunks are copied into in turn, and the turn */
  private copies: [Buffer, Buffer] | undefined;
  private copied = 0;
  private started = false;
  /** chunks taken from the ring; the last two pulls, as ring indexes when they were slots lent out (null: one of our own buffers) */
  private taken = 0;
  private lent: [number | null, number | null] = [null, null];
  private digestHex: string | undefined;

  constructor(
    private readonly file: string,
    private readonly chunk: number,
    private readonly opts: ReadThreadOptions = {},
  ) {}

  recycle(how?: RecycleOptions): void {
    this.recycled = true;
    if (how?.own) this.copies ??= [Buffer.allocUnsafeSlow(this.chunk), Buffer.allocUnsafeSlow(this.chunk)];
    if (this.phase === 'own') this.ownRing ??= [Buffer.allocUnsafeSlow(this.chunk), Buffer.allocUnsafeSlow(this.chunk)];
  }

  /**
   * Where the newlines of ring chunk `n` are (src/model/newlines.ts), while it is still lent out:
   * found by the thread as it read the chunk, once a line reader has asked. The first ask sets the
   * word the thread looks at before each chunk, so the chunks it has read ahead by then (up to
   * two past the consumer's) have none: the line reader scans those itself.
   */
  newlinesOf(n: number): Int32Array | undefined {
    const sh = this.sh;
    if (sh === undefined || (this.lent[0] !== n && this.lent[1] !== n)) return undefined;
    if (Atomics.load(sh.ctl, Ctl.WANT_NEWLINES) !== 1) Atomics.store(sh.ctl, Ctl.WANT_NEWLINES, 1);
    const words = sh.newlines[n % SLOTS];
    const count = words[0];
    return count < 0 ? undefined : words.subarray(1, 1 + count);
  }

  /** sha256 of every byte read, once the last chunk has been pulled */
  digest(): string | undefined {
    return this.digestHex;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    if (this.closed) return { done: true, value: undefined };
    try {
      if (!this.fh) {
        this.fh = await openUnlessClosed(this.file, () => this.closed);
        if (!this.fh) return { done: true, value: undefined };
      }
      if (this.recycled && !this.started) this.start();
      // The chunk pulled two pulls ago may now be written over.
      const old = this.lent[0];
      this.lent = [this.lent[1], null];
      if (old !== null) this.release(old + 1);
      if (this.phase === 'own') {
        const by = this.opts.handoverBy;
        if (!this.ready && by !== undefined && this.own >= by) await this.up;
        if (this.ready && this.own >= (by ?? 0)) this.handover();
      }
      return this.phase === 'own' ? await this.readOwn() : await this.fromRing();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  async return(): Promise<IteratorResult<Buffer>> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops the thread (between two of its reads) and closes the file once it has exited. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.phase = 'done';
    const fh = this.fh;
    this.fh = undefined;
    const w = this.worker;
    this.worker = undefined;
    if (this.sh) {
      const { ctl } = this.sh;
      Atomics.store(ctl, Ctl.GO, GO_STOP);
      Atomics.notify(ctl, Ctl.GO);
      Atomics.add(ctl, Ctl.TO_THREAD, 1);
      Atomics.notify(ctl, Ctl.TO_THREAD);
    }
    if (w) {
      // terminate() also ends a start-up still under way; the descriptor outlives the thread's last read
      void w
        .terminate()
        .catch(() => undefined)
        .finally(() => fh?.close().catch(() => undefined));
    } else fh?.close().catch(() => undefined);
  }

  private start(): void {
    this.started = true;
    // a thread started ahead has no descriptor yet: it reads the one set here, before the word to read
    const ahead = this.opts.failAt === undefined ? this.opts.ahead?.take(this.chunk) : undefined;
    if (ahead) Atomics.store(ahead.sh.ctl, Ctl.FD, this.fh!.fd);
    const s = ahead ?? startThread(this.chunk, this.fh!.fd, this.opts.failAt);
    if (!s) {
      this.up = Promise.resolve(false);
      return;
    }
    this.sh = s.sh;
    this.worker = s.worker;
    this.exited = s.exited;
    this.ready = s.ready;
    this.up = s.up.then((up) => (this.ready = up));
  }

  private handover(): void {
    const sh = this.sh!;
    this.ownDigest = this.ownHash!.digest('hex');
    this.ownHash = undefined;
    this.ownRing = undefined; // the chunks still lent out keep theirs
    sh.pos[POS_FROM] = this.own;
    this.phase = 'thread';
    Atomics.store(sh.ctl, Ctl.GO, GO_READ);
    Atomics.notify(sh.ctl, Ctl.GO);
    this.opts.onHandover?.(this.own);
  }

  private async readOwn(): Promise<IteratorResult<Buffer>> {
    const buf = this.recycled ? this.ownRing![this.turn++ & 1] : Buffer.allocUnsafeSlow(this.chunk);
    const { bytesRead } = await this.fh!.read(buf, 0, buf.length, this.own);
    if (this.closed) return { done: true, value: undefined };
    if (bytesRead === 0) {
      this.digestHex = this.ownHash!.digest('hex');
      this.close();
      return { done: true, value: undefined };
    }
    const b = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    this.ownHash!.update(b);
    this.own += bytesRead;
    return { done: false, value: b };
  }

  private async fromRing(): Promise<IteratorResult<Buffer>> {
    const sh = this.sh!;
    const { ctl } = sh;
    const i = this.taken;
    for (;;) {
      const seen = Atomics.load(ctl, Ctl.TO_CONSUMER);
      if (Atomics.load(ctl, Ctl.PRODUCED) > i || Atomics.load(ctl, Ctl.END) !== END_READING) break;
      const w = this.worker!;
      w.ref();
      const wait = waitAsync(ctl, Ctl.TO_CONSUMER, seen);
      // 'gone' only when the thread exited: a wait that ends with nothing changed (seen once under
      // --cpu-prof on a loaded machine) is a spurious wake-up, and the loop waits again
      const how = wait.async ? await Promise.race([wait.value, this.exited!.then(() => 'gone' as const)]) : wait.value;
      w.unref();
      if (this.closed) return { done: true, value: undefined };
      if (how === 'gone' && Atomics.load(ctl, Ctl.PRODUCED) <= i && Atomics.load(ctl, Ctl.END) === END_READING && Atomics.load(ctl, Ctl.TO_CONSUMER) === seen)
        throw new Error('the reader thread stopped without finishing');
    }
    if (i === 0) this.checkPrefix();
    if (Atomics.load(ctl, Ctl.PRODUCED) <= i) {
      const end = Atomics.load(ctl, Ctl.END);
      if (end === END_FAILED) {
        const { code, message } = JSON.parse(sh.error.toString('utf8', 0, Atomics.load(ctl, Ctl.ERROR_LEN))) as { code?: string; message: string };
        throw Object.assign(new Error(message), { code });
      }
      if (end === END_DONE) this.digestHex = sh.digest.toString('latin1');
      this.close();
      return { done: true, value: undefined };
    }
    this.taken = i + 1;
    const n = Atomics.load(ctl, Ctl.LEN + (i % SLOTS));
    const slot = sh.slots[i % SLOTS];
    this.lent[1] = i;
    if (this.copies !== undefined) {
      // a copy is valid as long as the slot would be: the buffer is written again two copies on
      const own = this.copies[this.copied++ & 1];
      slot.copy(own, 0, 0, n);
      return { done: false, value: this.handOut(n === own.length ? own : own.subarray(0, n), i) };
    }
    return { done: false, value: this.handOut(n === slot.length ? slot : slot.subarray(0, n), i) };
  }

  /** `chunk`, known from now on (src/model/newlines.ts) as ring chunk `i` until it is handed out again */
  private handOut(chunk: Buffer, i: number): Buffer {
    handOutChunk(chunk, this, i);
    return chunk;
  }

  /** The bytes read here before the hand-over, read again by the thread for its digest, must be the ones read here. */
  private checkPrefix(): void {
    const sh = this.sh!;
    if (Atomics.load(sh.ctl, Ctl.PREFIX_DONE) !== 1 && Atomics.load(sh.ctl, Ctl.END) === END_FAILED) return; // its read error says why
    if (sh.pos[POS_PREFIX] !== this.own || sh.prefixDigest.toString('latin1') !== this.ownDigest)
      throw new Error(`the file changed while it was read: its first ${this.own} bytes differ between two reads`);
  }

  private release(count: number): void {
    const { ctl } = this.sh!;
    Atomics.store(ctl, Ctl.RELEASED, count);
    Atomics.add(ctl, Ctl.TO_THREAD, 1);
    Atomics.notify(ctl, Ctl.TO_THREAD);
  }
}

/**
 * A ReaderThread for `file` when opening it will give it a thread by default (openSource): a
 * regular file of READ_THREAD_MIN_BYTES or more that is neither gzip nor an archive (those are
 * read through gunzip or an archive reader, which take no thread), on the main thread, and
 * FAULTLINE_READ_THREAD not 0. Undefined otherwise, or when the file cannot be read (the run
 * says why).
 */
export function readerThreadFor(file: string, env: NodeJS.ProcessEnv = process.env): ReaderThread | undefined {
  if (!isMainThread || env.FAULTLINE_READ_THREAD === '0') return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const st = fstatSync(fd);
    if (!st.isFile() || st.size < (env.FAULTLINE_READ_THREAD === '1' ? 0 : READ_THREAD_MIN_BYTES) || st.size < READ_CHUNK) return undefined;
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, head.length, 0);
    if (formatOfHead(head.subarray(0, n)) !== undefined) return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return new ReaderThread(READ_CHUNK);
}
