import type {
  Analysis,
  AnalysisContext,
  CaptureEvent,
  CaptureModel,
  Lane,
  ParseSummary,
  ConnState,
  TcpConnection,
  TcpSegment,
  UdpDatagram,
} from '../../model/index.js';
import { TCP_SYN } from '../../model/index.js';
import { pickAnalyzer, type AppAnalyzer, type AppHost, type AppShared } from './app.js';
import { ClientLog } from './clients.js';
import { Conn } from './connection.js';
import { DnsLog } from './dns.js';
import type { Pkt } from './packet.js';
import { UDP_ANALYZERS } from './registry.js';
import { TextTable } from './texts.js';

export { seqAdd, seqDiff, seqLt, seqRel } from './seq.js';
export { endpoint } from './packet.js';
export { sniffPayload } from './connection.js';

/** Connections tracked at once (open, or closed and lingering); beyond, new ones are only counted (a SYN flood must not eat memory). */
export const MAX_CONNECTIONS = 200_000;
/**
 * Connections kept whole in the model that are not quiet (resets, refusals,
 * unanswered SYNs, open at the end…); beyond, they are counted by conn_state in
 * `CaptureModel.notKept`. 10,000 refused connections are about 40 MB and 5 s
 * to build on a busy machine; a million refused SYNs must not be a million objects.
 */
export const MAX_KEPT_CONNECTIONS = 10_000;
/** A connection that is only SYNs is finalized after this long without a packet (Linux gives up after ~127 s of retries; the capture moves on). */
const UNANSWERED_IDLE = 30; /* s, capture time */
/** UDP flows remembered at once (only which analyzer they carry); the oldest are forgotten first */
const MAX_UDP_FLOWS = 10_000;
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
 * Closed connections lingering at once; beyond, the oldest is finalized early
 * (a late ACK then opens nothing: it is counted as a lone OTH only if it
 * carries data). At 100,000 connections a second, LINGER alone would hold
 * 500,000 of them — 1.2 GB measured.
 */
