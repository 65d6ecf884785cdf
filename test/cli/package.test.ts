/**
 * The package as a user gets it (issue 15): a fresh clone's `npm pack` builds
 * on prepack and gives a tarball that installs and runs with `npx faultline`.
 * One test, because it spawns npm three times: clone the committed HEAD,
 * pack it (its dev dependencies linked from this checkout, as `npm ci` would
 * give them), install the tarball into an empty project, run it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, samplesDir } from '../helpers/paths.js';

const isGitCheckout = existsSync(path.join(repoRoot, '.git'));

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

describe.skipIf(!isGitCheckout)('npm package', () => {
  it('a fresh clone packs, installs and runs with npx faultline', { timeout: 600_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-pack-'));
    try {
      const clone = path.join(dir, 'clone');
      expect(run('git', ['clone', '-q', repoRoot, clone], dir).code).toBe(0);
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'));
      const pack = run('npm', ['pack', '--silent'], clone);
      expect(pack.code, pack.stderr).toBe(0);
      const tarball = path.join(clone, pack.stdout.trim().split('\n').pop()!);

      // only what runs: the built CLI, no benchmarks, no test code, no source maps
      const files = run('tar', ['tzf', tarball], dir).stdout.trim().split('\n');
      expect(files).toContain('package/LICENSE');
      expect(files).toContain('package/bin/run.js');
      expect(files).toContain('package/dist/src/cli/commands/analyze.js');
      // the commands' metadata, so start-up imports no command (issue 14)
      expect(files).toContain('package/oclif.manifest.json');
      expect(files.filter((f) => /\.map$|^package\/dist\/(bench|test)\//.test(f))).toEqual([]);

      const app = path.join(dir, 'app');
      run('mkdir', [app], dir);
      writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
      const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app);
      expect(install.code, install.stderr).toBe(0);

      const version = run('npx', ['--no-install', 'faultline', '--version'], app);
      expect(version.stdout).toMatch(/^faultline\/\d+\.\d+\.\d+ /);
      const sample = path.join(samplesDir, 'incidents/reset-mid-body');
      const analyze = run('npx', ['--no-install', 'faultline', 'analyze', ...readdirSync(sample).map((f) => path.join(sample, f))], app);
      expect(analyze.code, analyze.stderr).toBe(0);
      expect(analyze.stdout).toMatch(/^faultline \d+\.\d+\.\d+: 2 findings/);
      const help = run('npx', ['--no-install', 'faultline', 'help', 'analyze'], app);
      expect(help.stdout).toMatch(/USAGE\n {2}\$ faultline analyze/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
