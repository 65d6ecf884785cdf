/**
 * The reports on real inputs (issue 15): a clean run says what it checked, a
 * snaplen-cut capture says what it could not see, and a busy capture (the
 * benchmark generator's HTTP traffic with server resets) opens with its
 * findings grouped by detector and server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/gen-http-pcap.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { renderText } from '../../reports/text.js';
import { analyze } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

describe('reports on real runs', () => {
  it('a clean keep-alive capture: no findings, and what was checked in each input', async () => {
    const dir = path.join(samplesDir, 'incidents/keepalive-200');
    const r = await analyze([path.join(dir, 'capture.pcap'), path.join(dir, 'client.strace')], {});
    expect(r.findings).toEqual([]);
    const out = renderText(r, {});
    expect(out).toMatch(/^No findings\. Checked:$/m);
    const joined = out.replace(/\n +/g, ' '); // wrapped lines read as one
    expect(joined).toMatch(/capture\.pcap \(pcap\): 10 packets, 1 TCP connection, 1 HTTP exchange, 0 TLS connections/);
    expect(joined).toMatch(/client\.strace \(strace\): 624 lines, 1 process, 1 thread, \d+ syscalls/);
  });

  it('a capture cut by a snaplen of 80 says how much it could not see', async () => {
    const r = await analyze([path.join(samplesDir, 'pcap/lo-snaplen-80.pcap')], {});
    expect(r.findings).toEqual([]);
    expect(renderText(r, {})).toMatch(/6 of 22 frames were cut by the snaplen: the payload beyond the cut was not seen/);
    expect(renderMarkdown(r, {})).toMatch(/6 of 22 frames were cut by the snaplen/);
  });

  it('a busy capture opens with findings grouped by detector and server', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-busy-'));
    const file = path.join(dir, 'busy.pcap');
    await generate(file, 40_000_000, 7);
    const r = await analyze([file], {}).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(r.findings.length).toBeGreaterThan(12);
    const out = renderText(r, {});
    expect(out).toMatch(/^Summary, by detector and server:$/m);
    expect(out).toMatch(/^error +\d+ × curl-error-56 on 10\.1\.0\.\d+:\d+ (between \d\d:\d\d:\d\d and \d\d:\d\d:\d\d|at \d\d:\d\d:\d\d)$/m);
    const md = renderMarkdown(r, {});
    expect(md).toMatch(/## Summary/);
  });
});
