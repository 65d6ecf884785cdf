import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binRun, repoRoot } from '../helpers/paths.js';
import { validateResult } from '../helpers/schema.js';

/** The CLI as a user runs it: the built bin (npm test builds first). */
function cli(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [binRun, ...args], { cwd: opts.cwd ?? repoRoot, input: opts.input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const validate = validateResult;

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'faultline-cli-'));
}

describe('faultline analyze: exit codes and errors', () => {
  it('exits 2 on a bad flag value (oclif usage error)', () => {
    const r = cli(['analyze', 'x', '--format', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/format/);
  });

  it('exits 2 on an unknown detector, naming the known ones', () => {
    const r = cli(['analyze', 'x', '--detectors', 'sigcont-no-restart,bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown detector bogus/);
    expect(r.stderr).toMatch(/curl-error-56/);
  });

  it('exits 2 on a malformed --clock-offset, --date or --tz', () => {
    expect(cli(['analyze', 'x', '--clock-offset', 'nope']).code).toBe(2);
    expect(cli(['analyze', 'x', '--date', '23.11.2026']).code).toBe(2);
    expect(cli(['analyze', 'x', '--tz', 'Mars/Olympus']).code).toBe(2);
  });

  it('exits 3 for a missing file: one clear line, no stack, and still a report', () => {
    const r = cli(['analyze', '/nonexistent/worker.strace', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe('faultline: /nonexistent/worker.strace: no such file');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const out = JSON.parse(r.stdout);
    expect(validate(out)).toBe(true);
    expect(out.inputs[0]).toMatchObject({ path: '/nonexistent/worker.strace', status: 'error', error: 'no such file' });
  });

  it('exits 3 for a file named on the command line that is not a trace', () => {
    const d = tmp();
    writeFileSync(path.join(d, 'notes.txt'), 'We restarted the pods at 10:02.\n');
    const r = cli(['analyze', path.join(d, 'notes.txt')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/notes\.txt: not an strace log/);
  });

  it('lists non-trace files inside a folder as skipped, and exits 3 when the folder held no trace', () => {
    const d = tmp();
    mkdirSync(path.join(d, 'case'));
    writeFileSync(path.join(d, 'case/README.md'), '# notes\n');
    writeFileSync(path.join(d, 'case/blob.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 7]));
    const r = cli(['analyze', 'case', '--format', 'json'], { cwd: d });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(validate(out)).toBe(true);
    expect(out.inputs.map((i: { path: string; status: string }) => `${i.path}:${i.status}`)).toEqual([
      'case/README.md:skipped',
      'case/blob.bin:skipped',
      'case:error',
    ]);
  });

  it('exits 1 when --output cannot be written', () => {
    const r = cli(['analyze', '/nonexistent/x', '-o', '/nonexistent-dir/report.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write \/nonexistent-dir\/report\.json/);
  });

  it('prints oclif usage errors as one line', () => {
    for (const args of [['analyze', '--bogus', 'x'], ['analyze']]) {
      const r = cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^faultline: /);
    }
  });

  it('takes --clock-offset before the paths, and refuses one that names no input', () => {
    const dir = 'samples/incidents/reset-mid-body';
    expect(cli(['analyze', '--clock-offset', `${dir}/client.strace=0.5`, dir, '--format', 'json']).code).toBe(0);
    const r = cli(['analyze', dir, '--clock-offset', 'nothere.strace=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--clock-offset names nothere\.strace, which is none of the inputs/);
  });

  it('refuses a --date that names no real day, and standard input twice', () => {
    expect(cli(['analyze', 'x', '--date', '2026-02-30']).stderr).toMatch(/real day/);
    const r = cli(['analyze', '-', '-'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input/);
  });

  it('keeps what a corrupt .gz gave before the damage (E_DECOMPRESS), and errors on one corrupt from the start', () => {
    const d = tmp();
    const whole = gzipSync(readFileSync(path.join(repoRoot, 'samples/incidents/reset-mid-body/client.strace')));
    writeFileSync(path.join(d, 'cut.strace.gz'), whole.subarray(0, 3000));
    writeFileSync(path.join(d, 'junk.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const r = cli(['analyze', path.join(d, 'cut.strace.gz'), path.join(d, 'junk.gz'), '--format', 'json']);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(validate(out)).toBe(true);
    expect(out.inputs[0]).toMatchObject({ format: 'strace', status: 'partial', clock: 'epoch', error_code: 'E_DECOMPRESS' });
    expect(out.inputs[0].events).toBeGreaterThan(10);
    expect(out.inputs[0].warnings[0]).toMatch(/^compressed byte 3000: gzip data ends part-way/);
    expect(out.inputs[1]).toMatchObject({ status: 'error', error_code: 'E_DECOMPRESS' });
  });

  it('stops writing quietly when the reader of its output has gone (`… | head`): no stack trace, the run\'s own exit code', () => {
    // `true` exits without reading, long before the CLI writes: every write gets EPIPE
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${binRun}" analyze samples/incidents/reset-mid-body --format text --fail-on error | true; exit \${PIPESTATUS[0]}`], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr).not.toMatch(/EPIPE|node:events|Unhandled/);
    expect(r.status).toBe(4); // --fail-on error, as without the pipe
  });

  it('lists the detectors, one line each', () => {
    const r = cli(['detectors']);
    expect(r.code).toBe(0);
    for (const id of ['sigcont-no-restart', 'process-stopped', 'curl-error-56', 'expect-100-continue', 'truncated-response']) {
      expect(r.stdout).toMatch(new RegExp(`^${id} +\\S`, 'm'));
    }
  });

  it('shows help with examples for analyze', () => {
    const r = cli(['analyze', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/EXAMPLES/);
    expect(r.stdout).toMatch(/--fail-on/);
  });
});

describe('faultline analyze: standard input without a path (issue 9, item 10)', () => {
  const file = path.join(repoRoot, 'samples/strace/stopcont-handler-eintr.strace');
  const findings = (stdout: string) => JSON.parse(stdout).findings.map((f: { detector: string; title: string }) => `${f.detector}: ${f.title}`);

  it('reads a piped or redirected standard input as the trace, never as the path argument', () => {
    const named = cli(['analyze', file, '--format', 'json', '--tz', 'UTC']);
    const piped = cli(['analyze', '--format', 'json', '--tz', 'UTC'], { input: readFileSync(file, 'utf8') });
    const fd = openSync(file, 'r');
    const redirected = spawnSync(process.execPath, [binRun, 'analyze', '--format', 'json', '--tz', 'UTC'], { cwd: repoRoot, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    for (const r of [piped, { code: redirected.status, stdout: redirected.stdout, stderr: redirected.stderr }]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(named.code);
      const out = JSON.parse(r.stdout);
      expect(out.inputs.map((i: { path: string; format: string }) => `${i.path} ${i.format}`)).toEqual(['- strace']);
      expect(findings(r.stdout)).toEqual(findings(named.stdout));
    }
  });

  it('refuses in one line when nothing is named and standard input is a terminal, or empty', () => {
    // script(1) gives the CLI a terminal for its standard input
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${binRun} analyze`, '/dev/null'], { cwd: repoRoot, encoding: 'utf8', input: '' });
    expect(tty.status).toBe(2);
    expect(tty.stdout.trim()).toBe('faultline: no input given: name trace files or folders, or pipe a trace into standard input (see faultline analyze --help)');
    const empty = cli(['analyze'], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^faultline: no input given/);
  });
});

describe('faultline analyze -o: never over an input, written whole (issue 9, item 7)', () => {
  const sample = readFileSync(path.join(repoRoot, 'samples/strace/stopcont-handler-eintr.strace'));

  it('refuses an --output that is one of the inputs (directly, inside a folder, through a symlink), leaving it untouched', () => {
    const d = tmp();
    mkdirSync(path.join(d, 'case'));
    const input = path.join(d, 'case/worker.strace');
    writeFileSync(input, sample);
    symlinkSync(input, path.join(d, 'link.strace'));
    const attempts = [
      ['analyze', 'case/worker.strace', '-o', 'case/worker.strace'],
      ['analyze', 'case', '-o', `${d}/case/./worker.strace`],
      ['analyze', 'case', '-o', 'link.strace'],
      ['analyze', 'link.strace', '-o', 'case/worker.strace'],
    ];
    for (const args of attempts) {
      const r = cli(args, { cwd: d });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^faultline: --output \S+ is the input \S+: the report would overwrite the evidence/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readFileSync(input).equals(sample)).toBe(true);
    }
  });

  it('writes the report under a temporary name and renames it: no other file is left beside it', () => {
    const d = tmp();
    writeFileSync(path.join(d, 'worker.strace'), sample);
    writeFileSync(path.join(d, 'report.json'), 'an older report');
    const r = cli(['analyze', 'worker.strace', '-o', 'report.json', '--format', 'json'], { cwd: d });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(d, 'report.json'), 'utf8')).inputs[0].path).toBe('worker.strace');
    expect(readdirSync(d).sort()).toEqual(['report.json', 'worker.strace']);
  });
});
