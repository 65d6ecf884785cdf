/**
 * Lines out of a stream of chunks, never holding more than one line (capped)
 * plus one chunk. Line numbers are 1-based; byteOffset is where the line
 * starts in the (decompressed) input.
 */
import type { Chunks } from '../../src/model/index.js';

/** Longer lines are cut here: curl output lines are short, a megabyte line is a body or garbage. */
export const MAX_LINE_BYTES = 64 * 1024;

export interface TextLine {
  text: string;
  line: number;
  byteOffset: number;
  /** the line was longer than MAX_LINE_BYTES and was cut */
  cut?: boolean;
}

export async function* readLines(chunks: Chunks, counter?: { bytes: number }): AsyncGenerator<TextLine> {
  let parts: Buffer[] = [];
  let partLen = 0;
  let cut = false;
  let line = 1;
  let lineStart = 0;
  let offset = 0;
  const finish = (): TextLine => {
    let buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, partLen);
    if (buf.length && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    const out: TextLine = { text: buf.toString('utf8'), line, byteOffset: lineStart };
    if (cut) out.cut = true;
    parts = [];
    partLen = 0;
    cut = false;
    return out;
  };
  for await (const chunk of chunks) {
    if (counter) counter.bytes += chunk.length;
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      const end = nl < 0 ? chunk.length : nl;
      if (end > from) {
        const room = MAX_LINE_BYTES - partLen;
        if (room > 0) {
          const piece = chunk.subarray(from, Math.min(end, from + room));
          // Copy: the chunk may be reused by the reader once we yield.
          parts.push(Buffer.from(piece));
          partLen += piece.length;
        }
        if (end - from > room) cut = true;
      }
      if (nl < 0) {
        offset += chunk.length - from;
        break;
      }
      offset += nl - from + 1;
      from = nl + 1;
      yield finish();
      line++;
      lineStart = offset;
    }
  }
  if (partLen > 0 || cut) yield finish();
}
