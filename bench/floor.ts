/**
 * The floors the bench rows are compared with, measured in the same run as
 * the row (the machine's load changes from minute to minute):
 *   - text inputs: a bare Node newline scan over the same file (readSync into
 *     one reused buffer, indexOf('\n')), in a child process like the row's;
 *   - start-up: `node -e 0`.
 * Figures are CPU time (user + system), the median of several runs: on a
 * loaded machine wall time mostly measures the wait for a core.
 *
 *   node dist/bench/floor.js --scan FILE     (the child: prints {bytes, lines, cpu})
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

export interface ScanReport {
  bytes: number;
  lines: number;
  cpu: number;
}

function scan(file: string): ScanReport {
  const c0 = process.cpuUsage();
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n <= 0) break;
    bytes += n;
    const view = n === buf.length ? buf : buf.subarray(0, n);
    for (let i = view.indexOf(10); i >= 0; i = view.indexOf(10, i + 1)) lines++;
  }
  closeSync(fd);
  const cu = process.cpuUsage(c0);
  return { bytes, lines, cpu: (cu.user + cu.system) / 1e6 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** MB/s of CPU time of the newline scan over `file`: the median of `runs` child runs. */
export function scanFloor(file: string, runs = 3): { mbPerCpuSec: number; cpu: number } {
  const cpus: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const c = spawnSync(process.execPath, ['--single-threaded', self, '--scan', file], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`newline scan failed: ${c.stderr}`);
    const r = JSON.parse(c.stdout.trim()) as ScanReport;
    bytes = r.bytes;
    cpus.push(r.cpu);
  }
  const cpu = median(cpus);
  return { mbPerCpuSec: bytes / 1e6 / cpu, cpu };
}

const TIME = '/usr/bin/time';

/**
 * Median CPU seconds (user + system, from /usr/bin/time) of running `argv`
 * `runs` times; wall seconds where /usr/bin/time is absent (said in `how`).
 */
export function commandCost(argv: string[], runs = 5, cwd?: string): { seconds: number; how: 'CPU' | 'wall' } {
  const xs: number[] = [];
  const timed = existsSync(TIME);
  for (let i = 0; i < runs; i++) {
    if (timed) {
      const c = spawnSync(TIME, ['-f', '%U %S', ...argv], { cwd, encoding: 'utf8' });
      const last = c.stderr.trim().split('\n').pop() ?? '';
      const m = /^([\d.]+) ([\d.]+)$/.exec(last);
      if (!m) throw new Error(`${argv.join(' ')}: ${c.stderr.slice(-300)}`);
      xs.push(Number(m[1]) + Number(m[2]));
    } else {
      const t0 = performance.now();
      spawnSync(argv[0], argv.slice(1), { cwd });
      xs.push((performance.now() - t0) / 1000);
    }
  }
  return { seconds: median(xs), how: timed ? 'CPU' : 'wall' };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self && process.argv[2] === '--scan') {
  process.stdout.write(`${JSON.stringify(scan(process.argv[3]))}\n`);
}

export interface Timed {
  seconds: number;
  peakRssMb: number;
  status: number | null;
}

/** Wall time and peak RSS of a command, by GNU time when present (else RSS unknown). */
export function timeCommand(cmd: string, args: string[]): Timed {
  const gnuTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rssKb = gnuTime ? Number((r.stderr.trim().split('\n').pop() ?? '').trim()) : NaN;
  return { seconds, peakRssMb: rssKb / 1024, status: r.status };
}
