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

/** a slot's bytes copied out of shared memory for findNewlines (made at the first chunk it takes) */
let unshared: Buffer | undefined;

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
 * Writes into `out` (a slot's count word, then its room) the offset of every newline of
 * `slot[0, n)`, or NEWLINES_OVER once they pass the room. `Buffer.indexOf` per newline, on a copy
 * of the slot: on the shared slot each call costs twice as much (0.34 ms a MiB of the strace bench
 * log against 0.17; 1.2 against 0.5 on `curl -v` output), more than the copy (0.07 ms a MiB). A
 * loop over the slot's words (four bytes at a time, a zero-byte mask) cost 0.4 ms a MiB of either.
 */
function findNewlines(slot: Buffer, n: number, out: Int32Array): void {
  const room = out.length - 1;
  unshared ??= Buffer.allocUnsafeSlow(sh.slotSize);
  const bytes = n === unshared.length ? unshared : unshared.subarray(0, n);
  slot.copy(bytes, 0, 0, n);
  let count = 0;
  for (let p = bytes.indexOf(0x0a); p >= 0; p = bytes.indexOf(0x0a, p + 1)) {
    if (count === room) return void (out[0] = NEWLINES_OVER);
    out[++count] = p;
  }
  out[0] = count;
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
