import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultlineError, type RunEvent, type RunSpec } from '../../src/model/index.js';
import { buildSpec } from '../../src/pipeline/index.js';
import { InProcessRunner } from '../../src/runner/inprocess.js';
import { PoolRunner } from '../../src/runner/pool.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';

// The pool's threads run the compiled worker (dist/): `npm test` builds first.
const hostile = path.join(repoRoot, 'test/fixtures/runner/hostile-detectors.mjs');
const incident = (name: string) => path.join(samplesDir, 'incidents', name);

async function specOf(dir: string, detectors?: string): Promise<RunSpec> {
  return buildSpec([dir], { tz: ['UTC'], ...(detectors ? { detectors } : {}) });
}

/** The spec's detectors checked against the hostile registry, not the built-in one. */
function hostileSpec(base: RunSpec, id: string): RunSpec {
  return { ...base, detectors: [id] };
}

async function failure(p: Promise<unknown>): Promise<FaultlineError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FaultlineError);
    return err as FaultlineError;
  }
  throw new Error('the case did not fail');
}

describe('worker-thread pool runner', () => {
  let pool: PoolRunner;
  let harmPool: PoolRunner;
  beforeAll(() => {
    pool = new PoolRunner({ jobs: 2 });
    // A small heap so the runaway allocation ends quickly.
    harmPool = new PoolRunner({ jobs: 1, registryModule: hostile, memoryMb: 64 });
  });
  afterAll(async () => {
    await pool.close();
    await harmPool.close();
  });

  it('gives the same result as the in-process runner, with the run events', async () => {
    for (const name of ['reset-mid-body', 'incident-all', 'expect-100-withheld']) {
      const spec = await specOf(incident(name));
      const events: RunEvent[] = [];
      const viaPool = await pool.run(spec, { onEvent: (e) => events.push(e) });
      const inProcess = await new InProcessRunner().run(spec);
      expect(viaPool).toEqual(inProcess);
      expect(viaPool.findings.length).toBeGreaterThan(0);
      expect(events.at(-1)).toEqual({ type: 'result', findings: viaPool.findings.length });
    }
  });

  it('runs cases side by side on its threads', async () => {
    const specs = await Promise.all(['reset-mid-body', 'short-body', 'empty-reply', 'tls-reset'].map((n) => specOf(incident(n))));
    const results = await Promise.all(specs.map((s) => pool.run(s)));
    const alone = await Promise.all(specs.map((s) => new InProcessRunner().run(s)));
    expect(results).toEqual(alone);
  });

  it('stops a case that never ends at its time limit (E_TIMEOUT) and goes on with a fresh thread', async () => {
    const base = await specOf(incident('short-body'));
    const err = await failure(harmPool.run(hostileSpec(base, 'hang'), { timeoutMs: 300 }));
    expect(err.code).toBe('E_TIMEOUT');
    expect(err.message).toMatch(/time limit of 300 ms/);
    const after = await harmPool.run(hostileSpec(base, 'quiet'));
    expect(after.inputs.length).toBeGreaterThan(0);
  });

  it('cancels a running case through its signal (E_CANCELLED)', async () => {
    const base = await specOf(incident('short-body'));
    const ac = new AbortController();
    const running = harmPool.run(hostileSpec(base, 'hang'), { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    expect((await failure(running)).code).toBe('E_CANCELLED');
    // Already aborted: never starts.
    expect((await failure(harmPool.run(base, { signal: ac.signal }))).code).toBe('E_CANCELLED');
    expect((await harmPool.run(hostileSpec(base, 'quiet'))).inputs.length).toBeGreaterThan(0);
  });

  it('fails a case whose thread exits (E_INTERNAL) and goes on', async () => {
    const base = await specOf(incident('short-body'));
    const err = await failure(harmPool.run(hostileSpec(base, 'crash')));
    expect(err.code).toBe('E_INTERNAL');
    expect(err.message).toMatch(/exited \(code 70\)/);
    expect((await harmPool.run(hostileSpec(base, 'quiet'))).inputs.length).toBeGreaterThan(0);
  });

  it('fails a case that passes its thread memory limit (E_LIMIT) and goes on', async () => {
    const base = await specOf(incident('short-body'));
    const err = await failure(harmPool.run(hostileSpec(base, 'oom')));
    expect(err.code).toBe('E_LIMIT');
    expect(err.message).toMatch(/limit of 64 MB/);
    expect((await harmPool.run(hostileSpec(base, 'quiet'))).inputs.length).toBeGreaterThan(0);
  });

  it('keeps a failure of the case itself with its code (a bad spec is E_INTERNAL data, not a dead thread)', async () => {
    const base = await specOf(incident('short-body'));
    const err = await failure(pool.run({ ...base, sources: [{ kind: 'stdin', name: '-' }, { kind: 'stdin', name: '-' }] }));
    expect(err.code).toBe('E_USAGE');
  });

  it('counts the time limit from the start of a case, not from its wait in the queue', async () => {
    const base = await specOf(incident('short-body'));
    const tiny = await specOf(path.join(samplesDir, 'curl/refused-verbose.txt'));
    // One thread: the second case waits 4 s behind a hang, then runs a 0.6 kB log well within its
    // own 3 s (margins wide enough for a loaded 2-core machine: counted from the queue it would fail).
    const hung = failure(harmPool.run(hostileSpec(base, 'hang'), { timeoutMs: 4000 }));
    const queued = harmPool.run(hostileSpec(tiny, 'quiet'), { timeoutMs: 3000 });
    expect((await hung).code).toBe('E_TIMEOUT');
    expect((await queued).inputs.length).toBeGreaterThan(0);
  });

  it('fails every case, at once, when its threads cannot start (instead of queueing them forever)', async () => {
    const broken = new PoolRunner({ jobs: 1, workerFile: path.join(repoRoot, 'test/fixtures/runner/exits-at-load.mjs') });
    try {
      const base = await specOf(incident('short-body'));
      const first = await failure(broken.run(base));
      expect(first.code).toBe('E_INTERNAL');
      const t0 = performance.now();
      const later = await failure(broken.run(base));
      expect(later.code).toBe('E_INTERNAL');
      expect(later.message).toMatch(/worker threads cannot start/);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await broken.close();
    }
  });
});
