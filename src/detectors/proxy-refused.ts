/**
 * A proxy refused a CONNECT (400, 403, 407, 502…): the tunnel never opened, so
 * the client's TLS (or anything) never started. The refusal is the proxy's
 * answer on the wire; a postmortem wants it named, with the status and reason.
 */
import type { FindingDraft } from '../model/index.js';
import { captureInputs, evidence, exchangeBase, joinFacts } from '../analysis/tcp/findings.js';
import type { Detector, ExchangeDetails } from './types.js';

/** the CONNECT and the proxy's refusal */
export type ProxyRefusedDetails = ExchangeDetails & {
  /** the CONNECT target, `host:port` */
  target: string;
  status: number;
  reason: string;
  /** the proxy, `ip:port` */
  proxy: string;
};

const WHY: Record<number, string> = {
  400: 'the proxy could not parse the CONNECT request',
  403: 'the proxy’s policy forbids this destination',
  407: 'the proxy wants credentials (Proxy-Authorization) the client did not send or that were refused',
  502: 'the proxy could not reach the destination',
  503: 'the proxy is overloaded or the destination unavailable',
  504: 'the proxy timed out reaching the destination',
};

export const proxyRefused: Detector = {
  id: 'proxy-refused',
  description: 'A proxy answered CONNECT with a refusal (4xx/5xx): the tunnel never opened.',
  detect: (run) => {
    const out: FindingDraft[] = [];
    for (const { path, model } of captureInputs(run)) {
      for (const c of model.connections) {
        for (const ex of c.exchanges) {
          const r = ex.response;
          if (ex.method !== 'CONNECT' || !r || r.status < 300) continue;
          const base = exchangeBase(path, c, ex);
          out.push({
            detector: 'proxy-refused',
            severity: 'error',
            title: `Proxy refused CONNECT ${ex.target}: ${r.status} ${r.reason}`.trim(),
            input: path,
            start: ex.requestStart?.t ?? r.start.t,
            end: r.last.t,
            subject: { ...base.subject, url: ex.target },
            evidence: evidence(path, [ex.requestStart, r.start]),
            details: { ...(base.details as ExchangeDetails), target: ex.target ?? '', status: r.status, reason: r.reason, proxy: `${c.resp.ip}:${c.resp.port}` } satisfies ProxyRefusedDetails,
            explanation: `The proxy at ${c.resp.ip}:${c.resp.port} answered the CONNECT with ${r.status}: ${WHY[r.status] ?? 'it refused to open the tunnel'}. curl reports error 56 "CONNECT tunnel failed, response ${r.status}".`,
            join: joinFacts(c, ex, r.start.t),
            eventKeys: base.eventKeys,
            lanes: base.lanes,
          });
        }
      }
    }
    return out;
  },
};
