/**
 * connect-failed as strace sees it: connect() to an inet or unix socket
 * failing — ECONNREFUSED, ENOENT on a unix path, ETIMEDOUT, EHOSTUNREACH,
 * ENETUNREACH — or a non-blocking connect (EINPROGRESS) whose getsockopt(SO_ERROR)
 * then reads back one of those. Quiet on glibc's probe of nscd's socket
 * (normal when nscd is absent) and on EINPROGRESS/EAGAIN themselves; a
 * refused connect the process then made to the same place is `info`.
 */
import type { FailedCall, FindingDraft, JoinFacts, RunModel } from '../../model/index.js';
import { addrOf, addrText, failureDetails, type StraceFailureDetails, failureEvidence, failureKey, failureSubject, failureTime, straceInputs, whoText } from '../strace-facts.js';
import type { DetectorPart } from '../types.js';

/** connect errnos that mean the other end is not there or not reachable */
export const CONNECT_FAILURES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ECONNABORTED', 'EACCES']);
/** glibc asks nscd first on every passwd/group/hosts lookup; its socket is missing wherever nscd is not installed */
export const NSCD_SOCKET = /^\/(?:var\/)?run\/nscd\/socket$/;

const WORDING: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ENOENT: 'No such file or directory',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Connection aborted',
  EACCES: 'Permission denied',
};

/** The failed connects this detector reports (local-service-missing and dns-failed read the same set). */
export function failedConnects(f: FailedCall): boolean {
  if (f.call.name !== 'connect' || !CONNECT_FAILURES.has(f.errno)) return false;
  const a = addrOf(f);
  if (a === undefined) return false;
  if (a.family === 'AF_UNIX') return a.path !== undefined && !NSCD_SOCKET.test(a.path);
  return (a.family === 'AF_INET' || a.family === 'AF_INET6') && a.port !== undefined;
}

export type ConnectFailedStraceDetails = StraceFailureDetails & {
  /** the address or unix path connected to */
  destination: string;
  family: string;
  wording: string;
  protocol?: string;
  curl_equivalent?: string;
};

export const fromStrace: DetectorPart = (run: RunModel) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of straceInputs(run)) {
    for (const f of model.failedCalls) if (failedConnects(f)) out.push(finding(path, f));
  }
  return out;
};

function finding(path: string, f: FailedCall): FindingDraft {
  const a = addrOf(f)!;
  const where = addrText(a) ?? '?';
  const unix = a.family === 'AF_UNIX';
  const wording = WORDING[f.errno] ?? f.errno;
  const recovered = f.recoveredBy !== undefined;
  const details: ConnectFailedStraceDetails = { ...failureDetails(f), destination: where, family: a.family, wording };
  if (f.call.decoded?.fdRef?.kind === 'socket') details.protocol = f.call.decoded.fdRef.protocol;
  if (!unix) details.curl_equivalent = `curl: (7) Failed to connect to ${a.ip} port ${a.port}: ${wording}`;
  const reason = reasonFor(f.errno, unix, where);
  const explanation = [
    `${whoText(f)} called connect() to ${unix ? `the unix socket ${where}` : where} and it failed with ${f.errno} (${wording})${f.via === 'so-error' ? ', read back with getsockopt(SO_ERROR) after a non-blocking connect' : ''}${f.repeats ? `; it tried ${f.repeats + 1} times` : ''}.`,
    reason,
    recovered ? `A later connect of the same process to ${where} succeeded (line ${f.recoveredBy!.line}): it recovered by retrying, so this is for information.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const join: JoinFacts = { t: failureTime(f) };
  if (!unix) join.server = { ip: a.ip!, port: a.port! };
  return {
    detector: 'connect-failed',
    severity: recovered ? 'info' : 'error',
    title: `Could not connect to ${unix ? 'unix socket ' : ''}${where}: ${f.errno} (${wording})${recovered ? ', then succeeded on retry' : ''}`,
    input: path,
    start: f.call.t,
    end: failureTime(f),
    subject: failureSubject(f, 'connect'),
    evidence: failureEvidence(path, f),
    details,
    explanation,
    join,
    lanes: [`${path}#tid:${f.pid}`],
    eventKeys: [failureKey(path, f), `connect:${where}`],
  };
}

function reasonFor(errno: string, unix: boolean, where: string): string {
  switch (errno) {
    case 'ECONNREFUSED':
      return unix
        ? `The socket file exists but no process is listening on it: the service stopped or crashed and left ${where} behind, or it runs in another container whose socket was copied, not shared.`
        : 'Nothing listens on that address and port (the host answered with a reset): the service is down or restarting, listens on another port or interface (127.0.0.1 vs 0.0.0.0), or the port in the configuration is wrong.';
    case 'ENOENT':
      return `No socket exists at ${where}: the service is not running here (in a container: it runs in another container of the pod, and the socket's directory is not a shared volume), or the configured path is wrong.`;
    case 'ETIMEDOUT':
      return "The SYNs went unanswered: a firewall or security group drops them, the host is down, or the server's accept queue is full (a listener that stopped accepting).";
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'The kernel has no route there (or an ICMP unreachable came back): a network, route or DNS answer pointing at the wrong place.';
    case 'EACCES':
      return unix ? 'The process may not use that socket: the socket file or its directory does not let this uid in.' : 'A local firewall rule or policy refused the connect.';
    default:
      return 'The connection could not be made.';
  }
}
