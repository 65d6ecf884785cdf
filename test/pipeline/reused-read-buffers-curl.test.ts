/**
 * curl output and application logs are read into two reused buffers too (OpenedSource.recycle,
 * issue 14; CSV excepted): the line reader must copy a line that spans chunks. Every sample
 * the pipeline reads as curl output or an application log, read 61 bytes at a time through two
 * buffers written over again and again, must give the input and model it gives read in 1 MiB chunks.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/pipeline/index.js';
import { filesUnder } from '../helpers/files.js';
import { repoRoot } from '../helpers/paths.js';

const candidates = filesUnder(path.join(repoRoot, 'samples'), (name) => !/\.(pcap|pcapng|strace|sh|md|py|js|gz)$/.test(name)).filter((f) => statSync(f).size > 0);

describe('curl output read into reused buffers', () => {
  it('gives the same input and model for every curl sample, read 61 bytes at a time', async () => {
    let curl = 0;
    for (const file of candidates) {
      const ref = { kind: 'file' as const, path: file, name: path.relative(repoRoot, file) };
      const want = await readInput(ref);
      if (!want.info.format.startsWith('curl') && want.info.format !== 'app-log') continue;
      curl++;
      expect(await readInput(ref, { open: { readChunk: 61 } }), ref.name).toEqual(want);
    }
    expect(curl).toBeGreaterThan(15);
  });
});
