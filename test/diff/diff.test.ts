import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDiffText } from '../../reports/diff.js';
import { diffRuns } from '../../src/diff/index.js';
import { buildSpec } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

const diff = async (a: string, b: string) => diffRuns({ name: a, spec: await buildSpec([a], { tz: ['UTC'] }) }, { name: b, spec: await buildSpec([b], { tz: ['UTC'] }) });
const strace = (f: string) => path.join(samplesDir, 'strace', f);
const incident = (f: string) => path.join(samplesDir, 'incidents', f);
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const editcap = ['/usr/bin/editcap', '/usr/local/bin/editcap'].find(existsSync);

describe('diff of two incidents', () => {
  it('a healthy sleeper and one stopped without restart: restart_syscall in one, EINTR from the handler in the other', async () => {
    const d = await diff(strace('stopcont-restart.strace'), strace('stopcont-handler-eintr.strace'));
    expect(d.findings.only_a.map((f) => f.detector)).toEqual(['process-stopped']);
    expect(d.findings.only_b.map((f) => f.detector)).toEqual(['sigcont-no-restart']);
    expect(d.threads).toHaveLength(1);
    const t = d.threads[0];
    expect(t.identical).toBe(false);
    const after = t.divergences.find((v) => v.only_a.some((c) => c.token === 'restart_syscall'));
    expect(after, 'a divergence where A restarts the sleep').toBeDefined();
    expect(after!.only_b.map((c) => c.token)).toContain('rt_sigreturn = EINTR');
    expect(after!.before.map((c) => c.token)).toEqual(['clock_nanosleep = ERESTART_RESTARTBLOCK', '--- SIGSTOP', '+++ stopped', '--- SIGCONT']);
    const text = renderDiffText(d);
    expect(text).toMatch(/A - line \d+: .*restart_syscall\(<\.\.\. resuming interrupted clock_nanosleep/);
    expect(text).toMatch(/B \+ line \d+: .*rt_sigreturn.* = -1 EINTR/);
  });

  it('two runs of the same trace are the same', async () => {
    const d = await diff(strace('stopcont-threads.strace'), strace('stopcont-threads.strace'));
    expect(d.findings.only_a).toEqual([]);
    expect(d.findings.only_b).toEqual([]);
    expect(d.threads.length).toBeGreaterThan(1);
    expect(d.threads.every((t) => t.identical)).toBe(true);
  });

  it('a healthy and a reset transfer: the request phases side by side and how each ended', async () => {
    const d = await diff(incident('keepalive-200'), incident('reset-mid-body'));
    expect(d.findings.only_b.map((f) => f.detector).sort()).toEqual(['curl-error-56', 'truncated-response']);
    expect(d.findings.only_a).toEqual([]);
    const wire = d.requests.filter((r) => r.source === 'capture');
    expect(wire.some((r) => r.a && /^200$/.test(r.a.end))).toBe(true);
    const reset = wire.find((r) => r.b && /rst by resp/.test(r.b.end));
    expect(reset, 'the reset request on the wire').toBeDefined();
    expect(reset!.b!.ttfb).toBeGreaterThan(0);
    const curl = d.requests.filter((r) => r.source === 'curl');
    expect(curl.some((r) => r.b?.end === 'curl 56')).toBe(true);
  });

  it.skipIf(!editcap)('a capture with and without a lost packet (editcap drops one)', async () => {
    const lossy = path.join(tmp, 'lossy.pcap');
    execFileSync(editcap!, [incident('short-body/capture.pcap'), lossy, '8']);
    const d = await diff(incident('short-body/capture.pcap'), lossy);
    expect(d.findings.only_b.map((f) => f.detector)).toContain('incomplete-in-capture');
    expect(d.findings.only_a.map((f) => f.detector)).toContain('truncated-response');
  });
});
