/**
 * runBatch over real samples packed as folders, a tar.gz and a zip, beside
 * a damaged archive, a bomb, a traversal archive and a case that hangs: each
 * case gives what `analyze` gives on it, each failure stays with its case.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch, type BatchOutcome, type CaseRecord } from '../../src/batch/index.js';
import type { Finding, RunResult } from '../../src/model/index.js';
import { PoolRunner } from '../../src/runner/pool.js';
import { folderEntries, writeTar, zipFolder } from '../helpers/archives.js';
import { binRun, repoRoot, samplesDir } from '../helpers/paths.js';

const incident = (n: string) => path.join(samplesDir, 'incidents', n);
const hangModule = path.join(repoRoot, 'test/fixtures/runner/hang-on-name.mjs');

let root: string;
let inputs: string;
let out: string;
let outcome: BatchOutcome;
let runner: PoolRunner;

/** `analyze` as a user runs it, from the collection's folder, so inputs are named alike. */
function analyze(rel: string, cwd = inputs): RunResult {
  const r = spawnSync(process.execPath, [binRun, 'analyze', rel, '--format', 'json', '--tz', 'UTC'], { cwd, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as RunResult;
}

function caseJson(rec: CaseRecord): RunResult {
  return JSON.parse(readFileSync(path.join(out, rec.report_json!), 'utf8')) as RunResult;
}

function rec(name: string): CaseRecord {
  const r = outcome.records.find((x) => x.name === name);
  if (!r) throw new Error(`no case ${name} in ${outcome.records.map((x) => x.name).join(', ')}`);
  return r;
}

/** Findings with the archive's member prefix written as the folder it was packed from. */
function asFolder(findings: Finding[], archive: string): unknown {
  return JSON.parse(JSON.stringify(findings).split(`${archive}!`).join(''));
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'fl-batch-'));
  inputs = path.join(root, 'incidents');
  out = path.join(root, 'results');
  mkdirSync(path.join(inputs, '2024'), { recursive: true });
  cpSync(incident('reset-mid-body'), path.join(inputs, 'reset-mid-body'), { recursive: true });
  cpSync(incident('short-body'), path.join(inputs, '2024/short-body'), { recursive: true });
  cpSync(path.join(samplesDir, 'curl/refused-verbose.txt'), path.join(inputs, 'refused-verbose.txt'));
  await writeTar(path.join(inputs, 'expect-417.tgz'), folderEntries(incident('expect-417'), 'expect-417'));
  zipFolder(path.join(inputs, '2024/tls-reset.zip'), path.dirname(incident('tls-reset')), 'tls-reset');
  // damaged: cut inside its first member's data
  const whole = path.join(root, 'whole.tgz');
  await writeTar(whole, folderEntries(incident('empty-reply'), 'empty-reply'));
  writeFileSync(path.join(inputs, 'corrupt.tar.gz'), readFileSync(whole).subarray(0, 600));
  // no archive at all under an archive's name
  writeFileSync(path.join(inputs, 'notazip.zip'), 'PK but not really\n'.repeat(40));
  // a bomb: 64 MiB of zeros, a few KiB packed, over the 16 MiB the batch allows
  await writeTar(path.join(inputs, 'bomb.tgz'), [{ name: 'capture.pcap', size: 64 * 1024 * 1024 }]);
  // names that would escape, links to follow: only names here
  await writeTar(path.join(inputs, 'traversal.tar'), [
    { name: '../../../evil/curl-verbose.txt', content: readFileSync(incident('reset-mid-body') + '/curl-verbose.txt') },
    { name: '/etc/cron.d/curl.json', content: readFileSync(incident('reset-mid-body') + '/curl.json') },
    { name: 'passwd', type: 'symlink', linkname: '/etc/passwd' },
    { name: 'null', type: 'character-device' },
  ]);
  // a case that never ends (the hang-on-name detector loops on an input named …HANG…)
  cpSync(incident('keepalive-200'), path.join(inputs, 'HANG'), { recursive: true });

  runner = new PoolRunner({ jobs: 2, registryModule: hangModule });
  outcome = await runBatch({
    inputs: [inputs],
    out,
    runner,
    flags: { tz: ['UTC'] },
    caseTimeoutMs: 8000,
    limits: { maxBytes: 16 * 1024 * 1024, maxMembers: 100 },
  });
}, 120_000);

