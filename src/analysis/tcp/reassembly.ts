import { seqAdd, seqDiff } from './seq.js';
import type { Pkt } from './packet.js';

/**
 * Receives one direction's bytes in sequence order. Call order per direction:
 * data/gap 0+ times, then fin at most once. `bytes` is a view valid only
 * during the call (it may be the parser's read buffer): copy what you keep.
 */
export interface StreamSink {
  data(half: 0 | 1, bytes: Uint8Array, at: Pkt): void;
  /** the same as `data(half, buf.subarray(off, off + len), at)`, when the sink can take bytes without a view made for them */
  dataAt?(half: 0 | 1, buf: Uint8Array, off: number, len: number, at: Pkt): void;
  /** `n` bytes exist on the wire but not in the capture */
  gap(half: 0 | 1, n: number, cause: 'loss' | 'snaplen', at: Pkt): void;
  fin(half: 0 | 1, at: Pkt): void;
}

interface Pending {
  seq: number;
  /** a copy: the parser's buffer is gone once add() returns */
  data: Uint8Array;
  wireLen: number;
  fin: boolean;
  at: Pkt;
}

/**
 * A copy of `buf[off, off + len)` that owns its bytes: `buf` may be a Node
 * Buffer, whose `slice` is a view, not a copy.
 */
export function copyOf(buf: Uint8Array, off: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  out.set(buf.subarray(off, off + len));
  return out;
}

/** Out-of-order data kept per direction while waiting for a hole to fill. */
export const MAX_PENDING_BYTES = 1 << 20; /* bytes */
export const MAX_PENDING_SEGMENTS = 512;
/** A jump further ahead than this is not a hole we wait for: the bytes are gone. */
const MAX_HOLE = 1 << 26; /* bytes */

export type SegmentOutcome = 'in-order' | 'retransmission' | 'overlap' | 'out-of-order' | 'empty';

/**
 * One direction of a TCP connection, reassembled in sequence order:
 * retransmissions dropped, overlaps trimmed, out-of-order segments buffered
 * (capped), holes the peer acknowledged (or that outgrow the cap) reported
 * as gaps, snaplen-cut payload reported as gaps.
 */
export class HalfStream {
  /**
   * next sequence number expected, once `started` (the first SYN or segment).
   * Always a number, so the field holds its double in place: an `undefined`
   * start would make every store of a sequence number above 2^30 a new heap number.
   */
  next = 0;
  started = false;
  /** base for relative sequence numbers (the ISN) */
  base: number | undefined;
  finDone = false;
  bytes = 0;
  retransmissions = 0;
  overlaps = 0;
  outOfOrder = 0;
  gapBytes = 0;
  private pending: Pending[] = [];
  private pendingBytes = 0;

  constructor(
    readonly half: 0 | 1,
    private readonly sink: StreamSink,
  ) {}

  syn(seq: number): void {
    if (!this.started) {
      this.started = true;
      this.base = seq;
      this.next = seqAdd(seq, 1);
    }
  }

  /** first segment without SYN: the stream starts here */
  start(seq: number): void {
    if (!this.started) {
      this.started = true;
      this.next = seq;
      this.base = seqAdd(seq, -1);
    }
  }

  segment(seq: number, payload: Uint8Array, wireLen: number, fin: boolean, at: Pkt): SegmentOutcome {
    return this.segmentAt(seq, payload, 0, payload.length, wireLen, fin, at);
  }

  /** `segment` with the captured payload as `buf[off, off + cap)` */
  segmentAt(seq: number, buf: Uint8Array, off: number, cap: number, wireLen: number, fin: boolean, at: Pkt): SegmentOutcome {
    if (wireLen === 0 && !fin) return 'empty';
    this.start(seq);
    if (this.finDone) {
      this.retransmissions++;
      return 'retransmission';
    }
    const ahead = seqDiff(this.next, seq);
    if (ahead > 0) {
      if (ahead > MAX_HOLE) {
        this.skipTo(seq, at, 'loss');
      } else {
        this.buffer(seq, copyOf(buf, off, cap), wireLen, fin, at);
        return 'out-of-order';
      }
    }
    const outcome = this.deliver(seq, buf, off, cap, wireLen, fin, at);
    this.drain();
    return outcome;
  }

