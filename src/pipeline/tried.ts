/**
 * The summary of what each process or client of one input tried (inputs[].tried),
 * made from the analysed model: strace's `processes`, a capture's `clients`.
 * Reports receive only the RunResult, so this is how the analysis's record of
 * destinations and lookups reaches them. Bounded by the caps in model/tried.ts;
 * each cap keeps problems first and counts what it leaves out.
 */
import {
  MAX_TRIED_BY,
  MAX_TRIED_DESTINATIONS,
  MAX_TRIED_ENV,
  MAX_TRIED_LOOKUPS,
  type CaptureModel,
  type ClientActivity,
  type Destination,
  type DestinationTried,
  type InputModel,
  type InputTried,
  type Lookup,
  type NameLookedUp,
  type ProcessActivity,
  type StraceModel,
  type TriedBy,
  type TriedDestination,
  type TriedLookup,
} from '../model/index.js';

/**
 * glibc asks nscd first on every passwd/group/hosts lookup; its socket is missing wherever nscd
 * is not installed. Listing it as "never connected" in every process would bury the real
 * failures (the detectors skip it for the same reason).
 */
const NSCD_SOCKET = /^\/(?:var\/)?run\/nscd\/socket$/;
const COMMAND_CHARS = 160;
/** the failure name for a non-blocking connect the program closed before it finished (Destination.abandoned) */
const GAVE_UP = 'gave up while connecting';

export function triedOf(model: InputModel | undefined): InputTried | undefined {
  if (model?.kind === 'strace') return fromStrace(model);
  if (model?.kind === 'capture') return fromCapture(model);
  return undefined;
}

function fromStrace(m: StraceModel): InputTried | undefined {
  const by = m.processes.map(processTried).filter((b): b is TriedBy => b !== undefined);
  return bounded(by, m.dropped.processes);
}

function fromCapture(m: CaptureModel): InputTried | undefined {
  const by = (m.clients ?? []).map(clientTried).filter((b): b is TriedBy => b !== undefined);
  return bounded(by, m.clientsDropped ?? 0);
}

function bounded(all: TriedBy[], droppedBefore: number): InputTried | undefined {
  if (all.length === 0 && droppedBefore === 0) return undefined;
  // those with a problem first (stable: the analysis's own order, by pid or first seen, within each)
  const ranked = all.map((b, i) => ({ b, i, bad: troubled(b) ? 0 : 1 })).sort((x, y) => x.bad - y.bad || x.i - y.i);
  const kept = ranked.slice(0, MAX_TRIED_BY).map((x) => x.b);
  const out: InputTried = { by: kept };
  const dropped = all.length - kept.length + droppedBefore;
  if (dropped > 0) out.by_dropped = dropped;
  return out;
}

/** Anything that did not work: a destination never (or not always) reached, a name without an answer. */
export function troubled(b: TriedBy): boolean {
  return b.destinations.some(destinationTroubled) || b.lookups.some((l) => l.outcome !== 'answered');
}

export function destinationTroubled(d: TriedDestination): boolean {
  return d.outcome === 'failed' || d.outcome === 'partly' || d.outcome === 'no-reply';
}

function processTried(p: ProcessActivity): TriedBy | undefined {
  const dests = p.destinations.filter((d) => !(d.kind === 'unix' && d.path !== undefined && NSCD_SOCKET.test(d.path))).map(straceDestination);
  const lookups = mergeLookups(p.lookups);
  if (dests.length === 0 && lookups.length === 0) return undefined;
  const env = Object.entries(p.exec?.env ?? {});
  const argv = p.exec?.argv;
  return ordered<TriedBy>({
    // a log without pids (strace without -f) files everything under pid 0: unknown, not a pid
    pid: p.pid === 0 ? undefined : p.pid,
    parent: p.parent,
    program: p.exec?.path ?? p.comm,
    command: argv !== undefined && argv.length > 0 ? clip(argv.join(' '), COMMAND_CHARS) : undefined,
    env: env.length > 0 ? Object.fromEntries(env.slice(0, MAX_TRIED_ENV)) : undefined,
    env_dropped: env.length > MAX_TRIED_ENV ? env.length - MAX_TRIED_ENV : undefined,
    ...capped(dests, lookups, p.destinationsDropped ?? 0, p.lookupsDropped ?? 0),
  });
}

function clientTried(c: ClientActivity): TriedBy | undefined {
  if (c.destinations.length === 0 && c.lookups.length === 0) return undefined;
  // the analysis counts destinations and names past its cap together: said as destinations
  return ordered<TriedBy>({ ip: c.ip, ...capped(c.destinations.map(captureDestination), c.lookups.map(captureLookup), c.more ?? 0, 0) });
}

