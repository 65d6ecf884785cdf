/**
 * `faultline worker` processes (the built CLI) on a real redis-server on a loopback port:
 * what happens to cases when a worker process dies. `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/index.js';
import { buildSpec } from '../../src/pipeline/index.js';
import { QueueRunner } from '../../src/queue/index.js';
import { QUEUE_NAME } from '../../src/queue/job.js';
import { InProcessRunner } from '../../src/runner/inprocess.js';
import { binRun, repoRoot, samplesDir } from '../helpers/paths.js';
import { freePort, hasRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { spawnWorker, type WorkerProcess } from '../helpers/workers.js';

/** A case that takes seconds to read: the one a worker is killed holding. */
const SLOW = path.join(samplesDir, 'queue/slow-case');
const CASES = ['reset-mid-body', 'expect-100-withheld-trace', 'incident-all', 'tls-reset', 'short-body-trace', 'empty-reply', 'chunked-no-last', 'keepalive-reuse-trace'].map((c) =>
  path.join(samplesDir, 'incidents', c),
);

interface Fixture {
  redis: TestRedis;
  runner: QueueRunner;
  queue: Queue;
  events: QueueEvents;
  workers: WorkerProcess[];
  /** 'completed' events per job id, as Redis published them */
  completions: Map<string, number>;
}

async function fixture(): Promise<Fixture> {
  const redis = await startRedis();
  const connection = { host: '127.0.0.1', port: redis.port };
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const completions = new Map<string, number>();
  events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));
  await events.waitUntilReady();
  return { redis, runner: await QueueRunner.connect(redis.url, { pollMs: 200 }), queue: new Queue(QUEUE_NAME, { connection }), events, workers: [], completions };
}

/** Plays the kernel's OOM killer: SIGKILLs whichever worker process holds a job of the case, each time one does. */
function killWhoeverHolds(f: Fixture, key: string, onKill: (w: WorkerProcess) => Promise<void>): { stop: () => void; kills: string[] } {
  const kills: string[] = [];
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const job of await f.queue.getActive()) {
        const w = f.workers.find((x) => x.name === job.processedBy && x.proc.exitCode === null && x.proc.signalCode === null);
        // A job past its stalled limit is taken once more only to be failed (BullMQ's deferred failure): it runs nothing.
        if (job.data.key === key && w && !job.deferredFailure) {
          kills.push(w.name);
          await w.stop('SIGKILL');
          await onKill(w);
        }
      }
    } finally {
      busy = false;
    }
  }, 20);
  return { stop: () => clearInterval(timer), kills };
}

async function runAll(f: Fixture, dirs: string[]): Promise<PromiseSettledResult<RunResult>[]> {
  return Promise.allSettled(dirs.map(async (d) => f.runner.run(await buildSpec([d], { tz: ['UTC'] }), { key: path.basename(d) })));
}

/** Processes starting and running cases on a 2-core machine shared with other work: generous, never a speed check. */
const SLOW_TEST = 180_000;

describe.skipIf(!hasRedis)('faultline worker processes on a real Redis', { timeout: SLOW_TEST }, () => {
  const local = new Map<string, RunResult>();
  beforeAll(async () => {
    for (const d of [...CASES, SLOW]) local.set(path.basename(d), await new InProcessRunner().run(await buildSpec([d], { tz: ['UTC'] })));
  });

  let f: Fixture | null = null;
  afterEach(async () => {
    if (!f) return;
    await Promise.all(f.workers.map((w) => w.stop('SIGKILL')));
    await f.runner.close();
    await f.events.close();
    await f.queue.close();
    await f.redis.dispose();
    f = null;
  });

  it('a worker SIGKILLed mid-case: another takes the case, and every case completes exactly once with the local result', async () => {
    f = await fixture();
    f.workers.push(await spawnWorker(f.redis.url, ['--jobs', '1']), await spawnWorker(f.redis.url, ['--jobs', '1']));
    const killer = killWhoeverHolds(f, 'slow-case', async () => killer.stop());
    const dirs = [SLOW, ...CASES];
    const got = await runAll(f, dirs);
    killer.stop();
    expect(killer.kills).toHaveLength(1);
    for (const [i, d] of dirs.entries()) {
      expect(got[i].status).toBe('fulfilled');
      expect((got[i] as PromiseFulfilledResult<RunResult>).value).toEqual(local.get(path.basename(d)));
    }
    await new Promise((r) => setTimeout(r, 300)); // the last completed events
    expect([...f.completions.values()]).toEqual(dirs.map(() => 1));
    const slow = (await f.queue.getCompleted()).find((j) => j.data.key === 'slow-case')!;
    expect(slow.attemptsStarted).toBe(2); // the killed worker's start, and the one that finished
    const survivor = f.workers.find((w) => w.proc.exitCode === null && w.proc.signalCode === null)!;
    expect(survivor.lines.some((l) => /^faultline worker: done slow-case: /.test(l))).toBe(true);
  });

  it('a case that kills every worker that takes it fails after bounded tries, with the reason; the other cases finish', async () => {
    f = await fixture();
    const fx = f;
    fx.workers.push(await spawnWorker(fx.redis.url, ['--jobs', '1', '--max-stalled', '1']));
    // A supervisor (systemd, Kubernetes) starts a new worker for each one killed.
    const killer = killWhoeverHolds(fx, 'slow-case', async () => void fx.workers.push(await spawnWorker(fx.redis.url, ['--jobs', '1', '--max-stalled', '1'])));
    const dirs = [SLOW, ...CASES.slice(0, 3)];
    const got = await runAll(fx, dirs);
    killer.stop();
    expect(killer.kills).toHaveLength(2); // the first try, and the one try --max-stalled 1 allows after a loss
    expect(got[0]).toMatchObject({ status: 'rejected', reason: { code: 'E_QUEUE', message: expect.stringMatching(/every worker that took the case was lost while running it .*poison input/) } });
    for (const [i, d] of dirs.entries()) if (i > 0) expect((got[i] as PromiseFulfilledResult<RunResult>).value).toEqual(local.get(path.basename(d)));
  });
});

describe.skipIf(!hasRedis)('faultline worker without Redis', { timeout: SLOW_TEST }, () => {
  it('one line naming the address, exit 1', async () => {
    const port = await freePort();
    const r = spawnSync(process.execPath, [binRun, 'worker', '--queue', `redis://127.0.0.1:${port}`], { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`faultline: cannot reach Redis at redis://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
