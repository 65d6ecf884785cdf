/**
 * The memory the reader thread (read-thread.ts) and the thread it reads for share: one
 * SharedArrayBuffer holding control words, two byte positions, three short texts, the ring
 * of slots the file is read into and the newlines of each slot's chunk. Written by both sides,
 * so one module says where everything is.
 * (Imports nothing: the thread's script loads it and nothing else of ours.)
 */

/** Int32 control words, at the start of the buffer. */
export const Ctl = {
  /** set by the consumer: 1 = read on from POS_FROM, 2 = stop (close, cancel, or the source ended before the thread was needed) */
  GO: 0,
  /** chunks the thread has read, hashed and handed over (chunk i is in slot i % slots) */
  PRODUCED: 1,
  /** chunks the consumer is done with: the thread writes chunk i only once i - RELEASED < slots */
  RELEASED: 2,
  /** bumped by the consumer at each release and at stop; what the thread waits on (no wake-up can be lost: a change ends a wait before it starts) */
  TO_THREAD: 3,
  /** bumped by the thread at each chunk, at the end, at an error; what the consumer waits on */
  TO_CONSUMER: 4,
  /** 0 reading, 1 ended (DIGEST holds the sha256), 2 failed (ERROR holds why) */
  END: 5,
  /** 1 once PREFIX_DIGEST holds the sha256 of the bytes before POS_FROM, read again by the thread */
  PREFIX_DONE: 6,
  /** bytes of the ERROR text */
  ERROR_LEN: 7,
  /**
   * the descriptor to read, set by the consumer before GO when the thread was started before the
   * file was opened (a `ReaderThread` started ahead); otherwise it is in the workerData
   */
  FD: 8,
  /**
   * set to 1 by the consumer once a line reader asked where a chunk's newlines are: from then on
   * the thread finds them in each chunk it reads (a capture's reader never asks, and costs the
   * thread no scan)
   */
  WANT_NEWLINES: 9,
  /** first of `slots` words: the length of the chunk in each slot */
  LEN: 10,
} as const;

export const END_READING = 0;
export const END_DONE = 1;
export const END_FAILED = 2;
export const GO_READ = 1;
export const GO_STOP = 2;

const MAX_SLOTS = 16;
const CTL_BYTES = (Ctl.LEN + MAX_SLOTS) * 4;
/** Float64 positions (a file can pass 2 GiB): where the thread starts, and the bytes it hashed before it */
const POS_AT = align8(CTL_BYTES);
export const POS_FROM = 0;
export const POS_PREFIX = 1;
const DIGEST_AT = POS_AT + 2 * 8;
const PREFIX_DIGEST_AT = DIGEST_AT + 64;
const ERROR_AT = PREFIX_DIGEST_AT + 64;
/** an error's code and message (UTF-8, cut to fit) */
export const ERROR_BYTES = 1024;
const SLOTS_AT = align8(ERROR_AT + ERROR_BYTES);

/**
 * The newlines of each slot's chunk, after the slots: per slot a count word, then the byte offset
 * of each newline in the chunk. The count is NEWLINES_UNKNOWN when the thread did not look (not
 * asked yet) or NEWLINES_OVER when the chunk has more than the room: the consumer scans those
 * itself. Written by the thread with the chunk, before it hands the chunk over; rewritten only
 * with the slot's bytes, so valid exactly while the chunk is.
 */
export const NEWLINES_UNKNOWN = -2;
export const NEWLINES_OVER = -1;

/**
 * Newlines a slot has room for: one per 16 bytes. A `strace -f -tt -T` log has ~8,600 lines a
 * MiB, plain `strace` ~20,000, a `curl -v` output ~37,000; a chunk of shorter lines than 16 bytes
 * on average is scanned by the consumer. 256 kB a MiB slot.
 */
export function newlineRoom(slotSize: number): number {
  return Math.max(1, slotSize >> 4);
}

function newlinesAt(slots: number, slotSize: number): number {
  return align8(SLOTS_AT + slots * slotSize);
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** The shared buffer's views, on either side. */
export interface Shared {
  sab: SharedArrayBuffer;
  ctl: Int32Array;
  pos: Float64Array;
  digest: Buffer;
  prefixDigest: Buffer;
  error: Buffer;
  slots: Buffer[];
  slotSize: number;
  /** per slot: the count word of its chunk's newlines (see NEWLINES_UNKNOWN), then newlineRoom(slotSize) words of their offsets */
  newlines: Int32Array[];
}

export function sharedBuffer(slots: number, slotSize: number): SharedArrayBuffer {
  if (slots < 3 || slots > MAX_SLOTS) throw new RangeError(`slots: 3 to ${MAX_SLOTS}`);
  return new SharedArrayBuffer(newlinesAt(slots, slotSize) + slots * (1 + newlineRoom(slotSize)) * 4);
}

export function views(sab: SharedArrayBuffer, slots: number, slotSize: number): Shared {
  return {
    sab,
    ctl: new Int32Array(sab, 0, Ctl.LEN + MAX_SLOTS),
    pos: new Float64Array(sab, POS_AT, 2),
    digest: Buffer.from(sab, DIGEST_AT, 64),
    prefixDigest: Buffer.from(sab, PREFIX_DIGEST_AT, 64),
    error: Buffer.from(sab, ERROR_AT, ERROR_BYTES),
    slots: Array.from({ length: slots }, (_, i) => Buffer.from(sab, SLOTS_AT + i * slotSize, slotSize)),
    slotSize,
    newlines: Array.from({ length: slots }, (_, i) => new Int32Array(sab, newlinesAt(slots, slotSize) + i * (1 + newlineRoom(slotSize)) * 4, 1 + newlineRoom(slotSize))),
  };
}

/** What the consumer passes the thread (workerData). */
export interface ThreadData {
  /** absent for a thread started before the file was opened: then Ctl.FD says it once GO is set */
  fd?: number;
  sab: SharedArrayBuffer;
  slots: number;
  slotSize: number;
  /** tests: the read at this byte offset fails with EIO, as a bad sector's would */
  failAt?: number;
}
