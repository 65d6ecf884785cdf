/**
 * What an archive case holds: its members, listed by reading the archive
 * once as a stream (tar, tar.gz/.tgz by tar-stream; zip by yauzl from its
 * central directory). Nothing is extracted, no member name is ever a path:
 * `../x`, absolute names and the like are only names here. Only regular files
 * are members; links, devices, fifos and directories are listed as skipped.
 * Limits on member count and on (declared) decompressed bytes stop a
 * decompression bomb before a worker ever reads it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import yauzl from 'yauzl';
import { FaultlineError } from '../model/index.js';

export type ArchiveKind = 'tar' | 'zip';

export interface ArchiveLimits {
  /** regular-file members per archive */
  maxMembers: number;
  /** decompressed bytes of all members together */
  maxBytes: number;
}

/**
 * 10,000 members is far beyond an incident's traces (a strace -ff of a busy service writes a few
 * hundred); 20 GiB is ten of the largest captures we have been handed, and a bomb's usual
 * thousandfold ratio shows far sooner.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxMembers: 10_000, maxBytes: 20 * 1024 ** 3 };

export interface ArchiveMember {
  name: string;
  /** decompressed size as the archive declares it (tar header, zip central directory) */
  size: number;
}

export interface ArchiveListing {
  kind: ArchiveKind;
  /** regular files, in archive order, each name once */
  members: ArchiveMember[];
  /** entries not read, with why */
  skipped: { name: string; reason: string }[];
  /** the archive's own bytes */
  size: number;
  /** sha256 of the archive file, computed on the listing pass (tar) or by its own read (zip) */
  sha256: string;
  /** damage or a limit met after the members listed: what was listed stays usable */
  error?: FaultlineError;
}

