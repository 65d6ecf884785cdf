/**
 * What an archive case holds, from the sources stage's one-pass listing
 * (src/sources: tar-stream and yauzl, nothing extracted, names only names,
 * limits on members and decompressed bytes). Here: which files are archive
 * cases (by name: what the user packed as one incident), and a listing that
 * keeps the members met before damage or a limit, so a damaged archive is a
 * case read in part rather than nothing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { FaultlineError } from '../model/index.js';
import { DEFAULT_ARCHIVE_LIMITS, readArchive, type ArchiveEntry, type ArchiveLimits } from '../sources/index.js';

export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../sources/index.js';

export type ArchiveKind = 'tar' | 'zip';

export interface CaseListing {
  /** regular files, in archive order */
  members: ArchiveEntry[];
  /** links, devices, fifos…, with why they are not read */
  skipped: ArchiveEntry[];
  /** damage or a limit met: what was listed before it stays usable */
  error?: FaultlineError;
}

/** By name: a case is what the user packed as one. The content is checked when listed. */
export function archiveKind(fileName: string): ArchiveKind | undefined {
  const n = fileName.toLowerCase();
  if (n.endsWith('.tar') || n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'tar';
  if (n.endsWith('.zip')) return 'zip';
  return undefined;
}

/** The archive's members; `signal` stops a long listing (Ctrl-C). Errors name the case, not our path. */
export async function listCaseArchive(file: string, display: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS, signal?: AbortSignal): Promise<CaseListing> {
  const members: ArchiveEntry[] = [];
  try {
    const listing = await readArchive(
      file,
      (entry) => {
        if (signal?.aborted) throw new FaultlineError('E_CANCELLED', 'the batch was interrupted');
        members.push(entry);
      },
      limits,
    );
    return { members: listing.members, skipped: listing.skipped };
  } catch (err) {
    const e = err instanceof FaultlineError ? err : new FaultlineError('E_ARCHIVE', (err as Error)?.message ?? String(err));
    const after = members.length ? ` (after ${members.length} file${members.length === 1 ? '' : 's'}; they are read)` : '';
    return { members, skipped: [], error: new FaultlineError(e.code, `${e.message}${after}`, { ...e.location, file: display }) };
  }
}

/** Files up to this size are hashed from one read: a stream costs more than the hashing of a small file. */
const ONE_READ_MAX = 4 * 1024 * 1024;

/** sha256 of a file's bytes as stored (resume keys on it). */
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
