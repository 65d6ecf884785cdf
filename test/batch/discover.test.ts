import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverCases } from '../../src/batch/discover.js';
import { caseFileStem } from '../../src/batch/names.js';


let root: string;
const w = (rel: string, text = 'x\n') => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fl-discover-'));
  // incidents/ is the collection named on the command line
  w('incidents/stray.pcap');
  w('incidents/old.tar.gz');
  w('incidents/2024/inc-1/capture.pcap');
  w('incidents/2024/inc-1/client.strace');
  w('incidents/2024/inc-1/deeper/more.log'); // a folder below a case is a case of its own
  w('incidents/2024/inc-2.zip');
  w('incidents/2024/notes.txt'); // 2024 directly holds a file: 2024 is a case too
  w('incidents/.git/config');
  w('incidents/inc-3/.DS_Store');
  w('incidents/inc-3/curl.txt');
  w('incidents/out/summary.csv'); // the output folder, inside the input
  mkdirSync(path.join(root, 'incidents/empty'));
  symlinkSync('..', path.join(root, 'incidents/inc-3/loop')); // a cycle
  symlinkSync('nowhere', path.join(root, 'incidents/inc-3/dangling'));
  execFileSync('mkfifo', [path.join(root, 'incidents/inc-3/pipe')]);
  w('other/inc-3/x.pcap'); // a second collection with a name already taken
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('case discovery', () => {
  it('makes a case of each folder holding files, each archive, and each file lying in a folder named', async () => {
    const cases = await discoverCases([path.join(root, 'incidents'), path.join(root, 'other')], { exclude: [path.join(root, 'incidents/out')] });
    expect(cases.map((c) => [c.name, c.kind, c.files.map((f) => f.name)])).toEqual([
      ['2024', 'folder', ['2024/notes.txt']],
      ['2024/inc-1', 'folder', ['2024/inc-1/capture.pcap', '2024/inc-1/client.strace']],
      ['2024/inc-1/deeper', 'folder', ['2024/inc-1/deeper/more.log']],
      ['2024/inc-2.zip', 'archive', ['2024/inc-2.zip']],
      ['inc-3', 'folder', ['inc-3/curl.txt']],
      ['inc-3 (2)', 'folder', ['inc-3 (2)/x.pcap']],
      ['old.tar.gz', 'archive', ['old.tar.gz']],
      ['stray.pcap', 'file', ['stray.pcap']],
    ]);
    expect(cases.find((c) => c.name === 'old.tar.gz')!.archive).toBe('tar');
    expect(cases.find((c) => c.name === '2024/inc-2.zip')!.archive).toBe('zip');
    expect(cases.every((c) => c.files.every((f) => path.isAbsolute(f.path) && f.size > 0))).toBe(true);
  });

  it('makes a file named on the command line a case, and a missing path a case that fails', async () => {
    const cases = await discoverCases([path.join(root, 'incidents/inc-3/curl.txt'), path.join(root, 'no/such')]);
    expect(cases[0]).toMatchObject({ kind: 'file', files: [{ name: path.join(root, 'incidents/inc-3/curl.txt') }] });
    expect(cases[1].error?.code).toBe('E_NOT_FOUND');
  });
});

describe('case file names', () => {
  it('never make a path of a case name', () => {
    for (const name of ['../../etc/passwd', '/abs/x', 'a/b', '..', '.', 'C:\\x', 'NUL\u0000byte', '<script>', '']) {
      const stem = caseFileStem(name);
      expect(stem).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{10}$/);
      expect(stem).not.toContain('..');
    }
  });

  it('keep names that slug alike apart', () => {
    expect(caseFileStem('a/b')).not.toBe(caseFileStem('a b'));
    expect(caseFileStem('2024/inc-1')).toMatch(/^2024-inc-1-/);
  });
});
