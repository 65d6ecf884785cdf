/**
 * An strace log is read into two reused buffers too (OpenedSource.recycle, issue 14): the
 * strace reader must copy whatever it keeps once a chunk's push returns (a partial line, the
 * first half of a split call). Fed in chunks of a few bytes through two buffers written over
 * again and again, so lines and split calls span reads, every sample log (and the shared
 * corpus's, when present) must give the model and warnings it gives read whole.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStrace } from '../../parsers/strace/index.js';
import { StraceAnalysis } from '../../src/analysis/strace/index.js';
import { Diagnostics } from '../../src/model/index.js';
import { readInput } from '../../src/pipeline/index.js';
import { reusedChunks, wholeChunk } from '../helpers/chunks.js';
import { filesUnder } from '../helpers/files.js';
import { corpusDir, hasCorpus, repoRoot } from '../helpers/paths.js';

const logs = (dir: string): string[] => filesUnder(dir, (name) => name.endsWith('.strace'));

const files = [...logs(path.join(repoRoot, 'samples')), ...(hasCorpus ? logs(path.join(corpusDir, 'strace')) : [])];
if (!hasCorpus) console.log('reused-read-buffers-strace: ../shared/corpus is absent, only the samples are read');

async function model(file: string, chunks: AsyncIterable<Buffer>): Promise<unknown> {
  const diag = new Diagnostics();
  const a = new StraceAnalysis({ path: file, diag });
  try {
    const s = await parseStrace(chunks, { path: file, diag }, (e) => a.add(e));
    return { model: a.finish(s), warnings: diag.warnings };
  } catch (err) {
    return { error: String(err), warnings: diag.warnings };
  }
}

describe('an strace log read into reused buffers', () => {
  it('finds sample logs to read', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [path.relative(path.dirname(repoRoot), f), f]))('gives the same model for %s fed 61 bytes at a time', async (_name, file) => {
    const bytes = readFileSync(file);
    expect(await model(file, reusedChunks(bytes, 61))).toEqual(await model(file, wholeChunk(bytes)));
  });

  it('gives the same input, model and digest through the pipeline read 4 KiB at a time', async () => {
    for (const file of files.filter((f) => statSync(f).size > 20_000).slice(0, 12)) {
      const ref = { kind: 'file' as const, path: file, name: path.basename(file) };
      expect(await readInput(ref, { open: { readChunk: 4096 } })).toEqual(await readInput(ref));
    }
  });
});
