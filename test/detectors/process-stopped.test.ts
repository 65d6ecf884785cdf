import { createReadStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStopped } from '../../src/detectors/process-stopped.js';
import { corpusDir, hasCorpus, repoRoot } from '../helpers/paths.js';
import { runOf, straceInput as input, textChunks } from '../helpers/strace.js';

const run = runOf;
const sample = (name: string) => input(name, createReadStream(path.join(repoRoot, 'samples', 'strace', name)));

describe('process-stopped', () => {
  it.each([
    ['stopcont-restart.strace', 'restarted', 'clock_nanosleep'],
    ['stopcont-restart-ttt.strace', 'restarted', 'clock_nanosleep'],
    ['stopcont-restart-r.strace', 'restarted', 'clock_nanosleep'],
    ['stopcont-python-reissue.strace', 'reissued', 'clock_nanosleep'],
  ])('reports the pause in %s as info', async (name, outcome, call) => {
    const found = processStopped.detect(run(await sample(name)));
    expect(found).toHaveLength(1);
    const f = found[0];
    expect(f).toMatchObject({ detector: 'process-stopped', severity: 'info', subject: { syscall: call }, details: { outcome, stop_signal: 'SIGSTOP' } });
    expect(f.details.frozen_for as number).toBeGreaterThan(0.4);
    expect(f.details.frozen_for as number).toBeLessThan(1);
    expect(f.details.stop_sender_pid).toEqual(expect.any(Number));
    expect(f.end! - f.start!).toBeCloseTo(f.details.frozen_for as number, 6);
    expect(f.evidence.length).toBeGreaterThanOrEqual(4);
    expect(f.lanes).toHaveLength(1);
  });

  it('reports the threads of a group stop that restarted, not the one cut short', async () => {
    const found = processStopped.detect(run(await sample('stopcont-threads.strace')));
    expect(found).toHaveLength(2);
    for (const f of found) expect(f.details).toMatchObject({ outcome: 'restarted', group_stop: true });
    expect(new Set(found.map((f) => f.subject.tid)).size).toBe(2);
  });

  it.each(['stopcont-handler-eintr.strace', 'stopcont-poll-eintr.strace', 'curl-reset-yy.strace'])('leaves %s to the other detectors', async (name) => {
    expect(processStopped.detect(run(await sample(name)))).toEqual([]);
  });

  it('reports a stop never continued in the log', async () => {
    const found = processStopped.detect(
      run(await input('t.strace', textChunks(['1 10:00:00.000000 pause() = ? ERESTARTNOHAND (To be restarted if no handler)', '1 10:00:01.000000 --- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=5, si_uid=0} ---', '1 10:00:01.000010 --- stopped by SIGSTOP ---'].join('\n')))),
    );
    expect(found).toHaveLength(1);
    expect(found[0].details).toMatchObject({ outcome: 'not-continued', stop_sender_pid: 5 });
    expect(found[0].title).toMatch(/not continued/);
  });

  describe.skipIf(!hasCorpus)('on the corpus', () => {
    it('reports both restarted stops of s15_abstime_read', async () => {
      const name = 's15_abstime_read.strace';
      const found = processStopped.detect(run(await input(name, createReadStream(path.join(corpusDir, 'strace', 'made-here', name)))));
      expect(found.map((f) => [f.subject.syscall, f.details.outcome])).toEqual([
        ['clock_nanosleep', 'reissued'],
        ['read', 'reissued'],
      ]);
    });
  });
});
