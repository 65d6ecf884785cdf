/**
 * Reading archives (.tar, .tar.gz/.tgz, .zip) as streams of members, never
 * extracted to disk. The kind is told by magic bytes, not by the name.
 *
 * Three entry points, from cheapest to richest:
 * - `listArchive(path)` — what a batch needs to make cases: every member with
 *   its name, size and type; members that are not regular files (symlinks,
 *   hard links, devices, fifos, folders) are listed apart in `skipped`, with
 *   the reason, and are never read.
 * - `readArchive(path, onMember)` — ONE pass over the whole archive: for each
 *   regular file, in archive order, `onMember(entry, stream)` is awaited with
 *   the member's bytes as a stream; the stream may be read or left alone (it is
 *   drained either way before the next member). This is the fast way to analyse
 *   every member of a tar.gz: reaching member k through `openMember` streams past
 *   members 1..k-1 each time (quadratic over a whole archive).
 * - `openMember(path, member)` — one member by name, as a stream (what a
 *   `SourceRef` of kind `archive-member` opens). Zip: random access through the
 *   central directory, only that entry is inflated. Tar / tar.gz: read from the
 *   start up to the member, then stopped.
 *
 * Member names are display strings only: they are never joined to a path, never
 * created on disk. With duplicate names (a tar may hold one name twice),
 * `openMember` takes the first.
 *
 * Limits: an archive with more members than `maxMembers`, or whose members add up
 * to more than `maxBytes` (decompressed), stops with `E_LIMIT` naming the archive —
 * a decompression bomb costs a bounded amount of work. Members already handed to
 * `onMember` stay handed.
 */
import { close as fsClose, createReadStream, fstatSync, open as fsOpen, read as fsRead } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { EventEmitter } from 'node:events';
// Loaded when an archive is read (see tarStream / zipLibrary): a plain analyze of files never pays for them.
import type tar from 'tar-stream';
import type yauzl from 'yauzl';
import { FaultlineError } from '../model/index.js';

import { formatOfHead, type ArchiveFormat } from './magic.js';

export { formatOfHead, type ArchiveFormat };

/** What a member is; only 'file' members are read. */
export type MemberType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'other';

export interface ArchiveEntry {
  /** the member's name inside the archive: a display string, never a path of ours */
  name: string;
  /** decompressed size as the archive declares it (tar: exact; zip: checked while reading) */
  size: number;
  type: MemberType;
  /** why a member is not read (for `skipped` entries) */
  reason?: string;
}

/**
 * A member's bytes: iterate it once (a Node stream for zip members, a streamx stream for tar
 * members; both iterate as Buffers and emit 'end'/'close').
 */
export type MemberStream = AsyncIterable<Buffer> & EventEmitter & { destroy(err?: Error): void };

export interface ArchiveListing {
  format: ArchiveFormat;
  /** regular files, in archive order */
  members: ArchiveEntry[];
  /** everything else, with `reason` */
  skipped: ArchiveEntry[];
}

export interface ArchiveLimits {
  /** entries of any type; beyond this the archive stops with E_LIMIT */
  maxMembers: number;
  /** decompressed bytes of all members together; beyond this E_LIMIT */
  maxBytes: number;
}

// In a module of its own so the CLI's flag help reads it without loading the archive readers.
export { DEFAULT_ARCHIVE_LIMITS } from './limits.js';
import { DEFAULT_ARCHIVE_LIMITS } from './limits.js';

