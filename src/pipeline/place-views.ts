/**
 * Undated curl views on the capture's clock. `-w` text, `%{json}` and a script's
 * CSV print no wall-clock time, but they do print the transfer's two ends
 * (local_ip:local_port, remote_ip:remote_port). When a capture in the same run
 * holds the connection with those ends, that connection says when the transfer
 * ran: its SYN, less curl's own time_namelookup (curl starts its timers before
 * the name lookup; the SYN follows it), or, for a transfer on a reused
 * connection, its request's first byte less time_pretransfer.
 *
 * Only a match on both ends places a view, and only when it is unambiguous (one
 * connection, or one exchange with the transfer's request on it); anything
 * else keeps today's behaviour: no time, drawn from the run's start. A placed
 * transfer says so (`placed`), and so do its lane, its findings' details and
 * its input's clock note.
 *
 * Call order: after the clocks are placed (a capture's --clock-offset counts),
 * before the detectors (they read the transfers' times).
 */
import { curlEventKey, laneId, transferLane } from '../analysis/curl/index.js';
import { normIp, requestTarget } from './correlate.js';
import type { AnalysedInput, CaptureModel, ClockPlacement, CurlModel, CurlTransfer, Endpoint, HttpExchange, HostPort, TcpConnection } from '../model/index.js';

/** What placing found, for the pipeline: which transfers (by event key) took whose clock, and a line per curl input. */
export interface ViewPlacements {
  /** curl event key (`curlEventKey`) → the capture whose connection placed it */
  byEventKey: Map<string, string>;
  /** curl input path → what was placed, for its clock note */
  notes: Map<string, string>;
}

interface Candidate {
  capture: string;
  offset: number;
  conn: TcpConnection;
}

export function placeUndatedViews(inputs: AnalysedInput[], placements: Record<string, ClockPlacement>): ViewPlacements {
  const out: ViewPlacements = { byEventKey: new Map(), notes: new Map() };
  const undated = inputs.filter((a) => a.model?.kind === 'curl' && a.info.clock === 'none') as (AnalysedInput & { model: CurlModel })[];
  if (undated.length === 0) return out;
  const byEnds = connectionsByEnds(inputs, placements);
  if (byEnds.size === 0) return out;
  for (const a of undated) {
    // Within one input a connection's SYN opens one transfer and each exchange is one transfer's;
    // another input may be another view of the same transfers (curl -w and %{json} of one command).
    const taken: Taken = { syn: new Set(), exchanges: new Set(), byTarget: new Map(), cursor: new Map() };
    const path = a.info.path;
    const own = placements[path]?.offset ?? 0;
    const lanes = new Map(a.model.lanes.map((l, i) => [l.id, i]));
    let placed = 0;
    let unclear = 0;
    const from = new Set<string>();
    for (const x of a.model.transfers) {
      if (x.t !== null || !x.local?.ip || !Number.isFinite(x.local.port) || !x.remote || !Number.isFinite(x.remote.port)) continue;
      const found = byEnds.get(endsKey(x.local, x.remote));
      if (!found) continue;
      const p = placeOne(x, found, taken);
      if (!p) {
        unclear++;
        continue;
      }
      x.t = p.start - own;
      if (x.timings?.total !== undefined) x.endT = x.t + x.timings.total;
      x.placed = { input: p.c.capture, connection: p.c.conn.key, packet: p.packet, how: p.how };
      out.byEventKey.set(curlEventKey(path, x), p.c.capture);
      from.add(p.c.capture);
      placed++;
      const i = lanes.get(laneId(path, x.n ?? 0));
      if (i !== undefined) a.model.lanes[i] = transferLane(path, x);
    }
    if (placed || unclear) {
      const parts: string[] = [];
      if (placed) parts.push(`${placed} transfer${placed === 1 ? '' : 's'} placed on the clock of ${[...from].join(', ')} by ${placed === 1 ? 'its connection' : 'their connections'} (same local and remote address and port)`);
      if (unclear) parts.push(`${unclear} whose ends match a captured connection not placed (more than one connection or exchange could be it)`);
      out.notes.set(path, parts.join('; '));
    }
  }
  return out;
}

/** Connections of every capture on the run's clock, by their two ends (either way round: without a SYN the roles are a guess). */
function connectionsByEnds(inputs: AnalysedInput[], placements: Record<string, ClockPlacement>): Map<string, Candidate[]> {
  const byEnds = new Map<string, Candidate[]>();
  for (const a of inputs) {
    if (a.model?.kind !== 'capture') continue;
    const p = placements[a.info.path];
    if (!p?.absolute) continue;
    for (const conn of (a.model as CaptureModel).connections) {
      const c: Candidate = { capture: a.info.path, offset: p.offset, conn };
      for (const k of new Set([endsKey(conn.orig, conn.resp), endsKey(conn.resp, conn.orig)])) {
        const list = byEnds.get(k);
        if (list) list.push(c);
        else byEnds.set(k, [c]);
      }
    }
  }
  return byEnds;
}

