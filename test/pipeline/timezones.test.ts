/**
 * Issue 9, item 15: an `strace -tt` recorded in Europe/Berlin and a capture of the same
 * connection (samples/tz/berlin, made by samples/tz/make-tz.sh). Read in UTC they land a
 * whole hour apart: say so and name the fix; with `--tz PATH=ZONE` they join.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSpec, runCase } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

const dir = path.join(samplesDir, 'tz/berlin');
const strace = path.join(dir, 'client.strace');
const capture = path.join(dir, 'capture.pcap');

describe('inputs whose clocks differ by a time zone', () => {
  it('warns when one connection is seen a whole hour apart in two inputs, and says which flag fixes it', async () => {
    const r = await runCase(await buildSpec([capture, strace], { tz: ['UTC'] }));
    const resets = r.findings.filter((f) => f.detector === 'curl-error-56');
    expect(resets).toHaveLength(2); // not joined: their times disagree by 3600 s
    expect(Math.round(resets[1].start! - resets[0].start!)).toBe(3600);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings![0]).toMatch(/^the connection 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+ is seen in \S+client\.strace 3600 s \(1 h\) after \S+capture\.pcap/);
    expect(r.warnings![0]).toContain(`--tz ${strace}=ZONE`);
    expect(r.warnings![0]).toContain(`--clock-offset ${strace}=-3600`);
    for (const f of resets) expect(f.details.clock_suspect).toBe(r.warnings![0]);
  });

  it('places the strace in its own zone with --tz PATH=ZONE: one reset, one finding, no warning', async () => {
    const r = await runCase(await buildSpec([capture, strace], { tz: ['UTC', `${strace}=Europe/Berlin`] }));
    expect(r.warnings).toBeUndefined();
    const resets = r.findings.filter((f) => f.detector === 'curl-error-56');
    expect(resets).toHaveLength(1);
    expect(resets[0].details.correlation?.inputs).toEqual([capture, strace]);
    expect(r.clocks[strace].note).toMatch(/in Europe\/Berlin$/);
    expect(r.assumptions.timezone).toBe('UTC');
  });

  it('joins them too when the clock is corrected by the offset the warning names', async () => {
    const r = await runCase(await buildSpec([capture, strace], { tz: ['UTC'], clockOffsets: [`${strace}=-3600`] }));
    expect(r.warnings).toBeUndefined();
    expect(r.findings.filter((f) => f.detector === 'curl-error-56')).toHaveLength(1);
  });

  it('says nothing when views of one connection are minutes apart but not a zone apart', async () => {
    const r = await runCase(await buildSpec([capture, strace], { tz: ['UTC'], clockOffsets: [`${strace}=-3000`] }));
    expect(r.warnings).toBeUndefined();
    expect(r.findings.every((f) => f.details.clock_suspect === undefined)).toBe(true);
  });
});
