/**
 * Benchmark: start-up, each row against its floor measured in the same run
 * (issue 14):
 *   `faultline --version`, `faultline help`, `faultline analyze --help`
 *                                  vs `node -e 0`                  (goal ≤ 2× for --version)
 *   `faultline analyze` of a tiny file (samples/curl/json-multi.jsonl, JSON out)
 *                                  vs importing the pipeline alone (goal ≤ 1.3×)
 * Median CPU time of RUNS runs each (bench/floor.ts); the commands take turns,
 * so a load that comes and goes slows them alike.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/startup.js [runs]
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commandCost } from './floor.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench → the repository root */
const root = path.resolve(here, '..', '..');
const RUNS = 7;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(runs = RUNS): Promise<BenchResult[]> {
  const node = process.execPath;
  const bin = path.join(root, 'bin', 'run.js');
  const tiny = path.join(root, 'samples', 'curl', 'json-multi.jsonl');
  const importer = path.join(tmpdir(), `faultline-bench-import-${process.pid}.mjs`);
  writeFileSync(importer, `await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist', 'src', 'pipeline', 'index.js')).href)});\n`);
  const cases: Record<string, string[]> = {
    bare: [node, '-e', '0'],
    pipeline: [node, importer],
    version: [node, bin, '--version'],
    help: [node, bin, 'help'],
    analyzeHelp: [node, bin, 'analyze', '--help'],
    analyze: [node, bin, 'analyze', tiny, '--format', 'json'],
  };
  const xs: Record<string, number[]> = {};
  let how = 'CPU';
  try {
    // once each, untimed: a manifest older than the build is written again on the first run (bin/run.js)
    for (const argv of Object.values(cases)) spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'ignore' });
    for (let i = 0; i < runs; i++) {
      for (const [k, argv] of Object.entries(cases)) {
        const c = commandCost(argv, 1, root);
        how = c.how;
        (xs[k] ??= []).push(c.seconds);
      }
    }
  } finally {
    rmSync(importer, { force: true });
  }
  const m = (k: string) => median(xs[k]);
  const row = (name: string, k: string, floorName: string, floorKey: string, goal: string): BenchResult => ({
    name,
    bytes: 0,
    seconds: m(k),
    mbPerSec: 0,
    peakRssMb: 0,
    floor: { name: `${floorName} (${m(floorKey).toFixed(3)} s)`, times: m(k) / m(floorKey) },
    note: `median ${how} time of ${runs} runs${goal ? `; goal ${goal}` : ''}`,
  });
  return [
    row('start-up: faultline --version', 'version', 'node -e 0', 'bare', '≤ 2×'),
    row('start-up: faultline help', 'help', 'node -e 0', 'bare', ''),
    row('start-up: faultline analyze --help', 'analyzeHelp', 'node -e 0', 'bare', ''),
    row('start-up: faultline analyze <tiny curl file> --format json', 'analyze', 'importing the pipeline alone', 'pipeline', '≤ 1.3×'),
  ];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = process.argv[2] ? Number(process.argv[2]) : RUNS;
  for (const r of await run(n)) console.log(`${r.name}: ${r.seconds.toFixed(3)} s, ${r.floor!.times.toFixed(2)}× ${r.floor!.name}; ${r.note}`);
}
