import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, DETECTORS } from '../../src/pipeline/index.js';
import type { Detector } from '../../src/detectors/index.js';
import { samplesDir } from '../helpers/paths.js';

const strace = path.join(samplesDir, 'strace/stopcont-handler-eintr.strace');

describe('analyze() as a library', () => {
  it('reports a detector that throws as that detector’s failure; the others still run', async () => {
    const broken: Detector = { id: 'broken', description: 'always throws', detect: () => { throw new Error('kaput'); } };
    const r = await analyze([strace], { registry: [broken, ...DETECTORS] });
    expect(r.detector_failures).toEqual([{ detector: 'broken', code: 'E_DETECTOR', error: 'kaput' }]);
    expect(r.findings.some((f) => f.detector === 'sigcont-no-restart')).toBe(true);
  });

  it('runs only the detectors asked for, and leaves out findings below --min-severity', async () => {
    const only = await analyze([strace, path.join(samplesDir, 'strace/stopcont-restart.strace')], { detectors: ['process-stopped'] });
    expect(only.findings.length).toBeGreaterThan(0);
    expect(new Set(only.findings.map((f) => f.detector))).toEqual(new Set(['process-stopped']));
    const serious = await analyze([strace], { minSeverity: 'error' });
    expect(serious.findings.every((f) => f.severity === 'error')).toBe(true);
  });

  it('keeps the state of each run apart: two analyses at once give what each gives alone', async () => {
    const a = path.join(samplesDir, 'incidents/reset-mid-body');
    const [x, y] = await Promise.all([analyze([a]), analyze([strace])]);
    const [x1, y1] = [await analyze([a]), await analyze([strace])];
    expect(x.findings).toEqual(x1.findings);
    expect(y.findings).toEqual(y1.findings);
  });

  it('places a time-of-day strace on --date in --tz', async () => {
    const r = await analyze([strace], { date: '2026-11-20', timezone: 'Europe/Berlin' });
    const f = r.findings.find((x) => x.detector === 'sigcont-no-restart')!;
    // 02:57:49 Berlin on 2026-11-20 is 01:57:49 UTC
    expect(new Date(f.start! * 1000).toISOString()).toMatch(/^2026-11-20T01:57:49/);
    expect(r.clocks[strace].note).toMatch(/2026-11-20.*Europe\/Berlin/);
  });

  it('reads a gzip-compressed input through, telling it by content', async () => {
    const r = await analyze([path.join(samplesDir, 'incidents/reset-mid-body-gz')]);
    const cap = r.inputs.find((i) => i.path.endsWith('.gz'))!;
    expect(cap).toMatchObject({ format: 'pcap', status: 'read' });
    expect(cap.notes).toContain('gzip-compressed');
  });
});
