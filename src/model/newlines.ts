/**
 * Where the newlines of a chunk are, when the reader that handed the chunk out already knows: a
 * big file's reader thread (src/sources/read-thread.ts) finds them while it reads, on the second
 * core, so a line reader on the main thread need not look for each line's end itself (3.3 million
 * lines in the 404 MB strace bench log). Here, between the two, because parsers may import the
 * model and nothing of the sources. Read by the strace reader. Curl's (parsers/curl/lines.ts) does
 * not ask: there it did not pay (a 100 MB `curl -v` output: main thread -0 to -3%, the process's
 * CPU +2 to +6%, wall no better).
 *
 * Whoever asks gets the index for a chunk as long as the chunk itself is valid (the reader's
 * promise for its bytes), or undefined: a chunk of another reader (a small file, stdin, gzip), one
 * read before the thread was asked, or one with more newlines than the thread had room for. Then
 * the line reader scans for itself, as it always did (newlinesIn does either).
 */

/** A reader that knows the newlines of chunks it handed out, by the number it gave each chunk. */
export interface NewlineIndexer {
  /** The byte offsets (in the chunk) of every newline of chunk `n`, ascending; undefined when not known. */
  newlinesOf(n: number): Int32Array | undefined;
}

/** The chunk a buffer holds now, and its reader: set again each time a reader hands a buffer out (readers reuse them). */
interface HandedOut {
  by: NewlineIndexer;
  n: number;
}

const handedOut = new WeakMap<Buffer, HandedOut>();

/** Said by a reader as it hands `chunk` out as its chunk number `n`. */
export function handOutChunk(chunk: Buffer, by: NewlineIndexer, n: number): void {
  handedOut.set(chunk, { by, n });
}

/**
 * The byte offsets of every newline (0x0a) in `chunk`, ascending, for a chunk its reader indexed;
 * else undefined (find them yourself). Valid while the chunk is: read it before pulling chunks the
 * reader's promise does not cover (two pulls on, for the readers that recycle).
 */
export function newlinesOf(chunk: Buffer): Int32Array | undefined {
  const h = handedOut.get(chunk);
  return h === undefined ? undefined : h.by.newlinesOf(h.n);
}

/** newlinesIn's own finds, reused from call to call (grown for a chunk of more newlines) */
let found = new Int32Array(1 << 16);

/**
 * The byte offsets of every newline in `chunk`, ascending: its reader's index (newlinesOf), or else
 * found here, one `Buffer.indexOf` per newline, into an array the next call reuses: read it before
 * anything else may call this (before an await). One loop for line readers either way: a reader
 * that scanned itself where no index was and read the index where there was one had code optimised
 * on the first chunks (read before the thread is up, scanned) thrown away at the first indexed one.
 */
export function newlinesIn(chunk: Buffer): Int32Array {
  const known = newlinesOf(chunk);
  if (known !== undefined) return known;
  let out = found;
  let n = 0;
  for (let p = chunk.indexOf(0x0a); p >= 0; p = chunk.indexOf(0x0a, p + 1)) {
    if (n === out.length) {
      const more = new Int32Array(out.length * 2);
      more.set(out);
      found = out = more;
    }
    out[n++] = p;
  }
  return out.subarray(0, n);
}