/** What one input's transfers have taken so far, and each connection's exchanges by request target (built once, when first needed). */
interface Taken {
  syn: Set<TcpConnection>;
  exchanges: Set<HttpExchange>;
  byTarget: Map<TcpConnection, Map<string, HttpExchange[]>>;
  /** per list of exchanges, where the untaken ones start */
  cursor: Map<HttpExchange[], number>;
}

function exchangesByTarget(conn: TcpConnection, taken: Taken): Map<string, HttpExchange[]> {
  let m = taken.byTarget.get(conn);
  if (m) return m;
  m = new Map();
  for (const e of conn.exchanges) {
    if (!e.requestStart || e.target === undefined) continue;
    const k = requestTarget(e.target)!;
    const list = m.get(k);
    if (list) list.push(e);
    else m.set(k, [e]);
  }
  taken.byTarget.set(conn, m);
  return m;
}

function placeOne(x: CurlTransfer, found: Candidate[], taken: Taken): { c: Candidate; start: number; packet: number; how: string } | undefined {
  const target = requestTarget(x.url);
  const method = x.method?.toUpperCase();
  /** the first exchange on the connection with this transfer's request that no earlier transfer took */
  const exchangeOf = (c: Candidate): HttpExchange | undefined => {
    if (target === undefined) return undefined;
    const list = exchangesByTarget(c.conn, taken).get(target);
    if (!list) return undefined;
    // Transfers take their exchanges in order: start past the run of taken ones (linear, not quadratic, over a long keep-alive).
    let i = taken.cursor.get(list) ?? 0;
    while (i < list.length && taken.exchanges.has(list[i])) i++;
    taken.cursor.set(list, i);
    for (; i < list.length; i++) {
      const e = list[i];
      if (!taken.exchanges.has(e) && (!method || !e.method || e.method.toUpperCase() === method)) return e;
    }
    return undefined;
  };
  // Several connections with these ends (a port reused, or one connection in two captures of the
  // same host): the one carrying this request, when only one does; the first capture's, when the
  // captures saw one connection.
  let cands = found;
  if (new Set(cands.map((c) => c.capture)).size > 1) {
    const first = cands[0].capture;
    cands = cands.filter((c) => c.capture === first);
  }
  if (cands.length > 1) {
    const withRequest = cands.filter((c) => exchangeOf(c) !== undefined);
    if (withRequest.length !== 1) return undefined;
    cands = withRequest;
  }
  const c = cands[0];
  const reused = x.reused === true || x.vars?.num_connects === 0;
  const syn = c.conn.syn;
  if (!reused && syn && !taken.syn.has(c.conn)) {
    taken.syn.add(c.conn);
    // its request is on this connection too: a later transfer reusing the connection must not take it
    const own = exchangeOf(c);
    if (own) taken.exchanges.add(own);
    const lookup = x.timings?.namelookup;
    return {
      c,
      start: syn.t + c.offset - (lookup ?? 0),
      packet: syn.frame,
      how:
        lookup !== undefined
          ? `the connection's SYN (packet ${syn.frame}) less curl's time_namelookup (${lookup} s): curl's timers start before the name lookup`
          : `the connection's SYN (packet ${syn.frame}); curl printed no time_namelookup, so the lookup before it is not counted`,
    };
  }
  const e = exchangeOf(c);
  if (e?.requestStart) {
    taken.exchanges.add(e);
    const pre = x.timings?.pretransfer;
    return {
      c,
      start: e.requestStart.t + c.offset - (pre ?? 0),
      packet: e.requestStart.frame,
      how:
        pre !== undefined
          ? `the first byte of its request ${e.method ?? ''} ${e.target} (packet ${e.requestStart.frame}) less curl's time_pretransfer (${pre} s)${reused ? ': the connection was reused' : ''}`.replace('  ', ' ')
          : `the first byte of its request ${e.method ?? ''} ${e.target} (packet ${e.requestStart.frame}); curl printed no time_pretransfer`.replace('  ', ' '),
    };
  }
  return undefined;
}

function endsKey(a: Endpoint | HostPort, b: Endpoint | HostPort): string {
  return `${normIp(a.ip)}|${a.port}|${normIp(b.ip)}|${b.port}`;
}
