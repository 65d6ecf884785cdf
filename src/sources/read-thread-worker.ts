/**
 * The reader thread's script (see read-thread.ts): waits for the word to start, hashes again
 * the bytes the consumer read itself while this thread was starting, then reads the rest of the
 * file with blocking reads into the ring of slots, hashing each chunk (and, once a line reader
 * asked, finding its newlines) before it hands it over.
 * Never closes the descriptor: the consumer owns it and closes it once this thread has exited.
 */
import { readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { Ctl, END_DONE, END_FAILED, GO_STOP, NEWLINES_OVER, NEWLINES_UNKNOWN, POS_FROM, POS_PREFIX, views, type ThreadData } from './read-thread-layout.js';

const data = workerData as ThreadData;
const sh = views(data.sab, data.slots, data.slotSize);
const { ctl } = sh;

/** the whole shared buffer as words, for wordNewlines */
const words = new Int32Array(data.sab, 0, data.sab.byteLength >> 2);
/** a slot's bytes copied out of shared memory for byteNewlines (made at the first chunk it takes) */
let unshared: Buffer | undefined;
/** whether the last chunk indexed had lines shorter than WORD_SCAN_LINE bytes on average */
let shortLines = false;

const stopped = (): boolean => Atomics.load(ctl, Ctl.GO) === GO_STOP;
/** the descriptor: from workerData, or (a thread started ahead of the file) from Ctl.FD once GO is set */
let fd = data.fd ?? -1;

function tell(): void {
  Atomics.add(ctl, Ctl.TO_CONSUMER, 1);
  Atomics.notify(ctl, Ctl.TO_CONSUMER);
}

function read(buf: Buffer, len: number, at: number): number {
  if (data.failAt !== undefined && at + len > data.failAt) {
    if (at >= data.failAt) throw Object.assign(new Error(`EIO: i/o error, read`), { code: 'EIO' });
    len = data.failAt - at;
  }
  return readSync(fd, buf, 0, len, at);
}

/**
 * Average line length below which words are the cheaper scan (measured per MiB, on the bench's
 * logs: `curl -v` output, 28 bytes a line, 0.40 ms by words, 0.59 by indexOf; `strace -f -tt -T`,
 * 120 bytes a line, 0.42 by words, 0.24 by indexOf; they cross near 50).
 */
const WORD_SCAN_LINE = 48;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Writes into `out` (a slot's count word, then its room) the offset of every newline of
 * `slot[0, n)`, or NEWLINES_OVER once they pass the room. By the cheaper of two scans for lines
 * as long as the last chunk's: a JavaScript loop costs a fixed time a byte, `Buffer.indexOf` one
 * a line.
 */
function findNewlines(slot: Buffer, n: number, out: Int32Array): void {
  const count = shortLines && LITTLE_ENDIAN ? wordNewlines(slot, n, out) : byteNewlines(slot, n, out);
  out[0] = count;
  shortLines = count < 0 || count * WORD_SCAN_LINE > n;
}

/**
 * byteNewlines' scan: `Buffer.indexOf` per newline, on a copy of the slot: on these shared slots
 * each call costs twice as much (1.2 ms a MiB of `curl -v` output against 0.5), more than the copy
 * (0.07 ms a MiB).
 */
function byteNewlines(slot: Buffer, n: number, out: Int32Array): number {
  const room = out.length - 1;
  unshared ??= Buffer.allocUnsafeSlow(sh.slotSize);
  const bytes = n === unshared.length ? unshared : unshared.subarray(0, n);
  slot.copy(bytes, 0, 0, n);
  let count = 0;
  for (let p = bytes.indexOf(0x0a); p >= 0; p = bytes.indexOf(0x0a, p + 1)) {
    if (count === room) return NEWLINES_OVER;
    out[++count] = p;
  }
  return count;
}

/**
 * wordNewlines' scan: four bytes at a time, as words of the shared buffer (little-endian: the
 * first byte is a word's low one). A word's newlines are the zero bytes of word ^ 0x0a0a0a0a,
 * each marked exactly by bit 7 of its byte in ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f).
 */
function wordNewlines(slot: Buffer, n: number, out: Int32Array): number {
  const room = out.length - 1;
  const base = slot.byteOffset;
  let count = 0;
  let i = 0;
  // bytes up to the first whole word (a slot starts on one unless the slot size is not a multiple of 4), words, then the rest
  const head = Math.min(n, (4 - (base & 3)) & 3);
  for (; i < head; i++) {
    if (slot[i] !== 0x0a) continue;
    if (count === room) return NEWLINES_OVER;
    out[++count] = i;
  }
  const firstWord = (base + i) >> 2;
  const endWord = firstWord + ((n - i) >> 2);
  for (let w = firstWord; w < endWord; w++) {
    const x = words[w] ^ 0x0a0a0a0a;
    let m = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
    if (m === 0) continue;
    const at = w * 4 - base;
    while (m !== 0) {
      if (count === room) return NEWLINES_OVER;
      // the lowest marked byte first: m & -m keeps the lowest set bit
      out[++count] = at + ((31 - Math.clz32(m & -m)) >> 3);
      m &= m - 1;
    }
  }
  for (i = endWord * 4 - base; i < n; i++) {
    if (slot[i] !== 0x0a) continue;
    if (count === room) return NEWLINES_OVER;
    out[++count] = i;
  }
  return count;
}

function fail(err: unknown): void {
  const e = err as NodeJS.ErrnoException;
  const text = JSON.stringify({ code: e?.code, message: e?.message ?? String(err) });
  const n = sh.error.write(text.length > sh.error.length ? JSON.stringify({ code: e?.code, message: (e?.message ?? '').slice(0, 400) }) : text);
  Atomics.store(ctl, Ctl.ERROR_LEN, n);
  Atomics.store(ctl, Ctl.END, END_FAILED);
  tell();
}

function main(): void {
  parentPort!.postMessage('ready');
  Atomics.wait(ctl, Ctl.GO, 0);
  if (stopped()) return;
  if (data.fd === undefined) fd = Atomics.load(ctl, Ctl.FD);
  const from = sh.pos[POS_FROM];
  const hash = createHash('sha256');
  const size = sh.slotSize;
  try {
    // The bytes the consumer read itself, read again for the digest (slot 0 is free until the first chunk).
    let at = 0;
    while (at < from) {
      const n = read(sh.slots[0], Math.min(size, from - at), at);
      if (n === 0) break; // shrunk: the two digests differ, the consumer says so
      hash.update(sh.slots[0].subarray(0, n));
      at += n;
    }
    sh.pos[POS_PREFIX] = at;
    at = from;
    sh.prefixDigest.write(hash.copy().digest('hex'), 'latin1');
    Atomics.store(ctl, Ctl.PREFIX_DONE, 1);
    for (let i = 0; ; i++) {
      // wait for a free slot: the consumer holds at most two chunks, the rest are ahead
      for (;;) {
        const seen = Atomics.load(ctl, Ctl.TO_THREAD);
        if (stopped()) return;
        if (i - Atomics.load(ctl, Ctl.RELEASED) < data.slots) break;
        Atomics.wait(ctl, Ctl.TO_THREAD, seen);
      }
      const slot = sh.slots[i % data.slots];
      const n = read(slot, size, at);
      if (n === 0) break;
      hash.update(n === size ? slot : slot.subarray(0, n));
      if (Atomics.load(ctl, Ctl.WANT_NEWLINES) === 1) findNewlines(slot, n, sh.newlines[i % data.slots]);
      else sh.newlines[i % data.slots][0] = NEWLINES_UNKNOWN;
      at += n;
      Atomics.store(ctl, Ctl.LEN + (i % data.slots), n);
      Atomics.store(ctl, Ctl.PRODUCED, i + 1);
      tell();
    }
    sh.digest.write(hash.digest('hex'), 'latin1');
    Atomics.store(ctl, Ctl.END, END_DONE);
    tell();
  } catch (err) {
    fail(err);
  }
}

main();
