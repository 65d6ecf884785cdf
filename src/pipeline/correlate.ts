/**
 * One event, one finding. The same failure is often seen in several inputs:
 * curl says `(56) Recv failure`, the capture shows the server's RST, strace
 * shows `recvfrom(...) = -1 ECONNRESET`. Drafts of one detector from
 * different inputs are joined when what they share agrees — the connection's
 * ends, the request, the status, the bytes — and their times fall within the
 * join window. Time alone never joins, and any disagreement on the
 * connection or the request keeps them apart. `details.correlation` says
 * what each join was made on.
 */
import type { ClockPlacement, Endpoint, FindingDraft, InputFormat, JoinFacts } from '../model/index.js';

export interface PlacedDraft {
  draft: FindingDraft;
  /** order of its input on the command line */
  inputIndex: number;
  start: number | null;
  end: number | null;
  /** the join time on the run's clock, when the input's clock is absolute */
  t: number | null;
  /** the input's clock is on the run's (epoch) clock */
  absolute: boolean;
  /** its input's format, which decides whose view speaks for a joined finding */
  format?: InputFormat;
  /** its input's content digest: finding ids hash this, not the path's spelling */
  digest?: string;
}

export interface MergedGroup {
  members: PlacedDraft[];
  joinedOn: string[];
  timeSpread?: number;
}

export function placeDraft(d: FindingDraft, inputIndex: number, placement: ClockPlacement | undefined, format?: InputFormat, digest?: string): PlacedDraft {
  const off = placement?.offset ?? 0;
  const shift = (v: number | null | undefined) => (v === null || v === undefined ? null : v + off);
  const jt = d.join?.t ?? d.start;
  return {
    draft: d,
    inputIndex,
    start: shift(d.start),
    end: shift(d.end ?? null),
    t: placement?.absolute ? shift(jt) : null,
    absolute: Boolean(placement?.absolute),
    format,
    digest,
  };
}

/**
 * A time on a whole second most likely comes from a log that prints seconds
 * only (`[23-Nov-2026 02:55:54]`): the event happened somewhere in that second.
 */
export function isWholeSecond(t: number): boolean {
  return Number.isInteger(t);
}

interface Comparison {
  disagree?: string;
  facts: string[];
  /** a fact that identifies one connection or one request on its own */
  strong: boolean;
  timeDelta?: number;
}

export function compareJoin(a: PlacedDraft, b: PlacedDraft, window: number): Comparison {
  const ja: JoinFacts = a.draft.join ?? {};
  const jb: JoinFacts = b.draft.join ?? {};
  const facts: string[] = [];
  let strong = false;
  let endpointFact = false;

  if (ja.client && jb.client) {
    if (!sameEndpoint(ja.client, jb.client)) return { disagree: 'client end differs', facts, strong };
    facts.push(`client ${fmt(ja.client)}`);
    strong = true;
  }
  if (ja.server && jb.server) {
    if (!sameEndpoint(ja.server, jb.server)) return { disagree: 'server end differs', facts, strong };
    facts.push(`server ${fmt(ja.server)}`);
    endpointFact = true;
  } else if (ja.host && jb.host) {
    if (normHost(ja.host) !== normHost(jb.host)) return { disagree: 'host differs', facts, strong };
    facts.push(`host ${normHost(ja.host)}`);
    endpointFact = true;
  }
  const pa = requestTarget(ja.url);
  const pb = requestTarget(jb.url);
  let requestFact = false;
  if (pa !== undefined && pb !== undefined) {
    if (pa !== pb) return { disagree: 'request differs', facts, strong };
    facts.push(`request ${pa}`);
    requestFact = true;
  }
  if (ja.method && jb.method) {
    if (ja.method.toUpperCase() !== jb.method.toUpperCase()) return { disagree: 'method differs', facts, strong };
    facts.push(`method ${ja.method.toUpperCase()}`);
  }
  if (ja.status !== undefined && jb.status !== undefined) {
    if (ja.status !== jb.status) return { disagree: 'status differs', facts, strong };
    facts.push(`status ${ja.status}`);
    requestFact = true;
  }
  if (ja.bytesReceived !== undefined && jb.bytesReceived !== undefined && ja.bytesReceived === jb.bytesReceived) {
    facts.push(`${ja.bytesReceived} bytes received`);
    requestFact = true;
  }
  if (endpointFact && requestFact) strong = true;

  let timeDelta: number | undefined;
  if (a.t !== null && b.t !== null) {
    // A whole-second stamp stands for the second after it: compare with the interval, not its start.
    const lo = (t: number) => t;
    const hi = (t: number) => (isWholeSecond(t) ? t + 1 : t);
    timeDelta = Math.max(0, lo(a.t) - hi(b.t), lo(b.t) - hi(a.t));
    if (timeDelta > window) return { disagree: `times ${timeDelta.toFixed(3)} s apart`, facts, strong };
    facts.push(`time within ${window} s`);
    // Time plus the far end is enough; time plus nothing never is.
    if (endpointFact || requestFact) strong = true;
  }
  return { facts, strong, timeDelta };
}

