/**
 * Issue 15: one detector's titles read the same whatever the input kind — the
 * same lead wording, the input's own detail after — so a finding joined from
 * a capture, strace and curl reads as one thing in every view, and a busy
 * run's summary groups them under one title. Checked on real samples, every
 * view (the finding's own title and each of `details.other_views`).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline/index.js';
import { repoRoot } from '../helpers/paths.js';

/** The lead each detector's titles share, whatever the input. */
const LEADS: Record<string, RegExp> = {
  'connect-failed': /^Could not connect to \S+: /,
  'curl-error-56': /^Receive failed: /,
  'empty-reply': /^Empty reply from server: /,
  'expect-100-continue': /^Expect: 100-continue: /,
  'truncated-response': /^Response body cut short\b/,
  'dns-failed': /^DNS lookup (of .+ )?failed: /,
};

const s = (p: string) => path.join(repoRoot, 'samples', p);
const CASES: Record<string, string[]> = {
  'a reset mid-body in a capture, strace and curl': [s('incidents/reset-mid-body')],
  'a TLS reset': [s('incidents/tls-reset')],
  'an empty reply': [s('incidents/empty-reply')],
  'Expect: 100-continue withheld and refused': [s('incidents/expect-100-withheld'), s('incidents/expect-417')],
  'a short body': [s('incidents/short-body')],
  'refused and dropped connects': [s('wire/connect-failed.pcap'), s('strace/failures/connect-refused-curl.strace'), s('strace/failures/connect-dropped.strace'), s('curl/refused-traced-verbose.txt'), s('curl/dropped-traced-verbose.txt')],
  'DNS without answers': [s('wire/dns-silent.pcap'), s('wire/dns-nxdomain.pcap'), s('strace/failures/dns-no-reply.strace'), s('strace/failures/dns-refused.strace')],
};

describe('a detector titles its findings one way across input kinds', () => {
  for (const [name, inputs] of Object.entries(CASES)) {
    it(name, async () => {
      const r = await analyze(inputs, { timezone: 'UTC' });
      const seen: string[] = [];
      for (const f of r.findings) {
        const lead = LEADS[f.detector];
        if (lead === undefined) continue;
        const views = [f.title, ...((f.details.other_views as { title: string }[] | undefined) ?? []).map((v) => v.title)];
        for (const t of views) {
          expect(t, `${f.detector} in ${name}`).toMatch(lead);
          seen.push(f.detector);
        }
      }
      // the case did exercise the detectors it is about
      expect(seen.length).toBeGreaterThan(0);
    });
  }
});
