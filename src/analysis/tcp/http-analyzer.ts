/**
 * HTTP/1.x as an application analyzer: the HttpTracker's exchanges kept (or
 * only counted, when healthy and beyond the budgets), drawn on the lane, and
 * what follows a CONNECT answered 2xx (or a 101) followed as a tunnel: TLS
 * records when the tunnel carries TLS, else only its bytes.
 */
import type { HttpExchange, Side, TcpConnection, TunnelFacts } from '../../model/index.js';
import type { AppAnalyzer, AppHost } from './app.js';
import { HttpTracker, toExchange, ttfbOf, uneventful, type Ex, type HttpTrackerHost } from './http.js';
import { frameRef, SummaryStarts, type Pkt } from './packet.js';
import { looksLikeTls, TlsTracker } from './tls.js';

/**
 * Uneventful exchanges (complete, whole, no Expect, no interim) kept before
 * further ones are only counted: per connection, and per capture, so memory
 * stays flat as a capture of healthy traffic grows. Eventful ones are always kept.
 */
export const MAX_EXCHANGES_KEPT = 1000;
export const MAX_UNEVENTFUL_PER_CAPTURE = 10_000;
/** a time-to-first-byte wait is drawn on the timeline from this long */
const TTFB_SPAN_MIN = 0.01; /* s */

export class HttpAnalyzer implements AppAnalyzer {
  readonly tracker: HttpTracker;
  private readonly exchanges: HttpExchange[] = [];
  private dropped = 0;
  /** the start of its summaries, per direction (see frameRefs); the connection's own facts use them too */
  readonly starts = new SummaryStarts();
  private tunnel?: { target: string; at: Pkt; bytes: [number, number]; tls?: TlsTracker; decided: boolean };

  constructor(private readonly host: AppHost) {
    this.tracker = new HttpTracker(new TrackerHost(this, host));
  }

  /** the connection left HTTP at `at` (101, CONNECT answered 2xx): what follows is a tunnel */
  switched(at: Pkt, ex: Ex): void {
    this.tunnel = { target: ex.method === 'CONNECT' ? (ex.target ?? '') : '', at, bytes: [0, 0], decided: false };
  }

  get units(): number {
    return this.exchanges.length + this.dropped;
  }

  data(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void {
    this.tracker.dataAt(side, b, start, end, at);
  }

  gap(side: Side, n: number, at: Pkt): void {
    if (this.tunnel) {
      this.tunnel.bytes[side === 'orig' ? 0 : 1] += n;
      this.tunnel.tls?.gap(side);
      return;
    }
    this.tracker.gap(side, n, at);
  }

  fin(side: Side, at: Pkt): void {
    this.tracker.fin(side, at);
  }

  rst(side: Side, at: Pkt): void {
    this.tracker.rst(side, at);
  }

  end(at: Pkt): void {
    this.tracker.end(at);
  }

  quiet(): boolean {
    return this.exchanges.every((e) => e.end === 'complete' && e.requestSeen && !e.gapped && !e.headers.expect && e.interim.length === 0 && !e.violation);
  }

  facts(conn: TcpConnection): void {
    conn.exchanges = this.exchanges;
    if (this.dropped) conn.exchangesDropped = this.dropped;
    const t = this.tunnel;
    if (t) {
      const facts: TunnelFacts = { target: t.target, at: frameRef(t.at), protocol: t.tls ? 'tls' : 'opaque', origBytes: t.bytes[0], respBytes: t.bytes[1] };
      conn.tunnel = facts;
      if (t.tls) conn.tls = t.tls.facts();
    }
  }

  tunnelData(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void {
    const t = this.tunnel;
    if (!t || end <= start) return;
    t.bytes[side === 'orig' ? 0 : 1] += end - start;
    if (!t.decided) {
      t.decided = true;
      if (looksLikeTls(b.subarray(start, end))) t.tls = new TlsTracker();
    }
    t.tls?.data(side, b.subarray(start, end), at);
  }

  /** An exchange ended: drawn, then kept, or only counted (its FrameRefs are never made then). */
  exchangeDone(ex: Ex): void {
    this.draw(ex);
    const plain = uneventful(ex) && !ex.violation;
    const budget = this.host.shared.budget;
    if (plain && (this.exchanges.length >= MAX_EXCHANGES_KEPT || budget.uneventfulKept >= MAX_UNEVENTFUL_PER_CAPTURE)) {
      this.dropped++;
      return;
    }
    if (plain) budget.uneventfulKept++;
    this.exchanges.push(toExchange(ex, this.starts, this.host.shared.texts));
  }

  private draw(ex: Ex): void {
    const lane = this.host.lane();
    if (!lane) return;
    if (ex.reqStart) {
      const end = ex.reqEnd ?? ex.reqHdrEnd ?? ex.reqStart;
      lane.span({ start: ex.reqStart.t, end: end.t, kind: 'request', label: ex.method ? `${ex.method} ${ex.target}` : (ex.requestLine ?? 'request'), packet: ex.reqStart.frame });
    }
    if (ex.headers.expect && ex.reqHdrEnd) {
      const until = ex.reqBody.first ?? ex.resp?.start ?? ex.endAt;
      if (until && until.t > ex.reqHdrEnd.t) {
        lane.span({ start: ex.reqHdrEnd.t, end: until.t, kind: 'wait', label: `Expect: ${ex.headers.expect} wait`, packet: ex.reqHdrEnd.frame });
      }
    }
    if (ex.resp) {
      const r = ex.resp;
      const ttfb = ttfbOf(ex);
      if (ttfb !== undefined && ttfb >= TTFB_SPAN_MIN) {
        lane.span({ start: r.start.t - ttfb, end: r.start.t, kind: 'wait', label: `time to first byte ${(ttfb * 1000).toFixed(1)} ms`, packet: r.start.frame });
      }
      lane.span({
        start: r.start.t,
        end: r.last.t,
        kind: 'response',
        label: `${r.status} ${r.reason}`.trim(),
        packet: r.start.frame,
        details: { bytes: r.body.seen, framing: r.body.framing, end: ex.end ?? 'capture-end' },
      });
    }
  }
}

/** The tracker's host: one object with methods on the prototype, not four closures per connection. */
class TrackerHost implements HttpTrackerHost {
  constructor(
    private readonly a: HttpAnalyzer,
    private readonly host: AppHost,
  ) {}

  done(ex: Ex): void {
    this.a.exchangeDone(ex);
  }

  warn(at: Pkt, message: string): void {
    this.host.warn(at, message);
  }

  switched(at: Pkt, ex: Ex): void {
    this.a.switched(at, ex);
  }

  tunnel(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void {
    this.a.tunnelData(side, b, start, end, at);
  }
}
