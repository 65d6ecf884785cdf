/**
 * connect-failed as a capture shows it: a SYN answered by RST (the port is
 * closed: nothing listens, or a firewall rejects), or SYNs retransmitted with
 * no SYN-ACK (dropped: a full backlog, a firewall, a host that is down).
 * One finding per destination, with every attempt counted.
 */
import type { CaptureModel, FindingDraft, TcpConnection } from '../../model/index.js';
import { captureInputs, connectionName, evidence, fmtSeconds, wiresharkFilter } from '../../analysis/tcp/findings.js';
import { endpoint } from '../../analysis/tcp/index.js';
import type { DetectorPart } from '../types.js';

/** connect-failed as a capture shows it: one destination, every failed attempt to it. */
export type ConnectFailedWireDetails = {
  /** the destination, `ip:port` */
  address: string;
  client: string;
  /** refused: SYN answered by RST; unanswered: SYNs retransmitted, no SYN-ACK */
  outcome: 'refused' | 'unanswered';
  /** failed connections to it (kept in the model) */
  failed_connections: number;
  syns_sent: number;
  /** all attempts to it in the capture, and how many opened (connections only counted included) */
  attempts_in_capture?: number;
  connected_in_capture?: number;
  /** first to last SYN of the first unanswered attempt */
  syn_retry_span_s?: number;
  wireshark_filter: string;
  connection_state: string;
  history: string;
};

type How = 'refused' | 'unanswered';

/** A SYN retransmitted at least once with no answer: a single SYN at the capture's end proves nothing. */
const MIN_UNANSWERED_SYNS = 2;

function how(c: TcpConnection): How | undefined {
  if (c.state === 'REJ' && c.syn && c.rst?.side === 'resp') return 'refused';
  if (c.state === 'S0' && c.syn && !c.synAck && (c.synAttempts ?? 1) >= MIN_UNANSWERED_SYNS) return 'unanswered';
  return undefined;
}

/** attempts to this destination by the same client in the whole capture, including connections only counted */
function attemptsOf(model: CaptureModel, c: TcpConnection): { attempts: number; connected: number } | undefined {
  const d = model.clients?.find((x) => x.ip === c.orig.ip)?.destinations.find((x) => x.protocol === 'tcp' && x.ip === c.resp.ip && x.port === c.resp.port);
  return d ? { attempts: d.attempts, connected: d.connected } : undefined;
}

export const fromWire: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of captureInputs(run)) {
    const groups = new Map<string, { how: How; conns: TcpConnection[] }>();
    for (const c of model.connections) {
      const h = how(c);
      if (!h) continue;
      const key = `${h} ${c.orig.ip} ${endpoint(c.resp.ip, c.resp.port)}`;
      const g = groups.get(key);
      if (g) g.conns.push(c);
      else groups.set(key, { how: h, conns: [c] });
    }
    for (const { how: h, conns } of groups.values()) {
      const c = conns[0];
      const last = conns[conns.length - 1];
      const address = endpoint(c.resp.ip, c.resp.port);
      const totals = attemptsOf(model, c);
      const syns = conns.reduce((s, x) => s + (x.synAttempts ?? 1), 0);
      const waited = h === 'unanswered' && c.lastSyn && c.syn ? c.lastSyn.t - c.syn.t : undefined;
      const refs = h === 'refused' ? [c.syn, c.rst ? { frame: c.rst.frame, t: c.rst.t, summary: c.rst.summary } : undefined] : [c.syn, c.lastSyn];
      const title =
        h === 'refused'
          ? `Could not connect to ${address}: refused (SYN answered by RST${conns.length > 1 ? `, ${conns.length} attempts` : ''})`
          : `Could not connect to ${address}: no answer (${syns} SYNs, no SYN-ACK${waited !== undefined ? ` in ${fmtSeconds(waited)}` : ''})`;
      out.push({
        detector: 'connect-failed',
        severity: 'error',
        title,
        input: path,
        start: c.first.t,
        end: last.last.t,
        subject: { address, connection: connectionName(c) },
        evidence: evidence(path, refs),
        details: {
          address,
          client: c.orig.ip,
          outcome: h,
          failed_connections: conns.length,
          syns_sent: syns,
          ...(totals ? { attempts_in_capture: totals.attempts, connected_in_capture: totals.connected } : {}),
          ...(waited !== undefined ? { syn_retry_span_s: Math.round(waited * 1000) / 1000 } : {}),
          wireshark_filter: wiresharkFilter(c),
          connection_state: c.state,
          history: c.history,
        } satisfies ConnectFailedWireDetails,
        explanation:
          h === 'refused'
            ? `${address} answered the SYN with a RST: nothing listens on that port (the service is down, not started yet, or on another port), or a firewall rejects it. curl reports error 7 "Couldn't connect to server"; connect() fails with ECONNREFUSED.`
            : `The SYNs to ${address} got no answer at all, and the client retried: packets are dropped on the way (a firewall DROP rule, a host that is down) or the server's accept queue is full (a listener that stopped accepting). curl reports error 28 (connect timeout); connect() fails with ETIMEDOUT.`,
        join: { client: { ...c.orig }, server: { ...c.resp }, t: c.first.t },
        eventKeys: conns.map((x) => `${x.laneId}#connect`),
        lanes: conns.slice(0, 20).map((x) => x.laneId),
      });
    }
  }
  return out;
};