/** The archive kind from its first bytes, or undefined when it is none we read. */
export async function archiveFormat(path: string): Promise<ArchiveFormat | undefined> {
  let fh;
  try {
    fh = await openFile(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    return formatOfHead(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Every member, without reading any member's bytes (a tar.gz is still decompressed end to end to find them). */
export async function listArchive(path: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<ArchiveListing> {
  return readArchive(path, () => undefined, limits);
}

/**
 * One pass over the archive: `onMember` is awaited for each regular file, in order, with its
 * bytes as a stream (read it, or not: it is drained before the next member). Resolves with the
 * listing once the whole archive is read. Errors: E_NOT_FOUND / E_UNREADABLE (the archive),
 * E_ARCHIVE (not an archive we read, or damaged), E_LIMIT (too many members or bytes).
 */
export async function readArchive(
  path: string,
  onMember: (entry: ArchiveEntry, stream: MemberStream) => Promise<void> | void,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveListing> {
  const format = await archiveFormat(path);
  if (!format) throw new FaultlineError('E_ARCHIVE', 'not a tar, tar.gz or zip archive', { file: path });
  const listing: ArchiveListing = { format, members: [], skipped: [] };
  const walk = format === 'zip' ? walkZip(path, limits) : walkTar(path, format, limits);
  for await (const { entry, stream } of walk) {
    if (!stream) {
      listing.skipped.push(entry);
      continue;
    }
    listing.members.push(entry);
    await onMember(entry, stream);
  }
  return listing;
}

/**
 * One member by name, as a stream of its bytes (decompressed by the archive's own compression,
 * not by ours: a member that is itself .gz stays gzip here). E_NOT_FOUND when the archive holds
 * no regular file of that name. `close()` stops reading the archive early.
 */
export async function openMember(
  path: string,
  member: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<{ stream: MemberStream; size: number; close(): void }> {
  const format = await archiveFormat(path);
  if (!format) throw new FaultlineError('E_ARCHIVE', 'not a tar, tar.gz or zip archive', { file: path });
  const walk = format === 'zip' ? walkZip(path, limits, member) : walkTar(path, format, limits);
  // By hand, not for-await: leaving a for-await loop would end the walk, and the member with it.
  for (;;) {
    const r = await walk.next();
    if (r.done) break;
    const { entry, stream } = r.value;
    if (entry.name !== member) continue;
    if (!stream) {
      await walk.return(undefined);
      throw new FaultlineError('E_UNREADABLE', `archive member ${member} is not a regular file (${entry.reason})`, { file: path });
    }
    // Stop the walk once this member is read: nothing after it is wanted.
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      void walk.return(undefined);
    };
    stream.once('end', stop);
    stream.once('close', stop);
    return {
      stream,
      size: entry.size,
      close: () => {
        stream.destroy();
        stop();
      },
    };
  }
  throw new FaultlineError('E_NOT_FOUND', `the archive holds no member ${member}`, { file: path });
}

interface Walked {
  entry: ArchiveEntry;
  /** set for regular files only */
  stream?: MemberStream;
}

class Budget {
  members = 0;
  bytes = 0;
  constructor(
    private readonly path: string,
    private readonly limits: ArchiveLimits,
  ) {}
  take(size: number): void {
    this.members++;
    this.bytes += size;
    if (this.members > this.limits.maxMembers)
      throw new FaultlineError('E_LIMIT', `archive holds more than ${this.limits.maxMembers} members; stopped there`, { file: this.path });
    if (this.bytes > this.limits.maxBytes)
      throw new FaultlineError('E_LIMIT', `archive members add up to more than ${this.limits.maxBytes} bytes decompressed; stopped there`, { file: this.path });
  }
}

async function* walkTar(path: string, format: 'tar' | 'tar.gz', limits: ArchiveLimits): AsyncGenerator<Walked> {
  const budget = new Budget(path, limits);
  const { default: tarStream } = await import('tar-stream');
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const extract = tarStream.extract();
  let failure: Error | undefined;
  const fail = (err: Error): void => {
    failure ??= err;
    extract.destroy(err);
  };
  file.on('error', fail);
  if (format === 'tar.gz') {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 }); // 16 KiB calls cost a thread-pool hop each (see open.ts)
    gunzip.on('error', fail);
    file.pipe(gunzip).pipe(extract);
  } else file.pipe(extract);
  try {
    for await (const e of extract) {
      const h = e.header;
      const size = h.size ?? 0;
      budget.take(size);
      const type = tarType(h.type);
      if (type !== 'file') {
        e.resume();
        yield { entry: { name: h.name, size, type, reason: skipReason(type) } };
        continue;
      }
      let over = false;
      const ended = new Promise<void>((resolve) => {
        const end = (): void => {
          over = true;
          resolve();
        };
        e.once('end', end);
        e.once('close', end);
      });
      yield { entry: { name: h.name, size, type }, stream: e as unknown as MemberStream };
      // Whatever the consumer read, the archive goes on after this member's last byte.
      if (!over) {
        e.resume();
        await ended;
      }
    }
  } catch (err) {
    throw archiveError(path, failure ?? err);
  } finally {
    file.destroy();
    extract.destroy();
  }
  if (failure) throw archiveError(path, failure);
}

function tarType(t: tar.Header['type'] | null | undefined): MemberType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
    case 'block-device':
      return 'device';
    case 'fifo':
      return 'fifo';
    default:
      return 'other';
  }
}

function skipReason(type: MemberType): string {
  switch (type) {
    case 'directory':
      return 'a folder entry';
    case 'symlink':
      return 'a symbolic link (never followed)';
    case 'hardlink':
      return 'a hard link (its target is read as its own member)';
    case 'device':
      return 'a device node';
    case 'fifo':
      return 'a fifo';
    default:
      return 'not a regular file';
  }
}

/** S_IFMT bits of a zip entry made on Unix (the high 16 bits of its external attributes). */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

async function* walkZip(path: string, limits: ArchiveLimits, only?: string): AsyncGenerator<Walked> {
  const budget = new Budget(path, limits);
  // A plain descriptor (not a FileHandle): member streams read it by position, and it is closed once, here.
  let fd: number;
  let size: number;
  try {
    fd = await new Promise<number>((resolve, reject) => fsOpen(path, 'r', (err, d) => (err ? reject(err) : resolve(d))));
    size = fstatSync(fd).size;
  } catch (err) {
    throw unreadable(path, err);
  }
  const closeFd = (): Promise<void> => new Promise((resolve) => fsClose(fd, () => resolve()));
  let lib: typeof yauzl;
  try {
    lib = (await import('yauzl')).default;
  } catch (err) {
    await closeFd();
    throw err;
  }
  const reader = new (blockCachedReader(lib))(fd, size);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    lib.fromRandomAccessReader(reader, size, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: false }, (err, z) => {
      if (err) {
        void closeFd();
        reject(archiveError(path, err));
      } else resolve(z);
    }),
  );
  let pendingError: Error | undefined;
  zip.on('error', (err: Error) => (pendingError = err));
  const nextEntry = (): Promise<yauzl.Entry | undefined> =>
    new Promise((resolve, reject) => {
      if (pendingError) return reject(pendingError);
      const onEntry = (e: yauzl.Entry): void => {
        cleanup();
        resolve(e);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(undefined);
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      const cleanup = (): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
  try {
    for (;;) {
      let e: yauzl.Entry | undefined;
      try {
        e = await nextEntry();
      } catch (err) {
        throw archiveError(path, err);
      }
      if (!e) return;
      // Names are decoded here, not by yauzl: its check fails the whole zip on one `../x` or
      // absolute name, where such a member is only a display string to us (never a path).
      const name = zipName(lib, e);
      // Looking for one member: the others are neither read nor counted (only it is inflated).
      if (only !== undefined && name !== only) continue;
      budget.take(e.uncompressedSize);
      const mode = (e.externalFileAttributes >>> 16) & S_IFMT;
      const type: MemberType = name.endsWith('/') || mode === S_IFDIR ? 'directory' : mode === S_IFLNK ? 'symlink' : mode === 0 || mode === S_IFREG ? 'file' : 'other';
      if (type !== 'file') {
        yield { entry: { name, size: e.uncompressedSize, type, reason: skipReason(type) } };
        continue;
      }
      const entry = e;
      const stream = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (err, s) => (err ? reject(archiveError(path, err)) : resolve(s))),
      );
      yield { entry: { name, size: e.uncompressedSize, type }, stream };
      if (!stream.readableEnded && !stream.destroyed) {
        stream.resume();
        await new Promise<void>((resolve) => {
          stream.once('end', resolve);
          stream.once('close', resolve);
          stream.once('error', () => resolve());
        });
      }
    }
  } finally {
    zip.close();
    await closeFd();
  }
}

/** A zip member's name as stored (UTF-8 when flagged, else CP437, Info-ZIP's Unicode path field first), unchecked. */
function zipName(lib: typeof yauzl, e: yauzl.Entry): string {
  const raw = e.fileName as unknown as Buffer | string;
  if (typeof raw === 'string') return raw;
  return (lib as unknown as { getFileNameLowLevel(flag: number, raw: Buffer, extra: unknown[], strict: boolean): string }).getFileNameLowLevel(
    e.generalPurposeBitFlag,
    raw,
    e.extraFields,
    false,
  );
}

/**
 * yauzl's own file reader makes one small read per central-directory record: measured 113 ms
 * per member opened alone in a 1,000-member zip on this machine. Small reads are served from
 * one cached 1 MiB block instead; member data is streamed straight from the file.
 */
function blockCachedReader(lib: typeof yauzl): new (fd: number, size: number) => yauzl.RandomAccessReader {
  // Made once per loaded yauzl (the class extends one of its classes, loaded on demand).
  return (blockCachedReaderClass ??= class BlockCachedReader extends lib.RandomAccessReader {
    private block: { start: number; buf: Buffer } | undefined;
    constructor(
      private readonly fd: number,
      private readonly size: number,
    ) {
      super();
    }
    /** Positional reads of the shared descriptor (an fs.ReadStream would close it when yauzl destroys the stream). */
    override _readStreamForRange(start: number, end: number): Readable {
      const fd = this.fd;
      return Readable.from(
        (async function* () {
          for (let pos = start; pos < end; ) {
            const buf = Buffer.alloc(Math.min(1 << 20, end - pos));
            const n = await new Promise<number>((resolve, reject) => fsRead(fd, buf, 0, buf.length, pos, (err, got) => (err ? reject(err) : resolve(got))));
            if (n === 0) throw new Error('unexpected end of the zip file');
            pos += n;
            yield buf.subarray(0, n);
          }
        })(),
        { objectMode: false },
      );
    }
    override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
      if (length > ZIP_BLOCK) return super.read(buffer, offset, length, position, callback);
      const hit = (b: { start: number; buf: Buffer }): boolean => position >= b.start && position + length <= b.start + b.buf.length;
      if (this.block && hit(this.block)) {
        this.block.buf.copy(buffer, offset, position - this.block.start, position - this.block.start + length);
        setImmediate(() => callback(null));
        return;
      }
      const buf = Buffer.alloc(Math.max(length, Math.min(ZIP_BLOCK, this.size - position)));
      fsRead(this.fd, buf, 0, buf.length, position, (err, n) => {
        if (err) return callback(err);
        const block = { start: position, buf: buf.subarray(0, n) };
        if (!hit(block)) return callback(new Error('unexpected end of the zip file'));
        this.block = block;
        buf.copy(buffer, offset, 0, length);
        callback(null);
      });
    }
    /** the file is closed by whoever opened it, once the walk is over */
    override close(callback: (err: Error | null) => void): void {
      setImmediate(() => callback(null));
    }
  });
}
let blockCachedReaderClass: (new (fd: number, size: number) => yauzl.RandomAccessReader) | undefined;
const ZIP_BLOCK = 1 << 20;

function archiveError(path: string, err: unknown): FaultlineError {
  if (err instanceof FaultlineError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return new FaultlineError('E_NOT_FOUND', 'no such file', { file: path });
  if (e?.code === 'EACCES' || e?.code === 'EISDIR' || e?.code === 'EIO') return unreadable(path, e);
  return new FaultlineError('E_ARCHIVE', `damaged archive: ${e?.message ?? String(err)}`, { file: path });
}

function unreadable(path: string, err: unknown): FaultlineError {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return new FaultlineError('E_NOT_FOUND', 'no such file', { file: path });
  return new FaultlineError('E_UNREADABLE', `cannot read: ${e?.message ?? String(err)}`, { file: path });
}
