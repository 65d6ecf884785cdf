/**
 * Writing the report file. Two rules from postmortem practice: the report
 * never replaces the evidence it was made from, and a reader never sees half
 * a report (temporary name in the same folder, then rename).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, writeSync, type Stats } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
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

function tempFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** A piece a renderer failed to make: told apart from a failed write (an internal error, not the disk's). */
export class RenderFailure extends Error {
  constructor(readonly error: unknown) {
    super('the report could not be rendered');
  }
}

/** The pieces as they come, a renderer's failure wrapped as a RenderFailure. */
async function* guarded(pieces: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  const it = Symbol.asyncIterator in pieces ? pieces[Symbol.asyncIterator]() : pieces[Symbol.iterator]();
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await it.next();
    } catch (err) {
      throw new RenderFailure(err);
    }
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Writes a report made in pieces (loadChunkedRenderer) to `file` atomically: each piece as it comes
 * (the report is never whole in memory) to a new temporary file beside `file`, renamed to it once
 * every piece is written (same file system); a
 * failure (the renderer's, as a RenderFailure, or the disk's) leaves no temporary file. Blocking
 * writes: the run has nothing else to do meanwhile, and each async write would be a round trip
 * through libuv's thread pool.
 */
export async function writeAtomicPieces(file: string, pieces: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const tmp = tempFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const out = new PieceBuffer();
    for await (const piece of guarded(pieces)) out.write(fd, piece);
    closeSync(fd);
    fd = undefined;
    await rename(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/**
 * A report made in pieces written to `out` (standard output) as they come, each after the one
 * before has gone (its callback), so at most one piece waits in memory. A write that fails (a
 * closed pipe) ends the writing quietly, as a single write did; a renderer's failure is thrown as
 * a RenderFailure, after what was already written.
 */
export async function writePieces(out: NodeJS.WritableStream, pieces: Iterable<string> | AsyncIterable<string>): Promise<void> {
  for await (const piece of guarded(pieces)) {
    if (piece === '') continue;
    const failed = await new Promise<boolean>((resolve) => out.write(piece, (err) => resolve(Boolean(err))));
    if (failed) return;
  }
}

/**
 * One buffer that every piece is encoded into, grown when a piece needs more: a new Buffer per
 * piece was fresh memory each time, faulted in by the kernel and freed again.
 */
class PieceBuffer {
  private bytes = Buffer.allocUnsafeSlow(64 * 1024);

  write(fd: number, text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 for 2)
    if (text.length * 3 > this.bytes.length) this.bytes = Buffer.allocUnsafeSlow(Math.max(text.length * 3, this.bytes.length * 2));
    const n = this.bytes.write(text, 0);
    for (let at = 0; at < n; ) at += writeSync(fd, this.bytes, at, n - at);
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
