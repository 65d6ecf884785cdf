/**
 * `serve` with its analyses on queue workers gives what `serve` gives on its own: the same
 * upload to two servers over real HTTP on loopback, one with the in-process runner, one with
 * the queue runner and a worker on a real redis-server.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueUrl, QueueRunner, startWorker, type QueueWorker } from '../../src/queue/index.js';
import { InProcessRunner } from '../../src/runner/inprocess.js';
import type { Runner } from '../../src/runner/types.js';
import { buildServer, type Server } from '../../src/serve/index.js';
import { samplesDir } from '../helpers/paths.js';
import { hasRedis, startRedis, type TestRedis } from '../helpers/redis.js';

async function serve(runner: Runner): Promise<{ server: Server; base: string }> {
  const server = await buildServer({ dataDir: mkdtempSync(path.join(tmpdir(), 'faultline-serve-')), runner, maxUploadBytes: 64 << 20, concurrency: 4 });
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { server, base: address };
}

async function analyse(base: string, dir: string): Promise<Record<string, unknown>> {
  const form = new FormData();
  for (const f of readdirSync(dir).sort()) form.append('files', new Blob([readFileSync(path.join(dir, f))]), f);
  form.append('name', path.basename(dir));
  const posted = await fetch(`${base}/api/analyses`, { method: 'POST', body: form });
  expect(posted.status).toBe(202);
  const { id } = (await posted.json()) as { id: string };
  for (const end = Date.now() + 30_000; Date.now() < end; ) {
    const got = (await (await fetch(`${base}/api/analyses/${id}`)).json()) as Record<string, unknown>;
    if (got.status === 'done' || got.status === 'failed') return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`analysis ${id} did not finish`);
}

/** The result with the folder of the analysis's inputs named alike: two servers keep uploads in two places. */
function comparable(got: Record<string, unknown>, server: Server): unknown {
  const id = (got.url as string).split('/').pop()!;
  const inputs = path.dirname(server.store.inputPath(id, 1));
  return JSON.parse(JSON.stringify(got.result).replaceAll(inputs, '<inputs>'));
}

describe.skipIf(!hasRedis)('serve --queue', () => {
  let redis: TestRedis;
  let worker: QueueWorker;
  let queued: { server: Server; base: string };
  let plain: { server: Server; base: string };
  let queueRunner: QueueRunner;

  beforeAll(async () => {
    redis = await startRedis();
    worker = await startWorker({ address: parseQueueUrl(redis.url), jobs: 2, runner: new InProcessRunner() });
    queueRunner = await QueueRunner.connect(redis.url, { pollMs: 200 });
    queued = await serve(queueRunner);
    plain = await serve(new InProcessRunner());
  });
  afterAll(async () => {
    await queued?.server.app.close();
    await plain?.server.app.close();
    await queueRunner?.close();
    await worker?.close();
    await redis?.dispose();
  });

  it.each(['reset-mid-body', 'incident-all', 'expect-100-withheld-trace'])('gives the result serve gives for %s', async (c) => {
    const dir = path.join(samplesDir, 'incidents', c);
    const [a, b] = await Promise.all([analyse(queued.base, dir), analyse(plain.base, dir)]);
    expect(a.status).toBe('done');
    expect(comparable(a, queued.server)).toEqual(comparable(b, plain.server));
    expect(a.counts).toEqual(b.counts);
    // The report page renders from the queued result as from the local one.
    const id = (a.url as string).split('/').pop();
    const html = await fetch(`${queued.base}/a/${id}`);
    expect(html.status).toBe(200);
  });
});
