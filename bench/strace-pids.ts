/**
 * Benchmark (issue 9 item 8): many short-lived processes. A `strace -f` log
 * of N distinct pids, each forked, exec'd and exited (the shape of a build
 * or a shell loop), generated on the fly; parse + analysis in a child
 * process so its peak RSS is its own. Memory must stay bounded: finished
 * threads are evicted (summaries kept up to a cap, the rest counted).
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/strace-pids.js [N…]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStrace } from '../parsers/strace/index.js';
import { StraceAnalysis } from '../src/analysis/strace/index.js';
import { Diagnostics } from '../src/model/index.js';
import type { BenchResult } from './run.js';
import { peakRssKb } from './peak-rss.js';

const PIDS = [300_000, 3_000_000];

/** The log of `n` processes, in 1 MiB chunks, never whole in memory. */
async function* log(n: number): AsyncIterable<Buffer> {
  let parts: string[] = [];
  let size = 0;
  let t = 3600;
  for (let i = 0; i < n; i++) {
    const pid = 100_000 + i;
    const ts = (d: number) => {
      const v = t + d;
      const h = Math.floor(v / 3600);
      const m = Math.floor((v % 3600) / 60);
      const s = (v % 60).toFixed(6).padStart(9, '0');
      return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`;
    };
    const chunk =
      `10 ${ts(0)} clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = ${pid} <0.000100>\n` +
      `${pid} ${ts(0.0001)} execve("/usr/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0 <0.000500>\n` +
      `${pid} ${ts(0.0002)} openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3 <0.000010>\n` +
      `${pid} ${ts(0.0003)} close(3) = 0 <0.000005>\n` +
      `${pid} ${ts(0.0004)} exit_group(0) = ?\n` +
      `${pid} ${ts(0.0005)} +++ exited with 0 +++\n` +
      `10 ${ts(0.0006)} wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = ${pid} <0.000050>\n`;
    t += 0.001;
    parts.push(chunk);
    size += chunk.length;
    if (size >= 1 << 20) {
      yield Buffer.from(parts.join(''), 'latin1');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield Buffer.from(parts.join(''), 'latin1');
}

interface ChildReport {
  bytes: number;
  wall: number;
  cpu: number;
  maxRssKb: number;
  threads: number;
  dropped: number;
}

async function measure(n: number): Promise<ChildReport> {
  const diag = new Diagnostics();
  const analysis = new StraceAnalysis({ path: 'pids', diag });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const summary = await parseStrace(log(n), { path: 'pids', diag }, (e) => analysis.add(e));
  const model = analysis.finish(summary);
  const cu = process.cpuUsage(c0);
  return { bytes: summary.bytes, wall: (performance.now() - t0) / 1000, cpu: (cu.user + cu.system) / 1e6, maxRssKb: peakRssKb(), threads: model.threads.length, dropped: model.dropped.threads };
}

export async function run(ns = PIDS): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const n of ns) {
    const child = spawnSync(process.execPath, ['--single-threaded', fileURLToPath(import.meta.url), '--child', String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`bench child failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildReport;
    out.push({
      name: `strace -f, ${n} short-lived processes (fork, exec, exit)`,
      bytes: r.bytes,
      seconds: r.wall,
      mbPerSec: r.bytes / 1e6 / r.wall,
      peakRssMb: r.maxRssKb / 1024,
      note: `${r.threads} thread summaries kept, ${r.dropped} counted only; CPU ${r.cpu.toFixed(1)} s`,
    });
  }
  return out;
}

const self = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (self && process.argv[2] === '--child') {
  process.stdout.write(`${JSON.stringify(await measure(Number(process.argv[3])))}\n`);
} else if (self) {
  const ns = process.argv.slice(2).map(Number).filter((x) => x > 0);
  for (const r of await run(ns.length ? ns : PIDS)) console.log(`${r.name}: ${r.seconds.toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB, ${r.note}`);
}
