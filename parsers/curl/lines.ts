/**
 * Lines out of a stream of chunks, never holding more than one line (capped)
 * plus one chunk. Line numbers are 1-based; byteOffset is where the line
 * starts in the (decompressed) input. Lines inside a chunk are decoded
 * straight from it; only a line that straddles chunks is copied.
 */
import type { Chunks } from '../../src/model/index.js';

/** Longer lines are cut here: curl output lines are short, a megabyte line is a body or garbage. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * `buf.toString('utf8', from, to)` without the wrapper: Buffer's own `utf8Slice`, the same
 * decoding (replacement characters included). Through toString, 83,295 lines of 1.2 kB cost
 * 0.2 s more CPU than this (bench/curl, %{json}): a fifth of the time a 100 MB/s reader has.
 */
type Utf8Slicer = Buffer & { utf8Slice?: (start: number, end: number) => string };
export function decode(buf: Buffer, from: number, to: number): string {
  const b = buf as Utf8Slicer;
  return typeof b.utf8Slice === 'function' ? b.utf8Slice(from, to) : buf.toString('utf8', from, to);
}

/**
 * One line: its text (without the newline and a CR before it), its 1-based number, the byte
 * offset where it starts, and whether it was longer than MAX_LINE_BYTES and cut. Plain arguments,
 * not an object per line: a 100 MB `curl -v` output has 3.5 million lines.
 */
export type OnLine = (text: string, line: number, byteOffset: number, cut: boolean) => void;

/**
 * Offered each line before it is decoded, where the line lies whole inside one chunk and is not
 * cut: `buf[from, to)` is the line without its LF and without a CR before the LF, and it holds no
 * other CR (a CR inside a line splits it in OnLine's reader: such lines are never offered).
 * Returns true when it took the line: the line is then neither decoded nor given to OnLine.
 * `buf` is the reader's chunk, valid during the call only (the reader may reuse it).
 * Most lines of a long `curl -v` output are headers and data lines whose text is never kept:
 * read from their bytes they cost a tenth of a decoded line.
 */
export type QuickLine = (buf: Buffer, from: number, to: number, line: number) => boolean;

/**
 * Calls `onLine` for each line, synchronously within each chunk: one await per
 * chunk, not per line (an async generator costs a promise per line).
 */
export async function readLines(chunks: Chunks, onLine: OnLine, counter?: { bytes: number }, quick?: QuickLine): Promise<void> {
  // The start of a line that began in an earlier chunk (copied: the reader may reuse chunks).
  let carry: Buffer[] = [];
  let carryLen = 0;
  let cut = false;
  const at: Cursor = { line: 1 };
  let lineStart = 0;
  let offset = 0; // bytes before the current chunk
  const emit = (text: string): void => {
    const wasCut = cut;
    cut = false;
    onLine(text.endsWith('\r') ? text.slice(0, -1) : text, at.line, lineStart, wasCut);
  };
  for await (const chunk of chunks) {
    if (counter) counter.bytes += chunk.length;
    let from = 0;
    for (;;) {
      if (carryLen === 0 && !cut) {
        // The common case: whole lines inside this chunk, up to the first that is not.
        from = wholeLines(chunk, from, offset, at, onLine, quick);
        lineStart = offset + from;
      }
      const nl = chunk.indexOf(0x0a, from);
      const end = nl < 0 ? chunk.length : nl;
      if (end > from) {
        const room = MAX_LINE_BYTES - carryLen;
        if (room > 0) {
          const piece = Buffer.from(chunk.subarray(from, Math.min(end, from + room)));
          carry.push(piece);
          carryLen += piece.length;
        }
        if (end - from > room) cut = true;
      }
      if (nl < 0) break;
      const whole = Buffer.concat(carry, carryLen);
      carry = [];
      carryLen = 0;
      from = nl + 1;
      if (cut || !straddler(whole, at.line, quick)) emit(whole.toString('utf8'));
      at.line++;
      lineStart = offset + from;
    }
    offset += chunk.length;
  }
  if (carryLen > 0 || cut) emit(Buffer.concat(carry, carryLen).toString('utf8'));
}

