import { seqAdd, seqDiff } from './seq.js';
import type { Pkt } from './packet.js';

/**
 * Receives one direction's bytes in sequence order. Call order per direction:
 * data/gap 0+ times, then fin at most once. `bytes` is a view valid only
 * during the call (it may be the parser's read buffer): copy what you keep.
 */
export interface StreamSink {
  data(half: 0 | 1, bytes: Uint8Array, at: Pkt): void;
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
  /** next sequence number expected; undefined until the first SYN or segment */
  next: number | undefined;
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
    if (this.next === undefined) {
      this.base = seq;
      this.next = seqAdd(seq, 1);
    }
  }

  /** first segment without SYN: the stream starts here */
  start(seq: number): void {
    if (this.next === undefined) {
      this.next = seq;
      this.base = seqAdd(seq, -1);
    }
  }

  segment(seq: number, payload: Uint8Array, wireLen: number, fin: boolean, at: Pkt): SegmentOutcome {
    if (wireLen === 0 && !fin) return 'empty';
    this.start(seq);
    if (this.finDone) {
      this.retransmissions++;
      return 'retransmission';
    }
    const ahead = seqDiff(this.next!, seq);
    if (ahead > 0) {
      if (ahead > MAX_HOLE) {
        this.skipTo(seq, at, 'loss');
      } else {
        this.buffer(seq, payload, wireLen, fin, at);
        return 'out-of-order';
      }
    }
    const outcome = this.deliver(seq, payload, wireLen, fin, at);
    this.drain();
    return outcome;
  }

  /**
   * The peer acknowledged `ack`: bytes before it reached the peer, so a hole
   * before it will not be filled by a retransmission — the capture lost them.
   */
  acked(ack: number, at: Pkt): void {
    if (this.next === undefined || this.finDone) return;
    // A direction that never sent a byte has no hole: an ack beyond its ISN is bogus, not a loss.
    if (this.bytes === 0 && this.pending.length === 0) return;
    const d = seqDiff(this.next, ack);
    if (d <= 0 || d > MAX_HOLE) return;
    const first = this.pending[0];
    const target = first && seqDiff(first.seq, ack) > 0 ? first.seq : ack;
    // A FIN consumes one sequence number: an ack just past the data is the FIN's, not a hole.
    if (!first && d === 1) return;
    this.skipTo(target, first?.at ?? at, 'loss');
    this.drain();
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
    const d = seqDiff(this.next!, seq);
    if (d <= 0) return;
    this.gapBytes += d;
    this.bytes += d;
    this.next = seq;
    this.sink.gap(this.half, d, cause, at);
  }

  private buffer(seq: number, payload: Uint8Array, wireLen: number, fin: boolean, at: Pkt): void {
    let i = this.pending.length;
    while (i > 0 && seqDiff(this.pending[i - 1].seq, seq) < 0) i--;
    const prev = this.pending[i - 1];
    if (prev && prev.seq === seq && prev.wireLen >= wireLen && (prev.fin || !fin)) {
      this.retransmissions++;
      return;
    }
    this.outOfOrder++;
    const copy = payload.slice();
    this.pending.splice(i, 0, { seq, data: copy, wireLen, fin, at });
    this.pendingBytes += copy.length;
    while (this.pendingBytes > MAX_PENDING_BYTES || this.pending.length > MAX_PENDING_SEGMENTS) {
      const p = this.pending[0];
      this.skipTo(p.seq, p.at, 'loss');
      this.drain();
    }
  }

  private drain(): void {
    while (this.pending.length && seqDiff(this.next!, this.pending[0].seq) <= 0) {
      const p = this.pending.shift()!;
      this.pendingBytes -= p.data.length;
      if (!this.finDone) this.deliver(p.seq, p.data, p.wireLen, p.fin, p.at);
    }
  }

  private deliver(seq: number, payload: Uint8Array, wireLen: number, fin: boolean, at: Pkt): SegmentOutcome {
    const trim = -seqDiff(this.next!, seq); // ≥ 0: bytes of this segment already delivered
    if (trim >= wireLen && !(fin && trim === wireLen)) {
      this.retransmissions++;
      return 'retransmission';
    }
    const fresh = wireLen - trim;
    if (fresh > 0) {
      // no new view when nothing is trimmed: one allocation less per segment
      const captured = trim === 0 ? payload : payload.length > trim ? payload.subarray(trim) : payload.subarray(payload.length);
      if (captured.length) this.sink.data(this.half, captured, at);
      const cut = fresh - captured.length;
      if (cut > 0) {
        this.gapBytes += cut;
        this.sink.gap(this.half, cut, 'snaplen', at);
      }
      this.bytes += fresh;
      this.next = seqAdd(this.next!, fresh);
    }
    if (fin) {
      this.next = seqAdd(this.next!, 1);
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
