/**
 * Archive formats told by their first bytes, in a module of its own (it imports nothing): the
 * CLI asks it before it loads the pipeline, when it decides whether to start a reader thread.
 */
export type ArchiveFormat = 'tar' | 'tar.gz' | 'zip';

/** zip: a local header or an empty archive's end record; gzip: 1f 8b (a .tar.gz is checked on reading); tar: "ustar" at 257. */
export function formatOfHead(head: Uint8Array): ArchiveFormat | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}
