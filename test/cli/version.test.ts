import { spawnSync } from 'node:child_process';
import { Config } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { binRun, repoRoot } from '../helpers/paths.js';

describe('faultline --version', () => {
  it("prints the line oclif itself would print (its userAgent), though it answers without loading oclif", async () => {
    const r = spawnSync(process.execPath, [binRun, '--version'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const config = await Config.load(repoRoot);
    expect(r.stdout).toBe(`${config.userAgent}\n`);
  });
});
