/**
 * What a user of any oclif CLI expects (issue 15): help for a command, -h,
 * a suggestion for a typo, shell completion, NO_COLOR/FORCE_COLOR; and a
 * damaged input said on stderr even when the report goes to a file.
 * Spawns the built CLI (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binRun, repoRoot, samplesDir } from '../helpers/paths.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-conv-'));

function cli(args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, HOME: tmp, XDG_CACHE_HOME: path.join(tmp, 'cache'), XDG_DATA_HOME: path.join(tmp, 'data') };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [binRun, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const reset = path.join(samplesDir, 'incidents/reset-mid-body/capture.pcap');

describe('oclif conventions', () => {
  it('help analyze and analyze -h print the command help', () => {
    const a = cli(['help', 'analyze']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/USAGE\n {2}\$ faultline analyze \[?PATHS/);
    expect(a.stdout).toMatch(/--evidence/);
    const h = cli(['analyze', '-h']);
    expect(h.code).toBe(0);
    expect(h.stdout).toBe(a.stdout);
  });

  it('a mistyped command gets a suggestion in one line and a usage exit', () => {
    const r = cli(['analyz', 'x.pcap']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("faultline: 'analyz' is not a faultline command; did you mean 'analyze'? (faultline help lists the commands)\n");
  });

  it('--version and -v answer in oclif\'s words', () => {
    expect(cli(['--version']).stdout).toMatch(/^faultline\/\d+\.\d+\.\d+ \w+-\w+ node-v\d+/);
    expect(cli(['-v']).stdout).toBe(cli(['--version']).stdout);
  });

  it('prints a bash completion script', () => {
    const r = cli(['autocomplete', 'script', 'bash']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/faultline/);
  });
});

describe('colour and stderr', () => {
  it('FORCE_COLOR paints a report that is not on a terminal; NO_COLOR never', () => {
    expect(cli(['analyze', reset], { FORCE_COLOR: '1' }).stdout).toMatch(/\x1b\[1;31merror/);
    expect(cli(['analyze', reset], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toMatch(/\x1b\[/);
  });

  it('a capture cut mid-packet says so on stderr in one line, with the report in a file', () => {
    const cut = path.join(tmp, 'cut.pcap');
    const whole = readFileSync(reset);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const out = path.join(tmp, 'report.md');
    const r = cli(['analyze', cut, '-f', 'markdown', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^faultline: ${cut.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: read only in part: packet \\d+ \\(byte \\d+\\): file ends inside packet \\d+[^\\n]*\\n$`));
    expect(readFileSync(out, 'utf8')).toMatch(/^# faultline/);
  });
});