/**
 * A line that began in an earlier chunk, whole (`line`, its LF left out), offered to `quick` as a
 * line inside a chunk is: true when taken. Once a chunk (1 MiB) one such line is met; read the
 * long way (decoded, and a %{json} line JSON.parse'd), each took paths the lines around it never
 * take: the code optimised on those (quickJson, JsonVars, storeInto…) was thrown away there and
 * compiled again, half a dozen times over in the first chunks of a 100 MB run. The line is made
 * the chunk LineMemo's look-ups view (chunkBuf) for the call, as a chunk's own lines are.
 */
function straddler(line: Buffer, n: number, quick: QuickLine | undefined): boolean {
  if (quick === undefined) return false;
  const to = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
  const cr = line.indexOf(0x0d, 0);
  if (cr >= 0 && cr < to) return false;
  chunkBuf = line;
  chunkView = new DataView(line.buffer, line.byteOffset, line.length);
  return quick(line, 0, to, n);
}

/**
 * The chunk wholeLines reads last, and a DataView of it, for LineMemo's look-ups of its lines
 * (LineMemo.viewOf). Made where every chunk passes (wholeLines), not where a look-up first meets a
 * new buffer: met at the first change of buffer (the reader's second chunk), that rarer path had
 * no type feedback in the code optimised within the first chunk, and each function that inlined
 * it (LineMemo.get and its three callers in text.ts) was thrown away and compiled again.
 */
let chunkBuf: Buffer | undefined;
let chunkView: DataView | undefined;

/**
 * A DataView of `buf`: the one wholeLines made where `buf` is the chunk it reads (every line offered
 * to a QuickLine is in it), else a new one. For the views QuickLines keep per buffer (json-scan's
 * ScannedLine): made where each chunk is met first, inside code optimised within the first chunk,
 * a view without type feedback there threw that code away at the second chunk.
 */
