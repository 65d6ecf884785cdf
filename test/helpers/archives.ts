/**
 * Archives built in a test from real samples, and hostile ones crafted entry
 * by entry with tar-stream (names, links, devices, sizes no tool would write).
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: tar.Header['type'];
  /** file content; a size without content writes that many zero bytes (a bomb is zeros) */
  content?: Buffer | string;
  size?: number;
  linkname?: string;
}

/** Writes a tar (gzipped when the name ends in .gz/.tgz), zeros streamed for big members. */
export async function writeTar(file: string, entries: TarEntry[]): Promise<void> {
  const pack = tar.pack();
  const gz = /\.(tgz|gz)$/.test(file);
  const done = gz ? pipeline(pack, createGzip({ level: 9 }), createWriteStream(file)) : pipeline(pack, createWriteStream(file));
  for (const e of entries) {
    if (e.type && e.type !== 'file') {
      pack.entry({ name: e.name, type: e.type, linkname: e.linkname, size: 0 });
      continue;
    }
    const content = e.content === undefined ? undefined : Buffer.from(e.content);
    if (content) {
      pack.entry({ name: e.name }, content);
      continue;
    }
    const size = e.size ?? 0;
    await new Promise<void>((resolve, reject) => {
      const s = pack.entry({ name: e.name, size }, (err) => (err ? reject(err) : resolve()));
      const zeros = Buffer.alloc(1 << 20);
      let left = size;
      const write = () => {
        while (left > 0) {
          const n = Math.min(left, zeros.length);
          left -= n;
          if (!s.write(n === zeros.length ? zeros : zeros.subarray(0, n))) return void s.once('drain', write);
        }
        (s as NodeJS.WritableStream).end();
      };
      write();
    });
  }
  pack.finalize();
  await done;
}

/** The files of a sample folder as tar entries under `prefix/`. */
export function folderEntries(dir: string, prefix: string): TarEntry[] {
  return readdirSync(dir)
    .sort()
    .map((n) => ({ name: `${prefix}/${n}`, content: readFileSync(path.join(dir, n)) }));
}

/** A zip of a folder made by Info-ZIP's zip (a real tool), members under the folder's name. */
export function zipFolder(zipFile: string, parent: string, folder: string): void {
  execFileSync('zip', ['-q', '-r', '-X', zipFile, folder], { cwd: parent });
}
