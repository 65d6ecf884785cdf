import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline/index.js';
import { repoRoot } from '../helpers/paths.js';
import { validateResult } from '../helpers/schema.js';

const dir = path.join(repoRoot, 'samples', 'strace');

describe('the strace samples through the whole pipeline', () => {
  it('finds every cut-short stop, every proper one and the reset, and nothing else', async () => {
    const r = await analyze([dir]);
    const count = (id: string) => r.findings.filter((f) => f.detector === id).length;
    expect(count('sigcont-no-restart')).toBe(3);
    expect(count('process-stopped')).toBe(6);
    expect(count('curl-error-56')).toBe(1);
    expect(r.detector_failures).toEqual([]);
    for (const f of r.findings) if (f.severity !== 'info') expect(f.explanation).toBeTruthy();
    const { lanes: _lanes, ...json } = r;
    expect(validateResult(JSON.parse(JSON.stringify(json))), JSON.stringify(validateResult.errors)).toBe(true);
  });

  it('reads every sample without a warning, each -ff file on the lane of its pid', async () => {
    const r = await analyze([dir]);
    const traces = r.inputs.filter((i) => i.format === 'strace');
    expect(traces.length).toBe(25);
    for (const i of traces) expect([i.path, i.status, i.warnings]).toEqual([i.path, 'read', []]);
    for (const i of traces.filter((t) => /trace\.\d+$/.test(t.path))) {
      const pid = /\.(\d+)$/.exec(i.path)![1];
      expect(r.lanes.some((l) => l.input === i.path && l.id.endsWith(`#tid:${pid}`))).toBe(true);
    }
  });
});
