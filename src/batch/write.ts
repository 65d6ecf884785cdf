/**
 * Atomic writes: a file of --out is either its old self or its new self,
 * never half of either (a Ctrl-C, a crash or a full disk mid-write leaves a
 * temporary file, which the next run removes).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';

export const TEMP_PREFIX = '.tmp-faultline-';

function tempFor(file: string): string {
  return path.join(path.dirname(file), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${path.basename(file)}`);
}

export async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = await writeTemp(file, data);
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * The first half of `writeAtomic`: `data` written whole under a temporary name beside `file`,
 * which is returned; renaming it to `file` is the caller's (a case's reports are written on
 * its thread and put in place by the batch once it takes the case as done).
 */
export async function writeTemp(file: string, data: string | Uint8Array): Promise<string> {
  const tmp = tempFor(file);
  try {
    await writeFile(tmp, data);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return tmp;
}

/**
 * `writeTemp` blocking: for a pool thread, which runs one case at a time and has nothing else
 * to do meanwhile. Through libuv's pool a write is three hops to another thread and back (open,
 * write, close), each waking a thread on a machine where every core is busy.
 */
export function writeTempSync(file: string, data: string | Uint8Array): string {
  const tmp = tempFor(file);
  try {
    writeFileSync(tmp, data);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return tmp;
}

/** A file written piece by piece (findings.jsonl can be large), renamed into place when done. */
export class AtomicStream {
  private readonly tmp: string;
  private readonly out;
  constructor(private readonly file: string) {
    this.tmp = tempFor(file);
    this.out = createWriteStream(this.tmp);
  }
  async write(chunk: string): Promise<void> {
    // once() rejects on 'error' and removes both listeners either way
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
  async commit(): Promise<void> {
    this.out.end();
    await finished(this.out);
    await rename(this.tmp, this.file);
  }
  async abandon(): Promise<void> {
    this.out.destroy();
    await rm(this.tmp, { force: true });
  }
}

/** Temporary files a killed run left behind in `dir`. */
export async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.startsWith(TEMP_PREFIX)).map((n) => rm(path.join(dir, n), { force: true })));
}
