import {
  LaneBuilder,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  type AppProtocol,
  type CloseFact,
  type ConnState,
  type Diagnostics,
  type HostPort,
  type Side,
  type TcpConnection,
  type TcpGap,
  type TcpSegment,
} from '../../model/index.js';
import type { AttemptOutcome } from './clients.js';
import { pickAnalyzer, type AppAnalyzer, type AppHost, type AppRegistration, type AppShared, type Pick } from './app.js';
import { DnsLog } from './dns.js';
import { endpoint, frameRefs, type Pkt } from './packet.js';
import { copyOf, HalfStream, type StreamSink } from './reassembly.js';
import { TCP_ANALYZERS } from './registry.js';
import { TextTable } from './texts.js';
import { seqRel } from './seq.js';
import { MAX_DETECT_BYTES } from './sniff.js';

export { MAX_EXCHANGES_KEPT, MAX_UNEVENTFUL_PER_CAPTURE } from './http-analyzer.js';
export { sniffPayload } from './sniff.js';

/** shared by the connections of one capture */
export type ExchangeBudget = AppShared['budget'];

/** Gaps listed per connection (all are summed in gapBytes). */
const MAX_GAPS_LISTED = 100;
const MAX_GAP_MARKERS = 50;
/** how far into a connection joined mid-stream we look for the start of a message */
const MAX_MIDSTREAM_SKIP = 256 * 1024; /* bytes */

const HISTORY_BITS: Record<string, number> = { S: 1, H: 2, A: 4, D: 8, F: 16, R: 32, T: 64, G: 128 };

/** a Pkt of its own with the fields of `p` (same shape as the literal in `Conn.add`) */
function copyPkt(p: Pkt): Pkt {
  return { frame: p.frame, t: p.t, byteOffset: p.byteOffset, from: p.from, to: p.to, flags: p.flags, seq: p.seq, ack: p.ack, len: p.len };
}

/** A first line of printable text (what a text protocol's client sends): worth waiting for the server's answer before naming it. */
function textLine(b: Uint8Array): boolean {
  const nl = b.indexOf(10);
  if (nl < 1) return false;
  for (let i = 0; i < nl; i++) {
    const c = b[i];
    if ((c < 32 || c > 126) && c !== 9 && c !== 13) return false;
  }
  return true;
}

interface PreItem {
  half: 0 | 1;
  bytes?: Uint8Array;
  gap?: number;
  cause?: 'loss' | 'snaplen';
  fin?: boolean;
  at: Pkt;
}

/**
 * One TCP connection while the capture is read: two reassembled directions
 * (halves, 0 = the first sender), the application on top (HTTP, TLS, or
 * nothing), its facts and its timeline lane. Sides are named orig/resp only
 * once it is known who is who.
 */
export class Conn implements StreamSink {
  readonly halves: [HalfStream, HalfStream];
  readonly ep: [HostPort, HostPort];
  /** which half is the originator (the SYN sender, or the HTTP client) */
  origHalf: 0 | 1 = 0;
  private packets: [number, number] = [0, 0];
  /**
   * History letters in order, upper case for half 0, lower case for half 1,
   * '^' where the sides were swapped: one short flat string (at most 16 letters
   * and a '^'), not an array of strings.
   */
  private hist = '';
  /** history letters already noted: one bit per letter, 8 bits per half */
  private histSeen = 0;
  private syn?: Pkt;
  /** ISN of the SYN or SYN-ACK each half sent */
  private synSeq: [number | undefined, number | undefined] = [undefined, undefined];
  private synAck?: Pkt;
  private established?: Pkt;
  private fins: [Pkt | undefined, Pkt | undefined] = [undefined, undefined];
  private rst?: { half: 0 | 1; at: Pkt };
  private closedBy?: { how: 'fin' | 'rst'; half: 0 | 1; at: Pkt };
  private first!: Pkt;
  /** the last packet, unless `lastScratch`: then it is in `scratch`, made a Pkt only when asked for */
  private lastPkt!: Pkt;
  private lastScratch = false;
  private scratch: Pkt | undefined;
  private proto: AppProtocol | undefined;
  private pre: PreItem[] = [];
  private preBytes: [number, number] = [0, 0];
  /** the application analyzer, once sniffing picked one (none: unknown, or a protocol only named) */
  private app?: AppAnalyzer;
  private readonly host: AppHost;
  /** SYNs the originator sent */
  private synCount = 0;
  private lastSyn?: Pkt;
  /** made at the first gap: most connections have none */
  private gaps: (Omit<TcpGap, 'side'> & { half: 0 | 1 })[] | undefined;
  private gapBytes = 0;
  private lane?: LaneBuilder;
  /** the first ticks, replayed into the lane if it is remade by flip() (only possible before a SYN is seen) */
  private preTicks: number[] | undefined;
  /** the half that was the originator when the lane was made: its names (made only if the connection is built) follow it */
  private laneOrig: 0 | 1 = 0;
  private gapMarkers = 0;
  private dataSeen = false;
  /** bytes of a mid-stream connection passed over while looking for a message start */
  private skipped = 0;

