/**
 * Issue 14: a big file's reader thread also finds the newlines of each chunk it reads (once a line
 * reader has asked), so the strace line reader on the main thread does not look for each line's
 * end itself (src/model/newlines.ts). Forced on small files here, with small chunks: the index is
 * exactly a scan's, a chunk of more newlines than the thread has room for is scanned by the
 * reader, an index is given only while its chunk is valid, and the strace reader gives the same
 * events and model with the thread as without it (lines across chunks, no newline at the end, a
 * line longer than a chunk).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStrace } from '../../parsers/strace/index.js';
import { Diagnostics, newlinesIn, newlinesOf, type Chunks } from '../../src/model/index.js';
import { readInput } from '../../src/pipeline/index.js';
import { openSource, SNIFF_BYTES, type OpenOptions, type OpenedSource } from '../../src/sources/index.js';
import { samplesDir } from '../helpers/paths.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-newlines-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A thread from the first pull after the head (handoverBy 0), reading `chunk`-byte chunks. */
const threaded = (chunk: number): OpenOptions => ({ readChunk: chunk, readThread: { minBytes: 0, handoverBy: 0 } });
const alone = (chunk: number): OpenOptions => ({ readChunk: chunk, readThread: false });

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}

/** Every newline of `b`, by Buffer.indexOf. */
function scan(b: Buffer): number[] {
  const out: number[] = [];
  for (let p = b.indexOf(10); p >= 0; p = b.indexOf(10, p + 1)) out.push(p);
  return out;
}

async function open(file: string, opts: OpenOptions, own = false): Promise<OpenedSource> {
  const src = await openSource({ kind: 'file', path: file, name: path.basename(file) }, opts);
  src.recycle?.(own ? { own: true } : undefined);
  return src;
}

/** The chunks of `src` unchanged (the same buffers), counting those handed out with an index. */
function counted(src: OpenedSource): { chunks: Chunks; seen: { indexed: number; chunks: number } } {
  const seen = { indexed: 0, chunks: 0 };
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const c of src.chunks) {
      seen.chunks++;
      if (newlinesOf(c) !== undefined) seen.indexed++;
      yield c;
    }
  }
  return { chunks: chunks(), seen };
}

const inc = (...p: string[]): string => path.join(samplesDir, 'incidents', ...p);
const strace = readFileSync(inc('incident-all', 'client.strace'));
/** a `curl -v` transcript of a few hundred kB (lines of 30 bytes on average): the samples' verbose outputs, over and over */
const curlVerbose = Buffer.concat(
  Array.from({ length: 120 }, () =>
    Buffer.concat(['refused-verbose.txt', 'verbose-tracetime-reuse.txt', 'dropped-traced-verbose.txt'].map((f) => readFileSync(path.join(samplesDir, 'curl', f)))),
  ),
);

