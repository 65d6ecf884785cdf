/**
 * The members of one archive are read in one pass over it (readSources), not
 * each from the archive's start: each member must come out exactly as it does
 * read alone (readInput on its archive-member ref), in damage and at limits too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInput, readSources, type ReadHooks } from '../../src/pipeline/read.js';
import { runCase } from '../../src/pipeline/index.js';
import { specFromSources } from '../../src/pipeline/spec.js';
import type { RunEvent, SourceRef } from '../../src/model/index.js';
import { listArchive } from '../../src/sources/index.js';
import { folderEntries, writeTar, zipFolder } from '../helpers/archives.js';
import { samplesDir } from '../helpers/paths.js';

const incident = (n: string) => path.join(samplesDir, 'incidents', n);
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fl-members-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** archive-member refs for every file member, in name order (as batch makes them) */
async function refsOf(archive: string): Promise<SourceRef[]> {
  const names = (await listArchive(archive)).members.map((m) => m.name);
  return [...names].sort().map((member) => ({ kind: 'archive-member', archive, member, name: `case!${member}` }));
}

/** What each ref gives read alone, the way every member was read before one pass. */
async function alone(refs: SourceRef[], hooks: ReadHooks = {}): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const r of refs) out.push((await readInput(r, hooks)).info);
  return out;
}

async function onePass(refs: SourceRef[], hooks: ReadHooks = {}): Promise<unknown[]> {
  return (await readSources(refs, () => hooks)).map((r) => r.info);
}

describe('reading the members of an archive in one pass', () => {
  it('gives every member of a tar.gz what it gives read alone, digests and warnings included', async () => {
    const tgz = path.join(root, 'two.tgz');
    await writeTar(tgz, [
      ...folderEntries(incident('reset-mid-body'), 'a'),
      { name: 'a/notes.txt', content: 'not a trace\n' },
      { name: 'a/strace.log.gz', content: gzipSync(readFileSync(path.join(incident('short-body'), 'client.strace'))) },
      ...folderEntries(incident('chunked-no-last-trace'), 'b'),
    ]);
    const refs = await refsOf(tgz);
    expect(refs.length).toBeGreaterThan(10);
    const got = await onePass(refs);
    expect(got).toEqual(await alone(refs));
    expect(got.every((i) => typeof (i as { sha256?: string }).sha256 === 'string')).toBe(true);
  });

  it('gives the members of a zip what they give read alone', async () => {
    const zip = path.join(root, 'tls.zip');
    zipFolder(zip, path.dirname(incident('tls-reset')), 'tls-reset');
    const refs = await refsOf(zip);
    expect(await onePass(refs)).toEqual(await alone(refs));
  });

  it('reads what comes before damage in the pass; the members after it say why, as alone', async () => {
    const whole = path.join(root, 'whole.tgz');
    await writeTar(whole, [...folderEntries(incident('empty-reply'), 'e'), ...folderEntries(incident('keepalive-200'), 'k')]);
    const refs = await refsOf(whole);
    const cut = path.join(root, 'cut.tgz');
    const bytes = readFileSync(whole);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const cutRefs = refs.map((r) => ({ ...r, archive: cut }) as SourceRef);
    const got = (await onePass(cutRefs)) as { status: string }[];
    expect(got).toEqual(await alone(cutRefs));
    expect(got.some((i) => i.status === 'read')).toBe(true);
    expect(got.some((i) => i.status === 'error')).toBe(true);
  });

  it('stops at the same member as alone when the archive passes its limits', async () => {
    const tgz = path.join(root, 'many.tgz');
    await writeTar(tgz, folderEntries(incident('reset-mid-body'), 'r'));
    const refs = await refsOf(tgz);
    const hooks: ReadHooks = { open: { limits: { maxMembers: 3, maxBytes: 1 << 30 } } };
    const got = (await onePass(refs, hooks)) as { status: string; error_code?: string }[];
    expect(got).toEqual(await alone(refs, hooks));
    expect(got.filter((i) => i.error_code === 'E_LIMIT')).toHaveLength(refs.length - 3);
  });

  it('gives a name the tar holds twice its first member, to every ref naming it', async () => {
    const tar = path.join(root, 'twice.tar');
    const curl = readFileSync(path.join(incident('reset-mid-body'), 'curl-verbose.txt'));
    await writeTar(tar, [
      { name: 'x/curl-verbose.txt', content: curl },
      { name: 'x/other.txt', content: 'plain words\n' },
      { name: 'x/curl-verbose.txt', content: 'the second one\n' },
    ]);
    const refs: SourceRef[] = ['x/curl-verbose.txt', 'x/curl-verbose.txt', 'x/other.txt'].map((member, i) => ({ kind: 'archive-member', archive: tar, member, name: `t${i}` }));
    const got = (await onePass(refs)) as { format: string; bytes?: number }[];
    expect(got).toEqual(await alone(refs));
    expect(got[1].bytes).toBe(curl.length);
  });

  it('stops a run cancelled part-way through an archive with E_CANCELLED', async () => {
    const tgz = path.join(root, 'cancel.tgz');
    await writeTar(tgz, [...folderEntries(incident('reset-mid-body'), 'a'), ...folderEntries(incident('short-body'), 'b')]);
    const spec = specFromSources(await refsOf(tgz), { tz: ['UTC'] });
    const ac = new AbortController();
    const seen: string[] = [];
    const onEvent = (e: RunEvent) => {
      if (e.type !== 'input-done') return;
      seen.push(e.input);
      if (seen.length === 2) ac.abort();
    };
    await expect(runCase(spec, { signal: ac.signal, onEvent })).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(seen).toHaveLength(2);
  });
});
