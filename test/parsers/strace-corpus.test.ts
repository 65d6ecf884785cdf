import { createReadStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStrace } from '../../parsers/strace/index.js';
import { StraceAnalysis } from '../../src/analysis/strace/index.js';
import { Diagnostics } from '../../src/model/index.js';
import { corpusDir, hasCorpus, repoRoot } from '../helpers/paths.js';
import { filesUnder, notDocs } from '../helpers/files.js';

/** Warnings a real file may earn: a stderr capture holds the program's own lines. */
const FEW_WARNINGS = 2;


/** `-ff` files are NAME.PID: the pipeline hands the pid over as pidHint. */
function pidHint(file: string): number | undefined {
  const m = /\.(\d+)$/.exec(file);
  return m === null ? undefined : Number(m[1]);
}

async function readAll(file: string) {
  const diag = new Diagnostics();
  const analysis = new StraceAnalysis({ path: file, diag });
  const summary = await parseStrace(createReadStream(file), { path: file, diag, pidHint: pidHint(file) }, (e) => analysis.add(e));
  return { summary, diag, model: analysis.finish(summary) };
}

describe.skipIf(!hasCorpus)('the strace corpus', () => {
  const files = hasCorpus ? filesUnder(path.join(corpusDir, 'strace'), notDocs) : [];
  it.each(files.map((f) => [path.relative(corpusDir, f), f]))('reads %s without a crash and with few warnings', async (_name, file) => {
    const { summary, diag, model } = await readAll(file);
    expect(summary.events).toBeGreaterThan(0);
    expect(diag.warnings.length, diag.warnings.join('\n')).toBeLessThanOrEqual(FEW_WARNINGS);
    expect(model.kind).toBe('strace');
  });
});

describe('the strace samples made here', () => {
  const files = filesUnder(path.join(repoRoot, 'samples', 'strace'), notDocs);
  it.each(files.map((f) => [path.relative(repoRoot, f), f]))('reads %s without a warning', async (_name, file) => {
    const { diag, model } = await readAll(file);
    expect(diag.warnings).toEqual([]);
    expect(model.threads.length).toBeGreaterThan(0);
  });
});
