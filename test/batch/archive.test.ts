import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveKind, listArchive } from '../../src/batch/archive.js';
import { folderEntries, writeTar, zipFolder } from '../helpers/archives.js';
import { samplesDir } from '../helpers/paths.js';

let dir: string;
const sample = path.join(samplesDir, 'incidents/reset-mid-body');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const LIMITS = { maxMembers: 100, maxBytes: 1024 * 1024 };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fl-archive-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('archive listing', () => {
  it('tells archives by name', () => {
    expect(['a.tar', 'a.TAR.GZ', 'a.tgz', 'a.zip', 'a.gz', 'a.pcap'].map(archiveKind)).toEqual(['tar', 'tar', 'tar', 'zip', undefined, undefined]);
  });

  it('lists the members of a tar.gz and a zip of a real incident, with the archive digest from the one read', async () => {
    const tgz = path.join(dir, 'inc.tgz');
    await writeTar(tgz, folderEntries(sample, 'reset-mid-body'));
    const zip = path.join(dir, 'inc.zip');
    zipFolder(zip, path.dirname(sample), 'reset-mid-body');
    const names = ['capture.pcap', 'client.strace', 'curl-verbose.txt', 'curl-w.txt', 'curl.json'].map((n) => `reset-mid-body/${n}`);
    for (const [file, kind] of [[tgz, 'tar'], [zip, 'zip']] as const) {
      const l = await listArchive(file, path.basename(file), kind, LIMITS);
      expect(l.error).toBeUndefined();
      expect(l.members.map((m) => m.name).sort()).toEqual(names);
      expect(l.members.find((m) => m.name.endsWith('capture.pcap'))!.size).toBe(readFileSync(path.join(sample, 'capture.pcap')).length);
      expect(l.sha256).toBe(sha(file));
    }
  });

  it('keeps traversal names as names only, and skips links and devices', async () => {
    const t = path.join(dir, 'hostile.tar');
    await writeTar(t, [
      { name: '../../escape.txt', content: 'a\n' },
      { name: '/etc/cron.d/x', content: 'b\n' },
      { name: 'link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'hard', type: 'link', linkname: '../../escape.txt' },
      { name: 'dev', type: 'character-device' },
      { name: 'fifo', type: 'fifo' },
      { name: 'dir/', type: 'directory' },
      { name: '../../escape.txt', content: 'again\n' },
    ]);
    const l = await listArchive(t, 'hostile.tar', 'tar', LIMITS);
    expect(l.error).toBeUndefined();
    expect(l.members).toEqual([
      { name: '../../escape.txt', size: 2 },
      { name: '/etc/cron.d/x', size: 2 },
    ]);
    expect(l.skipped).toEqual([
      { name: 'link', reason: 'a symbolic link: not followed' },
      { name: 'hard', reason: 'a hard link: not followed' },
      { name: 'dev', reason: 'a device entry: not read' },
      { name: 'fifo', reason: 'a fifo entry: not read' },
      { name: '../../escape.txt', reason: 'a second member of the same name: not read' },
    ]);
  });

  it('stops a bomb at the decompressed-bytes limit, with the member named (E_LIMIT)', async () => {
    const bomb = path.join(dir, 'bomb.tar.gz');
    await writeTar(bomb, [
      { name: 'ok.txt', content: 'fine\n' },
      { name: 'zeros.pcap', size: 8 * 1024 * 1024 },
    ]);
    expect(readFileSync(bomb).length).toBeLessThan(64 * 1024); // a thousandfold ratio
    const l = await listArchive(bomb, 'bomb.tar.gz', 'tar', LIMITS);
    expect(l.error?.code).toBe('E_LIMIT');
    expect(l.error?.message).toMatch(/member zeros\.pcap takes the archive past 1\.0 MiB decompressed/);
    expect(l.members.map((m) => m.name)).toEqual(['ok.txt']);
  });

  it('stops at the member-count limit (E_LIMIT)', async () => {
    const many = path.join(dir, 'many.tar');
    await writeTar(many, Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
    const l = await listArchive(many, 'many.tar', 'tar', { maxMembers: 10, maxBytes: 1e9 });
    expect(l.error?.code).toBe('E_LIMIT');
    expect(l.members).toHaveLength(10);
  });

  it('keeps what a damaged tar.gz listed before the damage, and fails a zip that is none', async () => {
    const tgz = path.join(dir, 'inc.tgz');
    const cut = path.join(dir, 'cut.tgz');
    writeFileSync(cut, readFileSync(tgz).subarray(0, 4000));
    const l = await listArchive(cut, 'cut.tgz', 'tar', LIMITS);
    expect(l.error?.code).toBe('E_DECOMPRESS');
    expect(l.members.length).toBeGreaterThan(0);
    expect(l.error?.message).toContain(`damaged after ${l.members.length} file`);
    expect(l.members[0]).toEqual({ name: 'reset-mid-body/capture.pcap', size: readFileSync(path.join(sample, 'capture.pcap')).length });

    const fake = path.join(dir, 'fake.zip');
    writeFileSync(fake, 'this is no zip\n'.repeat(10));
    const z = await listArchive(fake, 'fake.zip', 'zip', LIMITS);
    expect(z.error?.code).toBe('E_UNREADABLE');
    expect(z.members).toEqual([]);

    const garbage = path.join(dir, 'garbage.tar');
    writeFileSync(garbage, Buffer.alloc(1024, 0x41));
    expect((await listArchive(garbage, 'garbage.tar', 'tar', LIMITS)).error?.code).toBe('E_UNREADABLE');
  });
});
