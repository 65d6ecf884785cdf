import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceRef } from '../../src/model/index.js';
import { readInput, runCase, specFromSources } from '../../src/pipeline/index.js';
import { openSource } from '../../src/sources/index.js';
import { samplesDir } from '../helpers/paths.js';

const incident = path.join(samplesDir, 'incidents/reset-mid-body');
const bundles = path.join(samplesDir, 'sources');
const FILES = ['capture.pcap', 'client.strace', 'curl-verbose.txt'];
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

/** Runs one case over the sources the kind gives for each file, named the same whatever the kind. */
async function run(kind: (file: string) => SourceRef) {
  const spec = specFromSources(FILES.map(kind), { tz: ['UTC'] });
  return runCase(spec);
}

describe('every source kind reads the same bytes as the file on disk', () => {
  const onDisk = () => run((f) => ({ kind: 'file', path: path.join(incident, f), name: f }));

  it.each(['incident.tar', 'incident.tar.gz', 'incident.zip'])('members of %s give the same findings and inputs as the files', async (archive) => {
    const disk = await onDisk();
    const member = await run((f) => ({ kind: 'archive-member', archive: path.join(bundles, archive), member: `incident/${f}`, name: f }));
    expect(disk.findings.length).toBeGreaterThan(0);
    expect(member.findings).toEqual(disk.findings);
    expect(member.inputs).toEqual(disk.inputs);
  });

  it('an upload held in memory and one in a temporary file give the same findings and inputs as the files', async () => {
    const disk = await onDisk();
    const memory = await run((f) => ({ kind: 'memory', bytes: new Uint8Array(readFileSync(path.join(incident, f))), name: f }));
    expect(memory.findings).toEqual(disk.findings);
    expect(memory.inputs).toEqual(disk.inputs);
    const upload = await run((f) => {
      const ours = path.join(tmp, `upload-${FILES.indexOf(f)}`);
      copyFileSync(path.join(incident, f), ours);
      return { kind: 'upload', path: ours, name: f };
    });
    expect(upload.findings).toEqual(disk.findings);
  });

  it('standard input is read like the file', async () => {
    const file = path.join(incident, 'client.strace');
    const viaStdin = await readInput({ kind: 'stdin', name: '-' }, { open: { stdin: Readable.from([readFileSync(file)]) } });
    const viaFile = await readInput({ kind: 'file', path: file, name: '-' });
    expect(viaStdin.info).toEqual({ ...viaFile.info, size: undefined });
  });
});

describe('digests', () => {
  it.each(FILES)('the sha256 of %s equals sha256sum of the file, whatever the kind', async (f) => {
    const file = path.join(incident, f);
    const want = sha256sum(file);
    const kinds: SourceRef[] = [
      { kind: 'file', path: file, name: f },
      { kind: 'memory', bytes: new Uint8Array(readFileSync(file)), name: f },
      { kind: 'archive-member', archive: path.join(bundles, 'incident.tar.gz'), member: `incident/${f}`, name: f },
      { kind: 'archive-member', archive: path.join(bundles, 'incident.zip'), member: `incident/${f}`, name: f },
    ];
    for (const ref of kinds) {
      const r = await readInput(ref);
      expect(r.info.sha256, ref.kind).toBe(want);
      expect(r.info.size, ref.kind).toBe(readFileSync(file).length);
    }
  });

  it('a gzip source is digested as stored (compressed), and read through', async () => {
    const file = path.join(bundles, 'client.strace.gz');
    const r = await readInput({ kind: 'file', path: file, name: 'client.strace.gz' });
    expect(r.info.sha256).toBe(sha256sum(file));
    expect(r.info.format).toBe('strace');
    expect(r.info.bytes).toBe(readFileSync(path.join(incident, 'client.strace')).length);
  });

  it('a source whose bytes are not the planned sha256 is an error E_DIGEST_MISMATCH, with no model', async () => {
    const file = path.join(incident, 'curl-verbose.txt');
    const r = await readInput({ kind: 'file', path: file, name: 'curl-verbose.txt', sha256: '0'.repeat(64) });
    expect(r.info.status).toBe('error');
    expect(r.info.error_code).toBe('E_DIGEST_MISMATCH');
    expect(r.model).toBeUndefined();
  });

  it('a file whose size is not the planned one is refused before reading', async () => {
    const file = path.join(incident, 'curl-verbose.txt');
    const r = await readInput({ kind: 'file', path: file, name: 'curl-verbose.txt', size: 1 });
    expect(r.info.error_code).toBe('E_DIGEST_MISMATCH');
  });
});

describe('a file read with blocking calls (as on a pool thread) reads what a stream reads', () => {
  async function bytesOf(file: string, blocking: boolean) {
    const opened = await openSource({ kind: 'file', path: file, name: path.basename(file) }, { blocking });
    const parts: Buffer[] = [];
    for await (const c of opened.chunks) parts.push(c);
    opened.close();
    return { bytes: Buffer.concat(parts), sha256: opened.sha256(), chunks: parts.length };
  }

  it.each(FILES)('%s: the same bytes and sha256 either way', async (f) => {
    const file = path.join(incident, f);
    const stream = await bytesOf(file, false);
    const blocking = await bytesOf(file, true);
    expect(blocking.bytes.equals(readFileSync(file))).toBe(true);
    expect(blocking.sha256).toBe(stream.sha256);
    expect(blocking.sha256).toBe(sha256sum(file));
  });

  it('a file of several MiB is read in chunks of at most 1 MiB, whole', async () => {
    const big = path.join(tmp, 'big.bin');
    const data = Buffer.alloc(3 * (1 << 20) + 12345);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    writeFileSync(big, data);
    const r = await bytesOf(big, true);
    expect(r.bytes.equals(data)).toBe(true);
    expect(r.chunks).toBe(4);
    expect(r.sha256).toBe(sha256sum(big));
  });

  it('a missing file and a folder are the same errors either way', async () => {
    for (const blocking of [false, true]) {
      await expect(openSource({ kind: 'file', path: path.join(tmp, 'nothing-here'), name: 'nothing-here' }, { blocking })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      await expect(openSource({ kind: 'file', path: tmp, name: 'a-folder' }, { blocking })).rejects.toMatchObject({ code: 'E_UNREADABLE' });
    }
  });

  it('each input of a case is the same input either way', async () => {
    const spec = specFromSources(FILES.map((f) => ({ kind: 'file' as const, path: path.join(incident, f), name: f })), { tz: ['UTC'] });
    for (const ref of spec.sources) {
      const viaStream = await readInput(ref, { open: { blocking: false } });
      const viaBlocking = await readInput(ref, { open: { blocking: true } });
      expect(viaBlocking.info, ref.name).toEqual(viaStream.info);
      expect(viaBlocking.info.events, ref.name).toBeGreaterThan(0);
    }
  });
});