/** By name: what the user calls an archive is what they packed as one. */
export function archiveKind(fileName: string): ArchiveKind | undefined {
  const n = fileName.toLowerCase();
  if (n.endsWith('.tar') || n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'tar';
  if (n.endsWith('.zip')) return 'zip';
  return undefined;
}

/** `signal` ends the listing early (Ctrl-C during a long archive): the listing is then of no use. */
export async function listArchive(
  file: string,
  display: string,
  kind: ArchiveKind,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
  signal?: AbortSignal,
): Promise<ArchiveListing> {
  return kind === 'tar' ? listTar(file, display, limits, signal) : listZip(file, display, limits, signal);
}

class Budget {
  bytes = 0;
  count = 0;
  constructor(
    private readonly limits: ArchiveLimits,
    private readonly display: string,
  ) {}
  /** E_LIMIT once a member takes the archive past a limit */
  add(name: string, size: number): FaultlineError | undefined {
    this.count++;
    this.bytes += size;
    if (this.count > this.limits.maxMembers)
      return new FaultlineError('E_LIMIT', `the archive holds more than ${this.limits.maxMembers} files; the rest was not read`, { file: this.display });
    if (this.bytes > this.limits.maxBytes)
      return new FaultlineError(
        'E_LIMIT',
        `member ${name} takes the archive past ${formatSize(this.limits.maxBytes)} decompressed (it declares ${formatSize(size)}): a decompression bomb or more than a case should hold; the rest was not read`,
        { file: this.display },
      );
    return undefined;
  }
}

const TAR_SKIP: Record<string, string> = {
  symlink: 'a symbolic link: not followed',
  link: 'a hard link: not followed',
  directory: '',
  'character-device': 'a device entry: not read',
  'block-device': 'a device entry: not read',
  fifo: 'a fifo entry: not read',
};

async function listTar(file: string, display: string, limits: ArchiveLimits, signal?: AbortSignal): Promise<ArchiveListing> {
  const members: ArchiveMember[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const seen = new Set<string>();
  const budget = new Budget(limits, display);
  const hash = createHash('sha256');
  let size = 0;
  // Hash the archive's own bytes as they pass: the listing is the only read batch makes of it.
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const extract = tar.extract();
  const consume = async () => {
    for await (const entry of extract) {
      const { name, type = 'file', size: declared = 0 } = entry.header;
      entry.resume();
      if (type === 'file' || type === 'contiguous-file') {
        if (seen.has(name)) {
          skipped.push({ name, reason: 'a second member of the same name: not read' });
          continue;
        }
        const limit = budget.add(name, declared ?? 0);
        if (limit) throw limit;
        seen.add(name);
        members.push({ name, size: declared ?? 0 });
      } else if (TAR_SKIP[type] !== '') {
        skipped.push({ name, reason: TAR_SKIP[type] ?? `a ${type} entry: not read` });
      }
    }
  };
  let gzip = false;
  let error: FaultlineError | undefined;
  try {
    const first = await peek(file);
    gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
    const raw = createReadStream(file, { highWaterMark: 1 << 20 });
    const stages = gzip ? [raw, tap, createGunzip(), extract] : [raw, tap, extract];
    await Promise.all([pipeline(stages as unknown as [Readable, Transform, NodeJS.WritableStream], { signal }), consume()]);
  } catch (err) {
    extract.destroy();
    if (err instanceof FaultlineError) error = err;
    else {
      const code = (err as NodeJS.ErrnoException).code;
      error =
        code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR'
          ? new FaultlineError('E_UNREADABLE', `cannot read the archive: ${(err as Error).message}`, { file: display })
          : new FaultlineError(
              gzip ? 'E_DECOMPRESS' : 'E_UNREADABLE',
              `the archive is damaged after ${members.length} file${members.length === 1 ? '' : 's'} (${(err as Error).message})`,
              { file: display },
            );
    }
  }
  if (!error && members.length === 0 && skipped.length === 0 && size === 0)
    error = new FaultlineError('E_UNREADABLE', 'the archive is empty', { file: display });
  return { kind: 'tar', members, skipped, size, sha256: hash.digest('hex'), ...(error ? { error } : {}) };
}

async function peek(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** S_IFMT bits of a zip entry made on Unix (external attributes, high 16 bits). */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

async function listZip(file: string, display: string, limits: ArchiveLimits, signal?: AbortSignal): Promise<ArchiveListing> {
  const members: ArchiveMember[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const seen = new Set<string>();
  const budget = new Budget(limits, display);
  let sha256 = '';
  let size = 0;
  let error: FaultlineError | undefined;
  let zip: yauzl.ZipFile | undefined;
  try {
    ({ sha256, size } = await digestFile(file, signal));
    // decodeStrings off: yauzl would fail the whole archive on one `../` name; names are only names here.
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, decodeStrings: false, autoClose: false }, (err, z) => (err ? reject(err) : resolve(z!))),
    );
    const z = zip;
    await new Promise<void>((resolve, reject) => {
      z.on('error', reject);
      z.on('end', () => resolve());
      z.on('entry', (e: yauzl.Entry) => {
        const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileName as unknown as Buffer, e.extraFields, false);
        const unixMode = (e.externalFileAttributes >>> 16) & S_IFMT;
        const isDir = name.endsWith('/') || unixMode === S_IFDIR;
        if (isDir) {
          // a folder entry holds nothing to read
        } else if (unixMode !== 0 && unixMode !== S_IFREG) {
          skipped.push({ name, reason: unixMode === S_IFLNK ? 'a symbolic link: not followed' : 'not a regular file: not read' });
        } else if (e.isEncrypted()) {
          skipped.push({ name, reason: 'encrypted: not read' });
        } else if (seen.has(name)) {
          skipped.push({ name, reason: 'a second member of the same name: not read' });
        } else {
          const limit = budget.add(name, e.uncompressedSize);
          if (limit) return reject(limit);
          seen.add(name);
          members.push({ name, size: e.uncompressedSize });
        }
        z.readEntry();
      });
      z.readEntry();
    });
  } catch (err) {
    error =
      err instanceof FaultlineError
        ? err
        : new FaultlineError('E_UNREADABLE', `the zip archive is damaged${members.length ? ` after ${members.length} files` : ''} (${(err as Error).message})`, { file: display });
  } finally {
    zip?.close();
  }
  return { kind: 'zip', members, skipped, size, sha256, ...(error ? { error } : {}) };
}

/** Files up to this size are hashed from one read: a stream costs more than the hashing of a small file. */
const ONE_READ_MAX = 4 * 1024 * 1024;

export async function digestFile(file: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size <= ONE_READ_MAX) {
      const bytes = await fh.readFile();
      return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    }
  } finally {
    await fh.close();
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

function formatSize(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
