/**
 * curl-error-56 as strace sees it: a receive call (recvfrom, recvmsg, read,
 * readv) failing with ECONNRESET or ETIMEDOUT on a socket the process had
 * sent a request on and was reading the reply from. The join facts (local
 * end = client, peer = server, the failure's time) let the pipeline merge it
 * with the same reset seen in a capture or in curl's own output.
 */
import type { FindingDraft, JoinFacts, RunModel, SocketFailure, StraceModel } from '../../model/index.js';
import type { DetectorPart } from '../types.js';

const WORDING: Record<string, string> = {
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
};

/** curl-error-56 as strace saw it: a receive on a socket that failed with ECONNRESET/ETIMEDOUT. */
export type CurlError56StraceDetails = {
  source: 'strace';
  call: string;
  fd: number;
  errno: string;
  /** curl's words for the errno (Connection reset by peer …) */
  wording: string;
  sent_bytes: number;
  received_bytes: number;
  request_seen: boolean;
  curl_equivalent: string;
  protocol?: string;
  local?: string;
  peer?: string;
  call_duration?: number;
  /** how the socket's ends were known */
  socket_ends_from?: { on: string[] };
};

export const fromStrace: DetectorPart = (run: RunModel) => {
  const out: FindingDraft[] = [];
  for (const input of run.inputs) {
    const m = input.model;
    if (m === undefined || m.kind !== 'strace') continue;
    const path = input.info.path;
    for (const f of (m as StraceModel).socketFailures) {
      // the rule: a request was sent on it — or the log began after the socket was opened, so the send may be before it
      if (f.sentBytes <= 0 && f.socketSeenOpen !== false) continue;
      out.push(failureFinding(path, f));
    }
  }
  return out;
};

function endpoint(e: { ip: string; port: number } | undefined): string | undefined {
  if (e === undefined) return undefined;
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function failureFinding(path: string, f: SocketFailure): FindingDraft {
  const c = f.call;
  const s = f.socket;
  const local = endpoint(s?.local);
  const peer = endpoint(s?.peer);
  // the failure is seen when the call returns
  const at = c.endT ?? (c.t !== null && c.duration !== undefined ? c.t + c.duration : c.t);
  // no bytesReceived: strace counts header bytes too, where the join means body bytes
  const join: JoinFacts = { t: at };
  if (s?.local !== undefined) join.client = { ...s.local };
  if (s?.peer !== undefined) join.server = { ...s.peer };
  const connection = local !== undefined && peer !== undefined ? `${local}->${peer}` : undefined;
  const wording = WORDING[f.errno] ?? f.errno;
  const details: CurlError56StraceDetails = {
    source: 'strace',
    call: c.name,
    fd: f.fd,
    errno: f.errno,
    wording,
    sent_bytes: f.sentBytes,
    received_bytes: f.receivedBytes,
    request_seen: f.sentBytes > 0,
    curl_equivalent: `curl: (56) Recv failure: ${wording}`,
  };
  if (s?.protocol !== undefined) details.protocol = s.protocol;
  if (local !== undefined) details.local = local;
  if (peer !== undefined) details.peer = peer;
  if (c.duration !== undefined) details.call_duration = c.duration;
  // How the socket's ends were known (a joined finding's `correlation` says what joined the views).
  details.socket_ends_from = {
    on: [join.client ? 'client address:port (strace -yy or getsockname)' : undefined, join.server ? 'server address:port (strace -yy or connect())' : undefined, 'time of the failing call']
      .filter((x): x is string => x !== undefined),
  };

  const reason =
    f.errno === 'ECONNRESET'
      ? 'The server (or a proxy, load balancer or firewall between) answered with a TCP RST: it crashed or restarted, closed an idle keep-alive connection the client reused, hit its own request/read timeout, or refused the request (size, protocol) by aborting the connection.'
      : 'The connection timed out inside the kernel (retransmissions or keepalive probes went unanswered): the server or the path to it went away mid-response — a dropped route, a firewall or NAT table that forgot the connection, or a host that died.';
  const explanation = [
    `${c.name} on fd ${f.fd}${connection ? ` (${connection})` : ''} failed with ${f.errno} after the process had sent ${f.sentBytes} bytes and received ${f.receivedBytes}: the same failure curl reports as error 56 "Recv failure: ${wording}".`,
    reason,
    `Check the server's logs at this moment, a capture of the connection (who sent the RST, and when), and idle or keep-alive timeouts on the server and any proxy${f.receivedBytes > 0 ? '; part of the response had arrived, so the server started answering before it aborted' : '; no response byte had arrived'}.`,
  ].join(' ');

  const sub: FindingDraft['subject'] = { syscall: c.name };
  if (f.pid !== 0) {
    sub.pid = f.tgid ?? f.pid;
    sub.tid = f.pid;
  }
  if (connection !== undefined) sub.connection = connection;

  const evidence = [{ input: path, line: c.line, text: c.text }];
  if (c.endLine !== undefined) evidence.push({ input: path, line: c.endLine, text: c.endText });
  return {
    detector: 'curl-error-56',
    severity: 'error',
    title: `Receive failed: ${c.name} returned ${f.errno} (${wording})${connection ? ` on ${connection}` : ` on fd ${f.fd}`}`,
    input: path,
    start: c.t,
    end: at,
    subject: sub,
    evidence,
    details,
    explanation,
    join,
    lanes: [`${path}#tid:${f.pid}`],
    eventKeys: connection !== undefined ? [`conn:${connection}`] : [`${path}#tid:${f.pid}#fd:${f.fd}#line:${c.line}`],
  };
}
