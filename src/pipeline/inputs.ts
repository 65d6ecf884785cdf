/**
 * Turning the command line's paths into inputs. A folder stands for every
 * file below it (recursively, in a stable order); '-' is standard input.
 * Paths are not checked here: a missing file is that input's error, found
 * when it is opened, never the run's.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface InputSpec {
  /** inputs[].path: as given, or folder-as-given joined with the path below it */
  display: string;
  /** what to open: a path, or '-' */
  file: string;
  /** found inside a folder: a file that is not a trace there is 'skipped', not an error */
  fromFolder: boolean;
  /** the folder it came from, when fromFolder */
  folder?: string;
  /** pid from a `strace -ff` name NAME.PID */
  pidHint?: number;
}

export interface ExpandedInputs {
  specs: InputSpec[];
  /** folders given that held no file at all (they become an error entry) */
  emptyFolders: string[];
}

/** NAME.PID as `strace -ff -o NAME` writes it (a pid has at most 7 digits on Linux). */
const FF_NAME = /\.(\d{1,7})(?:\.gz)?$/;

export async function expandInputs(args: string[]): Promise<ExpandedInputs> {
  const specs: InputSpec[] = [];
  const emptyFolders: string[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === '-') {
      specs.push({ display: '-', file: '-', fromFolder: false });
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
      specs.push({ display: arg, file: arg, fromFolder: false, pidHint: pidFromName(arg) });
      continue;
    }
    const files = await walk(arg);
    if (files.length === 0) emptyFolders.push(arg);
    for (const rel of files) {
      const file = path.join(arg, rel);
      const abs = path.resolve(file);
      if (seen.has(abs)) continue;
      seen.add(abs);
      const display = joinDisplay(arg, rel);
      specs.push({ display, file, fromFolder: true, folder: arg, pidHint: pidFromName(rel) });
    }
  }
  return { specs, emptyFolders };
}

export function pidFromName(name: string): number | undefined {
  const m = FF_NAME.exec(path.basename(name));
  return m ? Number(m[1]) : undefined;
}

function joinDisplay(folder: string, rel: string): string {
  const relPosix = rel.split(path.sep).join('/');
  return folder.endsWith('/') ? folder + relPosix : `${folder}/${relPosix}`;
}

/** Files below `dir`, relative, sorted bytewise so the order never depends on the file system. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function rec(rel: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) {
        if (e.name === '.git' || e.name === 'node_modules') continue;
        await rec(r);
      } else if (e.isFile()) out.push(r);
    }
  }
  await rec('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
