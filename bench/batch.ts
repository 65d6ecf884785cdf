/**
 * `faultline batch` through the library (runBatch + the worker-thread pool),
 * on three archive shapes generated under bench/data/batch/ from the samples:
 *
 *   tiny   500 cases of one 0.6 kB curl -v log: almost no analysis, so the
 *          time is the per-case cost of batch itself;
 *   small  500 incident folders of 5 real traces (110–260 kB each);
 *   large  4 folders, each one 60 MB HTTP capture (bench/gen-http-pcap).
 *
 * Each runs with --jobs 1 and --jobs 2 into a fresh --out. Overhead per case
 * is the batch's time per case at --jobs 1 minus the same cases' analysis
 * alone (runCase in this process, one after another, warm), in wall time and
 * in CPU time of the whole process (on a shared machine the load stretches
 * wall time; the CPU figure is what batch itself costs). The 1-minute load
 * average is printed with each shape: --jobs 2 can only beat --jobs 1 by
 * what the machine has free.
 *
 *   node dist/bench/batch.js [tiny|small|large]...
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBatch } from '../src/batch/index.js';
import { buildSpec, runCase } from '../src/pipeline/index.js';
import { PoolRunner } from '../src/runner/pool.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dataDir = path.join(root, 'bench/data/batch');
const samples = path.join(root, 'samples');

const SMALL_SOURCES = ['reset-mid-body', 'short-body', 'empty-reply', 'expect-417', 'tls-reset', 'keepalive-200', 'chunked-no-last', 'reset-before-reply', 'incident-all'];

function ensureTiny(n: number): string {
  const dir = path.join(dataDir, `tiny-${n}`);
  if (existsSync(dir)) return dir;
  for (let i = 0; i < n; i++) {
    const d = path.join(dir, `case-${String(i).padStart(4, '0')}`);
    mkdirSync(d, { recursive: true });
    cpSync(path.join(samples, 'curl/refused-verbose.txt'), path.join(d, 'curl-verbose.txt'));
  }
  return dir;
}

function ensureSmall(n: number): string {
  const dir = path.join(dataDir, `small-${n}`);
  if (existsSync(dir)) return dir;
  for (let i = 0; i < n; i++) {
    const src = SMALL_SOURCES[i % SMALL_SOURCES.length];
    cpSync(path.join(samples, 'incidents', src), path.join(dir, `${String(i).padStart(4, '0')}-${src}`), { recursive: true });
  }
  return dir;
}

async function ensureLarge(n: number, mb: number): Promise<string> {
  const dir = path.join(dataDir, `large-${n}x${mb}`);
  if (existsSync(path.join(dir, '.done'))) return dir;
  const gen = (await import('./gen-http-pcap.js')) as { generate: (p: string, bytes: number, seed?: number) => Promise<unknown> };
  for (let i = 0; i < n; i++) {
    const d = path.join(dir, `big-${i}`);
    mkdirSync(d, { recursive: true });
    await gen.generate(path.join(d, 'capture.pcap'), mb * 1e6, i + 1);
  }
  writeFileSync(path.join(dir, '.done'), '');
  return dir;
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += bytesUnder(p);
    else if (e.isFile() && !e.name.startsWith('.')) n += statSync(p).size;
  }
  return n;
}

interface Timing {
  seconds: number;
  /** CPU seconds of the whole process, every thread: load on a shared machine stretches wall time, not this */
  cpu: number;
  cases: number;
  peakRssMb: number;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

async function timeBatch(input: string, jobs: number): Promise<Timing> {
  // Private to this process: bench/data is shared by every worktree, and another bench may run beside this one.
  const out = path.join(os.tmpdir(), `faultline-bench-batch-${process.pid}`, `out-${path.basename(input)}-j${jobs}`);
  rmSync(out, { recursive: true, force: true });
  const runner = new PoolRunner({ jobs });
  // Threads start (and load their modules) before the clock does, as in a long batch.
  await new Promise((r) => setTimeout(r, 500));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    const r = await runBatch({ inputs: [input], out, runner, flags: { tz: ['UTC'] } });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(c0);
    if (r.records.some((x) => x.status === 'failed')) throw new Error(`a case failed: ${r.records.find((x) => x.status === 'failed')!.error}`);
    return { seconds, cpu, cases: r.records.length, peakRssMb: peak / 1e6 };
  } finally {
    clearInterval(sampler);
    await runner.close();
  }
}

/** The cases' analysis alone: runCase here, one after another (after one warm-up pass over a few). */
async function analysisAlone(input: string, limit: number): Promise<{ wall: number; cpu: number }> {
  const dirs = readdirSync(input).filter((d) => !d.startsWith('.')).sort().slice(0, limit);
  for (const d of dirs.slice(0, 10)) await runCase(await buildSpec([path.join(input, d)], { tz: ['UTC'] }));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const d of dirs) await runCase(await buildSpec([path.join(input, d)], { tz: ['UTC'] }));
  return { wall: (performance.now() - t0) / 1000 / dirs.length, cpu: cpuSeconds(c0) / dirs.length };
}

async function shape(name: string, input: string, label: string, overheadSample: number): Promise<BenchResult[]> {
  const bytes = bytesUnder(input);
  const load = os.loadavg()[0];
  const one = await timeBatch(input, 1);
  const two = await timeBatch(input, 2);
  const alone = await analysisAlone(input, overheadSample);
  const overheadMs = (one.seconds / one.cases - alone.wall) * 1000;
  const overheadCpuMs = (one.cpu / one.cases - alone.cpu) * 1000;
  const row = (t: Timing, jobs: number, note: string): BenchResult => ({
    name: `batch ${name} (${label}) --jobs ${jobs}`,
    bytes,
    seconds: t.seconds,
    mbPerSec: bytes / 1e6 / t.seconds,
    eventsPerSec: t.cases / t.seconds,
    events: t.cases,
    peakRssMb: t.peakRssMb,
    note,
  });
  return [
    row(
      one,
      1,
      `${(one.cases / one.seconds).toFixed(1)} cases/s; analysis alone ${(alone.wall * 1000).toFixed(1)} ms/case (CPU ${(alone.cpu * 1000).toFixed(1)}); ` +
        `batch overhead ${overheadMs.toFixed(1)} ms/case wall, ${overheadCpuMs.toFixed(1)} ms/case CPU; load average ${load.toFixed(1)}`,
    ),
    row(two, 2, `${(two.cases / two.seconds).toFixed(1)} cases/s; ${(one.seconds / two.seconds).toFixed(2)}x --jobs 1 (CPU ${one.cpu.toFixed(1)} s vs ${two.cpu.toFixed(1)} s)`),
  ];
}

export async function run(only: string[] = []): Promise<BenchResult[]> {
  const want = (s: string) => only.length === 0 || only.includes(s);
  const rows: BenchResult[] = [];
  if (want('tiny')) rows.push(...(await shape('tiny', ensureTiny(500), '500 cases of one 0.6 kB curl log', 200)));
  if (want('small')) rows.push(...(await shape('small', ensureSmall(500), '500 incident folders, 5 real traces each', 100)));
  if (want('large')) rows.push(...(await shape('large', await ensureLarge(4, 60), '4 folders of one 60 MB capture', 4)));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run(process.argv.slice(2));
  for (const r of rows)
    console.log(
      [r.name, `${(r.bytes / 1e6).toFixed(1)} MB`, `${r.seconds.toFixed(2)} s`, `${r.mbPerSec.toFixed(1)} MB/s`, `peak RSS ${r.peakRssMb.toFixed(0)} MB`, r.note].join('\t'),
    );
}
