/**
 * The first pull of a file's chunk reader (`FileChunks`, `ThreadedFileChunks`) opens the file, so
 * that an open error is a read error like any other.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** The file opened, or undefined (the handle closed again) when the reader was closed while it opened. */
export async function openUnlessClosed(file: string, closed: () => boolean): Promise<FileHandle | undefined> {
  const fh = await open(file, 'r');
  if (!closed()) return fh;
  await fh.close();
  return undefined;
}
