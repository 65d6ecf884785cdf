import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPostmortem } from '../../reports/postmortem.js';
import { evidenceLimits } from '../../reports/limits.js';
import { buildSpec, runCase } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

const incident = (name: string) => path.join(samplesDir, 'incidents', name);
const run = async (paths: string[], tz = 'UTC') => runCase(await buildSpec(paths, { tz: [tz] }));
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-pm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const editcap = ['/usr/bin/editcap', '/usr/local/bin/editcap'].find(existsSync);

describe('postmortem draft', () => {
  it('summarises a reset incident: what failed, when in UTC and the local zone, the timeline, causes, evidence and next checks', async () => {
    const r = await run([incident('reset-mid-body')], 'Europe/Berlin');
    const md = renderPostmortem(r, {});
    expect(md).toMatch(/^# Postmortem draft: Receive failed: the server reset the connection/);
    expect(md).toContain('## Summary');
    expect(md).toMatch(/`curl-error-56` ×1/);
    expect(md).toMatch(/\*\*Impact window:\*\* 2026-11-23 02:55:23\.\d+ UTC \(03:55:23\.\d+ Europe\/Berlin\)/);
    expect(md).toMatch(/\| Time \(UTC\) \| Europe\/Berlin \| Event \| Evidence \|/);
    expect(md).toMatch(/pcap record starts/);
    expect(md).toContain('**Likely cause.**');
    expect(md).toMatch(/client\.strace` line \d+: `.*ECONNRESET/);
    expect(md).toContain('**What to check next.**');
    expect(md).toMatch(/Wireshark: `tcp\.port == \d+/);
  });

  it('says in one line that the evidence is complete when nothing limits it', async () => {
    const r = await run([incident('reset-mid-body')]);
    expect(evidenceLimits(r)).toEqual([]);
    expect(renderPostmortem(r, {})).toMatch(/## What this evidence cannot tell\n\nNothing found missing/);
  });

  it('names a snaplen-cut capture', async () => {
    const lim = evidenceLimits(await run([incident('snaplen-cut')]));
    expect(lim.some((l) => /snaplen-cut\/capture\.pcap: \d+ frames cut by the snaplen/.test(l))).toBe(true);
  });

  it('names a capture that ended mid-transfer', async () => {
    const lim = evidenceLimits(await run([incident('capture-ends-mid-body')]));
    expect(lim.some((l) => /capture\.pcap did not see 1 response whole/.test(l))).toBe(true);
  });

  it('names whole-second log stamps', async () => {
    const lim = evidenceLimits(await run([incident('incident-all')]));
    expect(lim).toContainEqual(expect.stringMatching(/app\.log is stamped to the whole second/));
  });

  it('names an input that could not be read, and one on a clock aligned by assumption', async () => {
    const r = await run([path.join(tmp, 'missing.pcap'), path.join(samplesDir, 'strace/stopcont-restart.strace'), incident('reset-mid-body/capture.pcap')]);
    const lim = evidenceLimits(r);
    expect(lim).toContainEqual(expect.stringMatching(/missing\.pcap could not be read \(E_NOT_FOUND/));
    expect(lim).toContainEqual(expect.stringMatching(/stopcont-restart\.strace: its clock was aligned by assumption \(time of day placed on 2026-11-23/));
  });

  it('names strace without -T (no durations)', async () => {
    const lim = evidenceLimits(await run([path.join(samplesDir, 'strace/stopcont-restart-r.strace')]));
    expect(lim).toContainEqual(expect.stringMatching(/stopcont-restart-r\.strace has no call durations \(strace without -T\)/));
  });

  it.skipIf(!existsSync('/usr/bin/strace') || !existsSync('/usr/bin/curl'))('names strace without -yy on a traced curl (no socket ends to join a capture on)', async () => {
    const log = path.join(tmp, 'no-yy.strace');
    // a real trace made here: curl to a closed loopback port, traced without -y/-yy
    // curl exits 7 (refused): the trace is what matters, not its exit code
    spawnSync('/usr/bin/strace', ['-f', '-tt', '-T', '-o', log, '/usr/bin/curl', '-s', '-o', '/dev/null', 'http://127.0.0.1:9/'], { cwd: tmp, env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore' });
    const lim = evidenceLimits(await run([log]));
    expect(lim).toContainEqual(expect.stringMatching(/no-yy\.strace names no socket ends \(strace without -yy\)/));
    expect(lim.join('\n')).not.toMatch(/no call durations/);
  });

  it('names strace with only relative times', async () => {
    const lim = evidenceLimits(await run([path.join(samplesDir, 'strace/stopcont-restart-r.strace')]));
    expect(lim).toContainEqual(expect.stringMatching(/has only relative times \(strace -r\)/));
  });

  it('names a capture read only in part (cut mid-packet)', async () => {
    const src = incident('reset-mid-body/capture.pcap');
    const cut = path.join(tmp, 'cut.pcap');
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(src);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const lim = evidenceLimits(await run([cut]));
    expect(lim).toContainEqual(expect.stringMatching(/cut\.pcap was read only in part/));
  });

  it('names a capture that started after the failure seen elsewhere', async () => {
    // strace and curl of one incident, with a capture that tcpdump started 4 s later (another sample's)
    const dir = path.join(tmp, 'late');
    execFileSync('mkdir', ['-p', dir]);
    for (const f of ['client.strace', 'curl-verbose.txt']) copyFileSync(incident(`reset-mid-body/${f}`), path.join(dir, f));
    copyFileSync(incident('reset-before-reply/capture.pcap'), path.join(dir, 'capture.pcap'));
    const lim = evidenceLimits(await run([dir]));
    expect(lim).toContainEqual(expect.stringMatching(/capture\.pcap started at 2026-11-23 02:55:27\.\d+, 4\.\d+ s after the first failure seen elsewhere/));
  });

  it.skipIf(!editcap)('names a capture with a packet lost mid-body (editcap drops one)', async () => {
    const lossy = path.join(tmp, 'lossy.pcap');
    execFileSync(editcap!, [incident('short-body/capture.pcap'), lossy, '8']);
    const lim = evidenceLimits(await run([lossy]));
    expect(lim.join('\n')).toMatch(/lossy\.pcap (has \d+ gaps?|did not see 1 response whole)/);
  });
});
