/**
 * The whole pipeline on real incidents: each folder of samples/incidents holds
 * one transfer seen by tcpdump, strace and curl at once (see its README). One
 * event must come out as one finding citing every view of it.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, RunResult } from '../../src/model/index.js';
import { analyze } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';
import { validateResult } from '../helpers/schema.js';

const incidents = path.join(samplesDir, 'incidents');
const folders = readdirSync(incidents).filter((f) => existsSync(path.join(incidents, f, 'client.strace')));

type Want = { detector: string; severity: Finding['severity']; citesAll?: boolean; related?: string };
/** Folder-name prefix → the warning/error findings it must give, exactly. */
const EXPECT: [RegExp, Want[]][] = [
  [/^reset-mid-body/, [
    { detector: 'curl-error-56', severity: 'error', citesAll: true, related: 'truncated-response' },
    { detector: 'truncated-response', severity: 'error', related: 'curl-error-56' },
  ]],
  [/^reset-before-reply/, [{ detector: 'curl-error-56', severity: 'error', citesAll: true }]],
  [/^tls-reset/, [{ detector: 'curl-error-56', severity: 'error', citesAll: true }]],
  [/^php-reset-before-reply/, [{ detector: 'curl-error-56', severity: 'error', citesAll: true }]],
  [/^(short-body|chunked-no-last)/, [{ detector: 'truncated-response', severity: 'error' }]],
  [/^empty-reply/, [{ detector: 'empty-reply', severity: 'warning' }]],
  [/^expect-100-withheld/, [{ detector: 'expect-100-continue', severity: 'warning' }]],
  [/^expect-417/, [{ detector: 'expect-100-continue', severity: 'warning' }]],
  [/^slow-timeout/, [{ detector: 'curl-error', severity: 'warning' }]],
  [/^(keepalive|close-delimited|chunked-200|hostile-headers|secrets|snaplen-cut|capture-starts-mid-body|capture-ends-mid-body|idle-reset-after-exchange|expect-100-answered)/, []],
];

/** The samples were made on a machine whose zone was UTC: --trace-time times are UTC times of day. */
async function run(folder: string, opts = {}): Promise<RunResult> {
  return analyze([path.join(incidents, folder)], { timezone: 'UTC', ...opts });
}

describe('incidents: one event, one finding citing every input', () => {
  for (const folder of folders) {
    const rule = EXPECT.find(([re]) => re.test(folder));
    if (!rule) continue;
    it(`${folder}: ${rule[1].map((w) => `${w.detector} (${w.severity})`).join(', ') || 'no warning or error'}`, async () => {
      const r = await run(folder);
      expect(validateResult(r), JSON.stringify((validateResult as { errors?: unknown }).errors)).toBe(true);
      expect(r.inputs.every((i) => i.status === 'read' || i.status === 'partial')).toBe(true);
      const serious = r.findings.filter((f) => f.severity !== 'info');
      expect(serious.map((f) => `${f.detector}:${f.severity}`).sort()).toEqual(rule[1].map((w) => `${w.detector}:${w.severity}`).sort());
      for (const w of rule[1]) {
        const f = serious.find((x) => x.detector === w.detector)!;
        expect(f.explanation, 'warnings and errors explain themselves').toBeTruthy();
        if (w.citesAll) {
          const cited = new Set(f.evidence.map((e) => e.input));
          const traces = r.inputs.filter((i) => i.format !== 'unknown').map((i) => i.path);
          expect([...cited].sort()).toEqual(traces.sort());
          expect((f.details.correlation as { joined_on: string[] }).joined_on.length).toBeGreaterThan(0);
        }
        if (w.related) {
          const other = r.findings.find((x) => x.detector === w.related)!;
          expect(f.related).toContain(other.id);
        }
      }
    });
  }

  it('gives the same ids and order on a second run', async () => {
    const a = await run('reset-mid-body');
    const b = await run('reset-mid-body');
    expect(b.findings.map((f) => f.id)).toEqual(a.findings.map((f) => f.id));
  });

  it('expect-100-answered: the wait is reported as info only', async () => {
    const r = await run('expect-100-answered');
    const f = r.findings.filter((x) => x.detector === 'expect-100-continue');
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.severity === 'info')).toBe(true);
  });

  it('secrets: nothing secret survives in any field unless --no-redact', async () => {
    const redacted = JSON.stringify(await run('secrets'));
    expect(redacted).not.toMatch(/SECRET/);
    const open = JSON.stringify(await run('secrets', { redact: false }));
    expect(open).toMatch(/SECRET/);
  });
});
