/**
 * A run that draws no timeline (RunSpec.lanes false: `analyze --format json`, csv,
 * text, markdown) builds no lanes and gives the same result otherwise (issue 14:
 * the capture row may not change a result to go faster). Every sample capture,
 * and every incident (captures with strace and curl beside them), both ways.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSpec, runCase } from '../../src/pipeline/index.js';
import type { RunResult } from '../../src/model/index.js';
import { repoRoot } from '../helpers/paths.js';
import { filesUnder } from '../helpers/files.js';


const captures = [...filesUnder(path.join(repoRoot, 'samples'), (f) => /\.pcap(ng)?$/.test(f)), ...filesUnder(path.join(repoRoot, 'test/fixtures'), (f) => /\.pcap(ng)?$/.test(f))];
const incidents = readdirSync(path.join(repoRoot, 'samples/incidents'))
  .map((d) => path.join(repoRoot, 'samples/incidents', d))
  .filter((p) => statSync(p).isDirectory());

const withoutLanes = ({ lanes: _lanes, ...rest }: RunResult) => rest;

async function both(inputs: string[]): Promise<{ drawn: RunResult; plain: RunResult }> {
  const drawn = await runCase(await buildSpec(inputs, { tz: ['UTC'] }));
  const plain = await runCase(await buildSpec(inputs, { tz: ['UTC'], lanes: false }));
  return { drawn, plain };
}

describe('a run without a timeline', () => {
  it('finds sample captures to compare', () => {
    expect(captures.length).toBeGreaterThan(20);
    expect(incidents.length).toBeGreaterThan(5);
  });

  it.each(captures.map((c) => [path.relative(repoRoot, c), c]))('gives the same result but lanes for %s', async (_name, file) => {
    const { drawn, plain } = await both([file]);
    expect(plain.inputs.some((i) => i.format === 'pcap' || i.format === 'pcapng')).toBe(true);
    expect(plain.lanes.filter((l) => l.input === drawn.inputs[0].path)).toEqual([]);
    expect(withoutLanes(plain)).toEqual(withoutLanes(drawn));
  });

  it.each(incidents.map((c) => [path.relative(repoRoot, c), c]))('gives the same result but lanes for the incident %s', async (_name, dir) => {
    const { drawn, plain } = await both([dir]);
    expect(drawn.lanes.length).toBeGreaterThan(0);
    expect(withoutLanes(plain)).toEqual(withoutLanes(drawn));
  });
});
