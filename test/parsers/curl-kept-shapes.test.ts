import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURL_ANALYSIS_SHAPE, CurlAnalysis } from '../../src/analysis/curl/index.js';
import { repoRoot } from '../helpers/paths.js';

/**
 * A log of failures read, its transfers and analysis dropped, then a full collection (a batch's or
 * a server's next case, each run of a benchmark): is the code compiled for the log's transfers
 * still there? V8 drops the hidden classes no live object has, and the code compiled against them:
 * the transfers' objects gain their fields one by one (hidden classes no other object has), the
 * analysis lives for one run. See test/pipeline/kept-shapes.test.ts for the classes kept by one
 * instance made at load. Runs the built code (dist, made by `npm test`) in a node with V8's test
 * functions, compiling on the main thread (no wait for a background compile).
 */
const SCRIPT = `
const dist = process.argv[1];
const { parseCurl } = await import(dist + '/parsers/curl/index.js');
const { applyLogVars } = await import(dist + '/parsers/curl/text.js');
const { TransferBuilder } = await import(dist + '/parsers/curl/builder.js');
const { CurlAnalysis } = await import(dist + '/src/analysis/curl/index.js');
const { Diagnostics } = await import(dist + '/src/model/index.js');
const lines = [];
for (let i = 0; i < 3000; i++) lines.push('[23-Nov-2026 02:' + String(Math.floor(i / 60) % 60).padStart(2, '0') + ':' + String(i % 60).padStart(2, '0') + ' UTC] payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://svc' + i + '.test:' + (10000 + i) + '/o/' + i + ' http_code=0 size_download=0 total_time=0.102140 local_port=' + (40000 + i));
const text = Buffer.from(lines.join('\\n') + '\\n');
async function* chunks() { yield text; }
async function run() {
  const diag = new Diagnostics();
  const a = new CurlAnalysis({ path: 'x', diag });
  const s = await parseCurl('app-log', chunks(), { path: 'x', diag, timezone: 'UTC' }, (t) => a.add(t), { wanted: (f, o) => a.wanted(f, o) });
  return a.finish(s).transfers.length;
}
const compiled = (f) => (%GetOptimizationStatus(f) & 16) !== 0;
const fns = { applyLogVars, error: TransferBuilder.prototype.error, touch: TransferBuilder.prototype.touch };
for (let i = 0; i < 4; i++) await run();
const before = Object.fromEntries(Object.entries(fns).map(([k, f]) => [k, compiled(f)]));
globalThis.gc();
globalThis.gc();
const after = Object.fromEntries(Object.entries(fns).map(([k, f]) => [k, compiled(f)]));
console.log(JSON.stringify({ before, after }));
`;

describe('hidden classes of a log of failures kept across runs', () => {
  it('keeps the code compiled for its transfers and its analysis through a full collection after the run', () => {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--no-concurrent-recompilation', '--input-type=module', '-e', SCRIPT, path.join(repoRoot, 'dist')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<'before' | 'after', Record<string, boolean>>;
    const all = { applyLogVars: true, error: true, touch: true };
    expect(out.before).toEqual(all);
    expect(out.after).toEqual(all);
  });

  it('keeps one CurlAnalysis, opaque to callers', () => {
    expect(CURL_ANALYSIS_SHAPE).toBeInstanceOf(CurlAnalysis);
  });
});
