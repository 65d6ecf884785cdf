/**
 * dns-failed as a capture shows it: DNS queries (UDP or TCP) with no answer,
 * or answered NXDOMAIN / SERVFAIL / REFUSED. One finding per name, server and
 * outcome (a resolver asks A and AAAA, and retries: one failure, not four).
 */
import type { DnsQuery, FindingDraft } from '../../model/index.js';
import { captureInputs, evidence, fmtSeconds } from '../../analysis/tcp/findings.js';
import { endpoint } from '../../analysis/tcp/index.js';
import type { DetectorPart } from '../types.js';

/** dns-failed as a capture shows it: one name, one resolver, one outcome. */
export type DnsFailedWireDetails = {
  name: string;
  /** the resolver, `ip:port` */
  server: string;
  client: string;
  /** no-answer, or the rcode's name (NXDOMAIN, SERVFAIL, REFUSED, …) */
  outcome: string;
  query_types: string[];
  transports: ('udp' | 'tcp')[];
  /** queries sent, retransmissions included */
  queries_sent: number;
  rcode?: number;
};

/** An unanswered query counts as failed once the capture ran this long after it (glibc's resolver waits 5 s, curl's c-ares 1–2 s). */
const ANSWER_WAIT = 1; /* s */
const FAILING_RCODES = new Set(['NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP']);

export const fromWire: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of captureInputs(run)) {
    const dns = model.dns;
    if (!dns) continue;
    const captureEnd = Math.max(0, ...model.connections.map((c) => c.last.t), ...dns.queries.map((q) => q.answer?.at.t ?? q.at.t));
    const groups = new Map<string, { outcome: string; qs: DnsQuery[] }>();
    for (const q of dns.queries) {
      let outcome: string | undefined;
      if (!q.answer) outcome = q.attempts > 1 || captureEnd - q.at.t >= ANSWER_WAIT ? 'no-answer' : undefined;
      else if (FAILING_RCODES.has(q.answer.rcodeName)) outcome = q.answer.rcodeName;
      if (!outcome) continue;
      const key = `${q.name} ${q.client.ip} ${endpoint(q.server.ip, q.server.port)} ${outcome}`;
      const g = groups.get(key);
      if (g) g.qs.push(q);
      else groups.set(key, { outcome, qs: [q] });
    }
    for (const { outcome, qs } of groups.values()) {
      const q = qs[0];
      const server = endpoint(q.server.ip, q.server.port);
      const sent = qs.reduce((s, x) => s + x.attempts, 0);
      const types = [...new Set(qs.map((x) => x.type))];
      const transports = [...new Set(qs.map((x) => x.transport))];
      const lastSeen = Math.max(...qs.map((x) => x.answer?.at.t ?? x.at.t));
      const what =
        outcome === 'no-answer'
          ? `no answer from ${server} (${sent} ${sent === 1 ? 'query' : 'queries'} over ${transports.join(' and ')}${lastSeen > q.at.t ? `, ${fmtSeconds(lastSeen - q.at.t)}` : ''})`
          : `${outcome} from ${server}`;
      out.push({
        detector: 'dns-failed',
        severity: 'warning',
        title: `DNS lookup of ${q.name} failed: ${what}`,
        input: path,
        start: q.at.t,
        end: lastSeen,
        subject: { name: q.name, address: server },
        evidence: evidence(path, qs.slice(0, 4).flatMap((x) => [x.at, x.answer?.at])),
        details: {
          name: q.name,
          server,
          client: q.client.ip,
          outcome,
          query_types: types,
          transports,
          queries_sent: sent,
          ...(q.answer ? { rcode: q.answer.rcode } : {}),
        } satisfies DnsFailedWireDetails,
        explanation:
          outcome === 'no-answer'
            ? `The resolver at ${server} never answered: it is down, unreachable, or dropping queries. The client waits out its timeout on every lookup (glibc: 5 s per try), then fails to resolve (curl error 6 or 28).`
            : outcome === 'NXDOMAIN'
              ? `${server} says ${q.name} does not exist. A misspelt host name, a wrong search domain, or a service name that only resolves inside another network (a cluster, a VPN).`
              : `${server} answered ${outcome}: it could not resolve ${q.name} (an upstream resolver failing, a broken zone, or a policy refusing the client).`,
        join: { host: q.name, server: { ...q.server }, client: { ...q.client }, t: q.at.t },
        eventKeys: [`${path}#dns:${q.name}:${server}`],
      });
    }
  }
  return out;
};
