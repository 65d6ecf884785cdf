import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Detector } from '../../src/detectors/index.js';
import { FaultlineError, type RunEvent } from '../../src/model/index.js';
import { buildSpec, DETECTORS, runCase } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

const strace = path.join(samplesDir, 'strace/stopcont-handler-eintr.strace');
const incident = path.join(samplesDir, 'incidents/reset-mid-body');

/** An strace log several read chunks (1 MiB each) long: the sample's lines, again and again. */
function bigStrace(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'faultline-run-')), 'big.strace');
  const text = readFileSync(strace, 'utf8');
  writeFileSync(file, text.repeat(Math.ceil((4 << 20) / text.length)));
  return file;
}

async function rejection(p: Promise<unknown>): Promise<FaultlineError> {
  try {
    await p;
  } catch (err) {
    return err as FaultlineError;
  }
  throw new Error('the run was not rejected');
}

describe('runCase(spec, hooks)', () => {
  it('tells what it does: each input opened, sniffed, read in chunks and done; then the detectors; then the result', async () => {
    const spec = await buildSpec([strace], { tz: ['UTC'] });
    const events: RunEvent[] = [];
    const r = await runCase(spec, { onEvent: (e) => events.push(e) });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('input-opened');
    expect(types[1]).toBe('input-sniffed');
    expect(types.slice(2, -3).every((t) => t === 'input-progress')).toBe(true);
    expect(types.slice(-3)).toEqual(['input-done', 'detectors-done', 'result']);
    expect(events[0]).toMatchObject({ input: strace, size: readFileSync(strace).length });
    expect(events[1]).toMatchObject({ format: 'strace' });
    expect(events.at(-3)).toMatchObject({ input: strace, status: r.inputs[0].status, bytes: r.inputs[0].bytes });
    expect(events.at(-2)).toEqual({ type: 'detectors-done', detectors: DETECTORS.length, failures: 0 });
    expect(events.at(-1)).toEqual({ type: 'result', findings: r.findings.length });
  });

  it('stops within one chunk of a cancel, with E_CANCELLED', async () => {
    const file = bigStrace();
    const spec = await buildSpec([file], { tz: ['UTC'] });
    const ac = new AbortController();
    const progress: number[] = [];
    let afterAbort = 0;
    const err = await rejection(
      runCase(spec, {
        signal: ac.signal,
        onEvent: (e) => {
          if (ac.signal.aborted) afterAbort++;
          if (e.type !== 'input-progress') return;
          progress.push(e.bytes);
          ac.abort();
        },
      }),
    );
    expect(err).toBeInstanceOf(FaultlineError);
    expect(err.code).toBe('E_CANCELLED');
    // the first chunk's progress cancelled it; no chunk was read after that
    expect(progress).toHaveLength(1);
    expect(progress[0]).toBeLessThan(readFileSync(file).length);
    expect(afterAbort).toBe(0);
  });

  it('does not start a cancelled run, and checks between inputs and between detectors', async () => {
    const spec = await buildSpec([strace, incident], { tz: ['UTC'] });
    const before = new AbortController();
    before.abort();
    expect((await rejection(runCase(spec, { signal: before.signal }))).code).toBe('E_CANCELLED');

    const between = new AbortController();
    const opened: string[] = [];
    const e1 = await rejection(
      runCase(spec, {
        signal: between.signal,
        onEvent: (e) => {
          if (e.type === 'input-opened') opened.push(e.input);
          if (e.type === 'input-done') between.abort();
        },
      }),
    );
    expect(e1.code).toBe('E_CANCELLED');
    expect(opened).toEqual([strace]);

    const ran: string[] = [];
    const ac = new AbortController();
    const first: Detector = { id: 'first', description: 'cancels the run', detect: () => (ran.push('first'), ac.abort(), []) };
    const second: Detector = { id: 'second', description: 'must not run', detect: () => (ran.push('second'), []) };
    const e2 = await rejection(runCase(spec, { signal: ac.signal, registry: [first, second] }));
    expect(e2.code).toBe('E_CANCELLED');
    expect(ran).toEqual(['first']);
  });

  it('ends with the signal’s own reason when it is a FaultlineError (a runner’s time limit)', async () => {
    const spec = await buildSpec([strace], { tz: ['UTC'] });
    const ac = new AbortController();
    ac.abort(new FaultlineError('E_TIMEOUT', 'the case ran past 30 s'));
    expect((await rejection(runCase(spec, { signal: ac.signal }))).code).toBe('E_TIMEOUT');
  });

  it('gives the same result for the same spec run twice at once in one process', async () => {
    const spec = await buildSpec([incident, strace], { tz: ['UTC'] });
    const [a, b] = await Promise.all([runCase(spec), runCase(spec)]);
    expect(a.findings.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(await runCase(spec)).toEqual(a);
  });

  it('records a detector that throws with its code (E_DETECTOR) while the others run', async () => {
    const broken: Detector = { id: 'broken', description: 'always throws', detect: () => { throw new TypeError('kaput'); } };
    const spec = await buildSpec([strace], { tz: ['UTC'] }, [broken, ...DETECTORS]);
    const events: RunEvent[] = [];
    const r = await runCase(spec, { registry: [broken, ...DETECTORS], onEvent: (e) => events.push(e) });
    expect(r.detector_failures).toEqual([{ detector: 'broken', code: 'E_DETECTOR', error: 'kaput' }]);
    expect(r.findings.some((f) => f.detector === 'sigcont-no-restart')).toBe(true);
    expect(events.find((e) => e.type === 'detectors-done')).toEqual({ type: 'detectors-done', detectors: DETECTORS.length + 1, failures: 1 });
  });

  it('keeps an unreadable input its own problem: input-done with status error, the run goes on', async () => {
    const spec = await buildSpec(['/nonexistent/x.strace', strace], { tz: ['UTC'] });
    const done: RunEvent[] = [];
    const r = await runCase(spec, { onEvent: (e) => e.type === 'input-done' && done.push(e) });
    expect(done).toEqual([
      { type: 'input-done', input: '/nonexistent/x.strace', status: 'error' },
      expect.objectContaining({ type: 'input-done', input: strace }),
    ]);
    expect(r.inputs[0]).toMatchObject({ status: 'error', error_code: 'E_NOT_FOUND' });
    expect(r.findings.length).toBeGreaterThan(0);
  });
});
