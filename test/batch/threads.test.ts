/**
 * On a pool, a case's reports are rendered and written by its own thread
 * (src/batch/worker.ts); with a runner without threads (in-process, the
 * queue), by the batch itself. Either way the files are the same bytes.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch, type BatchOutcome } from '../../src/batch/index.js';
import { InProcessRunner } from '../../src/runner/inprocess.js';
import { PoolRunner } from '../../src/runner/pool.js';
import { folderEntries, writeTar } from '../helpers/archives.js';
import { samplesDir } from '../helpers/paths.js';

const incident = (n: string) => path.join(samplesDir, 'incidents', n);
let root: string;
let inputs: string;
const runs: Record<'pool' | 'inprocess', { out: string; outcome: BatchOutcome }> = {} as never;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'fl-batch-threads-'));
  inputs = path.join(root, 'in');
  mkdirSync(inputs, { recursive: true });
  cpSync(incident('reset-mid-body'), path.join(inputs, 'reset-mid-body'), { recursive: true });
  cpSync(path.join(samplesDir, 'curl/refused-verbose.txt'), path.join(inputs, 'refused-verbose.txt'));
  // an archive case with an entry listed but never read (a link)
  await writeTar(path.join(inputs, 'chunked.tgz'), [...folderEntries(incident('chunked-no-last-trace'), 'c'), { name: 'c/link', type: 'symlink', linkname: '/etc/passwd' }]);
  const pool = new PoolRunner({ jobs: 2 });
  try {
    for (const [kind, runner] of [['pool', pool], ['inprocess', new InProcessRunner()]] as const) {
      const out = path.join(root, `out-${kind}`);
      runs[kind] = { out, outcome: await runBatch({ inputs: [inputs], out, runner, flags: { tz: ['UTC'] } }) };
    }
  } finally {
    await pool.close();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('batch reports on a pool thread and in this process', () => {
  it('are the same bytes, case by case', () => {
    const names = readdirSync(path.join(runs.pool.out, 'cases')).sort();
    expect(names).toHaveLength(6); // three cases, a JSON and an HTML each; no temporary file left
    expect(readdirSync(path.join(runs.inprocess.out, 'cases')).sort()).toEqual(names);
    for (const n of names) expect(readFileSync(path.join(runs.pool.out, 'cases', n)), n).toEqual(readFileSync(path.join(runs.inprocess.out, 'cases', n)));
  });

  it('give the same summary rows (but the time taken) and the same findings.jsonl', () => {
    const rows = (o: BatchOutcome) => o.records.map((r) => ({ ...r, seconds: 0 }));
    expect(rows(runs.pool.outcome)).toEqual(rows(runs.inprocess.outcome));
    expect(runs.pool.outcome.records.map((r) => r.status)).toEqual(['analysed', 'analysed', 'analysed']);
    expect(runs.pool.outcome.records.find((r) => r.name === 'chunked.tgz')?.inputs).toBeGreaterThan(readdirSync(incident('chunked-no-last-trace')).length);
    const jsonl = readFileSync(path.join(runs.pool.out, 'findings.jsonl'), 'utf8');
    expect(jsonl.split('\n').length).toBeGreaterThan(2);
    expect(jsonl).toBe(readFileSync(path.join(runs.inprocess.out, 'findings.jsonl'), 'utf8'));
  });
});
