/**
 * The reader thread's script (see read-thread.ts): waits for the word to start, hashes again
 * the bytes the consumer read itself while this thread was starting, then reads the rest of the
 * file with blocking reads into the ring of slots, hashing each chunk before it hands it over.
 * Never closes the descriptor: the consumer owns it and closes it once this thread has exited.
 */
import { readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { Ctl, END_DONE, END_FAILED, GO_STOP, POS_FROM, POS_PREFIX, views, type ThreadData } from './read-thread-layout.js';

const data = workerData as ThreadData;
const sh = views(data.sab, data.slots, data.slotSize);
const { ctl } = sh;

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
