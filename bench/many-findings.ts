/**
 * Many findings: a PHP error log with 20,000 `cURL error 56` lines (distinct hosts and ports)
 * against a log of the same size with one such line among successful calls, side by side in
 * one run (issue 8: at most 3× the time). A third row reads the failing log twice, as two
 * inputs, so that correlation really joins 20,000 pairs of views.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../src/pipeline/index.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(here, '../../bench/data');
const LINES = 20_000;

function line(i: number, failed: boolean): string {
  const hh = String(2 + Math.floor(i / 3600) % 20).padStart(2, '0');
  const mm = String(Math.floor(i / 60) % 60).padStart(2, '0');
  const ss = String(i % 60).padStart(2, '0');
  const host = `svc${i}.internal.test`;
  const port = 10000 + (i % 50000);
  const stamp = `[23-Nov-2026 ${hh}:${mm}:${ss} UTC]`;
  return failed
    ? `${stamp} payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://${host}:${port}/orders/${i} http_code=0 size_download=0 total_time=0.102140 local_port=${40000 + (i % 20000)}\n`
    : `${stamp} payments: http://${host}:${port}/orders/${i} -> 200 (3000 bytes) total_time=0.102140 and a little padding to match\n`;
}

function write(name: string, failing: (i: number) => boolean): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, name);
  const parts: string[] = [];
  for (let i = 0; i < LINES; i++) parts.push(line(i, failing(i)));
  writeFileSync(file, parts.join(''));
  return file;
}

async function time(name: string, files: string[], bytes: number): Promise<BenchResult & { findings: number }> {
  globalThis.gc?.();
  const t0 = process.hrtime.bigint();
  const r = await analyze(files, { timezone: 'UTC' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    name,
    bytes,
    seconds,
    mbPerSec: bytes / 1e6 / seconds,
    events: r.findings.length,
    eventsPerSec: r.findings.length / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    findings: r.findings.length,
  };
}

export async function run(): Promise<BenchResult[]> {
  const many = write('php-many-56.log', () => true);
  const one = write('php-one-56.log', (i) => i === LINES / 2);
  const { size: sizeMany } = await import('node:fs').then((fs) => fs.statSync(many));
  const { size: sizeOne } = await import('node:fs').then((fs) => fs.statSync(one));
  // warm-up on both shapes (JIT, module loading), so each row measures the work, not the compiler
  await analyze([one], { timezone: 'UTC' });
  await analyze([many], { timezone: 'UTC' });
  const base = await time('php log, 1 curl error 56 in 20,000 lines', [one], sizeOne);
  const heavy = await time('php log, 20,000 curl error 56 (many findings)', [many], sizeMany);
  const copy = path.join(dataDir, 'php-many-56-copy.log');
  writeFileSync(copy, await import('node:fs').then((fs) => fs.readFileSync(many)));
  const joined = await time('same log as two inputs (20,000 joins)', [many, copy], sizeMany * 2);
  heavy.note = `${heavy.findings} findings; ${(heavy.seconds / base.seconds).toFixed(2)}× the 1-error log (limit 3×)`;
  base.note = `${base.findings} finding`;
  joined.note = `${joined.findings} findings, each joining both inputs; ${(joined.seconds / base.seconds).toFixed(2)}× the 1-error log`;
  return [base, heavy, joined];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}\t${r.seconds.toFixed(3)} s\t${r.note ?? ''}`);
}
