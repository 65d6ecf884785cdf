/**
 * Issue 14 (start-up): oclif reads the commands' metadata from oclif.manifest.json instead of
 * importing every command. The manifest must never describe commands as they were: a build
 * through plain `tsc` leaves it older than the commands, and bin/run.js writes it again.
 * Run in a scratch package root (bin/ copied, dist/ and node_modules/ linked) so the
 * repository's own manifest is never touched while other tests read it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeManifest } from '../../src/cli/manifest.js';
import { repoRoot } from '../helpers/paths.js';

let root: string;
const manifestPath = () => path.join(root, 'oclif.manifest.json');
const manifest = () => JSON.parse(readFileSync(manifestPath(), 'utf8')) as { version: string; commands: Record<string, { flags: Record<string, unknown> }> };
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'faultline-manifest-'));
  mkdirSync(path.join(root, 'bin'));
  copyFileSync(path.join(repoRoot, 'bin/run.js'), path.join(root, 'bin/run.js'));
  copyFileSync(path.join(repoRoot, 'package.json'), path.join(root, 'package.json'));
  symlinkSync(path.join(repoRoot, 'dist'), path.join(root, 'dist'));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the oclif manifest', () => {
  it("holds every command with the flags its class declares, at the package's version", { timeout: 60_000 }, async () => {
    await writeManifest(root);
    const m = manifest();
    expect(m.version).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
    // oclif finds the commands by file (package.json oclif.commands): one file, one command
    const ids = readdirSync(path.join(repoRoot, 'src/cli/commands')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(Object.keys(m.commands).sort()).toEqual(ids.sort());
    for (const id of ids) {
      const cls = (await import(pathToFileURL(path.join(repoRoot, 'src/cli/commands', `${id}.ts`)).href)).default as { flags?: Record<string, unknown> };
      expect(Object.keys(m.commands[id].flags).sort(), id).toEqual(Object.keys(cls.flags ?? {}).sort());
    }
  });

  it('is written again when the compiled commands are newer, so help never shows a stale command list', { timeout: 60_000 }, () => {
    const m = manifest();
    m.commands.ghost = { ...m.commands.detectors, id: 'ghost', summary: 'a command that no longer exists' } as (typeof m.commands)[string];
    writeFileSync(manifestPath(), JSON.stringify(m));
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(manifestPath(), old, old);
    const help = cli('help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('analyze');
    expect(help.stdout).not.toContain('ghost');
    expect(manifest().commands.ghost).toBeUndefined();
  });

  it('is used as it is while it is newer than the commands', { timeout: 60_000 }, () => {
    const m = manifest();
    m.commands.detectors = { ...m.commands.detectors, summary: 'SUMMARY FROM THE MANIFEST' } as (typeof m.commands)[string];
    writeFileSync(manifestPath(), JSON.stringify(m));
    const help = cli('help');
    expect(help.stdout).toContain('SUMMARY FROM THE MANIFEST');
  });
});
