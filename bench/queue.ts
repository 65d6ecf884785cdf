/**
 * Cases through Redis (BullMQ) against the local pool, on the same cases: the real incident
 * samples, each queued twice under two keys (a case's job id is its content, so a key of its
 * own is what makes it run again). Four shapes:
 *   - local pool, 2 threads (what `batch` does without --queue);
 *   - 1 `faultline worker` process with 2 threads;
 *   - 2 worker processes with 1 thread each (the same threads, split: on a 2-core machine this
 *     is a check that cases are shared out, not a speed-up);
 *   - per-case overhead: one small case at a time, pool vs queue, the difference is Redis
 *     (enqueue, digest, the worker's fetch and digest check, progress, the result back).
 * Each queue shape gets a fresh redis-server (finished jobs would be answers already).
 * Needs /usr/bin/redis-server; run alone with `node dist/bench/queue.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSpec } from '../src/model/index.js';
import { buildSpec } from '../src/pipeline/index.js';
import { QueueRunner } from '../src/queue/index.js';
import { PoolRunner } from '../src/runner/pool.js';
import type { Runner } from '../src/runner/types.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const REDIS = '/usr/bin/redis-server';
const REPEAT = 2;
const TINY_RUNS = 100;

interface Case {
  key: string;
  spec: RunSpec;
  bytes: number;
}

async function cases(): Promise<Case[]> {
  const dir = path.join(repo, 'samples/incidents');
  const out: Case[] = [];
  for (const name of readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isDirectory()).sort()) {
    const spec = await buildSpec([path.join(dir, name)], { tz: ['UTC'] });
    const bytes = spec.sources.reduce((n, s) => n + (s.kind === 'file' ? statSync(s.path).size : 0), 0);
    for (let r = 0; r < REPEAT; r++) out.push({ key: `${name}#${r}`, spec, bytes });
  }
  return out;
}

/** Every case handed over at once, as batch --queue does (up to its in-flight limit); wall time to the last result. */
async function timeAll(runner: Runner, list: Case[], inFlight: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < list.length) {
      const c = list[next++];
      await runner.run(c.spec, { key: c.key });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (performance.now() - t0) / 1000;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(test: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 30_000; !(await test()); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function redisUp(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-redis-'));
  const port = await freePort();
  const proc = spawn(REDIS, ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir], { stdio: 'ignore' });
  await waitFor(
    () => new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    }),
    'redis-server',
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => (proc.once('exit', () => resolve()), proc.kill('SIGTERM')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function workers(url: string, n: number, jobs: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const p = spawn(process.execPath, [path.join(repo, 'bin/run.js'), 'worker', '--queue', url, '--jobs', String(jobs)], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr!.setEncoding('utf8').on('data', (d: string) => {
          err += d;
          if (/taking cases from/.test(err)) resolve(p);
        });
        p.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
      }),
    ),
  );
}

async function stopAll(ps: ChildProcess[]): Promise<void> {
  await Promise.all(ps.map((p) => new Promise<void>((resolve) => (p.exitCode !== null ? resolve() : (p.once('exit', () => resolve()), p.kill('SIGTERM'))))));
}

function row(name: string, list: Case[], seconds: number, note: string): BenchResult {
  const bytes = list.reduce((n, c) => n + c.bytes, 0);
  return { name, bytes, seconds, mbPerSec: bytes / 1e6 / seconds, eventsPerSec: list.length / seconds, events: list.length, peakRssMb: process.memoryUsage().rss / 1e6, note };
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(REDIS)) return [{ name: `queue: skipped (${REDIS} is not installed)`, bytes: 0, seconds: 0, mbPerSec: 0, peakRssMb: 0 }];
  const list = await cases();
  const rows: BenchResult[] = [];
  const note = (s: number) => `${list.length} cases, ${(list.length / s).toFixed(1)} cases/s (events/s = cases/s)`;

  const pool = new PoolRunner({ jobs: 2 });
  await timeAll(pool, list.slice(0, 4), 2); // threads warm
  const localS = await timeAll(pool, list, 4);
  rows.push(row('queue: local pool, 2 threads', list, localS, note(localS)));

  for (const [procs, jobs] of [
    [1, 2],
    [2, 1],
  ] as const) {
    const redis = await redisUp();
    const ws = await workers(redis.url, procs, jobs);
    const q = await QueueRunner.connect(redis.url, { pollMs: 500 });
    try {
      const s = await timeAll(q, list, 64);
      rows.push(row(`queue: ${procs} worker process${procs > 1 ? 'es' : ''} × ${jobs} thread${jobs > 1 ? 's' : ''}`, list, s, note(s)));
    } finally {
      await q.close();
      await stopAll(ws);
      await redis.stop();
    }
  }

  // Per-case overhead: one small real case (curl's verbose output of a refused connection), one at a time.
  const tinySpec = await buildSpec([path.join(repo, 'samples/curl/refused-verbose.txt')], { tz: ['UTC'] });
  const tiny = Array.from({ length: TINY_RUNS }, (_, i) => ({ key: `tiny#${i}`, spec: tinySpec, bytes: statSync(path.join(repo, 'samples/curl/refused-verbose.txt')).size }));
  const poolTiny = await timeAll(pool, tiny, 1);
  await pool.close();
  const redis = await redisUp();
  const ws = await workers(redis.url, 1, 1);
  const q = await QueueRunner.connect(redis.url, { pollMs: 500 });
  try {
    await timeAll(q, tiny.slice(0, 5).map((t) => ({ ...t, key: `warm-${t.key}` })), 1);
    const queueTiny = await timeAll(q, tiny, 1);
    const perPool = (poolTiny / TINY_RUNS) * 1000;
    const perQueue = (queueTiny / TINY_RUNS) * 1000;
    rows.push(row('queue: small case one at a time, local pool', tiny, poolTiny, `${perPool.toFixed(1)} ms per case`));
    rows.push(row('queue: small case one at a time, through Redis', tiny, queueTiny, `${perQueue.toFixed(1)} ms per case: ${(perQueue - perPool).toFixed(1)} ms more than the pool`));
  } finally {
    await q.close();
    await stopAll(ws);
    await redis.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}\t${r.seconds.toFixed(2)} s\t${r.note ?? ''}`);
}
