/**
 * Start-up cost of the CLI against bare node (issue 15: `faultline --version`
 * within 2× of `node -e 0`). Runs are interleaved so a busy machine slows all
 * three alike; the minimum of each is the figure (the least disturbed run).
 *
 *   node dist/bench/startup.js [runs]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/run.js');

const CASES: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'faultline --version': [bin, '--version'],
  'faultline help': [bin, 'help'],
  'faultline analyze --help': [bin, 'analyze', '--help'],
};

function time(args: string[]): number {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function run(runs = 15): Promise<BenchResult[]> {
  const best: Record<string, number> = {};
  for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(CASES)) best[name] = Math.min(best[name] ?? Infinity, time(args));
  const base = best['node -e 0'];
  return Object.entries(best).map(([name, s]) => ({ name: `startup: ${name}`, bytes: 0, seconds: s, mbPerSec: 0, peakRssMb: 0, note: `${(s / base).toFixed(2)}× node -e 0 (best of ${runs})` }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run(Number(process.argv[2] ?? 15))) console.log(`${r.name}\t${(r.seconds * 1000).toFixed(0)} ms\t${r.note}`);
}
