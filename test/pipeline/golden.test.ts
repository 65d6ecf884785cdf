/**
 * Golden outputs: the whole pipeline's JSON on real samples, canonicalised
 * (version masked), compared with test/golden/*.json. After an intended
 * change, rewrite them with `UPDATE_GOLDEN=1 npx vitest run test/pipeline/golden.test.ts`
 * and review the diff like code.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline/index.js';
import { renderJson } from '../../reports/json.js';
import { repoRoot } from '../helpers/paths.js';

const CASES: Record<string, string[]> = {
  'reset-mid-body': ['samples/incidents/reset-mid-body'],
  'reset-before-reply-trace': ['samples/incidents/reset-before-reply-trace'],
  'tls-reset': ['samples/incidents/tls-reset'],
  'short-body': ['samples/incidents/short-body'],
  'empty-reply': ['samples/incidents/empty-reply'],
  'expect-100-withheld': ['samples/incidents/expect-100-withheld'],
  'expect-417': ['samples/incidents/expect-417'],
  'capture-ends-mid-body': ['samples/incidents/capture-ends-mid-body'],
  'incident-all': ['samples/incidents/incident-all'],
  'strace-stopcont': [
    'samples/strace/stopcont-handler-eintr.strace',
    'samples/strace/stopcont-threads.strace',
    'samples/strace/stopcont-restart.strace',
    'samples/strace/ff',
  ],
};

const update = process.env.UPDATE_GOLDEN === '1';

describe('golden outputs', () => {
  for (const [name, inputs] of Object.entries(CASES)) {
    it(`${name} gives the recorded JSON`, async () => {
      const cwd = process.cwd();
      process.chdir(repoRoot);
      let json: string;
      try {
        const result = await analyze(inputs, { timezone: 'UTC' });
        json = renderJson({ ...result, version: 'X.Y.Z' }, {});
      } finally {
        process.chdir(cwd);
      }
      const file = path.join(repoRoot, 'test/golden', `${name}.json`);
      if (update || !existsSync(file)) writeFileSync(file, json);
      expect(json).toBe(readFileSync(file, 'utf8'));
    });
  }
});
