/**
 * curl error 56 as the wire shows it: the server reset (RST) a connection
 * while a response was awaited or being received. A RST on an idle
 * keep-alive connection after its exchanges completed is not a failure.
 * On TLS the payload is encrypted: a server RST after the client sent
 * application data and before any alert (close_notify) is the same failure.
 */
import type { FindingDraft, TcpConnection } from '../../model/index.js';
import {
  captureInputs,
  connectionName,
  evidence,
  exchangeBase,
  fmtSeconds,
  joinFacts,
  ms,
  requestName,
  requestSent,
  wiresharkFilter,
} from '../../analysis/tcp/findings.js';
import type { DetectorPart, ExchangeDetails } from '../types.js';

const ID = 'curl-error-56';

/** curl-error-56 as the capture saw it: a server RST during an exchange, or on a TLS connection. */
export type CurlError56WireDetails = ExchangeDetails & {
  phase: 'request' | 'response' | 'awaiting-response';
  response_bytes_received: number;
  body_bytes_received: number;
  reset_frame: number;
  framing?: string;
  body_bytes_expected?: number;
  request_to_reset_ms?: number;
  capture_gaps?: string;
};

export type CurlError56TlsDetails = {
  wireshark_filter: string;
  connection_state: string;
  history: string;
  encrypted: true;
  note: string;
  client_app_data_records: number;
  server_app_data_records: number;
  server_bytes: number;
  first_request_data_to_reset_ms: number;
  reset_frame: number;
};

export const fromWire: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of captureInputs(run)) {
    for (const c of model.connections) {
      if (c.protocol === 'tls') {
        const f = tlsReset(path, c);
        if (f) out.push(f);
        continue;
      }
      for (const ex of c.exchanges) {
        if (ex.end !== 'rst' || ex.endSide !== 'resp' || !ex.endAt || !ex.requestSeen) continue;
        const rst = ex.endAt;
        const sent = requestSent(ex);
        const base = exchangeBase(path, c, ex);
        const received = ex.response?.body.seen ?? 0;
        const during = !ex.requestEnd ? 'while the request was still being sent' : ex.responseBytes > 0 ? 'while the response was being received' : 'before any response byte';
        const sinceRequest = sent ? rst.t - sent.t : undefined;
        const details: CurlError56WireDetails = {
          ...(base.details as ExchangeDetails),
          phase: !ex.requestEnd ? 'request' : ex.responseBytes > 0 ? 'response' : 'awaiting-response',
          response_bytes_received: ex.responseBytes,
          body_bytes_received: received,
          reset_frame: rst.frame,
        };
        if (ex.response) {
          details.framing = ex.response.body.framing;
          if (ex.response.body.expected !== undefined) details.body_bytes_expected = ex.response.body.expected;
        }
        if (sinceRequest !== undefined) details.request_to_reset_ms = ms(sinceRequest);
        if (ex.gapped) details.capture_gaps = 'bytes of this exchange are missing from the capture';
        out.push({
          detector: ID,
          severity: 'error',
          title: `Receive failed: the server reset the connection ${during} (${requestName(ex)})`,
          input: path,
          start: ex.requestStart?.t ?? rst.t,
          end: rst.t,
          subject: base.subject,
          evidence: evidence(path, [ex.requestStart, ex.response?.start ?? ex.firstResponseByte, ex.response?.last, rst]),
          details,
          explanation:
            `The server (${connectionName(c).split('->')[1]}) sent a TCP RST ${during}` +
            (sinceRequest !== undefined ? `, ${fmtSeconds(sinceRequest)} after the request was sent` : '') +
            `; ${received} body bytes had arrived. curl reports this as error 56 "Failure when receiving data from the peer" ` +
            `(Recv failure: Connection reset by peer). The server process crashed, closed the socket with unread data, ` +
            `or a proxy/load balancer in front of it aborted the connection.`,
          join: joinFacts(c, ex, rst.t),
          eventKeys: base.eventKeys,
          lanes: base.lanes,
        });
      }
    }
  }
  return out;
};

function tlsReset(path: string, c: TcpConnection): FindingDraft | undefined {
  const tls = c.tls;
  const rst = c.rst;
  if (!tls || !rst || rst.side !== 'resp' || !tls.firstAppDataOrig) return undefined;
  if (rst.t < tls.firstAppDataOrig.t) return undefined;
  if (tls.alerts.some((a) => a.t <= rst.t)) return undefined;
  const first = tls.firstAppDataOrig;
  const details: CurlError56TlsDetails = {
    wireshark_filter: wiresharkFilter(c),
    connection_state: c.state,
    history: c.history,
    encrypted: true,
    note: 'the payload is TLS-encrypted: requests and responses cannot be told apart; no close_notify or other alert preceded the reset',
    client_app_data_records: tls.appDataOrig,
    server_app_data_records: tls.appDataResp,
    server_bytes: c.respBytes,
    first_request_data_to_reset_ms: ms(rst.t - first.t),
    reset_frame: rst.frame,
  };
  return {
    detector: ID,
    severity: 'error',
    title: 'Receive failed: the server reset a TLS connection after the client sent application data',
    input: path,
    start: first.t,
    end: rst.t,
    subject: { connection: connectionName(c) },
    evidence: evidence(path, [first, tls.lastAppDataResp, { frame: rst.frame, t: rst.t, summary: rst.summary }]),
    details,
    explanation:
      `The server sent a TCP RST ${fmtSeconds(rst.t - first.t)} after the client's first encrypted application data, ` +
      `without a TLS alert first: the client's read fails with curl error 56 (Recv failure: Connection reset by peer, ` +
      `or OpenSSL SSL_read: errno 104).`,
    join: { client: { ...c.orig }, server: { ...c.resp }, t: rst.t },
    eventKeys: [`${c.laneId}#tls`],
    lanes: [c.laneId],
  };
}