  /**
   * The peer acknowledged `ack`: bytes before it reached the peer, so a hole
   * before it will not be filled by a retransmission — the capture lost them.
   */
  acked(ack: number, at: Pkt): void {
    if (!this.ackMatters(ack)) return;
    const first = this.pending[0];
    const target = first && seqDiff(first.seq, ack) > 0 ? first.seq : ack;
    this.skipTo(target, first?.at ?? at, 'loss');
    this.drain();
  }

  /** Would `acked(ack)` report a hole? (When not, the caller need not make a Pkt for it.) */
  ackMatters(ack: number): boolean {
    if (!this.started || this.finDone) return false;
    // A direction that never sent a byte has no hole: an ack beyond its ISN is bogus, not a loss.
    if (this.bytes === 0 && this.pending.length === 0) return false;
    const d = seqDiff(this.next, ack);
    if (d <= 0 || d > MAX_HOLE) return false;
    // A FIN consumes one sequence number: an ack just past the data is the FIN's, not a hole.
    if (this.pending.length === 0 && d === 1) return false;
    return true;
  }

  /** Deliver everything buffered, holes as gaps (RST or end of capture). */
  flush(): void {
    while (this.pending.length) {
      const p = this.pending[0];
      this.skipTo(p.seq, p.at, 'loss');
      this.drain();
    }
  }

  private skipTo(seq: number, at: Pkt, cause: 'loss' | 'snaplen'): void {
    const d = seqDiff(this.next, seq);
    if (d <= 0) return;
    this.gapBytes += d;
    this.bytes += d;
    this.next = seq;
    this.sink.gap(this.half, d, cause, at);
  }

  /** `copy` is the segment's own copy of its captured bytes */
  private buffer(seq: number, copy: Uint8Array, wireLen: number, fin: boolean, at: Pkt): void {
    let i = this.pending.length;
    while (i > 0 && seqDiff(this.pending[i - 1].seq, seq) < 0) i--;
    const prev = this.pending[i - 1];
    if (prev && prev.seq === seq && prev.wireLen >= wireLen && (prev.fin || !fin)) {
      this.retransmissions++;
      return;
    }
    this.outOfOrder++;
    this.pending.splice(i, 0, { seq, data: copy, wireLen, fin, at });
    this.pendingBytes += copy.length;
    while (this.pendingBytes > MAX_PENDING_BYTES || this.pending.length > MAX_PENDING_SEGMENTS) {
      const p = this.pending[0];
      this.skipTo(p.seq, p.at, 'loss');
      this.drain();
    }
  }

  private drain(): void {
    while (this.pending.length && seqDiff(this.next, this.pending[0].seq) <= 0) {
      const p = this.pending.shift()!;
      this.pendingBytes -= p.data.length;
      if (!this.finDone) this.deliver(p.seq, p.data, 0, p.data.length, p.wireLen, p.fin, p.at);
    }
  }

  private deliver(seq: number, buf: Uint8Array, off: number, cap: number, wireLen: number, fin: boolean, at: Pkt): SegmentOutcome {
    const trim = -seqDiff(this.next, seq); // ≥ 0: bytes of this segment already delivered
    if (trim >= wireLen && !(fin && trim === wireLen)) {
      this.retransmissions++;
      return 'retransmission';
    }
    const fresh = wireLen - trim;
    if (fresh > 0) {
      const skip = cap > trim ? trim : cap;
      const captured = cap - skip;
      if (captured) {
        const sink = this.sink;
        if (sink.dataAt) sink.dataAt(this.half, buf, off + skip, captured, at);
        // no new view when nothing is trimmed: one allocation less per segment
        else sink.data(this.half, skip === 0 && off === 0 && cap === buf.length ? buf : buf.subarray(off + skip, off + cap), at);
      }
      const cut = fresh - captured;
      if (cut > 0) {
        this.gapBytes += cut;
        this.sink.gap(this.half, cut, 'snaplen', at);
      }
      this.bytes += fresh;
      this.next = seqAdd(this.next, fresh);
    }
    if (fin) {
      this.next = seqAdd(this.next, 1);
      this.finDone = true;
      this.sink.fin(this.half, at);
    }
    if (trim > 0) {
      this.overlaps++;
      return 'overlap';
    }
    return 'in-order';
  }
}
