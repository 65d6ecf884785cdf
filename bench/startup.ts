/**
 * Benchmark: start-up, each row against its floor measured in the same run
 * (issue 14):
 *   `faultline --version`, `faultline help`, `faultline analyze --help`
 *                                  vs `node -e 0`                  (goal ≤ 2× for --version)
 *   `faultline analyze` of a tiny file (samples/curl/json-multi.jsonl, JSON out)
 *                                  vs importing the pipeline alone (goal ≤ 1.3×)
 * Median CPU time of RUNS runs each (bench/floor.ts); the commands take turns,
 * so a load that comes and goes slows them alike. Each row also says how many
 * module files the command loaded (ES modules through a loader hook, CommonJS
 * from require's cache): the figure a busy machine does not blur.
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

/** Loaded with --import: counts the module files the process loads (hooks: the loader hook module) and says so on stderr at exit. */
const counterSource = (hooks: string): string => `import { register, createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const seen = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (u) => seen.add(fileURLToPath(u)));
port1.unref();
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { port: port2 }, transferList: [port2] });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  for (const k of Object.keys(cache)) seen.add(k);
  writeSync(2, '\\nfaultline-bench-files ' + seen.size + '\\n');
});
`;
const HOOKS = `let port;
export function initialize(d) { port = d.port; }
export async function load(url, ctx, next) { if (url.startsWith('file:')) port.postMessage(url); return next(url, ctx); }
`;

/** Module files `argv` loads (its node run with the counter), or undefined when it cannot be told. */
function loadedFiles(argv: string[], counter: string, cwd: string): number | undefined {
  const r = spawnSync(argv[0], ['--import', pathToFileURL(counter).href, ...argv.slice(1)], { cwd, encoding: 'utf8' });
  const m = /^faultline-bench-files (\d+)$/m.exec(r.stderr ?? '');
  return m ? Number(m[1]) : undefined;
}

export async function run(runs = RUNS): Promise<BenchResult[]> {
  const node = process.execPath;
  const bin = path.join(root, 'bin', 'run.js');
  const tiny = path.join(root, 'samples', 'curl', 'json-multi.jsonl');
  const importer = path.join(tmpdir(), `faultline-bench-import-${process.pid}.mjs`);
  writeFileSync(importer, `await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist', 'src', 'pipeline', 'index.js')).href)});\n`);
  const counter = path.join(tmpdir(), `faultline-bench-count-${process.pid}.mjs`);
  const hooks = path.join(tmpdir(), `faultline-bench-hooks-${process.pid}.mjs`);
  writeFileSync(counter, counterSource(hooks));
  writeFileSync(hooks, HOOKS);
  const cases: Record<string, string[]> = {
    bare: [node, '-e', '0'],
    pipeline: [node, importer],
    version: [node, bin, '--version'],
    help: [node, bin, 'help'],
    analyzeHelp: [node, bin, 'analyze', '--help'],
    analyze: [node, bin, 'analyze', tiny, '--format', 'json'],
  };
  const xs: Record<string, number[]> = {};
  const files: Record<string, number | undefined> = {};
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
    for (const [k, argv] of Object.entries(cases)) files[k] = loadedFiles(argv, counter, root);
  } finally {
    for (const f of [importer, counter, hooks]) rmSync(f, { force: true });
  }
  const m = (k: string) => median(xs[k]);
  const row = (name: string, k: string, floorName: string, floorKey: string, goal: string): BenchResult => ({
    name,
    bytes: 0,
    seconds: m(k),
    mbPerSec: 0,
    peakRssMb: 0,
    floor: { name: `${floorName} (${m(floorKey).toFixed(3)} s)`, times: m(k) / m(floorKey) },
    note: `median ${how} time of ${runs} runs; ${files[k] ?? '?'} files loaded (${floorName}: ${files[floorKey] ?? '?'})${goal ? `; goal ${goal}` : ''}`,
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
