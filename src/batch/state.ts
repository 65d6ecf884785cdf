/**
 * What --resume knows: a journal in --out, one JSON line appended per
 * finished case after its reports were renamed into place. Appending keeps a
 * batch of thousands linear (no rewrite per case); a line cut short by a
 * kill is ignored on reading, and its case simply runs again.
 *
 * A case is skipped when its key is unchanged: the faultline version, the
 * run's options, and each input's name and sha256. A file's digest is read
 * again only when its size, mtime, ctime or inode changed since it was
 * recorded; ctime cannot be set back by `touch`, so a rewritten file is
 * never mistaken for the old one.
 */
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { RunSpec } from '../model/index.js';
import { digestFile } from './archive.js';
import type { CaseFile } from './discover.js';
import type { CaseRecord } from './summary.js';

export const JOURNAL = '.faultline-batch.jsonl';

export interface FileDigest {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
}

export interface JournalEntry {
  /** the case's name */
  case: string;
  key: string;
  /** digests of the case's files on disk, by absolute path */
  files: Record<string, FileDigest>;
  record: CaseRecord;
}

/** The last entry per case (a case redone later supersedes its old line). */
export async function readJournal(file: string): Promise<Map<string, JournalEntry>> {
  const byCase = new Map<string, JournalEntry>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return byCase;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.case === 'string' && typeof e.key === 'string' && e.record) byCase.set(e.case, e);
    } catch {
      // a line cut short by a kill: its case runs again
    }
  }
  return byCase;
}

/** The journal open for appending, once per batch (an open per case costs more than the line). */
export class JournalWriter {
  private constructor(private readonly fh: FileHandle) {}
  /** `fresh` starts an empty journal (a batch without --resume) */
  static async open(file: string, fresh: boolean): Promise<JournalWriter> {
    return new JournalWriter(await open(file, fresh ? 'w' : 'a'));
  }
  /**
   * Blocking, as the reports' renames (finish.ts): appending a line is one short system call,
   * where a FileHandle write's trip through libuv's pool and back was the main thread's largest
   * cost per case (0.37 ms of its ~0.9 on bench/batch tiny, profiled), CPU that --jobs 2 needs
   * for the case threads.
   */
  async append(entry: JournalEntry): Promise<void> {
    writeSync(this.fh.fd, JSON.stringify(entry) + '\n');
  }
  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** A file's digest, from the journal when its stat is unchanged, else by reading it. */
export async function fileDigest(f: CaseFile, known: Record<string, FileDigest> | undefined, signal?: AbortSignal): Promise<FileDigest> {
  const k = known?.[f.path];
  if (k && k.size === f.size && k.mtimeMs === f.mtimeMs && k.ctimeMs === f.ctimeMs && k.ino === f.ino) return k;
  const { sha256 } = await digestFile(f.path, signal);
  return { size: f.size, mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs, ino: f.ino, sha256 };
}

/**
 * The resume key: version, the run's options (not where the sources lie: a moved tree
 * resumes), and each input by name and digest.
 */
export function caseKey(version: string, spec: Omit<RunSpec, 'sources'>, inputs: { name: string; sha256: string }[]): string {
  const { expand_errors: _e, ...options } = spec as RunSpec;
  delete (options as Partial<RunSpec>).sources;
  const basis = JSON.stringify({ version, options: sortKeys(options), inputs: [...inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) });
  return createHash('sha256').update(basis).digest('hex');
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
