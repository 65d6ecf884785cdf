import type {
  Analysis,
  AnalysisContext,
  CaptureEvent,
  CaptureModel,
  Lane,
  ParseSummary,
  TcpConnection,
  TcpSegment,
} from '../../model/index.js';
import { Conn, type ExchangeBudget } from './connection.js';

export { seqAdd, seqDiff, seqLt, seqRel } from './seq.js';
export { endpoint } from './packet.js';
export { sniffPayload } from './connection.js';

/** Connections tracked per capture; beyond, new ones are only counted (a port scan must not eat memory). */
export const MAX_CONNECTIONS = 200_000;
/**
 * Quiet connections (FIN-closed both ways, nothing missing, every exchange
 * whole and plain) kept in the model; beyond, they are summed in
 * `CaptureModel.summarized`, so a big capture of healthy traffic stays flat in memory.
 */
export const MAX_QUIET_CONNECTIONS = 2000;
interface Closing {
  c: Conn;
  t: number;
}
const DONE = { c: { finished: true } as Conn, t: 0 };

/** A closed connection is kept open this long for its last ACKs and retransmissions, then finalized. */
const LINGER = 5; /* s, capture time */

/**
 * The one-pass analysis of one capture: TCP segments → connections (both
 * directions reassembled in sequence order) → HTTP/1.x exchanges or TLS
 * record facts → the CaptureModel and one timeline lane per connection.
 *
 * Call order: add() for every CaptureEvent in capture order, then finish()
 * once. Payload views in the events are valid only during add().
 */
export class CaptureAnalysis implements Analysis<CaptureEvent, CaptureModel> {
  private readonly open = new Map<number, Conn[]>();
  private readonly done: { conn: TcpConnection; lane: Lane | undefined }[] = [];
  private readonly reuse = new Map<string, number>();
  private readonly frameCounts: Record<string, number> = {};
  private readonly budget: ExchangeBudget = { uneventfulKept: 0 };
  /** closed connections waiting out LINGER, oldest first */
  private closing: Closing[] = [];
  private closingHead = 0;
  private quietKept = 0;
  private readonly summarized = { connections: 0, exchanges: 0, origBytes: 0, respBytes: 0 };
  private count = 0;
  private dropped = 0;

  /** quiet connections kept whole: only a timeline shows them, detectors never need them */
  private readonly quietCap: number;
  private readonly timeline: boolean;

  constructor(readonly ctx: AnalysisContext) {
    const timeline = ctx.timeline !== false;
    this.timeline = timeline;
    this.quietCap = timeline ? MAX_QUIET_CONNECTIONS : 0;
    if (!timeline) this.budget.uneventfulCap = 0;
  }

  add(e: CaptureEvent): void {
    if (e.kind === 'other') {
      this.frameCounts[e.frame.what] = (this.frameCounts[e.frame.what] ?? 0) + 1;
      return;
    }
    this.frameCounts.tcp = (this.frameCounts.tcp ?? 0) + 1;
    this.segment(e.seg);
  }

  private segment(seg: TcpSegment): void {
    this.expire(seg.t);
    let c = this.find(seg);
    if (c && c.isNewSyn(seg)) {
      this.close(c);
      this.forget(c);
      c = undefined;
    }
    if (!c) {
      if (this.count >= MAX_CONNECTIONS) {
        this.dropped++;
        return;
      }
      const tuple = flowKey(seg);
      const n = (this.reuse.get(tuple) ?? 0) + 1;
      this.reuse.set(tuple, n);
      c = new Conn(this.count++, this.ctx.path, n, seg, this.ctx.diag, this.budget, this.timeline);
      this.file(c);
    }
    c.add(seg);
    if (c.closed && !c.lingering) {
      c.lingering = true;
      this.closing.push({ c, t: seg.t });
    }
  }

