/**
 * Issue 14 (start-up): `faultline analyze` runs without oclif when the line is plain. The fast
 * parser must give what oclif's parser gives for every line it takes, and leave every other line
 * to oclif (which then answers in its own words: help, usage errors, unknown flags).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as Flags from '@oclif/core/flags';
import * as Parser from '@oclif/core/parser';
import { describe, expect, it } from 'vitest';
import { flagFacts, parseArgv } from '../../src/cli/argv.js';
import Analyze from '../../src/cli/commands/analyze.js';
import { analyzeFast, COMMAND_HOOKS } from '../../src/cli/fast-path.js';
import { binRun, repoRoot, samplesDir } from '../helpers/paths.js';

const oclifParse = async (argv: string[]) => {
  const out = await Parser.parse(argv, { flags: Analyze.flags, args: Analyze.args, strict: Analyze.strict });
  return { argv: out.argv, flags: out.flags };
};

/** Lines the fast parser takes: the answer must be oclif's. */
const TAKEN: string[][] = [
  [],
  ['a.strace'],
  ['-'],
  ['a.strace', 'b.pcap', '-'],
  ['a.strace', 'a.strace'],
  ['a.strace', '--format', 'json'],
  ['--format=json', 'a.strace'],
  ['-f', 'html', 'a.strace', '-o', 'out.html'],
  ['-o', 'out.json', '-f', 'json', 'a'],
  ['--no-redact', 'a'],
  ['--no-redact', '--redact', 'a'],
  ['--redact', '--no-redact', 'a'],
  ['--debug', 'a'],
  ['--tz', 'Europe/Berlin', 'a.strace', '--tz', 'b.strace=UTC', 'b.strace'],
  ['--clock-offset', 'capture.pcap=-0.25', 'capture.pcap', '--clock-offset=x=1'],
  ['--date', '2026-11-20', 'x', '--min-severity', 'warning', '--fail-on', 'error', '--evidence', 'all', '--join-window', '2', '--detectors', 'a,b'],
  ['--output=out with spaces.txt', 'dir/'],
  // oclif orders its argv by first appearance: a path that is also an earlier value moves up
  ['--date', 'b', 'a', 'b'],
  ['--output', 'x', 'y', 'x'],
];

/** Lines left to oclif: help, `--`, unknown or malformed flags, values oclif would refuse or read otherwise. */
const LEFT: string[][] = [
  ['--help'],
  ['-h'],
  ['a', '--help'],
  ['--version'],
  ['--', 'a'],
  ['a', '--'],
  ['--format', 'bogus'],
  ['--format'],
  ['a', '-o'],
  ['--format', '--debug'],
  ['-fjson'],
  ['-f=json'],
  ['--format=', 'a'],
  ['--debug=true'],
  ['--no-redact=1'],
  ['--no-debug'],
  ['--bogus', 'a'],
  ['-x'],
  ['-5'],
  ['--format', 'json', '--format', 'text'],
  [''],
  ['--output', '-'],
  ['--join-window', '-1'],
];

describe('the fast parser of analyze', () => {
  it('gives what oclif gives for each plain line', async () => {
    const facts = await flagFacts(Analyze.flags);
    for (const argv of TAKEN) {
      const fast = parseArgv(argv, facts);
      expect(fast, argv.join(' ')).toBeDefined();
      expect(fast, argv.join(' ')).toEqual(await oclifParse(argv));
    }
  });

  it('leaves to oclif every line it does not model', async () => {
    const facts = await flagFacts(Analyze.flags);
    for (const argv of LEFT) expect(parseArgv(argv, facts), JSON.stringify(argv)).toBeUndefined();
  });

  it('steps aside for a command with a flag it cannot stand in for (a parse that changes the value, an env, a greedy list)', async () => {
    const cases = {
      integer: Flags.integer({ min: 1 }),
      env: Flags.string({ env: 'FAULTLINE_X' }),
      greedy: Flags.string({ multiple: true }),
      computed: Flags.string({ default: async () => 'x' }),
    };
    for (const [name, flag] of Object.entries(cases)) {
      const facts = await flagFacts({ [name]: flag, format: Analyze.flags.format });
      expect(facts[name].unmodelled, name).toBeDefined();
      expect(parseArgv(['a', '--format', 'json'], facts), name).toBeUndefined();
    }
    expect((await flagFacts(Analyze.flags)).redact).toEqual({ type: 'boolean', allowNo: true, default: true });
  });
});

describe('the fast path', () => {
  it('is not taken when oclif would run a hook around the command (none is declared by faultline or its plugins)', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const declared = (p: { oclif?: { hooks?: Record<string, unknown> } }) => COMMAND_HOOKS.filter((h) => p.oclif?.hooks?.[h] !== undefined);
    expect(declared(pkg)).toEqual([]);
    for (const name of pkg.oclif.plugins as string[]) {
      expect(declared(JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'))), name).toEqual([]);
    }
  });

  it("leaves the line to oclif when oclif's debug output is asked for or there is no manifest", async () => {
    expect(await analyzeFast(new URL(`file://${repoRoot}/`), ['a'], { DEBUG: '*' })).toBe(false);
    expect(await analyzeFast(new URL(`file://${repoRoot}/`), ['a'], { FAULTLINE_DEBUG: '1' })).toBe(false);
    expect(await analyzeFast(new URL('file:///nonexistent-root/'), ['a'], {})).toBe(false);
  });

  it('runs analyze of a plain line without loading oclif, and with oclif for the rest (issue 14)', () => {
    // counts the CommonJS modules of @oclif/* in the process when it exits
    const probe =
      'data:text/javascript,import{createRequire}from"node:module";const r=createRequire(process.cwd()+"/");' +
      'process.on("exit",()=>process.stderr.write("oclif modules: "+Object.keys(r.cache).filter(k=>k.includes("@oclif")).length+"\\n"))';
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', probe, binRun, 'analyze', ...args], { cwd: repoRoot, encoding: 'utf8' });
    const sample = path.join(samplesDir, 'curl/json-multi.jsonl');
    const fast = run(sample, '--format', 'json');
    expect(fast.status).toBe(0);
    expect(JSON.parse(fast.stdout).findings.length).toBeGreaterThan(0);
    expect(fast.stderr).toContain('oclif modules: 0\n');
    const help = run('--help');
    expect(help.stdout).toContain('USAGE');
    expect(help.stderr).not.toContain('oclif modules: 0\n');
  });
});