export function viewOfChunk(buf: Buffer): DataView {
  if (buf === chunkBuf) return chunkView!;
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The number of the next line, kept between wholeLines and the lines that straddle chunks. */
interface Cursor {
  line: number;
}

/**
 * The lines that lie whole in `chunk` from `from` (which starts a line), given to `quick` or
 * decoded for `onLine`; returns where the first line not ended in this chunk starts. Apart from
 * readLines' handling of lines that straddle chunks: optimised on its own, the per-line loop is
 * not compiled again when that rarer code first runs (once per chunk), as readLines was five
 * times over a 100 MB `curl -v` output.
 */
function wholeLines(chunk: Buffer, from: number, offset: number, at: Cursor, onLine: OnLine, quick: QuickLine | undefined): number {
  let line = at.line;
  // read here, on every call, not only where no CR is found: code optimised within the first chunk
  // (the loop below, compiled while it runs) met that case only at the next chunk, without type
  // feedback for it, and was thrown away and compiled again there
  const length = chunk.length;
  if (chunk !== chunkBuf) {
    chunkBuf = chunk;
    chunkView = new DataView(chunk.buffer, chunk.byteOffset, length);
  }
  // The next CR at or after `from` (chunk.length: none), looked for again only once passed:
  // one scan per chunk without CRs, one short one per line of a CRLF file.
  let cr = -1;
  for (;;) {
    const nl = chunk.indexOf(0x0a, from);
    if (nl < 0) break;
    if (nl - from > MAX_LINE_BYTES) {
      const text = decode(chunk, from, from + MAX_LINE_BYTES);
      onLine(text.endsWith('\r') ? text.slice(0, -1) : text, line, offset + from, true);
    } else {
      let taken = false;
      if (quick !== undefined) {
        const to = nl > from && chunk[nl - 1] === 0x0d ? nl - 1 : nl;
        if (cr < from) {
          const i = chunk.indexOf(0x0d, from);
          cr = i < 0 ? length : i;
        }
        taken = cr >= to && quick(chunk, from, to, line);
      }
      if (!taken) {
        const text = decode(chunk, from, nl);
        onLine(text.endsWith('\r') ? text.slice(0, -1) : text, line, offset + from, false);
      }
    }
    from = nl + 1;
    line++;
    // kept on every line, not once after the loop: code compiled while the loop runs (on-stack
    // replacement, within the first chunk) had no type feedback for a store met only after it, and
    // left the optimised loop at the end of every chunk (100 times over 100 MB)
    at.line = line;
  }
  return from;
}

/** Longer lines are not remembered by LineMemo: the lines worth remembering are curl's short messages. */
const MAX_MEMO_LINE_BYTES = 256;

/**
 * Values remembered by a line's exact bytes, for a reader that meets the same lines again and
 * again (a loop of `curl -v` prints `* Recv failure: Connection reset by peer` on every failed
 * transfer) and can act on a remembered line without decoding it. Bounded: at most `max` lines
 * of at most MAX_MEMO_LINE_BYTES; once full, new lines are not remembered (they are read the long
 * way, as before). Looking up costs one pass over the line's bytes to hash it, one to compare.
 */
export class LineMemo<V> {
  private readonly byHash = new Map<number, Array<MemoEntry<V>>>();
  /**
   * The entry found last in each of FRONT_SLOTS slots, by a slot told from the line's length and
   * its first and last bytes: tried first, by comparing bytes alone. Most look-ups find a line
   * looked up just before (the same User-Agent, address, `* Recv failure: …` transfer after
   * transfer), and then cost no hash and no Map look-up (which were half of a look-up's cost).
   */
  private readonly front: Array<MemoEntry<V> | undefined> = new Array<MemoEntry<V> | undefined>(FRONT_SLOTS).fill(undefined);
  private count = 0;
  /** the buffer looked up in last, and a DataView of it: sameBytes compares four bytes at a time */
  private viewBuf: Buffer | undefined;
  private view: DataView | undefined;

  constructor(private readonly max = 256) {}

  get(buf: Buffer, from: number, to: number): V | undefined {
    if (this.count === 0 || to - from > MAX_MEMO_LINE_BYTES) return undefined;
    const slot = frontSlot(buf, from, to);
    const f = this.front[slot];
    const view = this.viewOf(buf);
    if (f !== undefined && sameBytes(f, view, buf, from, to)) return f.value;
    const list = this.byHash.get(hashBytes(buf, from, to));
    if (list === undefined) return undefined;
    for (const e of list) {
      if (sameBytes(e, view, buf, from, to)) {
        this.front[slot] = e;
        return e.value;
      }
    }
    return undefined;
  }

  /** Remembers `buf[from, to)` (copied: the reader may reuse `buf`) with `value`, while there is room. */
  set(buf: Buffer, from: number, to: number, value: V): void {
    if (this.count >= this.max || to - from > MAX_MEMO_LINE_BYTES) return;
    const h = hashBytes(buf, from, to);
    let list = this.byHash.get(h);
    if (list === undefined) this.byHash.set(h, (list = []));
    else {
      const view = this.viewOf(buf);
      if (list.some((e) => sameBytes(e, view, buf, from, to))) return;
    }
    const bytes = Buffer.from(buf.subarray(from, to));
    list.push({ bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), value });
    this.count++;
  }

  private viewOf(buf: Buffer): DataView {
    if (buf === chunkBuf) return chunkView!;
    if (buf !== this.viewBuf || this.view === undefined) {
      this.viewBuf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    return this.view;
  }
}

/** A remembered line: its bytes (a copy), a DataView of them, and its value. */
interface MemoEntry<V> {
  bytes: Buffer;
  view: DataView;
  value: V;
}

/** LineMemo's front slots (a power of 2). */
const FRONT_SLOTS = 64;

/** LineMemo's front slot of `buf[from, to)`: its length and its first and last bytes, mixed. */
function frontSlot(buf: Buffer, from: number, to: number): number {
  const n = to - from;
  return n === 0 ? 0 : (n * 7 + buf[from] * 3 + buf[to - 1]) & (FRONT_SLOTS - 1);
}

/** FNV-1a of `buf[from, to)`, cut to 30 bits (a small integer: a Map key without a heap number). */
function hashBytes(buf: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h & 0x3fffffff;
}

/**
 * Whether `e`'s bytes are `buf[from, to)` (`view` is a DataView of `buf`): four bytes at a time,
 * then the last one to three. Most look-ups are hits (a curl -v loop's `* Recv failure: …`, its
 * User-Agent), compared whole: byte by byte that was most of a look-up's cost.
 */
function sameBytes<V>(e: MemoEntry<V>, view: DataView, buf: Buffer, from: number, to: number): boolean {
  const n = to - from;
  const a = e.bytes;
  if (a.length !== n) return false;
  const ev = e.view;
  let i = 0;
  for (; i + 4 <= n; i += 4) if (ev.getInt32(i, true) !== view.getInt32(from + i, true)) return false;
  for (; i < n; i++) if (a[i] !== buf[from + i]) return false;
  return true;
}
