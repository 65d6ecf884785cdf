/**
 * Benchmark: reading sources (src/sources), below any parser.
 * - archive members: every member of a tar.gz / zip of all the real incident samples, read
 *   in ONE pass (`readArchive`) versus each member opened on its own (`archive-member`
 *   sources: a tar.gz is streamed from its start up to each member, a zip seeks);
 * - gzip: a large gzip-compressed strace log read through (gunzip + sha256) versus the
 *   same log stored plain (sha256 only).
 * Inputs are made once with the real tar, zip and gzip under bench/data/ (git-ignored).
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/sources.js
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listArchive, openSource, openStream, readArchive } from '../src/sources/index.js';
import type { BenchResult } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dataDir = path.join(root, 'bench', 'data');
const incidents = path.join(root, 'samples', 'incidents');

/** The incident samples, each folder copied COPIES times: a bundle of many small traces. */
const COPIES = 4;
/** The plain log for the gzip bench: the incident straces repeated to about this size. */
const GZ_TARGET = 120_000_000; /* bytes */

function ensureArchives(): { tgz: string; zip: string } {
  const tgz = path.join(dataDir, 'incidents.tar.gz');
  const zip = path.join(dataDir, 'incidents.zip');
  if (existsSync(tgz) && existsSync(zip)) return { tgz, zip };
  mkdirSync(dataDir, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), 'faultline-bench-src-'));
  try {
    for (let i = 0; i < COPIES; i++) cpSync(incidents, path.join(work, 'bundle', `copy${i}`), { recursive: true });
    execFileSync('tar', ['-czf', `${tgz}.tmp`, '-C', work, 'bundle']);
    renameSync(`${tgz}.tmp`, tgz);
    execFileSync('zip', ['-q', '-r', `${zip}.tmp.zip`, 'bundle'], { cwd: work });
    renameSync(`${zip}.tmp.zip`, zip);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { tgz, zip };
}

function ensureGzip(): { plain: string; gz: string } {
  const plain = path.join(dataDir, 'straces.log');
  const gz = `${plain}.gz`;
  if (existsSync(plain) && existsSync(gz)) return { plain, gz };
  mkdirSync(dataDir, { recursive: true });
  const straces = readdirSync(incidents)
    .map((d) => path.join(incidents, d, 'client.strace'))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f));
  const one = Buffer.concat(straces);
  const parts: Buffer[] = [];
  for (let n = 0; n < GZ_TARGET; n += one.length) parts.push(one);
  writeFileSync(`${plain}.tmp`, Buffer.concat(parts));
  renameSync(`${plain}.tmp`, plain);
  execFileSync('sh', ['-c', `gzip -6 -c "${plain}" > "${gz}.tmp" && mv "${gz}.tmp" "${gz}"`]);
  return { plain, gz };
}

async function drain(it: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const c of it) n += c.length;
  return n;
}

function row(name: string, bytes: number, t0: number, note?: string): BenchResult {
  const seconds = (performance.now() - t0) / 1000;
  return { name, bytes, seconds, mbPerSec: bytes / 1e6 / seconds, peakRssMb: process.memoryUsage().rss / 1e6, note };
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const { tgz, zip } = ensureArchives();
  for (const archive of [tgz, zip]) {
    const kind = archive.endsWith('.zip') ? 'zip' : 'tar.gz';
    const listing = await listArchive(archive);
    const members = listing.members.length;
    let t0 = performance.now();
    let bytes = 0;
    await readArchive(archive, async (entry, stream) => {
      const s = await openStream(entry.name, stream, entry.size);
      bytes += await drain(s.chunks);
      if (!s.sha256()) throw new Error(`no digest for ${entry.name}`);
    });
    out.push(row(`sources: ${kind}, ${members} members, one pass (readArchive)`, bytes, t0));
    t0 = performance.now();
    bytes = 0;
    for (const m of listing.members) {
      const s = await openSource({ kind: 'archive-member', archive, member: m.name, name: m.name });
      bytes += await drain(s.chunks);
      s.close();
    }
    out.push(row(`sources: ${kind}, ${members} members, each opened alone`, bytes, t0));
  }
  const { plain, gz } = ensureGzip();
  for (const file of [plain, gz]) {
    const t0 = performance.now();
    const s = await openSource({ kind: 'file', path: file, name: path.basename(file) });
    const bytes = await drain(s.chunks);
    if (!s.sha256()) throw new Error('no digest');
    out.push(row(`sources: ${file.endsWith('.gz') ? 'gzip (gunzip + sha256)' : 'plain (sha256)'}`, bytes, t0, `${(statSync(file).size / 1e6).toFixed(1)} MB stored`));
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}\t${(r.bytes / 1e6).toFixed(1)} MB\t${r.seconds.toFixed(3)} s\t${r.mbPerSec.toFixed(1)} MB/s\t${r.note ?? ''}`);
}