afterAll(async () => {
  await runner?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('faultline batch (library)', () => {
  it('finds every case and says which failed: exit 3', () => {
    expect(outcome.records.map((r) => [r.name, r.status, r.error_code ?? ''])).toEqual([
      ['2024/short-body', 'analysed', ''],
      ['2024/tls-reset.zip', 'analysed', ''],
      ['HANG', 'failed', 'E_TIMEOUT'],
      ['bomb.tgz', 'failed', 'E_LIMIT'],
      ['corrupt.tar.gz', 'partial', ''],
      ['expect-417.tgz', 'analysed', ''],
      ['notazip.zip', 'failed', 'E_ARCHIVE'],
      ['refused-verbose.txt', 'analysed', ''],
      ['reset-mid-body', 'analysed', ''],
      ['traversal.tar', 'analysed', ''],
    ]);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.interrupted).toBe(false);
    expect(rec('bomb.tgz').error).toMatch(/more than 16777216 bytes decompressed/);
    // a damaged archive: what was met before the damage is read, the damage is its problem
    const corrupt = rec('corrupt.tar.gz');
    expect(corrupt.inputs_read).toBeGreaterThan(0);
    expect(corrupt.problems.join('\n')).toMatch(/^corrupt\.tar\.gz: .*after \d+ files?; they are read/m);
  });

  it('gives each folder case the findings analyze gives, ids included', () => {
    for (const name of ['reset-mid-body', '2024/short-body', 'refused-verbose.txt']) {
      const viaBatch = caseJson(rec(name));
      const alone = analyze(name);
      expect(viaBatch.findings).toEqual(alone.findings);
      expect(viaBatch.inputs).toEqual(alone.inputs);
      expect(viaBatch.findings.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('gives an archive case the findings analyze gives on the folder it was packed from, ids included', () => {
    const unpacked = path.dirname(incident('x'));
    for (const [name, folder] of [['expect-417.tgz', 'expect-417'], ['2024/tls-reset.zip', 'tls-reset']]) {
      const viaBatch = caseJson(rec(name));
      const alone = analyze(folder, unpacked);
      expect(viaBatch.findings.length).toBeGreaterThan(0);
      expect(asFolder(viaBatch.findings, name)).toEqual(alone.findings);
    }
  }, 120_000);

  it('reads traversal members by name only: nothing is written outside --out, links and devices are skipped', () => {
    const t = caseJson(rec('traversal.tar'));
    expect(t.inputs.map((i) => [i.path, i.status])).toEqual([
      ['traversal.tar!../../../evil/curl-verbose.txt', 'read'],
      ['traversal.tar!/etc/cron.d/curl.json', 'read'],
      ['traversal.tar!passwd', 'skipped'],
      ['traversal.tar!null', 'skipped'],
    ]);
    expect(existsSync(path.join(root, 'evil'))).toBe(false);
    expect(existsSync(path.join(path.dirname(root), 'evil'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['.faultline-batch.jsonl', 'cases', 'findings.jsonl', 'index.html', 'summary.csv']);
    for (const f of readdirSync(path.join(out, 'cases'))) expect(f).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{10}\.(json|html)$/);
  });

  it('writes summary.csv that reads back with csv-parse, a row per case', () => {
    const rows = parse(readFileSync(path.join(out, 'summary.csv')), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.case)).toEqual(outcome.records.map((r) => r.name));
    const reset = rows.find((r) => r.case === 'reset-mid-body')!;
    const result = caseJson(rec('reset-mid-body'));
    expect(reset).toMatchObject({
      kind: 'folder',
      status: 'analysed',
      inputs: '5',
      inputs_read: '5',
      formats: 'curl-json curl-verbose curl-writeout pcap strace',
      findings: String(result.findings.length),
      severity_error: String(result.findings.filter((f) => f.severity === 'error').length),
      'curl-error-56': String(result.findings.filter((f) => f.detector === 'curl-error-56').length),
      clock: 'absolute',
      error_code: '',
    });
    expect(Number(reset.bytes)).toBe(readdirSync(incident('reset-mid-body')).reduce((n, f) => n + readFileSync(path.join(incident('reset-mid-body'), f)).length, 0));
    expect(reset.start_time).toMatch(/^2026-11-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(Number(reset.span_s)).toBeGreaterThan(0);
    expect(existsSync(path.join(out, reset.report_html))).toBe(true);
    const hang = rows.find((r) => r.case === 'HANG')!;
    expect(hang).toMatchObject({ status: 'failed', error_code: 'E_TIMEOUT', report_html: '' });
    expect(hang.error).toMatch(/time limit of 8 s/);
  });

  it('writes every finding to findings.jsonl with its case and report link', () => {
    const lines = readFileSync(path.join(out, 'findings.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Finding & { case: string; report: string });
    const expected = outcome.records.filter((r) => r.report_json).flatMap((r) => caseJson(r).findings.map((f, i) => ({ case: r.name, report: `${r.report_html}#finding-${i}`, ...f })));
    expect(lines).toEqual(expected);
    expect(lines.length).toBe(outcome.records.reduce((n, r) => n + r.findings, 0));
  });
});
