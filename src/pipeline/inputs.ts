/**
 * Turning the command line's paths into inputs. A folder stands for every
 * file below it (recursively, in a stable order); '-' is standard input.
 * Paths are not checked here: a missing file is that input's error, found
 * when it is opened, never the run's. The result is sources (`SourceRef`),
 * named as the user wrote them.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode, SourceRef } from '../model/index.js';

/** A problem met while expanding (a folder holding nothing, an unreadable folder): reported as an error entry. */
export interface ExpandError {
  name: string;
  code: ErrorCode;
  message: string;
}

export interface ExpandedInputs {
  /** files as `file` sources (absolute `path`, `name` as given or folder-as-given/relative), '-' as `stdin` */
  sources: SourceRef[];
  /** folders that held no file at all (E_EMPTY_FOLDER) or could not be listed (E_UNREADABLE) */
  errors: ExpandError[];
}

/** NAME.PID as `strace -ff -o NAME` writes it (a pid has at most 7 digits on Linux). */
const FF_NAME = /\.(\d{1,7})(?:\.gz)?$/;

export async function expandInputs(args: string[]): Promise<ExpandedInputs> {
  const sources: SourceRef[] = [];
  const errors: ExpandError[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === '-') {
      sources.push({ kind: 'stdin', name: '-' });
      continue;
    }
    let isDir = false;
    try {
      isDir = (await stat(arg)).isDirectory();
    } catch {
      // missing or unreadable: reported when opened
    }
    if (!isDir) {
      const abs = path.resolve(arg);
      if (seen.has(abs)) continue;
      seen.add(abs);
      sources.push({ kind: 'file', path: abs, name: arg });
      continue;
    }
    const { files, unreadable } = await walk(arg);
    for (const u of unreadable) {
      errors.push({ name: u.rel ? joinDisplay(arg, u.rel) : arg, code: 'E_UNREADABLE', message: `cannot list the folder: ${u.reason}` });
    }
    if (files.length === 0 && unreadable.length === 0) errors.push({ name: arg, code: 'E_EMPTY_FOLDER', message: 'the folder holds no file' });
    for (const rel of files) {
      const abs = path.resolve(arg, rel);
      if (seen.has(abs)) continue;
      seen.add(abs);
      sources.push({ kind: 'file', path: abs, name: joinDisplay(arg, rel), folder: arg });
    }
  }
  return { sources, errors };
}

export function pidFromName(name: string): number | undefined {
  const m = FF_NAME.exec(path.basename(name));
  return m ? Number(m[1]) : undefined;
}

function joinDisplay(folder: string, rel: string): string {
  const relPosix = rel.split(path.sep).join('/');
  return folder.endsWith('/') ? folder + relPosix : `${folder}/${relPosix}`;
}

/**
 * Files below `dir`, relative, sorted bytewise so the order never depends on the file system;
 * folders that cannot be listed (permission denied …) are returned apart with the reason, so
 * they are reported rather than taken for empty.
 */
async function walk(dir: string): Promise<{ files: string[]; unreadable: { rel: string; reason: string }[] }> {
  const files: string[] = [];
  const unreadable: { rel: string; reason: string }[] = [];
  async function rec(rel: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      unreadable.push({ rel, reason: e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.message });
      return;
    }
    for (const e of entries) {
      const r = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) {
        if (e.name === '.git' || e.name === 'node_modules') continue;
        await rec(r);
      } else if (e.isFile()) files.push(r);
    }
  }
  await rec('');
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return { files: files.sort(order), unreadable: unreadable.sort((a, b) => order(a.rel, b.rel)) };
}