/** Groups the drafts of one detector; drafts of one input are never joined with each other. */
export function mergeDrafts(drafts: PlacedDraft[], window: number): MergedGroup[] {
  const groups: MergedGroup[] = [];
  const ordered = [...drafts].sort((x, y) => x.inputIndex - y.inputIndex || (x.start ?? Infinity) - (y.start ?? Infinity));
  for (const d of ordered) {
    let best: { g: MergedGroup; facts: string[]; delta: number } | undefined;
    for (const g of groups) {
      if (g.members.some((m) => m.draft.input === d.draft.input)) continue;
      // Nothing may disagree with any member, and at least one member must be joined on strong facts:
      // a curl -v view without times or ports joins the capture on the request, not the strace view.
      let ok = true;
      let anyStrong = false;
      const facts = new Set<string>();
      let delta = 0;
      for (const m of g.members) {
        const c = compareJoin(m, d, window);
        if (c.disagree) {
          ok = false;
          break;
        }
        if (!c.strong) continue;
        anyStrong = true;
        c.facts.forEach((f) => facts.add(f));
        delta = Math.max(delta, c.timeDelta ?? 0);
      }
      if (ok && anyStrong && (!best || delta < best.delta || (delta === best.delta && facts.size > best.facts.length))) {
        best = { g, facts: [...facts], delta };
      }
    }
    if (best) {
      best.g.members.push(d);
      for (const f of best.facts) if (!best.g.joinedOn.includes(f)) best.g.joinedOn.push(f);
    } else groups.push({ members: [d], joinedOn: [] });
  }
  // A view can link two groups that met it in the other order (curl -v knows the request but no
  // port; the capture of a TLS call knows the ports but no request; curl -w knows both).
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < groups.length && !changed; i++) {
      for (let j = i + 1; j < groups.length && !changed; j++) {
        const facts = joinGroups(groups[i], groups[j], window);
        if (!facts) continue;
        groups[i].members.push(...groups[j].members);
        for (const f of facts) if (!groups[i].joinedOn.includes(f)) groups[i].joinedOn.push(f);
        groups.splice(j, 1);
        changed = true;
      }
    }
  }
  for (const g of groups) g.timeSpread = spread(g);
  return joinFactless(groups);
}

/** Facts joining two groups, or undefined: disjoint inputs, no disagreement, one strong pair at least. */
function joinGroups(a: MergedGroup, b: MergedGroup, window: number): string[] | undefined {
  const inputs = new Set(a.members.map((m) => m.draft.input));
  if (b.members.some((m) => inputs.has(m.draft.input))) return undefined;
  const facts = new Set<string>();
  let strong = false;
  for (const x of a.members) {
    for (const y of b.members) {
      const c = compareJoin(x, y, window);
      if (c.disagree) return undefined;
      if (c.strong) {
        strong = true;
        c.facts.forEach((f) => facts.add(f));
      }
    }
  }
  return strong ? [...facts] : undefined;
}

/**
 * A view that names nothing to join on — curl's bare `curl: (56) Recv failure` line on
 * stderr — joins the run's only event of that detector, when there is exactly one: one
 * `analyze` is one incident, and the join says it was made on that alone.
 */
function joinFactless(groups: MergedGroup[]): MergedGroup[] {
  const factless = (g: MergedGroup) => g.members.length === 1 && !hasFacts(g.members[0].draft.join);
  const lone = groups.filter(factless);
  const rich = groups.filter((g) => !factless(g));
  if (lone.length === 0 || rich.length !== 1) return groups;
  const target = rich[0];
  const inputs = new Set(target.members.map((m) => m.draft.input));
  const kept: MergedGroup[] = [target];
  for (const g of lone) {
    const m = g.members[0];
    // What it does say (status, byte count) must still agree.
    if (inputs.has(m.draft.input) || target.members.some((x) => compareJoin(x, m, Infinity).disagree)) {
      kept.push(g);
      continue;
    }
    inputs.add(m.draft.input);
    target.members.push(m);
    const fact = `only ${m.draft.detector} event of the run (${m.draft.input} names no connection, request or time)`;
    target.joinedOn.push(fact);
  }
  return kept;
}

/** Facts that say which connection, request or moment: without them a view cannot be placed. */
function hasFacts(j: JoinFacts | undefined): boolean {
  if (!j) return false;
  return Boolean(j.client || j.server || j.host || j.url || (j.t !== undefined && j.t !== null));
}

function spread(g: MergedGroup): number | undefined {
  const ts = g.members.map((m) => m.t).filter((t): t is number => t !== null);
  return ts.length > 1 ? Math.max(...ts) - Math.min(...ts) : undefined;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && normIp(a.ip) === normIp(b.ip);
}

function normIp(ip: string): string {
  const s = ip.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return s.startsWith('::ffff:') && s.includes('.') ? s.slice(7) : s;
}

function normHost(h: string): string {
  return h.trim().toLowerCase().replace(/\.$/, '').replace(/:\d+$/, '');
}

function fmt(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The path and query of a URL (or of a bare request target), for comparing requests across views. */
export function requestTarget(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, 'http://placeholder.invalid');
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
