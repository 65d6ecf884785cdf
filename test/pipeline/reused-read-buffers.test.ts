/**
 * A capture is read into two reused buffers (OpenedSource.recycle, issue 14): the
 * capture reader, its decoder and the TCP/HTTP analysis must copy whatever they
 * keep beyond the next chunk. Fed in chunks of a few bytes through two buffers
 * written over again and again, so records and headers span reads, every sample
 * capture (and the shared corpus's, when present) must give what it gives read whole.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCapture } from '../../parsers/pcap/index.js';
import { CaptureAnalysis } from '../../src/analysis/tcp/index.js';
import { Diagnostics, type CaptureModel } from '../../src/model/index.js';
import { readInput } from '../../src/pipeline/index.js';
import { openSource, SNIFF_BYTES } from '../../src/sources/index.js';
import { reusedChunks, wholeChunk } from '../helpers/chunks.js';
import { filesUnder } from '../helpers/files.js';
import { corpusDir, hasCorpus, repoRoot } from '../helpers/paths.js';

const captures = (dir: string): string[] => filesUnder(dir, (name) => /\.pcap(ng)?$/.test(name));

const files = [
  ...captures(path.join(repoRoot, 'samples')),
  ...captures(path.join(repoRoot, 'test/fixtures')),
  ...(hasCorpus ? captures(path.join(corpusDir, 'pcap')) : []),
];

/** the model, or the error a broken file stops with (the same either way too) */
async function model(file: string, chunks: AsyncIterable<Buffer>): Promise<{ model?: CaptureModel; error?: string; warnings: unknown[] }> {
  const diag = new Diagnostics();
  const a = new CaptureAnalysis({ path: file, diag });
  try {
    const s = await parseCapture(chunks, { path: file, diag }, (e) => a.add(e));
    return { model: a.finish(s), warnings: diag.warnings };
  } catch (err) {
    return { error: String(err), warnings: diag.warnings };
  }
}

describe('a capture read into reused buffers', () => {
  it.each([
    ['asynchronous reads (main thread)', false],
    ['blocking reads (worker thread)', true],
  ])('is read from a file into the same two buffers once they are recycled, by %s', async (_how, blocking) => {
    const file = files.find((f) => statSync(f).size > 70_000)!;
    const size = 1024;
    const src = await openSource({ kind: 'file', path: file, name: 'x.pcap' }, { readChunk: size, blocking });
    src.recycle?.();
    // the head (SNIFF_BYTES) was read before recycling, in fresh buffers; whole chunks after it come from the two
    const after: Buffer[] = [];
    for await (const c of src.chunks) if (src.bytesRead() > SNIFF_BYTES && c.length === size) after.push(c);
    src.close();
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect(new Set(after).size).toBe(2);
    expect(src.bytesRead()).toBe(statSync(file).size);
  });

  it('gives the same input, model and digest through the pipeline read 4 KiB at a time', async () => {
    for (const file of files.filter((f) => statSync(f).size > 70_000)) {
      const ref = { kind: 'file' as const, path: file, name: path.basename(file) };
      expect(await readInput(ref, { open: { readChunk: 4096 } })).toEqual(await readInput(ref));
    }
  });

  it.each(files.map((f) => [path.relative(path.dirname(repoRoot), f), f]))('gives the same model for %s fed 61 bytes at a time', async (_name, file) => {
    const bytes = readFileSync(file);
    const want = await model(file, wholeChunk(bytes));
    const got = await model(file, reusedChunks(bytes, 61));
    expect(got).toEqual(want);
  });
});
