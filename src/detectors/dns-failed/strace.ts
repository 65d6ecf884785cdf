/**
 * dns-failed as strace sees it: queries sent to a resolver (port 53, UDP or
 * TCP) that never got a reply, a resolver that refused (connect or an ICMP
 * port unreachable read back as ECONNREFUSED), /etc/resolv.conf or
 * /etc/hosts unreadable, and answers NXDOMAIN/SERVFAIL/REFUSED read off the
 * socket. Search-list NXDOMAINs are quiet when another lookup of the process
 * was answered.
 */
import type { Destination, FailedCall, FindingDraft, Lookup, ProcessActivity, RunModel } from '../../model/index.js';
import { failureDetails, type StraceFailureDetails, failureEvidence, failureKey, failureSubject, failureTime, progName, straceInputs, whoText } from '../strace-facts.js';
import type { DetectorPart } from '../types.js';

const DNS_PORT = 53;
const RESOLVER_FILES = /^\/etc\/(?:resolv\.conf|hosts|nsswitch\.conf)$/;
const FAILED_RCODES: ReadonlySet<string> = new Set(['SERVFAIL', 'REFUSED', 'NXDOMAIN']);

export type DnsFailedStraceDetails =
  | { source: 'strace'; server: string; transport?: string; queries_sent: number; replies: number; names: string[]; program?: string; errors?: Record<string, number> }
  | { source: 'strace'; name: string; type?: string; rcode?: string; server?: string; queries: number; answers: number; program?: string }
  | (StraceFailureDetails & { server?: string; path?: string });

export const fromStrace: DetectorPart = (run: RunModel) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of straceInputs(run)) {
    for (const p of model.processes) {
      for (const d of p.destinations) {
        if (d.kind !== 'inet' || d.port !== DNS_PORT) continue;
        if (d.sends > 0 && d.receives === 0) out.push(noReply(path, p, d));
      }
      const answered = p.lookups.some((l) => l.answers > 0 && (l.rcode === undefined || l.rcode === 'NOERROR'));
      for (const l of p.lookups) {
        if (l.rcode === undefined || !FAILED_RCODES.has(l.rcode)) continue;
        if (l.rcode === 'NXDOMAIN' && answered) continue;
        out.push(badAnswer(path, p, l));
      }
    }
    for (const f of model.failedCalls) {
      const a = f.call.decoded?.addr;
      const toResolver = a?.port === DNS_PORT && (f.call.name === 'connect' || f.errno === 'ECONNREFUSED');
      const fileUnreadable = (f.call.name === 'open' || f.call.name === 'openat') && RESOLVER_FILES.test(f.call.decoded?.path ?? '') && f.errno !== 'ENOENT';
      if ((toResolver && f.recoveredBy === undefined) || fileUnreadable) out.push(failedCall(path, f, toResolver));
    }
  }
  return out;
};

function server(d: Destination): string {
  return d.ip?.includes(':') ? `[${d.ip}]:${d.port}` : `${d.ip}:${d.port}`;
}

