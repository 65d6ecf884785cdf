/**
 * What the wire-side detectors share: naming a connection and an exchange the
 * way every finding does (subject, Wireshark filter, event keys, join facts,
 * cited frames). Pure functions over the CaptureModel.
 */
import type {
  CaptureModel,
  Evidence,
  FrameRef,
  HttpExchange,
  JoinFacts,
  RunModel,
  TcpConnection,
} from '../../model/index.js';
import { endpoint } from './packet.js';

export interface CaptureInput {
  path: string;
  model: CaptureModel;
}

export function captureInputs(run: RunModel): CaptureInput[] {
  const out: CaptureInput[] = [];
  for (const i of run.inputs) if (i.model?.kind === 'capture') out.push({ path: i.info.path, model: i.model });
  return out;
}

/** `client:port->server:port` as findings name a connection */
export function connectionName(c: TcpConnection): string {
  return `${endpoint(c.orig.ip, c.orig.port)}->${endpoint(c.resp.ip, c.resp.port)}`;
}

/** A display filter that shows this connection in Wireshark (ports alone, as users type it; addresses added for safety). */
export function wiresharkFilter(c: TcpConnection): string {
  const ip = c.ipVersion === 6 ? 'ipv6.addr' : 'ip.addr';
  const addrs = c.orig.ip === c.resp.ip ? `${ip} == ${c.orig.ip}` : `${ip} == ${c.orig.ip} && ${ip} == ${c.resp.ip}`;
  return `tcp.port == ${c.orig.port} && tcp.port == ${c.resp.port} && ${addrs}`;
}

export function exchangeKey(c: TcpConnection, ex: HttpExchange): string {
  return `${c.laneId}#exchange:${ex.n}`;
}

/** Host header without port, lower case */
export function hostOf(ex: HttpExchange): string | undefined {
  const h = ex.headers.host?.trim().toLowerCase();
  if (!h) return undefined;
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d+$/, '');
}

/** The URL when Host and path are known (absolute-form targets are already URLs) */
export function urlOf(ex: HttpExchange): string | undefined {
  if (!ex.target) return undefined;
  if (/^https?:\/\//i.test(ex.target)) return ex.target;
  if (!ex.headers.host || !ex.target.startsWith('/')) return undefined;
  return `http://${ex.headers.host.trim()}${ex.target}`;
}

export function joinFacts(c: TcpConnection, ex: HttpExchange | undefined, t: number | undefined): JoinFacts {
  const j: JoinFacts = { client: { ...c.orig }, server: { ...c.resp } };
  if (ex) {
    const host = hostOf(ex);
    if (host) j.host = host;
    const url = urlOf(ex);
    if (url) j.url = url;
    if (ex.method) j.method = ex.method;
    if (ex.response) j.status = ex.response.status;
    j.bytesReceived = ex.response?.body.seen ?? 0;
  }
  if (t !== undefined) j.t = t;
  return j;
}

/** The few frames that prove a finding, each once, in frame order. */
export function evidence(path: string, refs: (FrameRef | undefined)[]): Evidence[] {
  const seen = new Map<number, FrameRef>();
  for (const r of refs) if (r && !seen.has(r.frame)) seen.set(r.frame, r);
  return [...seen.values()].sort((a, b) => a.frame - b.frame).map((r) => ({ input: path, packet: r.frame, text: r.summary }));
}

export function ms(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}

export function fmtSeconds(seconds: number): string {
  return seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toFixed(1)} ms`;
}

/** `POST /upload` or `response without its request` */
export function requestName(ex: HttpExchange): string {
  if (ex.method) return `${ex.method} ${ex.target}`;
  if (ex.requestSeen && ex.requestLine !== undefined) return `the malformed request ${JSON.stringify(ex.requestLine.slice(0, 40))}`;
  return 'a response whose request was not captured';
}

/** When the request was done being sent (its end, or its headers when the body never came). */
export function requestSent(ex: HttpExchange): FrameRef | undefined {
  return ex.requestEnd ?? ex.requestHeadersEnd ?? ex.requestStart;
}

/** Common subject and details of a finding about one exchange. */
export function exchangeBase(path: string, c: TcpConnection, ex: HttpExchange) {
  const subject: { connection: string; url?: string } = { connection: connectionName(c) };
  const url = urlOf(ex);
  if (url) subject.url = url;
  const details: Record<string, unknown> = {
    wireshark_filter: wiresharkFilter(c),
    connection_state: c.state,
    history: c.history,
    exchange: ex.n,
  };
  if (ex.requestLine) details.request = ex.requestLine;
  if (ex.response) details.status = ex.response.status;
  return { subject, details, lanes: [c.laneId], eventKeys: [exchangeKey(c, ex)], input: path };
}
