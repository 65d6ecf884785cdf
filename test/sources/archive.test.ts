/**
 * Archives as streams of members: what batch builds its cases on. Samples from
 * samples/sources/make-samples.sh (real tar, gzip, zip).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listArchive, openMember, openStream, readArchive } from '../../src/sources/index.js';
import { readInput, runCase, specFromSources } from '../../src/pipeline/index.js';
import { FaultlineError, type InputInfo } from '../../src/model/index.js';
import { samplesDir } from '../helpers/paths.js';

const dir = path.join(samplesDir, 'sources');
const at = (f: string) => path.join(dir, f);
const incident = path.join(samplesDir, 'incidents/reset-mid-body');

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(FaultlineError);
    return (err as FaultlineError).code;
  }
}

describe('listing an archive', () => {
  it.each([
    ['incident.tar', 'tar'],
    ['incident.tar.gz', 'tar.gz'],
    ['incident.zip', 'zip'],
  ])('%s: regular files with their sizes, in archive order; the folder entries and the symlink skipped with a reason', async (file, format) => {
    const l = await listArchive(at(file));
    expect(l.format).toBe(format);
    const byName = Object.fromEntries(l.members.map((m) => [m.name, m.size]));
    expect(byName).toEqual({
      'incident/capture.pcap': 8267,
      'incident/client.strace': 118074,
      'incident/curl-verbose.txt': 482,
      'incident/logs/curl-w.txt': 627,
    });
    const link = l.skipped.find((s) => s.name === 'incident/logs/link-to-strace');
    expect(link).toMatchObject({ type: 'symlink', reason: expect.stringMatching(/symbolic link/) });
    expect(l.skipped.filter((s) => s.type === 'directory').map((s) => s.name).sort()).toEqual(['incident/', 'incident/logs/']);
  });

  it('the kind is told by content, not by name: a .gz that is not a tar is a damaged archive', async () => {
    expect(await code(listArchive(at('client.strace.gz')))).toBe('E_ARCHIVE');
    expect(await code(listArchive(path.join(incident, 'curl-verbose.txt')))).toBe('E_ARCHIVE');
    expect(await code(listArchive(at('no-such.tar')))).toBe('E_NOT_FOUND');
  });

  it('hostile member names are display strings: listed as written, hard links and fifos skipped, nothing written', async () => {
    const l = await listArchive(at('hostile.tar'));
    expect(l.members.map((m) => m.name)).toEqual(['../../escape.txt']);
    expect(l.skipped.map((s) => [s.name, s.type])).toEqual([
      ['/etc/absolute.txt', 'hardlink'],
      ['hostile/fifo', 'fifo'],
    ]);
    expect(existsSync(path.resolve(dir, '../../escape.txt'))).toBe(false);
    const r = await readInput({ kind: 'archive-member', archive: at('hostile.tar'), member: '../../escape.txt', name: 'hostile.tar!../../escape.txt' });
    expect(r.info).toMatchObject({ path: 'hostile.tar!../../escape.txt', format: 'curl-verbose', status: 'read', size: 482 });
  });

  it('a zip with climbing and absolute member names is read whole: the names are display strings, not a reason to drop the zip', async () => {
    const l = await listArchive(at('hostile.zip'));
    expect(l.members.map((m) => m.name)).toEqual(['../../escape.txt', '/etc/absolute.txt', 'plain.txt']);
    const r = await readInput({ kind: 'archive-member', archive: at('hostile.zip'), member: '../../escape.txt', name: 'hostile.zip!../../escape.txt' });
    expect(r.info).toMatchObject({ path: 'hostile.zip!../../escape.txt', format: 'curl-verbose', status: 'read', size: 482 });
    expect(existsSync(path.resolve(dir, '../../escape.txt'))).toBe(false);
  });

  it('a decompression bomb stops with E_LIMIT naming the archive, after reading no more than the limit', async () => {
    const err = await listArchive(at('bomb.tar.gz'), { maxMembers: 100, maxBytes: 16 << 20 }).catch((e: FaultlineError) => e);
    expect(err).toBeInstanceOf(FaultlineError);
    expect((err as FaultlineError).code).toBe('E_LIMIT');
    expect((err as FaultlineError).describe()).toMatch(/bomb\.tar\.gz: .*more than 16777216 bytes/);
  });

  it('too many members stop with E_LIMIT', async () => {
    expect(await code(listArchive(at('incident.zip'), { maxMembers: 3, maxBytes: 1 << 30 }))).toBe('E_LIMIT');
    expect(await code(listArchive(at('incident.tar'), { maxMembers: 3, maxBytes: 1 << 30 }))).toBe('E_LIMIT');
  });

  it('a member that is missing, or not a regular file, is its source\'s error', async () => {
    const missing = await readInput({ kind: 'archive-member', archive: at('incident.tar.gz'), member: 'incident/nope', name: 'x' });
    expect(missing.info).toMatchObject({ status: 'error', error_code: 'E_NOT_FOUND' });
    const link = await readInput({ kind: 'archive-member', archive: at('incident.tar'), member: 'incident/logs/link-to-strace', name: 'x' });
    expect(link.info).toMatchObject({ status: 'error', error_code: 'E_UNREADABLE' });
  });

  it('a tar.gz cut short is a damaged archive (E_ARCHIVE)', async () => {
    const damaged = readFileSync(at('incident.tar.gz')).subarray(0, 9000);
    const t = mkdtempSync(path.join(tmpdir(), 'faultline-arch-'));
    try {
      writeFileSync(path.join(t, 'cut.tar.gz'), damaged);
      expect(await code(listArchive(path.join(t, 'cut.tar.gz')))).toBe('E_ARCHIVE');
    } finally {
      rmSync(t, { recursive: true, force: true });
    }
  });
});

describe('reading every member in one pass', () => {
  it.each(['incident.tar.gz', 'incident.zip'])('%s: each member read as it comes gives the same inputs and findings as the files', async (file) => {
    const infos: InputInfo[] = [];
    await readArchive(at(file), async (entry, stream) => {
      if (entry.name.includes('/logs/')) return; // left unread: drained by the walk
      const name = entry.name.replace('incident/', '');
      const opened = await openStream(name, stream, entry.size);
      const r = await readInput({ kind: 'archive-member', archive: at(file), member: entry.name, name }, { opened });
      infos.push(r.info);
    });
    const names = infos.map((i) => i.path);
    expect(names).toEqual(file.endsWith('zip') ? ['client.strace', 'curl-verbose.txt', 'capture.pcap'] : ['capture.pcap', 'client.strace', 'curl-verbose.txt']);
    const disk = await runCase(specFromSources(names.map((n) => ({ kind: 'file', path: path.join(incident, n), name: n })), { tz: ['UTC'] }));
    for (const i of infos) expect(i).toEqual(disk.inputs.find((d) => d.path === i.path));
  });

  it('a member opened alone can be closed before its end, and the archive is not read further', async () => {
    const m = await openMember(at('incident.tar'), 'incident/client.strace');
    const it = m.stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    m.close();
  });
});