function noReply(path: string, p: ProcessActivity, d: Destination): FindingDraft {
  const srv = server(d);
  const names = p.lookups.filter((l) => l.server === undefined || l.server === srv).map((l) => `${l.name}${l.type ? ` (${l.type})` : ''}`);
  const prog = progName(p.exec?.path) ?? p.comm ?? `pid ${p.pid}`;
  const refused = (d.errors.ECONNREFUSED ?? 0) > 0;
  return {
    detector: 'dns-failed',
    severity: 'warning',
    title: `DNS lookup${names.length ? ` of ${names.slice(0, 3).join(', ')}${names.length > 3 ? ' …' : ''}` : ''} failed: no answer from ${srv}${refused ? ' (refused: nothing listens there)' : ''} (${prog}, ${d.sends} ${d.sends === 1 ? 'query' : 'queries'}${d.transport ? ` over ${d.transport}` : ''})`,
    input: path,
    start: d.firstT,
    end: null,
    subject: { pid: p.pid },
    evidence: [{ input: path, line: d.firstLine }, ...(d.lastLine !== d.firstLine ? [{ input: path, line: d.lastLine }] : [])],
    details: { source: 'strace', server: srv, transport: d.transport, queries_sent: d.sends, replies: d.receives, names, program: p.exec?.path, ...(Object.keys(d.errors).length ? { errors: d.errors } : {}) },
    explanation: `${prog} (pid ${p.pid}) sent ${d.sends} DNS ${d.sends === 1 ? 'query' : 'queries'} to ${srv} over ${d.transport ?? 'the network'} and read no reply before it gave up: the resolver named in /etc/resolv.conf is down, unreachable, or drops the queries (a firewall, a NetworkPolicy blocking port 53, a node-local cache not running). Name lookups then fail after the resolver timeout (5 s per try by default), which shows up as slow or failed requests.`,
    lanes: [`${path}#tid:${p.pid}`],
    eventKeys: [`${path}#pid:${p.pid}#dns:${srv}`],
  };
}

function badAnswer(path: string, p: ProcessActivity, l: Lookup): FindingDraft {
  const prog = progName(p.exec?.path) ?? p.comm ?? `pid ${p.pid}`;
  return {
    detector: 'dns-failed',
    severity: 'warning',
    title: `DNS lookup of ${l.name}${l.type ? ` (${l.type})` : ''} failed: ${l.rcode}${l.server ? ` from ${l.server}` : ''} (${prog})`,
    input: path,
    start: l.firstT,
    end: null,
    subject: { pid: p.pid },
    evidence: [{ input: path, line: l.firstLine }],
    details: { source: 'strace', name: l.name, type: l.type, rcode: l.rcode, server: l.server, queries: l.queries, answers: l.answers, program: p.exec?.path },
    explanation: `${prog} (pid ${p.pid}) asked ${l.server ?? 'its resolver'} for ${l.name} and the answer was ${l.rcode}: ${l.rcode === 'NXDOMAIN' ? 'a wrong host name in the configuration (a service name from another namespace or environment), or a record not created yet' : 'the resolver could not answer'}.`,
    lanes: [`${path}#tid:${p.pid}`],
    eventKeys: [`${path}#pid:${p.pid}#dns-name:${l.name}`],
  };
}

function failedCall(path: string, f: FailedCall, toResolver: boolean): FindingDraft {
  const a = f.call.decoded?.addr;
  const srv = a?.ip !== undefined ? `${a.ip}:${a.port}` : undefined;
  const file = f.call.decoded?.path;
  const details: DnsFailedStraceDetails = { ...failureDetails(f) };
  if (srv !== undefined) details.server = srv;
  if (file !== undefined) details.path = file;
  return {
    detector: 'dns-failed',
    severity: 'warning',
    title: toResolver ? `DNS lookup failed: the DNS server ${srv ?? ''} refused (${f.call.name} failed with ${f.errno})` : `DNS lookup failed: ${file} could not be read (${f.errno})`,
    input: path,
    start: f.call.t,
    end: failureTime(f),
    subject: failureSubject(f),
    evidence: failureEvidence(path, f),
    details,
    explanation: toResolver
      ? `${whoText(f)} could not reach the DNS server ${srv ?? ''} (${f.errno}): nothing listens on port 53 there (a node-local DNS cache or systemd-resolved not running), so every name lookup fails.`
      : `${whoText(f)} could not read ${file} (${f.errno}): without it the resolver ${file === '/etc/hosts' ? 'skips the local host table' : 'falls back to defaults (127.0.0.1) or fails'}; check the file's permissions (a umask or a volume mounted over it).`,
    lanes: [`${path}#tid:${f.pid}`],
    eventKeys: [failureKey(path, f)],
  };
}
