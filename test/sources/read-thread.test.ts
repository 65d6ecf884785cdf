/**
 * Issue 14: a big file is read and hashed on a reader thread (src/sources/read-thread.ts). Forced
 * on small files here (`readThread` options) so the thread's ring, its hand-over and its errors
 * run on the samples: the same chunks, digest and model as the reader without a thread, the
 * recycle() guarantee, a read error part-way, cancellation, close() at any point, and a file that
 * changes while it is read. The thread's script is the compiled one under dist/ (`npm test` builds).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInput } from '../../src/pipeline/index.js';
import { openSource, ReaderThread, SNIFF_BYTES, type OpenOptions, type ReadThreadOptions } from '../../src/sources/index.js';
import { readerThreadFor } from '../../src/sources/read-thread.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';

const CHUNK = 1024;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-read-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A thread on any file, handing over once `by` bytes were read here; says where it took over. */
function threaded(by = 0, more: ReadThreadOptions = {}): { opts: OpenOptions; handedOver: () => number | undefined } {
  let at: number | undefined;
  return { opts: { readChunk: CHUNK, readThread: { minBytes: 0, handoverBy: by, onHandover: (n) => (at = n), ...more } }, handedOver: () => at };
}

/** Every descriptor of this process open on `file` (none once a source is closed and its thread gone). */
function fdsOn(file: string): string[] {
  const dir = '/proc/self/fd';
  return readdirSync(dir).filter((fd) => {
    try {
      return readlinkSync(path.join(dir, fd)) === file;
    } catch {
      return false;
    }
  });
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

const inc = (...p: string[]): string => path.join(samplesDir, 'incidents', ...p);
const samples = [
  inc('incident-all', 'client.strace'),
  inc('incident-all', 'capture.pcap'),
  inc('incident-all', 'curl-verbose.txt'),
  inc('incident-all', 'app.log'),
  inc('php-reset-mid-body', 'client.strace'),
  inc('reset-mid-body-gz', 'capture.pcap.gz'),
  path.join(samplesDir, 'curl', 'php-errors.log'),
  path.join(samplesDir, 'curl', 'json-multi.jsonl'),
  path.join(samplesDir, 'curl', 'loop.csv'),
];

describe('a file read on a reader thread', () => {
  it.each(samples.map((f) => [path.relative(repoRoot, f), f]))('gives the same input, model and sha256 as without one: %s', async (_name, file) => {
    const ref = { kind: 'file' as const, path: file, name: path.basename(file) };
    const t = threaded(3 * CHUNK);
    const got = await readInput(ref, { open: t.opts });
    const want = await readInput(ref, { open: { readChunk: CHUNK, readThread: false } });
    expect(got).toEqual(want);
    expect(got.info.sha256).toBe(sha(readFileSync(file)));
    // the thread takes over only from readers that recycle (not through gunzip, not a CSV) and past the head
    const recycles = !/\.(gz|csv)$/.test(file) && readFileSync(file).length > SNIFF_BYTES;
    if (recycles) expect(t.handedOver()).toBe(SNIFF_BYTES);
    else expect(t.handedOver()).toBeUndefined();
  });

  it('hands out the ring slots themselves, each valid until the chunk after the next is pulled', async () => {
    const file = inc('incident-all', 'client.strace');
    const bytes = readFileSync(file);
    const src = await openSource({ kind: 'file', path: file, name: 'client.strace' }, threaded(0).opts);
    src.recycle?.();
    let offset = 0;
    let prev: { c: Buffer; at: number } | undefined;
    const slots = new Set<ArrayBufferLike>();
    const views = new Set<number>();
    for await (const c of src.chunks) {
      // the chunk before this one is still what the file holds, however far the thread has read ahead
      if (prev) expect(prev.c.equals(bytes.subarray(prev.at, prev.at + prev.c.length))).toBe(true);
      if (offset >= SNIFF_BYTES) {
        slots.add(c.buffer);
        views.add(c.byteOffset);
        await new Promise((r) => setTimeout(r, 1)); // give the thread time to fill every free slot
      }
      expect(c.equals(bytes.subarray(offset, offset + c.length))).toBe(true);
      prev = { c, at: offset };
      offset += c.length;
    }
    expect(offset).toBe(bytes.length);
    expect(src.sha256()).toBe(sha(bytes));
    expect([...slots].map((b) => b instanceof SharedArrayBuffer)).toEqual([true]);
    expect(views.size).toBe(4);
  });

  it('copies the slots into two buffers of its own for a reader that asks (recycle({ own: true })), with the same promise', async () => {
    const file = inc('incident-all', 'client.strace');
    const bytes = readFileSync(file);
    const src = await openSource({ kind: 'file', path: file, name: 'client.strace' }, threaded(0).opts);
    src.recycle?.({ own: true });
    let offset = 0;
    let prev: { c: Buffer; at: number } | undefined;
    const memories = new Set<ArrayBufferLike>();
    for await (const c of src.chunks) {
      if (prev) expect(prev.c.equals(bytes.subarray(prev.at, prev.at + prev.c.length))).toBe(true);
      if (offset >= SNIFF_BYTES) {
        memories.add(c.buffer);
        await new Promise((r) => setTimeout(r, 1)); // the thread fills its free slots meanwhile: the copies must not follow them
      }
      expect(c.equals(bytes.subarray(offset, offset + c.length))).toBe(true);
      prev = { c, at: offset };
      offset += c.length;
    }
    expect(offset).toBe(bytes.length);
    expect(src.sha256()).toBe(sha(bytes));
    expect(memories.size).toBe(2);
    expect([...memories].some((b) => b instanceof SharedArrayBuffer)).toBe(false);
  });

  it('keeps what was read before a read error part-way, and says where it stopped', async () => {
    const file = inc('incident-all', 'client.strace');
    const failAt = 100_000;
    const src = await openSource({ kind: 'file', path: file, name: 'client.strace' }, threaded(0, { failAt }).opts);
    src.recycle?.();
    const parts: Buffer[] = [];
    for await (const c of src.chunks) parts.push(Buffer.from(c));
    expect(Buffer.concat(parts).equals(readFileSync(file).subarray(0, failAt))).toBe(true);
    expect(src.error()).toMatchObject({ code: 'E_UNREADABLE', message: 'read failed: EIO: i/o error, read', location: { file: 'client.strace', byteOffset: failAt } });
    expect(src.sha256()).toBeUndefined();

    const r = await readInput({ kind: 'file', path: file, name: 'client.strace' }, { open: threaded(0, { failAt }).opts });
    expect(r.info).toMatchObject({ status: 'partial', error_code: 'E_UNREADABLE', format: 'strace' });
    expect(r.info.warnings[0]).toBe(`byte ${failAt}: read failed: EIO: i/o error, read; everything before it was read`);
    expect(r.info.events).toBeGreaterThan(0);
  });

  it('stops the thread and closes the file when the run is cancelled part-way', async () => {
    const file = inc('incident-all', 'client.strace');
    const ac = new AbortController();
    const t = threaded(0);
    let progress = 0;
    const run = readInput(
      { kind: 'file', path: file, name: 'client.strace' },
      {
        open: t.opts,
        signal: ac.signal,
        onEvent: (e) => {
          if (e.type === 'input-progress' && ++progress === 70) ac.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(t.handedOver()).toBe(SNIFF_BYTES);
    await until(() => fdsOn(file).length === 0);
    expect(fdsOn(file)).toEqual([]);
  });

  it.each([
    ['before the first chunk', 0],
    ['while the head is read', 1],
    ['right after the hand-over', 66],
    ['part-way', 100],
  ])('can be closed %s, and its file is closed', async (_when, pulls) => {
    const file = inc('incident-all', 'client.strace');
    const src = await openSource({ kind: 'file', path: file, name: 'client.strace' }, threaded(0).opts);
    src.recycle?.();
    const it = src.chunks[Symbol.asyncIterator]();
    for (let i = 0; i < pulls; i++) expect((await it.next()).done).toBe(false);
    src.close();
    // what is left of the head (read before it was opened) comes, then the end, with no digest
    let after = 0;
    while (!(await it.next()).done) after++;
    expect(pulls + after).toBe(Math.max(pulls, SNIFF_BYTES / CHUNK));
    expect(src.sha256()).toBeUndefined();
    expect(src.error()).toBeUndefined();
    await until(() => fdsOn(file).length === 0);
    expect(fdsOn(file)).toEqual([]);
  });

  it('lets the process exit at once when a source is dropped part-way, closed or not', () => {
    const file = inc('incident-all', 'client.strace');
    const mod = path.join(repoRoot, 'dist/src/sources/index.js');
    for (const close of ['src.close()', '/* never closed */']) {
      const script = `
        import { openSource } from ${JSON.stringify(mod)};
        const src = await openSource({ kind: 'file', path: ${JSON.stringify(file)}, name: 'x' }, { readChunk: 1024, readThread: { minBytes: 0, handoverBy: 0 } });
        src.recycle();
        const it = src.chunks[Symbol.asyncIterator]();
        for (let i = 0; i < 80; i++) await it.next();
        ${close};
        console.log('left');`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
      expect({ status: r.status, out: r.stdout.trim(), err: r.stderr }).toEqual({ status: 0, out: 'left', err: '' });
    }
  });
});

describe('a reader thread started ahead of its file', () => {
  it.each([inc('incident-all', 'client.strace'), inc('php-reset-mid-body', 'client.strace')].map((f) => [path.relative(repoRoot, f), f]))(
    "is taken by the file's reader at the first chunk after the head, with the same input, model and sha256: %s", async (_name, file) => {
    const ref = { kind: 'file' as const, path: file, name: path.basename(file) };
    const ahead = new ReaderThread(CHUNK);
    const t = threaded(SNIFF_BYTES, { ahead });
    const got = await readInput(ref, { open: t.opts });
    const want = await readInput(ref, { open: { readChunk: CHUNK, readThread: false } });
    expect(got).toEqual(want);
    expect(got.info.sha256).toBe(sha(readFileSync(file)));
    expect(t.handedOver()).toBe(SNIFF_BYTES);
    // taken once: a second reader starts its own
    expect(ahead.take(CHUNK)).toBeUndefined();
    await until(() => fdsOn(file).length === 0);
    expect(fdsOn(file)).toEqual([]);
  });

  it('is left alone by a reader of another chunk size, and ends when closed untaken', async () => {
    const file = inc('incident-all', 'client.strace');
    const ahead = new ReaderThread(CHUNK * 2);
    const t = threaded(0, { ahead });
    const got = await readInput({ kind: 'file', path: file, name: 'client.strace' }, { open: t.opts });
    expect(got.info.sha256).toBe(sha(readFileSync(file)));
    expect(t.handedOver()).toBe(SNIFF_BYTES); // to a thread of its own
    await ahead.close(); // settles once the thread has exited
    expect(ahead.take(CHUNK * 2)).toBeUndefined();
  });

  it('is started by the CLI only for one plain file big enough for a thread', () => {
    const big = path.join(tmp, 'big.log');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 'x'));
    const gz = path.join(tmp, 'big.log.gz');
    writeFileSync(gz, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(2 * 1024 * 1024)]));
    const on = { FAULTLINE_READ_THREAD: '1' };
    const started = (file: string, env: NodeJS.ProcessEnv): boolean => {
      const r = readerThreadFor(file, env);
      void r?.close();
      return r !== undefined;
    };
    expect(started(big, on)).toBe(true);
    expect(started(big, {})).toBe(false); // below READ_THREAD_MIN_BYTES
    expect(started(big, { FAULTLINE_READ_THREAD: '0' })).toBe(false);
    expect(started(gz, on)).toBe(false); // read through gunzip, which takes no thread
    expect(started(tmp, on)).toBe(false); // a folder
    expect(started(path.join(tmp, 'missing.pcap'), on)).toBe(false);
  });
});

