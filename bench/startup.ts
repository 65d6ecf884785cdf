/**
 * Benchmark: start-up, against its floors measured in the same run.
 *   `faultline --version`          vs `node -e 0`
 *   `faultline analyze` of a tiny file (samples/curl/json-multi.jsonl, JSON out)
 *                                  vs importing the pipeline alone
 * Median CPU time of 5 runs each (bench/floor.ts).
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/startup.js
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commandCost } from './floor.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench → the repository root */
const root = path.resolve(here, '..', '..');
const RUNS = 5;

export async function run(): Promise<BenchResult[]> {
  const node = process.execPath;
  const bin = path.join(root, 'bin', 'run.js');
  const tiny = path.join(root, 'samples', 'curl', 'json-multi.jsonl');
  const importer = path.join(tmpdir(), `faultline-bench-import-${process.pid}.mjs`);
  writeFileSync(importer, `await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist', 'src', 'pipeline', 'index.js')).href)});\n`);
  const bare = commandCost([node, '-e', '0'], RUNS);
  const version = commandCost([node, bin, '--version'], RUNS);
  const pipeline = commandCost([node, importer], RUNS);
  const analyze = commandCost([node, bin, 'analyze', tiny, '--format', 'json'], RUNS);
  rmSync(importer, { force: true });
  const row = (name: string, m: { seconds: number; how: string }, floorName: string, floor: { seconds: number }): BenchResult => ({
    name,
    bytes: 0,
    seconds: m.seconds,
    mbPerSec: 0,
    peakRssMb: 0,
    floor: { name: `${floorName} (${floor.seconds.toFixed(3)} s)`, times: m.seconds / floor.seconds },
    note: `median ${m.how} time of ${RUNS} runs; goal ${name.includes('version') ? '≤ 2×' : '≤ 1.3×'}`,
  });
  return [
    row('start-up: faultline --version', version, 'node -e 0', bare),
    row('start-up: faultline analyze <tiny curl file> --format json', analyze, 'importing the pipeline alone', pipeline),
  ];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.seconds.toFixed(3)} s, ${r.floor!.times.toFixed(2)}× ${r.floor!.name}; ${r.note}`);
}
