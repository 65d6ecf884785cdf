/**
 * End to end, as a user runs it: `faultline analyze big.pcap --format json`
 * (Node's start and oclif's included) against `tshark -q -z http,tree` on the
 * same HTTP/1.1-over-Ethernet capture at 200 MB and at 800 MB (issue 14's row:
 * ≥ 5× tshark, ≤ 200 MB RSS whatever the size), side by side in one run:
 * medians of three runs each, compared on CPU time (on a shared machine wall
 * time mostly measures the wait for a core), wall time beside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCommand } from './floor.js';
import { ensureCapture } from './gen-http-pcap.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dataDir = path.join(root, 'bench/data');

/** Median wall and CPU seconds (user + system) and the highest peak RSS of `runs` runs (GNU time). */
function timeRuns(cmd: string, args: string[], runs: number): { wall: number; cpu: number; peakRssMb: number; status: number | null } {
  const walls: number[] = [];
  const cpus: number[] = [];
  let rss = 0;
  let status: number | null = 0;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(r.stderr.trim().split('\n').pop() ?? '');
    if (!m) throw new Error(`${cmd}: ${r.stderr.slice(-300)}`);
    walls.push(Number(m[1]));
    cpus.push(Number(m[2]) + Number(m[3]));
    rss = Math.max(rss, Number(m[4]) / 1024);
    status = r.status ?? status;
  }
  return { wall: median(walls), cpu: median(cpus), peakRssMb: rss, status };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** runs of each command per size: medians, since the machine is shared (CPU time is what the ratio is taken on) */
const RUNS = 3;

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const bin = path.join(root, 'bin/run.js');
  const hasTshark = spawnSync('tshark', ['-v']).status === 0;
  const hasTime = existsSync('/usr/bin/time');
  for (const size of [200e6, 800e6]) {
    const file = await ensureCapture(dataDir, size);
    const bytes = statSync(file).size;
    // one warm-up so the page cache holds the file for both tools
    spawnSync('cat', [file], { stdio: 'ignore' });
    const mb = Math.round(bytes / 1e6);
    if (!hasTime) {
      const ours = timeCommand(process.execPath, [bin, 'analyze', file, '--format', 'json', '-o', '/dev/null']);
      out.push({ name: `analyze --format json, HTTP/1.1 pcap ${mb} MB`, bytes, seconds: ours.seconds, mbPerSec: bytes / 1e6 / ours.seconds, peakRssMb: ours.peakRssMb, note: 'wall time of one run (no /usr/bin/time)' });
      continue;
    }
    const ours = timeRuns(process.execPath, [bin, 'analyze', file, '--format', 'json', '-o', '/dev/null'], RUNS);
    out.push({
      name: `analyze --format json, HTTP/1.1 pcap ${mb} MB`,
      bytes,
      seconds: ours.cpu,
      mbPerSec: bytes / 1e6 / ours.cpu,
      peakRssMb: ours.peakRssMb,
      note: `exit ${ours.status}; median of ${RUNS}: CPU ${ours.cpu.toFixed(2)} s, wall ${ours.wall.toFixed(2)} s`,
    });
    if (hasTshark) {
      const ts = timeRuns('tshark', ['-q', '-z', 'http,tree', '-r', file], RUNS);
      out.push({
        name: `tshark -q -z http,tree, same ${mb} MB`,
        bytes,
        seconds: ts.cpu,
        mbPerSec: bytes / 1e6 / ts.cpu,
        peakRssMb: ts.peakRssMb,
        note:
          `faultline is ${(ts.cpu / ours.cpu).toFixed(1)}× faster in CPU time, ${(ts.wall / ours.wall).toFixed(1)}× in wall time (goal ≥ 5×); ` +
          `peak RSS ${ours.peakRssMb.toFixed(0)} MB vs tshark ${ts.peakRssMb.toFixed(0)} MB (goal ≤ 200 MB)`,
      });
    }
  }
  const startup = timeCommand(process.execPath, [bin, 'detectors']);
  out.push({ name: 'start-up: faultline detectors', bytes: 0, seconds: startup.seconds, mbPerSec: 0, peakRssMb: startup.peakRssMb });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
