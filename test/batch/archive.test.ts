import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveKind, listCaseArchive } from '../../src/batch/archive.js';
import { folderEntries, writeTar, zipFolder } from '../helpers/archives.js';
import { samplesDir } from '../helpers/paths.js';

let dir: string;
const sample = path.join(samplesDir, 'incidents/reset-mid-body');
const LIMITS = { maxMembers: 100, maxBytes: 1024 * 1024 };
const NAMES = ['capture.pcap', 'client.strace', 'curl-verbose.txt', 'curl-w.txt', 'curl.json'].map((n) => `reset-mid-body/${n}`);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fl-archive-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('archive cases', () => {
  it('are told by name', () => {
    expect(['a.tar', 'a.TAR.GZ', 'a.tgz', 'a.zip', 'a.gz', 'a.pcap'].map(archiveKind)).toEqual(['tar', 'tar', 'tar', 'zip', undefined, undefined]);
  });

  it('list the members of a tar.gz and of a zip made by zip(1)', async () => {
    const tgz = path.join(dir, 'inc.tgz');
    await writeTar(tgz, folderEntries(sample, 'reset-mid-body'));
    const zip = path.join(dir, 'inc.zip');
    zipFolder(zip, path.dirname(sample), 'reset-mid-body');
    for (const file of [tgz, zip]) {
      const l = await listCaseArchive(file, path.basename(file), LIMITS);
      expect(l.error).toBeUndefined();
      expect(l.members.map((m) => m.name).sort()).toEqual(NAMES);
    }
  });

  it('keep the members met before damage, and say where it stopped, naming the case', async () => {
    const cut = path.join(dir, 'cut.tgz');
    writeFileSync(cut, readFileSync(path.join(dir, 'inc.tgz')).subarray(0, 4000));
    const l = await listCaseArchive(cut, 'cases/cut.tgz', LIMITS);
    expect(l.members.length).toBeGreaterThan(0);
    expect(l.members[0]).toMatchObject({ name: 'reset-mid-body/capture.pcap', size: readFileSync(path.join(sample, 'capture.pcap')).length });
    expect(l.error?.location.file).toBe('cases/cut.tgz');
    expect(l.error?.message).toContain(`after ${l.members.length} file`);
  });

  it('stop a bomb at the decompressed-bytes limit (E_LIMIT)', async () => {
    const bomb = path.join(dir, 'bomb.tar.gz');
    await writeTar(bomb, [
      { name: 'ok.txt', content: 'fine\n' },
      { name: 'zeros.pcap', size: 8 * 1024 * 1024 },
    ]);
    expect(readFileSync(bomb).length).toBeLessThan(64 * 1024); // a thousandfold ratio
    const l = await listCaseArchive(bomb, 'bomb.tar.gz', LIMITS);
    expect(l.error?.code).toBe('E_LIMIT');
    expect(l.members.map((m) => m.name)).toEqual(['ok.txt']);
  });

  it('fail an archive that is none (E_ARCHIVE)', async () => {
    const fake = path.join(dir, 'fake.zip');
    writeFileSync(fake, 'this is no zip\n'.repeat(10));
    const z = await listCaseArchive(fake, 'fake.zip', LIMITS);
    expect(z.error?.code).toBe('E_ARCHIVE');
    expect(z.members).toEqual([]);
  });

  it('end a listing when the batch is interrupted', async () => {
    const ac = new AbortController();
    ac.abort();
    const l = await listCaseArchive(path.join(dir, 'inc.tgz'), 'inc.tgz', LIMITS, ac.signal);
    expect(l.error?.code).toBe('E_CANCELLED');
  });
});