  constructor(
    readonly index: number,
    private readonly path: string,
    /** 4-tuple reuse count: 1 for the first connection on it */
    private readonly reuse: number,
    seg: TcpSegment,
    private readonly diag: Diagnostics,
    shared: AppShared | ExchangeBudget = { uneventfulKept: 0 },
    /** false: no report draws lanes, so none is built (no ticks, spans or markers) */
    private readonly timeline = true,
    /** the analyzers to sniff for, in order */
    private readonly registry: readonly AppRegistration[] = TCP_ANALYZERS,
  ) {
    const sh: AppShared = 'dns' in shared ? (shared as AppShared) : { budget: shared as ExchangeBudget, dns: new DnsLog(), transport: 'tcp', texts: new TextTable() };
    this.host = new ConnHost(this, sh);
    this.ep = [
      { ip: seg.src, port: seg.srcPort },
      { ip: seg.dst, port: seg.dstPort },
    ];
    // a SYN-ACK first (the SYN was not captured): its receiver is the originator
    if ((seg.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) this.origHalf = 1;
    this.halves = [new HalfStream(0, this), new HalfStream(1, this)];
  }

  /** queued to be finalized once it has lingered */
  lingering = false;
  /** the 4-tuple key the capture files its reuse count under */
  tuple: string | undefined;

  get reuseN(): number {
    return this.reuse;
  }

  get connState(): ConnState {
    return this.state();
  }

  get lastT(): number {
    return this.lastScratch ? this.scratch!.t : this.lastPkt.t;
  }
  /** finish() ran: the connection is in the model (or summarized) */
  finished = false;

  /** the connection's last packet so far */
  get last(): Pkt {
    if (this.lastScratch) {
      this.lastPkt = copyPkt(this.scratch!);
      this.lastScratch = false;
    }
    return this.lastPkt;
  }

  get closed(): boolean {
    return !!this.rst || (!!this.fins[0] && !!this.fins[1]);
  }

  /**
   * A SYN that starts a new connection on this 4-tuple: its ISN differs from
   * the one this side already used (the same ISN is a retransmitted SYN; a
   * SYN-ACK never starts one, as in tshark). A side that sent no SYN yet is
   * compared with where its bytes started.
   */
  isNewSyn(seg: TcpSegment): boolean {
    if ((seg.flags & (TCP_SYN | TCP_ACK | TCP_RST)) !== TCP_SYN) return false;
    const h = this.halfOf(seg);
    const isn = this.synSeq[h];
    if (isn !== undefined) return seg.seq !== isn;
    const base = this.halves[h].base;
    if (this.closed) return base === undefined || seg.seq !== base;
    return base !== undefined && this.dataSeen && seg.seq !== base;
  }

  halfOf(seg: TcpSegment): 0 | 1 {
    return seg.src === this.ep[0].ip && seg.srcPort === this.ep[0].port ? 0 : 1;
  }

  side(half: 0 | 1): Side {
    return half === this.origHalf ? 'orig' : 'resp';
  }

  add(seg: TcpSegment): void {
    const h = this.halfOf(seg);
    const me = this.halves[h];
    const peer = this.halves[(1 - h) as 0 | 1];
    const f = seg.flags;
    if (f & TCP_SYN) {
      me.syn(seg.seq);
      this.synSeq[h] ??= seg.seq;
    } else if (!(f & TCP_RST)) me.start(seg.seq);
    const seq = me.base !== undefined ? seqRel(me.base, seg.seq) : 0;
    const ack = f & TCP_ACK ? (peer.base !== undefined ? seqRel(peer.base, seg.ack) : seg.ack) : 0;
    let at: Pkt;
    if (f === TCP_ACK && seg.payloadLen === 0 && this.first && !(this.synAck && !this.established && h === this.origHalf) && !peer.ackMatters(seg.ack)) {
      // A pure ACK that completes nothing and shows no hole: nothing below keeps
      // it, so it is written over the connection's scratch Pkt, made a Pkt of
      // its own only if it is still the last packet when `last` is read.
      at = this.scratch ??= copyPkt(this.first);
      at.frame = seg.frame;
      at.t = seg.t;
      at.byteOffset = seg.byteOffset;
      at.from = this.ep[h];
      at.to = this.ep[(1 - h) as 0 | 1];
      at.flags = f;
      at.seq = seq;
      at.ack = ack;
      at.len = 0;
      this.lastScratch = true;
    } else {
      at = {
        frame: seg.frame,
        t: seg.t,
        byteOffset: seg.byteOffset,
        from: this.ep[h],
        to: this.ep[(1 - h) as 0 | 1],
        flags: f,
        seq,
        ack,
        len: seg.payloadLen,
      };
      if (!this.first) this.first = at;
      this.lastPkt = at;
      this.lastScratch = false;
    }
    this.packets[h]++;
    this.tick(at.t, (f & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN);

    if (f & TCP_RST) {
      this.note(h, 'R');
      if (!this.rst) {
        this.rst = { half: h, at };
        this.closedBy ??= { how: 'rst', half: h, at };
        this.halves[0].flush();
        this.halves[1].flush();
        this.decideNow();
        this.app?.rst(this.side(h), at);
        if (this.timeline) this.getLane().marker({ t: at.t, kind: 'reset', label: this.side(h) === 'orig' ? 'RST from client' : 'RST from server', packet: at.frame });
      }
      return;
    }
    if (f & TCP_SYN) {
      if (f & TCP_ACK) {
        this.note(h, 'H');
        this.synAck ??= at;
      } else {
        this.note(h, 'S');
        if (h === this.origHalf || !this.syn) {
          this.synCount++;
          this.lastSyn = at;
        }
        if (!this.syn) {
          this.syn = at;
          this.origHalf = h;
          if (this.timeline) this.getLane().marker({ t: at.t, kind: 'syn', label: 'SYN', packet: at.frame });
        }
      }
      return;
    }
    if (f & TCP_ACK && !(f & TCP_FIN) && seg.payloadLen === 0 && this.synAck && !this.established && h === this.origHalf) {
      this.established = at;
    }
    const fin = (f & TCP_FIN) !== 0;
    if (fin && !this.fins[h]) {
      this.fins[h] = at;
      this.closedBy ??= { how: 'fin', half: h, at };
      this.note(h, 'F');
      if (this.timeline) this.getLane().marker({ t: at.t, kind: 'fin', label: this.side(h) === 'orig' ? 'FIN from client' : 'FIN from server', packet: at.frame });
    }
    if (seg.payloadLen > 0) {
      this.dataSeen = true;
      this.note(h, 'D');
    } else if (!fin) this.note(h, 'A');
    // the reader's buffer and offsets when it gives them: no view made per segment
    const buf = seg.payloadBuf;
    const outcome =
      buf !== undefined ? me.segmentAt(seg.seq, buf, seg.payloadOffset!, seg.payloadCaptured!, seg.payloadLen, fin, at) : me.segment(seg.seq, seg.payload, seg.payloadLen, fin, at);
    if (outcome === 'retransmission') this.note(h, 'T');
    if (f & TCP_ACK) peer.acked(seg.ack, at);
  }

  // StreamSink: bytes of one direction, in order

  data(half: 0 | 1, bytes: Uint8Array, at: Pkt): void {
    this.dataAt(half, bytes, 0, bytes.length, at);
  }

  dataAt(half: 0 | 1, buf: Uint8Array, off: number, len: number, at: Pkt): void {
    if (this.proto === undefined) {
      if (this.pre.length === 0) {
        // Nothing held (so nothing counted in preBytes): these bytes alone are
        // sniffed, in place, and held (copied) only if they do not decide.
        this.preBytes[half] += len;
        const view = buf.subarray(off, off + len);
        const d = pickAnalyzer(this.registry, view, this.preBytes[half] >= MAX_DETECT_BYTES);
        if (d === undefined || this.waitForPeer(d, half, view)) this.pre.push({ half, bytes: copyOf(buf, off, len), at });
        else if (this.choose(d, half, false)) this.dataAt(half, buf, off, len, at);
        return;
      }
      this.pre.push({ half, bytes: copyOf(buf, off, len), at });
      this.preBytes[half] += len;
      this.decide(half, false);
      return;
    }
    this.app?.data(this.side(half), buf, off, off + len, at);
  }

  /**
   * A client's first line that no analyzer claims, before the server said
   * anything: held until the server answers (bounded), because a server that
   * answers HTTP to a malformed request (a 400) makes it an HTTP exchange, and
   * that answer is evidence.
   */
  private waitForPeer(d: Pick | null | undefined, half: 0 | 1, bytes: Uint8Array): boolean {
    return d === null && !this.midStream() && this.preBytes[(1 - half) as 0 | 1] === 0 && this.preBytes[half] < MAX_DETECT_BYTES && (this.pre.length > 0 || textLine(bytes));
  }

  gap(half: 0 | 1, n: number, cause: 'loss' | 'snaplen', at: Pkt): void {
    this.gapBytes += n;
    if ((this.gaps ??= []).length < MAX_GAPS_LISTED) this.gaps.push({ half, t: at.t, frame: at.frame, bytes: n, cause });
    this.note(half, 'G');
    if (this.timeline && this.gapMarkers++ < MAX_GAP_MARKERS) {
      this.getLane().marker({ t: at.t, kind: 'gap', label: `${n} bytes not captured (${cause})`, packet: at.frame });
    }
    if (this.proto === undefined) {
      if (this.midStream()) {
        // joined mid-stream: what was held for this direction cannot start a message any more
        this.skipUndecided(half);
        return;
      }
      this.pre.push({ half, gap: n, cause, at });
      this.decide(half, true);
      return;
    }
    this.app?.gap(this.side(half), n, at);
  }

  fin(half: 0 | 1, at: Pkt): void {
    if (this.proto === undefined) {
      this.pre.push({ half, fin: true, at });
      this.decideNow();
      return;
    }
    this.app?.fin(this.side(half), at);
  }

  private decideNow(): void {
    if (this.proto !== undefined) return;
    // the server's bytes decide first when the client's could not (a 400 to a malformed request)
    const halves = [...new Set(this.pre.filter((p) => p.bytes).map((p) => p.half))];
    for (const h of halves.reverse()) if (this.decide(h, true, h !== halves[0])) return;
    this.decide(halves[0] ?? 0, true);
  }

  /** Sniffs what is held for `half`; true when the protocol is now known and the held bytes were handed on. */
  private decide(half: 0 | 1, final: boolean, onlyIfKnown = false): boolean {
    const parts = this.pre.filter((p) => p.half === half && p.bytes).map((p) => p.bytes!);
    const bytes = Buffer.concat(parts);
    const d = pickAnalyzer(this.registry, bytes, final || this.preBytes[half] >= MAX_DETECT_BYTES);
    if (onlyIfKnown && !d) return false;
    if (!final && this.waitForPeer(d, half, bytes)) return false;
    if (!this.choose(d, half, final)) return false;
    const pre = this.pre;
    this.pre = [];
    for (const p of pre) {
      if (p.bytes) this.data(p.half, p.bytes, p.at);
      else if (p.gap !== undefined) this.app?.gap(this.side(p.half), p.gap, p.at);
      else if (p.fin) this.app?.fin(this.side(p.half), p.at);
    }
    return true;
  }

  /** Acts on what sniffing said; true when the protocol is now known (what was held is then to be handed on). */
  private choose(d: Pick | null | undefined, half: 0 | 1, final: boolean): boolean {
    if (d === undefined) return false;
    if (d === null && !final && this.midStream() && this.skipped < MAX_MIDSTREAM_SKIP) {
      // A capture that starts mid-connection usually starts mid-message: look
      // again at the next segment instead of calling the connection unknown.
      this.skipUndecided(half);
      return false;
    }
    this.proto = d === null ? 'unknown' : d.reg.protocol;
    if (d !== null && (d.said === 'client' || d.said === 'server')) {
      const clientHalf = (d.said === 'client' ? half : 1 - half) as 0 | 1;
      if (!this.syn && clientHalf !== this.origHalf) this.flip(clientHalf);
    } else {
      // No handshake and nothing in the bytes to tell who is who: a well-known port is the server's (Zeek's habit).
      const [a, b] = [this.ep[this.origHalf].port, this.ep[1 - this.origHalf].port];
      if (!this.syn && !this.synAck && a < 1024 && b >= 1024) this.flip((1 - this.origHalf) as 0 | 1);
    }
    this.app = d?.reg.create?.(this.host);
    return true;
  }

  /** no handshake seen: the capture joined the connection mid-stream */
  private midStream(): boolean {
    return !this.syn && !this.synAck;
  }

  private skipUndecided(half: 0 | 1): void {
    this.skipped += this.preBytes[half];
    this.preBytes[half] = 0;
    this.pre = this.pre.filter((p) => p.half !== half);
  }

  /** the capture began mid-connection and the first sender turned out to be the server */
  private flip(origHalf: 0 | 1): void {
    this.origHalf = origHalf;
    this.hist += '^';
    if (this.lane) {
      const old = this.lane.build();
      this.lane = undefined;
      const lane = this.getLane();
      for (const m of old.markers) lane.marker(m);
      for (const t of this.preTicks ?? []) lane.tick(t);
    }
  }

  private note(half: 0 | 1, letter: string): void {
    const bit = HISTORY_BITS[letter] << (half * 8);
    if (this.histSeen & bit) return;
    this.histSeen |= bit;
    this.hist += half === 0 ? letter : letter.toLowerCase();
  }

  /** `syn`: this packet is the originator's SYN (after it, flip() cannot happen: no first ticks to keep) */
  private tick(t: number, syn: boolean): void {
    if (!this.timeline) return;
    if (!this.syn && !syn && (this.preTicks ??= []).length < 16) this.preTicks.push(t);
    this.getLane().tick(t);
  }

  private orig(): HostPort {
    return this.ep[this.origHalf];
  }
  private resp(): HostPort {
    return this.ep[(1 - this.origHalf) as 0 | 1];
  }

  /** the lane an application analyzer draws on (none without a timeline) */
  appLane(): LaneBuilder | undefined {
    return this.timeline ? this.getLane() : undefined;
  }

  /** a warning located at `at`, naming the connection */
  warnAt(at: Pkt, msg: string): void {
    this.diag.warn({ packet: at.frame, byteOffset: at.byteOffset }, `${this.key()}: ${msg}`);
  }

  ends(): { orig: HostPort; resp: HostPort } {
    return { orig: this.orig(), resp: this.resp() };
  }

  key(): string {
    return connKey(this.orig(), this.resp(), this.reuse);
  }

  laneId(): string {
    return [this.path, '#conn:', this.key()].join('');
  }

  /**
   * The lane, made unnamed: most connections are only summed, never built, so
   * their id, label and group strings would be made for nothing. `namedLane`
   * names it from the ends as they were when it was made.
   */
  private getLane(): LaneBuilder {
    if (!this.lane) {
      this.laneOrig = this.origHalf;
      this.lane = new LaneBuilder('', this.path, 'connection', '');
    }
    return this.lane;
  }

  private namedLane(): LaneBuilder {
    const lane = this.getLane();
    const o = this.ep[this.laneOrig];
    const r = this.ep[(1 - this.laneOrig) as 0 | 1];
    lane.id = [this.path, '#conn:', connKey(o, r, this.reuse)].join('');
    lane.label = [endpoint(o.ip, o.port), endpoint(r.ip, r.port)].join(' → ');
    lane.group = endpoint(r.ip, r.port);
    return lane;
  }

  private state(): ConnState {
    const origSyn = !!this.syn;
    const rst = this.rst;
    if (origSyn && !this.synAck) {
      if (rst && this.side(rst.half) === 'resp') return 'REJ';
      if (!this.dataSeen) return 'S0';
    }
    if (!origSyn && !this.synAck) return 'OTH';
    if (rst) return this.side(rst.half) === 'orig' ? 'RSTO' : 'RSTR';
    const fo = this.fins[this.origHalf];
    const fr = this.fins[(1 - this.origHalf) as 0 | 1];
    if (fo && fr) return 'SF';
    if (fo) return 'S2';
    if (fr) return 'S3';
    return 'S1';
  }

  private closeFact(how: 'fin' | 'rst', half: 0 | 1, at: Pkt, text: (p: Pkt) => string): CloseFact {
    return { how, side: this.side(half), t: at.t, frame: at.frame, summary: text(at) };
  }

  /** End of the capture: deliver what is buffered, end open exchanges, and build the model. */
  finish(): { conn: TcpConnection; lane: LaneBuilder | undefined } {
    this.end();
    return this.build();
  }

  /** Deliver what is buffered and end open exchanges; then `quiet()`, `build()` or only the totals. */
  end(): void {
    this.finished = true;
    this.halves[0].flush();
    this.halves[1].flush();
    this.decideNow();
    this.app?.end(this.last);
  }

  /** closed cleanly, nothing missing, every kept exchange whole and plain: nothing a detector or a reader needs */
  quiet(): boolean {
    return this.state() === 'SF' && this.gapBytes === 0 && (this.app?.quiet() ?? true);
  }

  /** How its opening went, for the client's destinations (undefined: no SYN seen, the capture joined it later). */
  attempt(): { client: string; ip: string; port: number; outcome: AttemptOutcome; t: number } | undefined {
    if (!this.syn) return undefined;
    const st = this.state();
    const outcome: AttemptOutcome = this.synAck ? 'connected' : st === 'REJ' ? 'refused' : st === 'S0' ? 'unanswered' : 'unknown';
    return { client: this.orig().ip, ip: this.resp().ip, port: this.resp().port, outcome, t: this.syn.t };
  }

  /** SYNs and nothing else so far: an attempt nobody answered, safe to finalize once it has been quiet a while */
  get unanswered(): boolean {
    return !!this.syn && !this.synAck && !this.dataSeen && !this.rst && !this.fins[0] && !this.fins[1];
  }

  /** exchanges seen, kept or only counted */
  get exchangeCount(): number {
    return this.app?.units ?? 0;
  }

  get origBytes(): number {
    return this.halves[this.origHalf].bytes;
  }

  get respBytes(): number {
    return this.halves[1 - this.origHalf].bytes;
  }

  /** The model's form of the connection, and its lane (none without a timeline). */
  build(): { conn: TcpConnection; lane: LaneBuilder | undefined } {
    const o = this.origHalf;
    const r = (1 - o) as 0 | 1;
    // stored as half 0 upper, half 1 lower: the originator's letters are upper case
    const history = o === 0 ? this.hist : [...this.hist].map((ch) => (ch === '^' ? ch : ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
    // The same packet is often cited more than once (the SYN is the first, the RST the last and what closed it):
    // its summary is made once and shared (strings are immutable; a refused connection keeps 2 texts, not 5).
    const ref = frameRefs(this.app?.starts);
    const text = (p: Pkt): string => ref(p).summary;
    const c: TcpConnection = {
      index: this.index,
      key: this.key(),
      laneId: this.laneId(),
      ipVersion: this.orig().ip.includes(':') ? 6 : 4,
      orig: this.orig(),
      resp: this.resp(),
      first: ref(this.first),
      last: ref(this.last),
      state: this.state(),
      history,
      origBytes: this.halves[o].bytes,
      respBytes: this.halves[r].bytes,
      origPackets: this.packets[o],
      respPackets: this.packets[r],
      retransmissions: this.halves[0].retransmissions + this.halves[1].retransmissions,
      outOfOrder: this.halves[0].outOfOrder + this.halves[1].outOfOrder,
      overlaps: this.halves[0].overlaps + this.halves[1].overlaps,
      gaps: (this.gaps ?? []).map(({ half, ...g }) => ({ side: this.side(half), ...g })),
      gapBytes: this.gapBytes,
      protocol: this.proto ?? 'unknown',
      exchanges: [],
    };
    if (this.synCount > 1) {
      c.synAttempts = this.synCount;
      if (this.lastSyn) c.lastSyn = ref(this.lastSyn);
    }
    if (this.syn) c.syn = ref(this.syn);
    if (this.synAck) c.synAck = ref(this.synAck);
    if (this.established) c.established = ref(this.established);
    if (this.fins[o]) c.finOrig = this.closeFact('fin', o, this.fins[o]!, text);
    if (this.fins[r]) c.finResp = this.closeFact('fin', r, this.fins[r]!, text);
    if (this.rst) c.rst = this.closeFact('rst', this.rst.half, this.rst.at, text);
    if (this.closedBy) c.closedBy = this.closeFact(this.closedBy.how, this.closedBy.half, this.closedBy.at, text);
    this.app?.facts(c);
    if (!this.timeline) return { conn: c, lane: undefined };
    const lane = this.namedLane();
    lane.span({
      start: this.first.t,
      end: this.last.t,
      kind: 'connection',
      label: [c.key, c.state, c.protocol].join(' '),
      packet: this.first.frame,
      details: { history, origBytes: c.origBytes, respBytes: c.respBytes },
    });
    return { conn: c, lane };
  }
}

/**
 * `client:port->server:port`, with `#n` for the n-th connection on a reused
 * 4-tuple. Strings that stay in the model are joined, not concatenated: join
 * makes one flat string, a template literal a tree of pieces (several times the memory).
 */
function connKey(o: HostPort, r: HostPort, reuse: number): string {
  const parts = [endpoint(o.ip, o.port), '->', endpoint(r.ip, r.port)];
  if (reuse > 1) parts.push('#', String(reuse));
  return parts.join('');
}

/** What a connection's application analyzer sees of it: one object with methods on the prototype, not four closures per connection. */
class ConnHost implements AppHost {
  constructor(
    private readonly c: Conn,
    readonly shared: AppShared,
  ) {}

  key(): string {
    return this.c.key();
  }

  lane(): LaneBuilder | undefined {
    return this.c.appLane();
  }

  warn(at: Pkt, message: string): void {
    this.c.warnAt(at, message);
  }

  ends(): { orig: HostPort; resp: HostPort } {
    return this.c.ends();
  }
}
