/**
 * The batch command where the command itself is the behaviour: Ctrl-C in the
 * middle of a run (a real SIGINT to the real CLI), usage errors, progress
 * lines when stderr is not a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL } from '../../src/batch/state.js';
import { binRun, samplesDir } from '../helpers/paths.js';

let root: string;
let inputs: string;
const CASES = 40;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [binRun, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fl-batch-cli-'));
  inputs = path.join(root, 'in');
  for (let i = 0; i < CASES; i++) {
    const d = path.join(inputs, `inc-${String(i).padStart(2, '0')}`);
    mkdirSync(d, { recursive: true });
    cpSync(path.join(samplesDir, 'incidents/reset-mid-body'), d, { recursive: true });
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('faultline batch (command)', () => {
  it('stops cleanly on Ctrl-C: the cases done are kept whole and listed, and --resume finishes the rest', async () => {
    const out = path.join(root, 'out-int');
    const child = spawn(process.execPath, [binRun, 'batch', 'in', '--out', out, '--jobs', '1', '--tz', 'UTC'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // interrupt once a few cases are in the journal
    const journal = path.join(out, JOURNAL);
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 3) break;
    }
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopping: running cases are cancelled/);
    expect(stderr).toMatch(/interrupted: \d+ of 40 cases done/);

    const rows = parse(readFileSync(path.join(out, 'summary.csv')), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThan(CASES);
    const done = readFileSync(journal, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { case: string }).case);
    expect(rows.map((r) => r.case)).toEqual(done.sort());
    for (const r of rows) {
      expect(r.status).toBe('analysed');
      // whole reports: the JSON parses, the HTML ends
      expect(JSON.parse(readFileSync(path.join(out, r.report_json), 'utf8')).findings.length).toBe(Number(r.findings));
      expect(readFileSync(path.join(out, r.report_html), 'utf8').trimEnd().endsWith('</html>')).toBe(true);
    }
    // nothing half-written: no temporary files, no report of a case not listed
    const all = [...readdirSync(out), ...readdirSync(path.join(out, 'cases'))];
    expect(all.filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(readdirSync(path.join(out, 'cases')).length).toBe(rows.length * 2);
    const jsonl = readFileSync(path.join(out, 'findings.jsonl'), 'utf8').trim().split('\n');
    expect(jsonl.length).toBe(rows.reduce((n, r) => n + Number(r.findings), 0));
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toMatch(/The batch was interrupted: \d+ of 40 cases are done/);

    const resumed = cli(['batch', 'in', '--out', out, '--jobs', '2', '--tz', 'UTC', '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`40 cases: 40 analysed, ${rows.length} skipped as done before`);
    const all40 = parse(readFileSync(path.join(out, 'summary.csv')), { columns: true }) as Record<string, string>[];
    expect(all40).toHaveLength(CASES);
  }, 120_000);

  it('prints a plain progress line, not a bar, when stderr is not a terminal; nothing with --quiet', () => {
    const loud = cli(['batch', 'in/inc-00', 'in/inc-01', '--out', path.join(root, 'o1'), '--tz', 'UTC']);
    expect(loud.code).toBe(0);
    expect(loud.stderr).toMatch(/^faultline batch: \d+\/\d+ cases, [\d.]+\/[\d.]+ MB, [\d.]+ MB\/s/m);
    expect(loud.stderr).not.toMatch(/\r|\x1b\[/);
    expect(loud.stdout).toBe('');
    const quiet = cli(['batch', 'in/inc-00', '--out', path.join(root, 'o2'), '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  }, 120_000);

  it('exits 2 on usage errors, 1 when --out cannot be written, 3 when a case failed', () => {
    expect(cli(['batch', 'in', '--out', path.join(root, 'o3'), '--case-timeout', 'soon']).code).toBe(2);
    expect(cli(['batch', 'in', '--out', path.join(root, 'o3'), '--detectors', 'nope']).stderr).toMatch(/unknown detector nope/);
    expect(cli(['batch', 'in', '--out', path.join(root, 'o3'), '--tz', 'x=UTC']).code).toBe(2);
    expect(cli(['batch', 'in']).code).toBe(2); // --out is required
    const unwritable = cli(['batch', 'in/inc-00', '--out', '/dev/null/out', '-q']);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^faultline: \/dev\/null\/out: cannot create the output folder/);
    const missing = cli(['batch', 'in/inc-00', 'no-such-dir', '--out', path.join(root, 'o4'), '-q']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('faultline: case no-such-dir failed: E_NOT_FOUND: no such file or folder\n');
  }, 120_000);
});