describe('newlines found by the reader thread', () => {
  it.each([
    ['short lines', 4096, ''],
    ['short lines', 4099, ''],
    ['long lines', 4096, ''],
    ['long lines', 65536, ''],
    // recycle({ own: true }): the chunks are copies of the slots, the index still the slot's
    ['long lines', 4096, ', copied out of the slots'],
  ])('are exactly those a scan finds in each chunk: %s, %i-byte chunks%s', async (kind, chunk, own) => {
    const bytes = kind === 'short lines' ? curlVerbose : Buffer.concat([strace, strace]);
    const src = await open(write(`${kind}-${chunk}.txt`, bytes), threaded(chunk), own !== '');
    let indexed = 0;
    let chunks = 0;
    for await (const c of src.chunks) {
      chunks++;
      const got = newlinesOf(c);
      if (got === undefined) continue;
      indexed++;
      expect([...got]).toEqual(scan(c));
    }
    // all but the head (read before the thread) and the chunks the thread read before it was asked
    expect(indexed).toBeGreaterThan(chunks - Math.ceil(SNIFF_BYTES / chunk) - 5);
  });

  it('are not given for a chunk with more than the room (one per 16 bytes): the reader scans that one itself', async () => {
    // 1024-byte chunks, room for 64: a run of 3 chunks of bare newlines amid strace lines, well past the head
    const at = 100 * 1024;
    const bytes = Buffer.concat([strace.subarray(0, at), Buffer.alloc(3072, 10), strace.subarray(at, at + 60_000)]);
    const src = await open(write('crowded.strace', bytes), threaded(1024));
    const per: Array<'index' | 'none'> = [];
    let offset = 0;
    for await (const c of src.chunks) {
      const got = newlinesOf(c);
      per.push(got === undefined ? 'none' : 'index');
      if (got !== undefined) expect([...got]).toEqual(scan(c));
      // either way the line readers' newlinesIn gives the chunk's newlines
      expect([...newlinesIn(c)]).toEqual(scan(c));
      if (offset >= at && offset + c.length <= at + 3072) {
        expect(c.every((b) => b === 10)).toBe(true);
        expect(got).toBeUndefined();
      }
      offset += c.length;
    }
    // the chunks of strace lines the thread read after the head (35 before the crowd, 58 after), but a few
    expect(per.filter((p) => p === 'index').length).toBeGreaterThan(80);
  });

  it('are given only while the chunk is valid: not once the chunk after the next was pulled', async () => {
    const src = await open(write('valid.strace', strace), threaded(4096));
    const it = src.chunks[Symbol.asyncIterator]();
    const held: Buffer[] = [];
    // whether each chunk came with its index: not those the thread read before the first ask reached
    // it (the head, and as many more as it read ahead meanwhile: more under load)
    const known: boolean[] = [];
    let checked = 0;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      held.push(r.value);
      known.push(newlinesOf(r.value) !== undefined);
      const k = held.length - 1;
      if (k < 2) continue;
      // chunk k - 1 is still valid: its index is still given, and is a scan's
      if (known[k - 1]) expect([...newlinesOf(held[k - 1])!]).toEqual(scan(held[k - 1]));
      // chunk k - 2's slot is the thread's again: its index is not given out (the buffer holds no newer chunk yet)
      if (known[k - 2]) {
        expect(held[k - 2]).not.toBe(held[k]);
        expect(newlinesOf(held[k - 2])).toBeUndefined();
        checked++;
      }
    }
    // once given, every later chunk came with one
    expect(known.slice(known.indexOf(true))).not.toContain(false);
    expect(checked).toBeGreaterThan(30);
    src.close();
  });

  it('are not given for chunks of a file read without a thread, nor for a buffer of no reader', async () => {
    const src = await open(write('alone.strace', strace), alone(4096));
    for await (const c of src.chunks) expect(newlinesOf(c)).toBeUndefined();
    const b = Buffer.from('a\nbb\n\nccc');
    expect(newlinesOf(b)).toBeUndefined();
    expect([...newlinesIn(b)]).toEqual([1, 4, 5]);
  });
});

/** The events the strace reader emits from `file` read with `opts`, and how many chunks came with an index. */
async function events(file: string, opts: OpenOptions): Promise<{ events: unknown[]; summary: unknown; seen: { indexed: number; chunks: number } }> {
  const src = await open(file, opts);
  const { chunks, seen } = counted(src);
  const ctx = { path: file, diag: new Diagnostics() };
  const out: unknown[] = [];
  const summary = await parseStrace(chunks, ctx, (e) => out.push(e));
  src.close();
  return { events: out, summary: { ...summary, warnings: ctx.diag.warnings }, seen };
}

describe('the strace reader on a reader thread that finds the newlines', () => {
  const cases: Array<[string, Buffer]> = [
    ['strace', strace],
    ['strace without a newline at the end', strace.subarray(0, strace.length - 37)],
    ['strace with a line longer than a chunk', Buffer.concat([strace.subarray(0, 50_000), Buffer.from(`19615 1795402554.9 write(1, "${'x'.repeat(9000)}", 9000) = 9000 <0.000010>\n`), strace.subarray(50_000)])],
  ];

  it.each(cases)('emits the same events as without a thread: %s', async (name, bytes) => {
    const file = write(`${name.replace(/\W+/g, '-')}.txt`, bytes);
    const got = await events(file, threaded(4096));
    const want = await events(file, alone(4096));
    expect(got.events.length).toBeGreaterThan(10);
    expect(got.events).toEqual(want.events);
    expect(got.summary).toEqual(want.summary);
    expect(want.seen.indexed).toBe(0);
    // the index was used: every chunk but the head's and the few the thread read before it was asked
    expect(got.seen.indexed).toBeGreaterThan(got.seen.chunks - Math.ceil(SNIFF_BYTES / 4096) - 5);
  });

  it.each(cases)('gives the same input and model through readInput: %s', async (name, bytes) => {
    const file = write(`ri-${name.replace(/\W+/g, '-')}.txt`, bytes);
    const ref = { kind: 'file' as const, path: file, name: path.basename(file) };
    const got = await readInput(ref, { open: threaded(4096) });
    const want = await readInput(ref, { open: alone(4096) });
    expect(got.info.events).toBeGreaterThan(10);
    expect(got).toEqual(want);
  });
});