function capped(dests: TriedDestination[], lookups: TriedLookup[], destDroppedBefore: number, lookupsDroppedBefore: number): Pick<TriedBy, 'destinations' | 'destinations_dropped' | 'lookups' | 'lookups_dropped'> {
  const destinations = keepTroubledFirst(dests, MAX_TRIED_DESTINATIONS, destinationTroubled);
  const dd = dests.length - destinations.length + destDroppedBefore;
  const kept = keepTroubledFirst(lookups, MAX_TRIED_LOOKUPS, (l) => l.outcome !== 'answered');
  const ld = lookups.length - kept.length + lookupsDroppedBefore;
  return { destinations, destinations_dropped: dd > 0 ? dd : undefined, lookups: kept, lookups_dropped: ld > 0 ? ld : undefined };
}

/** At most `max`, the troubled ones kept first; the kept ones stay in their original order. */
function keepTroubledFirst<T>(list: T[], max: number, bad: (x: T) => boolean): T[] {
  if (list.length <= max) return list;
  const idx = list.map((x, i) => ({ i, bad: bad(x) ? 0 : 1 })).sort((a, b) => a.bad - b.bad || a.i - b.i);
  const keep = new Set(idx.slice(0, max).map((x) => x.i));
  return list.filter((_, i) => keep.has(i));
}

function straceDestination(d: Destination): TriedDestination {
  const to = d.kind === 'unix' ? (d.path === '' || d.path === undefined ? '(unnamed unix socket)' : d.path) : hostPort(d.ip ?? '?', d.port);
  const failures = Object.keys(d.errors).length > 0 || d.abandoned ? { ...d.errors, ...(d.abandoned ? { [GAVE_UP]: d.abandoned } : {}) } : undefined;
  let outcome: TriedDestination['outcome'] = d.outcome;
  // a stream socket that connected after failing (a retry) is neither a plain success nor a failure
  if (outcome === 'connected' && failures !== undefined) outcome = 'partly';
  return ordered<TriedDestination>({
    to,
    transport: d.transport,
    attempts: d.attempts,
    connected: d.connected,
    failures,
    sends: d.sends || undefined,
    receives: d.receives || undefined,
    outcome,
    first_t: d.firstT,
    line: d.firstLine,
  });
}

function captureDestination(d: DestinationTried): TriedDestination {
  const failures: Record<string, number> = {};
  if (d.refused) failures.refused = d.refused;
  if (d.unanswered) failures.unanswered = d.unanswered;
  let outcome: TriedDestination['outcome'];
  if (d.protocol === 'udp') {
    // a UDP "connection" is a query: answered or not
    outcome = d.connected > 0 ? 'answered' : d.unanswered > 0 ? 'no-reply' : 'unknown';
  } else outcome = d.outcome === 'refused' || d.outcome === 'unanswered' ? 'failed' : d.outcome;
  return ordered<TriedDestination>({
    to: hostPort(d.ip, d.port),
    transport: d.protocol,
    attempts: d.attempts,
    connected: d.connected,
    failures: Object.keys(failures).length > 0 ? failures : undefined,
    outcome,
    first_t: d.firstT,
  });
}

/** The fields in the order written, whatever the source (the JSON diffs cleanly), absent ones left out. */
function ordered<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** One entry per name (strace keeps one per name and type). */
function mergeLookups(ls: Lookup[]): TriedLookup[] {
  const byName = new Map<string, TriedLookup & { ok: boolean }>();
  for (const l of ls) {
    const outcome = l.answers === 0 ? 'no-answer' : l.rcode === undefined || l.rcode === 'NOERROR' ? 'answered' : l.rcode;
    let t = byName.get(l.name);
    if (t === undefined) {
      t = { name: l.name, queries: 0, outcome, ok: outcome === 'answered' };
      if (l.server !== undefined) t.server = l.server;
      byName.set(l.name, t);
    } else if (!t.ok) t.outcome = outcome;
    t.ok ||= outcome === 'answered';
    if (t.ok) t.outcome = 'answered';
    t.queries += l.queries;
    const types = (t.types ??= []);
    if (l.type !== undefined && !types.includes(l.type)) types.push(l.type);
  }
  return [...byName.values()].map((t) => ordered<TriedLookup>({ name: t.name, types: t.types?.length ? t.types : undefined, queries: t.queries, outcome: t.outcome, server: t.server }));
}

function captureLookup(n: NameLookedUp): TriedLookup {
  return ordered<TriedLookup>({
    name: n.name,
    types: n.types.length > 0 ? [...n.types] : undefined,
    queries: n.queries,
    outcome: n.outcome,
    addresses: n.addresses.length > 0 ? [...n.addresses] : undefined,
  });
}

function hostPort(ip: string, port: number | undefined): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port === undefined ? host : `${host}:${port}`;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}