  /** Finalize connections closed more than LINGER ago: their state leaves memory, their facts stay. */
  private expire(now: number): void {
    while (this.closingHead < this.closing.length && now - this.closing[this.closingHead].t > LINGER) {
      const { c } = this.closing[this.closingHead];
      this.closing[this.closingHead++] = DONE; // let the connection's state go
      if (!c.finished) {
        this.close(c);
        this.forget(c);
      }
    }
    if (this.closingHead > 1024 && this.closingHead * 2 > this.closing.length) {
      this.closing = this.closing.slice(this.closingHead);
      this.closingHead = 0;
    }
  }

  /**
   * Open connections are filed by their port pair (a number, no string built
   * per packet), under both directions; ports and addresses tell apart the
   * rare connections sharing a key.
   */
  private find(seg: TcpSegment): Conn | undefined {
    const list = this.open.get(portKey(seg.srcPort, seg.dstPort));
    if (!list) return undefined;
    const sp = seg.srcPort;
    const dp = seg.dstPort;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const a = c.ep[0];
      const b = c.ep[1];
      if ((a.port === sp && b.port === dp && a.ip === seg.src && b.ip === seg.dst) || (b.port === sp && a.port === dp && b.ip === seg.src && a.ip === seg.dst)) return c;
    }
    return undefined;
  }

  private file(c: Conn): void {
    const [a, b] = c.ep;
    for (const k of new Set([portKey(a.port, b.port), portKey(b.port, a.port)])) {
      const list = this.open.get(k);
      if (list) list.push(c);
      else this.open.set(k, [c]);
    }
  }

  private forget(c: Conn): void {
    const [a, b] = c.ep;
    for (const k of new Set([portKey(a.port, b.port), portKey(b.port, a.port)])) {
      const list = this.open.get(k)!.filter((x) => x !== c);
      if (list.length) this.open.set(k, list);
      else this.open.delete(k);
    }
  }

  private close(c: Conn): void {
    c.end();
    // Summed connections are never built: their cited frames and texts would be made for nothing.
    if (c.quiet() && this.quietKept++ >= this.quietCap) {
      const s = this.summarized;
      s.connections++;
      s.exchanges += c.exchangeCount;
      s.origBytes += c.origBytes;
      s.respBytes += c.respBytes;
      return;
    }
    const { conn, lane } = c.build();
    this.done.push({ conn, lane: lane?.build() });
  }

  finish(_summary: ParseSummary): CaptureModel {
    for (const c of new Set([...this.open.values()].flat())) if (!c.finished) this.close(c);
    this.open.clear();
    this.done.sort((a, b) => a.conn.index - b.conn.index);
    const model: CaptureModel = {
      kind: 'capture',
      connections: this.done.map((d) => d.conn),
      lanes: this.timeline ? this.done.map((d) => d.lane!) : [],
      frameCounts: this.frameCounts,
      stats: {},
    };
    if (this.summarized.connections) model.summarized = { ...this.summarized };
    model.stats = {
      packets: Object.values(this.frameCounts).reduce((a, b) => a + b, 0),
      connections: model.connections.length + this.summarized.connections,
      http_exchanges: model.connections.reduce((n, c) => n + c.exchanges.length, 0) + this.summarized.exchanges,
      tls_connections: model.connections.filter((c) => c.tls !== undefined).length,
    };
    if (this.dropped) {
      model.connectionsDropped = this.dropped;
      this.ctx.diag.warn({}, `${this.dropped} segments of connections beyond the first ${MAX_CONNECTIONS} were counted, not analysed`);
    }
    return model;
  }
}

/**
 * A port pair folded below 2^30, so the key stays a small integer (port * 65536
 * would be a heap number, slow to hash, for any source port above 32767).
 * Two pairs may share a key: `find` compares both ports.
 */
function portKey(src: number, dst: number): number {
  return (src << 14) ^ dst;
}

/** Both directions of a 4-tuple give the same key. */
function flowKey(s: TcpSegment): string {
  const a = `${s.src}|${s.srcPort}`;
  const b = `${s.dst}|${s.dstPort}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
