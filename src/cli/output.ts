/**
 * Writing the report file. Two rules from postmortem practice: the report
 * never replaces the evidence it was made from, and a reader never sees half
 * a report (temporary name in the same folder, then rename).
 */
import { randomBytes } from 'node:crypto';
import { fstatSync, type Stats } from 'node:fs';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FaultlineError } from '../model/errors.js';
import type { SourceRef } from '../model/index.js';

/**
 * E_USAGE when `output` is one of the inputs: named directly, found in a folder given, reached
 * through a symlink or a hard link, or redirected into standard input. Compared by device and
 * inode (what the file *is*), not by how the path was spelled.
 */
export async function checkOutputNotInput(output: string, sources: readonly SourceRef[]): Promise<void> {
  const out = await statOrNull(output);
  if (!out) return; // a file that does not exist yet is no input
  for (const s of sources) {
    let st: Stats | null = null;
    if (s.kind === 'file' || s.kind === 'upload') st = await statOrNull(s.path);
    else if (s.kind === 'archive-member') st = await statOrNull(s.archive);
    else if (s.kind === 'stdin') st = fstatOrNull(0);
    if (st && st.isFile() && st.dev === out.dev && st.ino === out.ino) {
      throw new FaultlineError('E_USAGE', `--output ${output} is the input ${s.name}: the report would overwrite the evidence; write it elsewhere`);
    }
  }
}

/** Writes `text` to `file` atomically: a temporary file beside it, then rename (same file system). */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

function fstatOrNull(fd: number): Stats | null {
  try {
    return fstatSync(fd);
  } catch {
    return null;
  }
}
