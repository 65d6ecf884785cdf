/**
 * `faultline serve` as a user meets it, in one run:
 *   - upload-to-report for a 200 MB HTTP capture (POST the file, wait for the
 *     analysis, GET the HTML report) against `faultline analyze` on the same
 *     file (--format json and --format html), side by side;
 *   - peak RSS of the server process (its worker threads included) while 20
 *     uploads of a 10 MB capture arrive at once and are analysed.
 * The server is the CLI (`node bin/run.js serve`), spawned fresh per figure
 * so its VmHWM (peak RSS, from /proc) belongs to that figure alone.
 *
 *   node dist/bench/serve.js
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCommand } from './floor.js';
import { ensureCapture } from './gen-http-pcap.js';
import { statusKb } from './peak-rss.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dataDir = path.join(root, 'bench/data');
const bin = path.join(root, 'bin/run.js');

async function startServe(data: string, jobs: number): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', data, '--jobs', String(jobs), '--max-upload-mb', '1024'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (c) => {
      err += c;
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(err);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { proc, url };
}

async function stop(proc: ChildProcess): Promise<void> {
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await gone;
}

interface Phases {
  /** s from the first byte sent to the 202 */
  upload: number;
  /** s from the 202 to the status done */
  analysis: number;
  /** s to fetch the HTML report */
  report: number;
}

async function uploadAndWait(url: string, file: string, name: string): Promise<Phases> {
  const t0 = performance.now();
  const fd = new FormData();
  fd.append('files', await openAsBlob(file), name);
  const r = await fetch(`${url}/api/analyses`, { method: 'POST', body: fd });
  if (r.status !== 202) throw new Error(`upload: ${r.status} ${await r.text()}`);
  const { id } = (await r.json()) as { id: string };
  const t1 = performance.now();
  for (;;) {
    const a = (await (await fetch(`${url}/api/analyses/${id}`)).json()) as { status: string; error?: { message: string } };
    if (a.status === 'failed') throw new Error(`analysis failed: ${a.error?.message}`);
    if (a.status === 'done') break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const t2 = performance.now();
  const html = await fetch(`${url}/a/${id}`);
  if (html.status !== 200) throw new Error(`report: ${html.status}`);
  await html.arrayBuffer();
  return { upload: (t1 - t0) / 1e3, analysis: (t2 - t1) / 1e3, report: (performance.now() - t2) / 1e3 };
}

/** Wall time and peak RSS (GNU time, when present) of the CLI. */
function timedAnalyze(file: string, format: string): { seconds: number; peakRssMb: number } {
  const r = timeCommand(process.execPath, [bin, 'analyze', file, '--format', format, '-o', '/dev/null']);
  if (r.status !== 0 && r.status !== 3) throw new Error(`analyze exited ${r.status}`);
  return r;
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const big = await ensureCapture(dataDir, 200e6);
  const bytes = statSync(big).size;
  spawnSync('cat', [big], { stdio: 'ignore' });

  const json = timedAnalyze(big, 'json');
  const html = timedAnalyze(big, 'html');
  const data1 = mkdtempSync(path.join(tmpdir(), 'faultline-bench-serve-'));
  const s1 = await startServe(data1, 2);
  const t0 = process.hrtime.bigint();
  const lastPhases = await uploadAndWait(s1.url, big, 'big.pcap');
  const served = Number(process.hrtime.bigint() - t0) / 1e9;
  const phases = await Promise.resolve(lastPhases);
  const hwm1 = statusKb(s1.proc.pid!, 'VmHWM');
  await stop(s1.proc);
  rmSync(data1, { recursive: true, force: true });
  const mb = Math.round(bytes / 1e6);
  out.push({ name: `analyze --format json, ${mb} MB capture (CLI start included)`, bytes, seconds: json.seconds, mbPerSec: bytes / 1e6 / json.seconds, peakRssMb: json.peakRssMb });
  out.push({ name: `analyze --format html, ${mb} MB capture (CLI start included)`, bytes, seconds: html.seconds, mbPerSec: bytes / 1e6 / html.seconds, peakRssMb: html.peakRssMb });
  out.push({
    name: `serve: upload → analysis on the pool → HTML report, ${mb} MB capture`,
    bytes,
    seconds: served,
    mbPerSec: bytes / 1e6 / served,
    peakRssMb: hwm1 / 1024,
    note: `${(served / html.seconds).toFixed(2)}× analyze --format html; upload ${phases.upload.toFixed(2)} s, analysis ${phases.analysis.toFixed(2)} s, report ${phases.report.toFixed(2)} s`,
  });

  const small = await ensureCapture(dataDir, 10e6);
  const smallBytes = statSync(small).size;
  const data2 = mkdtempSync(path.join(tmpdir(), 'faultline-bench-serve-'));
  const s2 = await startServe(data2, 2);
  const idle = statusKb(s2.proc.pid!, 'VmRSS');
  const t1 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: 20 }, (_, i) => uploadAndWait(s2.url, small, `c${i}.pcap`)));
  const all = Number(process.hrtime.bigint() - t1) / 1e9;
  const hwm2 = statusKb(s2.proc.pid!, 'VmHWM');
  await stop(s2.proc);
  rmSync(data2, { recursive: true, force: true });
  out.push({
    name: `serve: 20 concurrent uploads of a ${Math.round(smallBytes / 1e6)} MB capture, 2 workers`,
    bytes: smallBytes * 20,
    seconds: all,
    mbPerSec: (smallBytes * 20) / 1e6 / all,
    peakRssMb: hwm2 / 1024,
    note: `server RSS at rest ${(idle / 1024).toFixed(0)} MB`,
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}\t${r.seconds.toFixed(2)} s\t${r.mbPerSec.toFixed(1)} MB/s\tpeak RSS ${r.peakRssMb.toFixed(0)} MB\t${r.note ?? ''}`);
}
