import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/index.js';
import { renderText } from '../../reports/text.js';

function result(over: Partial<RunResult> = {}): RunResult {
  return {
    tool: 'faultline',
    version: '1.2.3',
    inputs: [
      { path: 'w.strace', format: 'strace', status: 'read', events: 10, clock: 'time-of-day', warnings: [], bytes: 2048 },
      { path: 'gone.pcap', format: 'unknown', status: 'error', error: 'no such file', events: 0, clock: 'none', warnings: [] },
    ],
    findings: [
      {
        id: 'sigcont-no-restart-1',
        detector: 'sigcont-no-restart',
        severity: 'error',
        title: 'nanosleep cut short',
        start: 3600 + 61.5,
        end: null,
        subject: { pid: 7, syscall: 'nanosleep' },
        evidence: [{ input: 'w.strace', line: 4, text: 'nanosleep({5, 0}, {2, 0}) = ? ERESTART_RESTARTBLOCK' }],
        details: {},
        explanation: 'A handler lost the restart.',
      },
    ],
    detector_failures: [{ detector: 'x', code: 'E_DETECTOR', error: 'boom' }],
    clocks: { 'w.strace': { offset: 0, absolute: false, note: 'time of day only (no date: give --date to place it)' } },
    lanes: [],
    assumptions: { timezone: 'UTC', join_window: 2 },
    redacted: true,
    ...over,
  };
}

describe('text report', () => {
  it('leads with the counts, then each finding with where to look and what to do', () => {
    const out = renderText(result(), {});
    const lines = out.split('\n');
    expect(lines[0]).toBe('faultline 1.2.3: 1 finding (1 error, 0 warning, 0 info) in 1 input read, 1 could not be read');
    expect(out).toMatch(/^error {3}nanosleep cut short$/m);
    expect(out).toMatch(/01:01:01\.500000 \(time of day, no date\)/);
    expect(out).toMatch(/pid 7 nanosleep/);
    expect(out).toMatch(/> w\.strace:4 {2}nanosleep/);
    expect(out).toMatch(/A handler lost the restart\./);
  });

  it('lists unreadable inputs, detector failures, clock notes and redaction', () => {
    const out = renderText(result(), {});
    expect(out).toMatch(/gone\.pcap \(unknown\) \[error: no such file\]/);
    expect(out).toMatch(/w\.strace \(strace 2 KiB, 10 records\)/);
    expect(out).toMatch(/detector x failed: boom/);
    expect(out).toMatch(/w\.strace: time of day only/);
    expect(out).toMatch(/were redacted/);
  });

  it('colours severities only when asked', () => {
    expect(renderText(result(), { color: true })).toContain('\x1b[1;31merror');
    expect(renderText(result(), {})).not.toContain('\x1b[');
  });
});
