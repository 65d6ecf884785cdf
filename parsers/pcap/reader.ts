/**
 * Feeding a container reader from a stream of chunks of any size. Records
 * are read straight from each chunk; only a record that spans chunks is
 * copied into a buffer of exactly the bytes it needs. The whole file is never
 * held: what is held is at most one record (or one pcapng block).
 *
 * Buffer ownership: a chunk is not used once the next one is asked for (what
 * is held across chunks is a copy), so the source may read into buffers it
 * reuses (OpenedSource.recycle).
 */

/**
 * A reader of one container format. `consume` reads as many whole records as
 * `b[p..]` holds and returns where it stopped. When it stops short of the end
 * it sets `need` to the bytes it needs from there (more than it has). A
 * return beyond `b.length` means "skip that many bytes past the end".
 */
export interface ContainerReader {
  need: number;
  /** set when the rest of the input cannot be read (the reader has warned why) */
  stopped: boolean;
  /** `base` is the file offset of b[0] */
  consume(b: Buffer, p: number, base: number): number;
  /** end of input: `rest` holds bytes never consumed (from file offset `base`), `skipLeft` bytes of a skip never reached */
  eof(rest: Buffer | null, base: number, skipLeft: number): void;
}

/** Runs `reader` over `chunks`; returns the bytes read. */
export async function drive(chunks: AsyncIterable<Buffer>, reader: ContainerReader): Promise<number> {
  let pend: Buffer[] = [];
  let held = 0;
  /** file offset of the first held byte, or of the next unread byte when nothing is held */
  let base = 0;
  let skip = 0;
  let total = 0;

  // Reads `buf` (starting at file offset `base`, nothing held); keeps what it left.
  const run = (buf: Buffer): boolean => {
    const p = reader.consume(buf, 0, base);
    if (reader.stopped) return false;
    if (p >= buf.length) {
      skip = p - buf.length;
      base += buf.length;
    } else {
      if (reader.need <= buf.length - p) throw new Error(`reader asked for ${reader.need} bytes with ${buf.length - p} in hand`);
      // a copy: `buf` may be read over once the next chunk is asked for
      pend = [Buffer.from(buf.subarray(p))];
      held = buf.length - p;
      base += p;
    }
    return true;
  };

  outer: for await (const chunk of chunks) {
    total += chunk.length;
    let c: Buffer = chunk;
    while (c.length > 0) {
      if (skip > 0) {
        const s = Math.min(skip, c.length);
        skip -= s;
        base += s;
        c = c.subarray(s);
        continue;
      }
      if (held === 0) {
        if (!run(c)) break outer;
        break;
      }
      const need = reader.need;
      if (held + c.length < need) {
        pend.push(Buffer.from(c));
        held += c.length;
        break;
      }
      const take = need - held;
      pend.push(c.subarray(0, take));
      const merged = Buffer.concat(pend, need);
      pend = [];
      held = 0;
      c = c.subarray(take);
      if (!run(merged)) break outer;
    }
  }
  if (!reader.stopped) reader.eof(held > 0 ? Buffer.concat(pend, held) : null, base, skip);
  return total;
}
