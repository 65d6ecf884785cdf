/**
 * End to end, as a user runs it: `faultline analyze big.pcap --format json`
 * (Node's start and oclif's included) against `tshark -q -z http,tree` on the
 * same HTTP/1.1-over-Ethernet capture at 200 MB and at 800 MB (issue 14's row:
 * ≥ 5× tshark, ≤ 200 MB RSS whatever the size), side by side in one run.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCommand } from './floor.js';
import { ensureCapture } from './gen-http-pcap.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dataDir = path.join(root, 'bench/data');

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const bin = path.join(root, 'bin/run.js');
  const hasTshark = spawnSync('tshark', ['-v']).status === 0;
  for (const size of [200e6, 800e6]) {
    const file = await ensureCapture(dataDir, size);
    const bytes = statSync(file).size;
    // one warm-up so the page cache holds the file for both tools
    spawnSync('cat', [file], { stdio: 'ignore' });
    const ours = timeCommand(process.execPath, [bin, 'analyze', file, '--format', 'json', '-o', '/dev/null']);
    const row: BenchResult = {
      name: `analyze --format json, HTTP/1.1 pcap ${Math.round(bytes / 1e6)} MB`,
      bytes,
      seconds: ours.seconds,
      mbPerSec: bytes / 1e6 / ours.seconds,
      peakRssMb: ours.peakRssMb,
      note: `exit ${ours.status}`,
    };
    out.push(row);
    if (hasTshark) {
      const ts = timeCommand('tshark', ['-q', '-z', 'http,tree', '-r', file]);
      out.push({
        name: `tshark -q -z http,tree, same ${Math.round(bytes / 1e6)} MB`,
        bytes,
        seconds: ts.seconds,
        mbPerSec: bytes / 1e6 / ts.seconds,
        peakRssMb: ts.peakRssMb,
        note: `faultline is ${(ts.seconds / ours.seconds).toFixed(1)}× faster (goal ≥ 5×), peak RSS ${ours.peakRssMb.toFixed(0)} MB vs tshark ${ts.peakRssMb.toFixed(0)} MB (goal ≤ 200 MB)`,
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