describe('a file that changes while the reader thread reads it', () => {
  const make = (name: string, bytes: Buffer): string => {
    const f = path.join(tmp, name);
    writeFileSync(f, bytes);
    return f;
  };
  const lines = (n: number, tag: string): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => `${tag} line ${i}\n`).join(''));

  it('reads on past the size it had when opened when it grows, and hashes every byte it read', async () => {
    const first = lines(20_000, 'a');
    const more = lines(5_000, 'b');
    const f = make('grows.log', first);
    const src = await openSource({ kind: 'file', path: f, name: 'grows.log' }, threaded(0).opts);
    src.recycle?.();
    const parts: Buffer[] = [];
    let n = 0;
    for await (const c of src.chunks) {
      parts.push(Buffer.from(c));
      if (++n === 70) appendFileSync(f, more);
    }
    const all = Buffer.concat([first, more]);
    expect(src.size).toBe(first.length);
    expect(Buffer.concat(parts).equals(all)).toBe(true);
    expect(src.sha256()).toBe(sha(all));
  });

  it('hands on what it had read when the file is cut short under it (up to two chunks read ahead), and hashes exactly that', async () => {
    const bytes = lines(20_000, 'a');
    const f = make('shrinks.log', bytes);
    const cut = 60 * CHUNK; // below what was already handed on
    const src = await openSource({ kind: 'file', path: f, name: 'shrinks.log' }, threaded(0).opts);
    src.recycle?.();
    const parts: Buffer[] = [];
    let n = 0;
    for await (const c of src.chunks) {
      parts.push(Buffer.from(c));
      if (++n === 70) truncateSync(f, cut);
    }
    const got = Buffer.concat(parts);
    // 70 chunks taken when it was cut; the thread may have read two more into the ring before
    expect(got.length).toBeGreaterThanOrEqual(70 * CHUNK);
    expect(got.length).toBeLessThanOrEqual(72 * CHUNK);
    expect(got.equals(bytes.subarray(0, got.length))).toBe(true);
    expect(src.size).toBe(bytes.length);
    expect(src.error()).toBeUndefined();
    expect(src.sha256()).toBe(sha(got));
  });

  it('ends with a read error, not a digest of other bytes, when what was read before the hand-over is rewritten', async () => {
    const bytes = lines(20_000, 'a');
    const f = make('rewritten.log', bytes);
    const src = await openSource({ kind: 'file', path: f, name: 'rewritten.log' }, threaded(80 * CHUNK).opts);
    src.recycle?.();
    let n = 0;
    let got = 0;
    for await (const c of src.chunks) {
      got += c.length;
      if (++n === 70) writeFileSync(f, lines(20_000, 'b')); // same size, other bytes
    }
    expect(got).toBe(80 * CHUNK);
    expect(src.error()).toMatchObject({ code: 'E_UNREADABLE', location: { byteOffset: 80 * CHUNK } });
    expect(src.error()?.message).toMatch(/the file changed while it was read: its first 81920 bytes differ between two reads/);
    expect(src.sha256()).toBeUndefined();
  });
});
