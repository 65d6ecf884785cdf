import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_IDS_SHAPE, FindingIds } from '../../src/pipeline/finding-id.js';
import { MEMO_SHAPE } from '../../src/model/redact.js';
import { JOIN_INDEX_SHAPE } from '../../src/pipeline/correlate.js';
import { LOG_PAIR_CURSOR_SHAPE, LogPairCursor } from '../../parsers/curl/pairs.js';
import { WORDINGS_SHAPE, Wordings } from '../../parsers/curl/errors.js';
import { repoRoot } from '../helpers/paths.js';

/**
 * A function compiled while it read instances of a class that live for one run, then a full
 * collection once the run's instances are gone: is its compiled code still there? V8 drops a
 * hidden class no live object has, and the code compiled against it; a class with one instance
 * kept for the life of its module keeps its hidden class. `unkept` is the same use of a class
 * without one: it shows the collection does drop code, so the kept answer means something.
 * Runs the built code (dist, made by `npm test`) in a node with V8's test functions.
 */
const SCRIPT = `
const dist = process.argv[1];
const { FindingIds } = await import(dist + '/src/pipeline/finding-id.js');
class Unkept { a = 1; b = 'x'; get() { return this.a + this.b.length; } }
const compiled = (f) => (%GetOptimizationStatus(f) & 16) !== 0;
const out = {};
const cases = [
  ['ids', (ids, n) => ids.id('curl-error-56', 'abc', n, undefined, { url: 'http://h/' }), () => new FindingIds()],
  ['unkept', (u) => u.get(), () => new Unkept()],
];
for (const [name, f, make] of cases) {
  let one = make();
  %PrepareFunctionForOptimization(f);
  for (let i = 0; i < 5; i++) f(one, i);
  %OptimizeFunctionOnNextCall(f);
  f(one, 9);
  const before = compiled(f);
  one = undefined;
  globalThis.gc();
  globalThis.gc();
  out[name] = { before, after: compiled(f) };
}
console.log(JSON.stringify(out));
`;

describe('hidden classes kept across runs', () => {
  it('keeps the code that read a run\'s finding ids through a full collection after the run', () => {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--input-type=module', '-e', SCRIPT, path.join(repoRoot, 'dist')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, { before: boolean; after: boolean }>;
    expect(out.unkept).toEqual({ before: true, after: false });
    expect(out.ids).toEqual({ before: true, after: true });
  });

  it('keeps one instance of each class whose instances live for one run, opaque to callers', () => {
    expect(FINDING_IDS_SHAPE).toBeInstanceOf(FindingIds);
    expect(LOG_PAIR_CURSOR_SHAPE).toBeInstanceOf(LogPairCursor);
    expect(WORDINGS_SHAPE).toBeInstanceOf(Wordings);
    expect(MEMO_SHAPE).toBeTypeOf('object');
    expect(JOIN_INDEX_SHAPE).toBeTypeOf('object');
  });
});
