/** The capture side through the whole pipeline (analyze): reader → CaptureAnalysis → detectors → merge. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

const capture = (name: string) => path.join(samplesDir, 'incidents', name, 'capture.pcap');

describe.skipIf(!existsSync(capture('reset-mid-body')))('captures through analyze()', () => {
  it('a reset mid-body gives curl-error-56 and truncated-response, each naming the other', async () => {
    const r = await analyze([capture('reset-mid-body')], {});
    const wire = r.findings.filter((f) => f.detector === 'curl-error-56' || f.detector === 'truncated-response');
    expect(wire.map((f) => f.detector).sort()).toEqual(['curl-error-56', 'truncated-response']);
    const [a, b] = wire;
    expect(a.related).toContain(b.id);
    expect(b.related).toContain(a.id);
    for (const f of wire) {
      expect(f.subject.connection).toMatch(/^127\.0\.0\.1:\d+->127\.0\.0\.1:\d+$/);
      expect(f.details.wireshark_filter).toMatch(/^tcp\.port == \d+ && tcp\.port == \d+/);
      expect(f.evidence.length).toBeGreaterThan(1);
      expect(f.evidence.length).toBeLessThanOrEqual(10);
    }
  });

  it('the wire view of a reset joins curl’s, strace’s and the app log’s into one finding', async () => {
    const folder = path.join(samplesDir, 'incidents', 'incident-all');
    if (!existsSync(folder)) return;
    const r = await analyze([folder], {});
    const [f56, ...more] = r.findings.filter((f) => f.detector === 'curl-error-56');
    expect(more).toEqual([]);
    const inputs = new Set(f56.evidence.map((e) => path.basename(e.input)));
    expect([...inputs].sort()).toEqual(expect.arrayContaining(['capture.pcap', 'client.strace']));
    expect(f56.evidence.filter((e) => path.basename(e.input) === 'capture.pcap').every((e) => e.packet! > 0)).toBe(true);
    const tr = r.findings.find((f) => f.detector === 'truncated-response');
    expect(f56.related).toContain(tr?.id);
  });

  it.each(['keepalive-200', 'keepalive-reuse', 'close-delimited', 'chunked-200', 'idle-reset-after-exchange'])('finds nothing wrong in %s', async (name) => {
    if (!existsSync(capture(name))) return;
    const r = await analyze([capture(name)], {});
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => f.title)).toEqual([]);
  });
});