const MAX_LINGERING = 4096;

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
  /** 4-tuple → connections seen on it; `kept`: one of them is in the model (its key must stay unique) */
  private readonly reuse = new Map<string, { n: number; kept: boolean }>();
  private readonly frameCounts: Record<string, number> = {};
  private readonly clients = new ClientLog();
  private readonly shared: AppShared = { budget: { uneventfulKept: 0 }, dns: new DnsLog((q) => this.clients.lookup(q)), transport: 'tcp', texts: new TextTable() };
  private readonly udpShared: AppShared = { ...this.shared, transport: 'udp' };
  private readonly udpFlows = new Map<string, UdpFlow>();
  private notKept: Partial<Record<ConnState, number>> = {};
  private keptLoud = 0;
  private openCount = 0;
  /** tuples of connections finalized before LINGER was out (MAX_LINGERING), and when they closed */
  private readonly early = new Map<string, number>();
  private lastSweep = 0;
  /** closed connections waiting out LINGER, oldest first */
  private closing: Closing[] = [];
  private closingHead = 0;
  private quietKept = 0;
  private readonly summarized = { connections: 0, exchanges: 0, origBytes: 0, respBytes: 0 };
  private count = 0;
  private dropped = 0;

  /**
   * false: no lanes are built (no ticks, spans or markers: a sixth of the CPU and a fifth of the
   * peak memory of an 800 MB capture). The same connections and exchanges are kept either way
   * (MAX_QUIET_CONNECTIONS, MAX_UNEVENTFUL_PER_CAPTURE), so the result but its lanes does not depend
   * on the report drawn: curl views are placed on quiet connections, the stats count kept exchanges.
   */
  private readonly timeline: boolean;

  constructor(readonly ctx: AnalysisContext) {
    this.timeline = ctx.timeline !== false;
  }

  add(e: CaptureEvent): void {
    if (e.kind !== 'tcp') {
      this.frameCounts[e.frame.what] = (this.frameCounts[e.frame.what] ?? 0) + 1;
      if (e.kind === 'udp') this.datagram(e.dgram);
      return;
    }
    this.frameCounts.tcp = (this.frameCounts.tcp ?? 0) + 1;
    this.segment(e.seg);
  }

  private segment(seg: TcpSegment): void {
    this.expire(seg);
    let c = this.find(seg);
    if (c && c.isNewSyn(seg)) {
      this.close(c);
      this.forget(c);
      c = undefined;
    }
    if (!c && !(seg.flags & TCP_SYN) && this.early.size) {
      const t = this.early.get(flowKey(seg));
      if (t !== undefined && seg.t - t <= LINGER) return;
    }
    if (!c) {
      if (this.openCount >= MAX_CONNECTIONS) {
        this.dropped++;
        return;
      }
      const tuple = flowKey(seg);
      const r = this.reuse.get(tuple);
      const n = (r?.n ?? 0) + 1;
      if (r) r.n = n;
      else this.reuse.set(tuple, { n, kept: false });
      c = new Conn(this.count++, this.ctx.path, n, seg, this.ctx.diag, this.shared, this.timeline);
      c.tuple = tuple;
      this.openCount++;
      this.file(c);
    }
    c.add(seg);
    if (c.closed && !c.lingering) {
      c.lingering = true;
      this.closing.push({ c, t: seg.t });
    }
  }

  /**
   * Finalize connections closed more than LINGER ago, or beyond the newest
   * MAX_LINGERING: their state leaves memory, their facts stay.
   */
  private expire(seg: TcpSegment): void {
    // the segment, not its time: a number passed to a call that is not inlined is boxed, one heap number per packet
    const now = seg.t;
    if (now - this.lastSweep > UNANSWERED_IDLE) this.sweep(now);
    while (this.closingHead < this.closing.length && (now - this.closing[this.closingHead].t > LINGER || this.closing.length - this.closingHead > MAX_LINGERING)) {
      const { c, t } = this.closing[this.closingHead];
      this.closing[this.closingHead++] = DONE; // let the connection's state go
      if (!c.finished && now - t <= LINGER && c.tuple !== undefined) {
        // finalized early: its late ACKs must not open a connection of their own
        if (this.early.size >= MAX_LINGERING * 4) this.early.delete(this.early.keys().next().value as string);
        this.early.set(c.tuple, t);
      }
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

  /** Finalize SYN-only connections quiet for UNANSWERED_IDLE: a scan or a dead port leaves no open state behind. */
  private sweep(now: number): void {
    this.lastSweep = now;
    const idle: Conn[] = [];
    for (const list of this.open.values()) for (const c of list) if (!c.finished && c.unanswered && now - c.lastT > UNANSWERED_IDLE) idle.push(c);
    for (const c of new Set(idle)) {
      this.close(c);
      this.forget(c);
    }
  }

  /** UDP: each flow gets the analyzer its first datagram is sniffed as (or none). */
  private datagram(d: UdpDatagram): void {
    const a = `${d.src}|${d.srcPort}`;
    const b = `${d.dst}|${d.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let f = this.udpFlows.get(key);
    if (!f) {
      const pick = pickAnalyzer(UDP_ANALYZERS, d.payload, true);
      const first = { ip: d.src, port: d.srcPort };
      const second = { ip: d.dst, port: d.dstPort };
      const serverFirst = pick?.said === 'server';
      f = { orig: serverFirst ? second : first, resp: serverFirst ? first : second, app: undefined };
      const flow = f;
      const host: AppHost = {
        key: () => `${flow.orig.ip}:${flow.orig.port}->${flow.resp.ip}:${flow.resp.port}`,
        lane: () => undefined,
        warn: (at, msg) => this.ctx.diag.warn({ packet: at.frame, byteOffset: at.byteOffset }, msg),
        ends: () => ({ orig: flow.orig, resp: flow.resp }),
        shared: this.udpShared,
      };
      f.app = pick?.reg.create?.(host) ?? null;
      if (this.udpFlows.size >= MAX_UDP_FLOWS) this.udpFlows.delete(this.udpFlows.keys().next().value as string);
      this.udpFlows.set(key, f);
    }
    if (!f.app) return;
    const side = d.src === f.orig.ip && d.srcPort === f.orig.port ? 'orig' : 'resp';
    const at: Pkt = { frame: d.frame, t: d.t, byteOffset: d.byteOffset, from: side === 'orig' ? f.orig : f.resp, to: side === 'orig' ? f.resp : f.orig, flags: 0, seq: 0, ack: 0, len: d.payloadLen };
    f.app.data(side, d.payload, 0, d.payload.length, at);
  }

  private forget(c: Conn): void {
    this.openCount--;
    const [a, b] = c.ep;
    for (const k of new Set([portKey(a.port, b.port), portKey(b.port, a.port)])) {
      const list = this.open.get(k)!.filter((x) => x !== c);
      if (list.length) this.open.set(k, list);
      else this.open.delete(k);
    }
  }

  private close(c: Conn): void {
    c.end();
    const a = c.attempt();
    if (a) this.clients.attempt('tcp', a.client, a.ip, a.port, a.outcome, a.t);
    const r = c.tuple !== undefined ? this.reuse.get(c.tuple) : undefined;
    // Summed connections are never built: their cited frames and texts would be made for nothing.
    const quiet = c.quiet();
    if (quiet && this.quietKept++ >= MAX_QUIET_CONNECTIONS) {
      const s = this.summarized;
      s.connections++;
      s.exchanges += c.exchangeCount;
      s.origBytes += c.origBytes;
      s.respBytes += c.respBytes;
      if (r && !r.kept && r.n === c.reuseN) this.reuse.delete(c.tuple!);
      return;
    }
    if (!quiet && this.keptLoud++ >= MAX_KEPT_CONNECTIONS) {
      const st = c.connState;
      this.notKept[st] = (this.notKept[st] ?? 0) + 1;
      if (r && !r.kept && r.n === c.reuseN) this.reuse.delete(c.tuple!);
      return;
    }
    if (r) r.kept = true;
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
    if (Object.keys(this.notKept).length) model.notKept = this.notKept;
    const dns = this.shared.dns.facts();
    if (dns) model.dns = dns;
    const clients = this.clients.facts();
    if (clients) model.clients = clients;
    if (this.clients.moreClients) model.clientsDropped = this.clients.moreClients;
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

interface UdpFlow {
  orig: { ip: string; port: number };
  resp: { ip: string; port: number };
  /** null: no analyzer claimed it */
  app: AppAnalyzer | null | undefined;
}

/**
 * A port pair folded below 2^30, so the key stays a small integer (port * 65536
 * would be a heap number, slow to hash, for any source port above 32767).
 * Two pairs may share a key: `find` compares both ports.
 */
function portKey(src: number, dst: number): number {
  return (src << 14) ^ dst;
}

/**
 * Both directions of a 4-tuple give the same key. Joined, not concatenated:
 * join makes one flat string, where a template literal leaves a tree of
 * pieces (about three times the memory) in the `reuse` and `early` maps.
 */
function flowKey(s: TcpSegment): string {
  const a = `${s.src}|${s.srcPort}`;
  const b = `${s.dst}|${s.dstPort}`;
  return (a < b ? [a, b] : [b, a]).join('|');
}
