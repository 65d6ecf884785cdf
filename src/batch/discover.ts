/**
 * Which files make one case. A case is one incident:
 *   - a folder that directly holds files: those files, analysed together;
 *   - an archive (.tar, .tar.gz/.tgz, .zip): its members, analysed together;
 *   - a file lying alone in a folder named on the command line (or a file
 *     named itself): that file.
 * A folder named on the command line is the collection, not an incident: each
 * file directly in it is a case of its own, each folder below it is searched
 * recursively. A case's name is its path relative to the folder named (a
 * display name only: it is never used as a path to write).
 *
 * Hidden entries (.git, .DS_Store) and the --out folder are passed over;
 * symbolic links are followed once (a link cycle is not). Only the tree walk
 * happens here; archives are listed when their case comes up.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { FaultlineError } from '../model/index.js';
import { archiveKind, type ArchiveKind } from './archive.js';

/** A file on disk that belongs to a case, with what tells a changed file (resume). */
export interface CaseFile {
  /** absolute */
  path: string;
  /** the input's display name: `<case>/<file>` in a folder case, the case name for a file or archive case */
  name: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface FoundCase {
  /** relative path, unique in the batch */
  name: string;
  kind: 'folder' | 'archive' | 'file';
  /** the folder's files, the archive, or the file */
  files: CaseFile[];
  archive?: ArchiveKind;
  /** bytes on disk */
  bytes: number;
  /** a problem found while walking (a path named that does not exist, an unreadable folder): the case fails with it */
  error?: FaultlineError;
}

export interface DiscoverOptions {
  /** folders never searched (the output folder), absolute */
  exclude?: string[];
}

export async function discoverCases(inputs: string[], opts: DiscoverOptions = {}): Promise<FoundCase[]> {
  const found: FoundCase[] = [];
  const excluded = new Set<string>();
  for (const e of opts.exclude ?? []) excluded.add(await realpath(e).catch(() => path.resolve(e)));
  const visited = new Set<string>();

  for (const arg of inputs) {
    const display = displayOf(arg);
    let st: Stats;
    try {
      st = await stat(arg);
    } catch (err) {
      found.push(problem(display, err));
      continue;
    }
    if (st.isDirectory()) {
      await walk(path.resolve(arg), '', true);
    } else if (st.isFile()) {
      found.push(fileCase(path.resolve(arg), display, st));
    } else {
      found.push({ name: display, kind: 'file', files: [], bytes: 0, error: new FaultlineError('E_UNREADABLE', 'not a regular file or folder', { file: display }) });
    }
  }

  /** `root` marks the folder named on the command line, whose files are cases each. */
  async function walk(dir: string, rel: string, root: boolean): Promise<void> {
    const real = await realpath(dir).catch(() => dir);
    if (visited.has(real) || excluded.has(real)) return;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      found.push(problem(rel || path.basename(dir), err));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files: CaseFile[] = [];
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = path.join(dir, e.name);
      const name = rel ? `${rel}/${e.name}` : e.name;
      let st: Stats;
      try {
        // follows a symbolic link: a linked file or folder is read where it points
        st = await stat(abs);
      } catch (err) {
        if (e.isSymbolicLink()) continue; // a dangling link is no evidence
        found.push(problem(name, err));
        continue;
      }
      if (st.isDirectory()) subdirs.push(e.name);
      else if (!st.isFile()) continue; // fifos, sockets, devices hold no trace on disk
      else if (archiveKind(e.name)) found.push({ ...fileCase(abs, name, st), kind: 'archive', archive: archiveKind(e.name) });
      else if (root) found.push(fileCase(abs, name, st));
      else files.push(caseFile(abs, name, st));
    }
    if (files.length) found.push({ name: rel, kind: 'folder', files, bytes: files.reduce((n, f) => n + f.size, 0) });
    for (const d of subdirs) await walk(path.join(dir, d), rel ? `${rel}/${d}` : d, false);
  }

  // One order for the summary whatever the walk: by name, as a listing reads.
  return uniqueNames(found).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function fileCase(abs: string, name: string, st: Stats): FoundCase {
  const kind = archiveKind(abs);
  return { name, kind: kind ? 'archive' : 'file', ...(kind ? { archive: kind } : {}), files: [caseFile(abs, name, st)], bytes: st.size };
}

function caseFile(abs: string, name: string, st: Stats): CaseFile {
  return { path: abs, name, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

function problem(name: string, err: unknown): FoundCase {
  const code = (err as NodeJS.ErrnoException).code;
  const e =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? new FaultlineError('E_NOT_FOUND', 'no such file or folder', { file: name })
      : new FaultlineError('E_UNREADABLE', `cannot read: ${(err as Error).message}`, { file: name });
  return { name, kind: 'file', files: [], bytes: 0, error: e };
}

/** As the user wrote it, without a trailing slash or a leading ./ */
function displayOf(arg: string): string {
  const n = path.normalize(arg).replace(/\/+$/, '');
  return n === '' ? '.' : n;
}

/** Two folders named on the command line can hold the same relative names: the later ones get a suffix. */
function uniqueNames(cases: FoundCase[]): FoundCase[] {
  const used = new Set<string>();
  for (const c of cases) {
    let name = c.name || '.';
    for (let n = 2; used.has(name); n++) name = `${c.name} (${n})`;
    used.add(name);
    if (name !== c.name) {
      const old = c.name;
      c.name = name;
      // a folder case names its inputs after itself
      if (c.kind === 'folder') for (const f of c.files) f.name = name + f.name.slice(old.length);
      else for (const f of c.files) f.name = name;
    }
  }
  return cases;
}
