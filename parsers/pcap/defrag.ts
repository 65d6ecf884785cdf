/**
 * IP fragment reassembly with bounded memory. Fragments are rare in the
 * captures we read (TCP avoids them with MSS/PMTU), so clarity beats speed
 * here: pieces are copied, and a datagram is rebuilt when its last hole fills.
 * Nothing of a fragmented datagram is decoded as TCP until it is whole: a TCP
 * header that only arrives in a later fragment is never misread.
 */

/** Most datagrams waiting for pieces at once; the oldest is dropped beyond it. */
const MAX_PENDING = 256;
/** Most bytes held in pieces at once, all datagrams together. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024; /* bytes */
/** A datagram whose pieces do not all arrive within this is dropped (RFC 791 suggests 15 s; Linux uses 30 s). */
const REASSEMBLY_TIMEOUT = 60; /* s */
/** IPv4 total length is 16 bits; IPv6 fragments also carry at most 65535 payload bytes. */
const MAX_DATAGRAM = 65535 + 8; /* bytes */

interface Piece {
  off: number;
  data: Uint8Array;
}

interface Pending {
  firstT: number;
  pieces: Piece[];
  /** total payload length, known once the last fragment (MF clear) arrives */
  total: number;
  held: number;
}

export interface DefragStats {
  /** datagrams rebuilt */
  reassembled: number;
  /** datagrams given up (timeout, memory bound, bad offsets) */
  dropped: number;
}

export class Defragmenter {
  private readonly pending = new Map<string, Pending>();
  private heldBytes = 0;
  readonly stats: DefragStats = { reassembled: 0, dropped: 0 };

  /**
   * Add the payload piece of one fragment (offset in bytes into the
   * datagram's payload). Returns the whole payload once complete, else null.
   */
  add(key: string, off: number, more: boolean, piece: Uint8Array, t: number): Uint8Array | null {
    this.expire(t);
    if (off + piece.length > MAX_DATAGRAM) {
      this.drop(key);
      this.stats.dropped++;
      return null;
    }
    let p = this.pending.get(key);
    if (!p) {
      while (this.pending.size >= MAX_PENDING || this.heldBytes + piece.length > MAX_PENDING_BYTES) {
        const oldest = this.pending.keys().next();
        if (oldest.done) break;
        this.drop(oldest.value);
        this.stats.dropped++;
      }
      p = { firstT: t, pieces: [], total: -1, held: 0 };
      this.pending.set(key, p);
    }
    p.pieces.push({ off, data: piece.slice() });
    p.held += piece.length;
    this.heldBytes += piece.length;
    if (!more) p.total = off + piece.length;
    if (p.total < 0) return null;
    // Complete when the pieces, in order, cover [0, total) without a hole.
    p.pieces.sort((a, b) => a.off - b.off);
    let covered = 0;
    for (const x of p.pieces) {
      if (x.off > covered) return null;
      covered = Math.max(covered, x.off + x.data.length);
    }
    if (covered < p.total) return null;
    const out = new Uint8Array(p.total);
    // Later pieces overwrite earlier ones where they overlap, as Linux does.
    for (const x of p.pieces) out.set(x.data.subarray(0, Math.max(0, Math.min(x.data.length, p.total - x.off))), x.off);
    this.drop(key);
    this.stats.reassembled++;
    return out;
  }

  /** Datagrams still waiting at the end of the capture. */
  get waiting(): number {
    return this.pending.size;
  }

  private expire(t: number): void {
    for (const [k, p] of this.pending) {
      if (t - p.firstT <= REASSEMBLY_TIMEOUT) break; // insertion order ≈ time order
      this.drop(k);
      this.stats.dropped++;
    }
  }

  private drop(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.heldBytes -= p.held;
    this.pending.delete(key);
  }
}
