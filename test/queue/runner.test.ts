/**
 * The queue runner and a worker, in this process, on a real redis-server started for the test
 * on a loopback port. (Worker processes, SIGKILL and the CLI: workers.test.ts.)
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, RunResult } from '../../src/model/index.js';
import { buildSpec } from '../../src/pipeline/index.js';
import { parseQueueUrl, QueueRunner, startWorker, type QueueWorker } from '../../src/queue/index.js';
import { QUEUE_NAME, type CaseJob } from '../../src/queue/job.js';
import { InProcessRunner } from '../../src/runner/inprocess.js';
import { freePort, hasRedis, noRedisReason, startRedis, type TestRedis } from '../helpers/redis.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';
import { PoolRunner } from '../../src/runner/pool.js';

const FAST = { lockDuration: 2000, stalledInterval: 1000, maxStalledCount: 1 };
const incident = (name: string): string => path.join(samplesDir, 'incidents', name);

async function local(paths: string[]): Promise<RunResult> {
  return new InProcessRunner().run(await buildSpec(paths, { tz: ['UTC'] }));
}

async function until(what: string, test: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasRedis)('queue runner on a real Redis', () => {
  let redis: TestRedis;
  let runner: QueueRunner;
  let queue: Queue;
  const notices: string[] = [];
  const workerLog: string[] = [];
  let worker: QueueWorker | null = null;
  const startOne = async (): Promise<void> => {
    worker = await startWorker({ address: parseQueueUrl(redis.url), jobs: 2, runner: new InProcessRunner(), stalled: FAST, log: (l) => workerLog.push(l) });
  };
  const stopOne = async (): Promise<void> => {
    await worker?.close();
    worker = null;
  };

  beforeAll(async () => {
    redis = await startRedis();
    runner = await QueueRunner.connect(redis.url, { pollMs: 200, onNotice: (l) => notices.push(l) });
    queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
  });
  afterAll(async () => {
    await stopOne();
    await runner?.close();
    await queue?.close();
    await redis?.dispose();
  });

  it('gives the results a local run gives, with the run events, and says when no worker is there', async () => {
    const cases = ['reset-mid-body', 'expect-100-withheld-trace', 'incident-all', 'tls-reset'];
    const events: RunEvent[] = [];
    const pending = Promise.all(cases.map(async (c) => runner.run(await buildSpec([incident(c)], { tz: ['UTC'] }), { key: c, onEvent: (e) => events.push(e) })));
    await until('the no-worker notice', async () => notices.some((n) => /no worker is connected/.test(n)));
    await startOne();
    const got = await pending;
    for (const [i, c] of cases.entries()) expect(got[i]).toEqual(await local([incident(c)]));
    // Progress is advisory: a case settles on what Redis holds, and an event still in the stream then is dropped.
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(['input-opened', 'input-sniffed', 'input-progress', 'input-done', 'detectors-done', 'result']).toContain(e.type);
  });

  it('runs a case queued twice at once as one job, once', async () => {
    if (!worker) await startOne();
    const spec = await buildSpec([incident('short-body')], { tz: ['UTC'] });
    const before = workerLog.filter((l) => /^done short-body:/.test(l)).length;
    const [a, b] = await Promise.all([runner.run(spec, { key: 'short-body' }), runner.run(structuredClone(spec), { key: 'short-body' })]);
    expect(a).toEqual(b);
    expect(workerLog.filter((l) => /^done short-body:/.test(l)).length - before).toBe(1);
  });

  it('fails a case whose file changed after it was queued at once, with E_CHANGED, without retrying', async () => {
    await stopOne();
    const d = mkdtempSync(path.join(tmpdir(), 'faultline-queue-'));
    const f = path.join(d, 'curl-verbose.txt');
    copyFileSync(path.join(incident('reset-mid-body'), 'curl-verbose.txt'), f);
    const run = runner.run(await buildSpec([f], { tz: ['UTC'] }), { key: 'changed' });
    await until('the job to wait', async () => (await queue.getWaitingCount()) > 0);
    writeFileSync(f, 'not what was queued\n');
    await startOne();
    await expect(run).rejects.toMatchObject({ code: 'E_CHANGED', message: expect.stringMatching(/curl-verbose\.txt: changed since the case was queued/) });
    const [failed] = await queue.getFailed();
    expect(failed.attemptsMade).toBe(1);
    // The same case asked again with its file as queued: the failed job is the same job, tried again.
    // The runner asking looks at its jobs' states every millisecond: between its add and its retry the
    // job is still failed, and a look then must not answer the new ask with the old failure.
    copyFileSync(path.join(incident('reset-mid-body'), 'curl-verbose.txt'), f);
    const eager = await QueueRunner.connect(redis.url, { pollMs: 1 });
    try {
      expect(await eager.run(await buildSpec([f], { tz: ['UTC'] }), { key: 'changed' })).toEqual(await local([f]));
    } finally {
      await eager.close();
    }
    expect(await queue.getFailedCount()).toBe(0);
  });

  it('fails a job queued by another faultline version, saying so', async () => {
    if (!worker) await startOne();
    const events = new QueueEvents(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    await events.waitUntilReady();
    const spec = await buildSpec([incident('short-body')], { tz: ['UTC'] });
    const data: CaseJob = { job_version: 1, faultline: '0.0.1-older', key: 'old', spec, files: [], timeout_ms: null };
    const job = await queue.add('case', data, { jobId: 'case-from-an-older-version', attempts: 3 });
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/^E_VERSION: queued by faultline 0\.0\.1-older, taken by a worker running \S+: run the same faultline version on every worker$/);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
    await events.close();
  });

  it('cancelling removes a job no worker has taken yet', async () => {
    await stopOne();
    const ac = new AbortController();
    const run = runner.run(await buildSpec([incident('empty-reply')], { tz: ['UTC'] }), { key: 'cancelled', signal: ac.signal });
    await until('the job to wait', async () => (await queue.getWaitingCount()) === 1);
    ac.abort();
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    await until('the job to go', async () => (await queue.getWaitingCount()) === 0);
  });

  it('a worker running across a Redis restart reconnects and takes the next case', async () => {
    if (!worker) await startOne();
    await redis.stop();
    await redis.start();
    const spec = await buildSpec([incident('empty-reply')], { tz: ['UTC'] });
    expect(await runner.run(spec, { key: 'after-a-restart' })).toEqual(await local([incident('empty-reply')]));
    expect(workerLog.some((l) => /^lost Redis at redis:\/\/127\.0\.0\.1:\d+/.test(l))).toBe(true);
  });

  it('queues a case again when Redis comes back empty, and finishes it', async () => {
    await stopOne();
    notices.length = 0;
    const run = runner.run(await buildSpec([incident('expect-417')], { tz: ['UTC'] }), { key: 'across-a-restart' });
    await until('the job to wait', async () => (await queue.getWaitingCount()) === 1);
    await redis.stop();
    await redis.start();
    await startOne();
    expect(await run).toEqual(await local([incident('expect-417')]));
    expect(notices.some((n) => /gone from Redis.*queued again/.test(n))).toBe(true);
  });
});

describe.skipIf(!hasRedis)('queue runner when Redis is not there', () => {
  it('at start: one line naming the address, E_QUEUE', async () => {
    const port = await freePort();
    await expect(QueueRunner.connect(`redis://127.0.0.1:${port}`)).rejects.toMatchObject({
      code: 'E_QUEUE',
      message: `cannot reach Redis at redis://127.0.0.1:${port}: ECONNREFUSED`,
    });
  });

  it('gone for good mid-run: the pending cases fail with E_QUEUE, none is reported done', async () => {
    const redis = await startRedis();
    const runner = await QueueRunner.connect(redis.url, { pollMs: 100, giveUpMs: 1000 });
    try {
      const run = runner.run(await buildSpec([incident('short-body')], { tz: ['UTC'] }), { key: 'lost' });
      const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
      await until('the job to wait', async () => (await q.getWaitingCount()) === 1);
      await q.close();
      await redis.stop();
      await expect(run).rejects.toMatchObject({ code: 'E_QUEUE', message: expect.stringMatching(/^lost Redis at redis:\/\/127\.0\.0\.1:\d+ for \d+ s$/) });
    } finally {
      await runner.close();
      await redis.dispose();
    }
  });
});

describe.skipIf(!hasRedis)('a poison case on a real Redis', () => {
  // The pool's threads run the compiled worker (dist/): `npm test` builds first.
  it('a case past the thread memory limit fails after the bounded tries, and the worker goes on to the next case', async () => {
    const redis = await startRedis();
    // Detectors loaded from a module, as a library user's own would be: 'oom' allocates without end.
    const pool = new PoolRunner({ jobs: 1, registryModule: path.join(repoRoot, 'test/fixtures/runner/hostile-detectors.mjs'), memoryMb: 64 });
    const log: string[] = [];
    const worker = await startWorker({ address: parseQueueUrl(redis.url), jobs: 1, runner: pool, stalled: FAST, log: (l) => log.push(l) });
    const runner = await QueueRunner.connect(redis.url, { pollMs: 200, attempts: 2 });
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const base = await buildSpec([incident('short-body')], { tz: ['UTC'] });
      await expect(runner.run({ ...base, detectors: ['oom'] }, { key: 'poison' })).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringMatching(/ran out of memory/) });
      const [failed] = await q.getFailed();
      expect(failed.attemptsMade).toBe(2);
      expect(log.filter((l) => /^failed \(will be retried\) poison: E_LIMIT/.test(l))).toHaveLength(2);
      const next = await runner.run({ ...base, detectors: ['quiet'] }, { key: 'next' });
      expect(next.inputs.map((i) => i.status)).toEqual(base.sources.map(() => 'read'));
    } finally {
      await runner.close();
      await worker.close();
      await pool.close();
      await q.close();
      await redis.dispose();
    }
  });
});

if (!hasRedis) describe('queue runner', () => it.skip(noRedisReason, () => {}));
