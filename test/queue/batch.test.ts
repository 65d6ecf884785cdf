/**
 * `faultline batch --queue` as a user runs it (the built CLI: the flag is the behaviour), with
 * `faultline worker` processes on a real redis-server on a loopback port. `npm test` builds first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../src/queue/job.js';
import { binRun, repoRoot, samplesDir } from '../helpers/paths.js';
import { freePort, hasRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { spawnWorker, type WorkerProcess } from '../helpers/workers.js';

const CASES = ['reset-mid-body', 'incident-all', 'tls-reset', 'expect-100-withheld-trace', 'short-body', 'empty-reply-trace', 'chunked-no-last', 'slow-timeout'];

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'faultline-qbatch-'));
}

/** A small archive of incidents, as a team's share would hold them: copies of some samples, and one packed as a .tar.gz (its members are read on the worker). */
function archive(): string {
  const d = tmp();
  for (const c of CASES) cpSync(path.join(samplesDir, 'incidents', c), path.join(d, 'incidents', c), { recursive: true });
  const tar = spawnSync('tar', ['czf', path.join(d, 'incidents', 'packed.tar.gz'), '-C', path.join(samplesDir, 'incidents'), 'reset-before-reply']);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return path.join(d, 'incidents');
}

/** Not spawnSync: the workers' output must be read while the batch runs. */
async function batch(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [binRun, 'batch', '--quiet', '--tz', 'UTC', ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  return { code, stderr };
}

/** summary.csv without the seconds each case took */
function summary(out: string): Record<string, string>[] {
  const rows = parse(readFileSync(path.join(out, 'summary.csv')), { columns: true }) as Record<string, string>[];
  return rows.map(({ seconds: _s, ...rest }) => rest);
}

/** Processes starting and running cases on a 2-core machine shared with other work: generous, never a speed check. */
const SLOW_TEST = 180_000;

describe.skipIf(!hasRedis)('faultline batch --queue', { timeout: SLOW_TEST }, () => {
  let redis: TestRedis | null = null;
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    await redis?.dispose();
    redis = null;
  });

  it('with two worker processes writes what a local batch writes', async () => {
    redis = await startRedis();
    workers.push(await spawnWorker(redis.url, ['--jobs', '1']), await spawnWorker(redis.url, ['--jobs', '1']));
    const inputs = archive();
    const [queued, local] = [tmp(), tmp()];
    const q = await batch([inputs, '--out', queued, '--queue', redis.url]);
    expect(q.stderr).toBe('');
    expect(q.code).toBe(0);
    expect((await batch([inputs, '--out', local])).code).toBe(0);
    expect(summary(queued)).toEqual(summary(local));
    expect(summary(queued).map((r) => r.status)).toEqual([...CASES, 'packed.tar.gz'].map(() => 'analysed'));
    expect(summary(queued).map((r) => r.case)).toContain('packed.tar.gz');
    expect(readFileSync(path.join(queued, 'findings.jsonl'), 'utf8')).toBe(readFileSync(path.join(local, 'findings.jsonl'), 'utf8'));
    const reports = readdirSync(path.join(local, 'cases')).sort();
    expect(readdirSync(path.join(queued, 'cases')).sort()).toEqual(reports);
    for (const f of reports.filter((r) => r.endsWith('.json')))
      expect(readFileSync(path.join(queued, 'cases', f), 'utf8'), f).toBe(readFileSync(path.join(local, 'cases', f), 'utf8'));
    // Both workers took cases: the second process is a check of sharing, not a bystander.
    for (const w of workers) expect(w.lines.filter((l) => /: done /.test(l)).length, w.lines.join("\n")).toBeGreaterThan(0);
  });

  it('Ctrl-C removes its waiting jobs from the queue and keeps what was done', async () => {
    redis = await startRedis();
    const out = tmp();
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      // No worker yet: every case waits in Redis.
      const child = spawn(process.execPath, [binRun, 'batch', '--quiet', '--tz', 'UTC', archive(), '--out', out, '--queue', redis.url], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      for (const end = Date.now() + 30_000; (await queue.getWaitingCount()) < CASES.length; ) {
        if (Date.now() > end) throw new Error(`the cases were not queued: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(await queue.getWaitingCount()).toBe(0);
      expect(stderr).toMatch(/stopping: running cases are cancelled/);
      expect(summary(out)).toEqual([]); // written, for the none done
    } finally {
      await queue.close();
    }
  });
});

describe.skipIf(!hasRedis)('--queue without Redis', { timeout: SLOW_TEST }, () => {
  it.each([
    ['batch', (url: string) => ['batch', archive(), '--out', tmp(), '--queue', url]],
    ['serve', (url: string) => ['serve', '--port', '0', '--data', tmp(), '--queue', url]],
  ])('%s: one line naming the address, exit 1', async (_name, args) => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const r = spawnSync(process.execPath, [binRun, ...args(url)], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe(`faultline: cannot reach Redis at ${url}: ECONNREFUSED\n`);
    expect(r.status).toBe(1);
  });
});
