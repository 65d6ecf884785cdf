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
  /** set when the same connection or request is seen in another input a whole number of quarter-hours away */
  clockNote?: string;
  /**
   * the capture whose connection gave this (undated) view its time: its time is no evidence of
   * being that capture's event, so a join with that capture's views is never made on time
   */
  placedFrom?: string;
  /** its join facts as compared (normJoin): worked out on first use, once per draft */
  norm?: NormJoin;
}

/**
 * A draft's join facts as every comparison reads them, with the words a join states about
 * them: a merge compares each draft with tens of others (and clockSuspects and the index
 * name it again), so each URL is parsed and each address normalised once, not per comparison.
 */
export interface NormJoin {
  client?: { ip: string; port: number; fact: string; key: string };
  server?: { ip: string; port: number; fact: string; key: string };
  host?: { norm: string; fact: string };
  request?: { target: string; fact: string };
  method?: { upper: string; fact: string };
  status?: string;
  bytes?: string;
  /** curl's message, when it carries numbers of its own (see compareJoin) */
  curlError?: { text: string; fact: string };
}

function normJoin(p: PlacedDraft): NormJoin {
  if (p.norm) return p.norm;
  const j = p.draft.join;
  const n: NormJoin = {};
  if (j) {
    if (j.client) n.client = endpointFacts(j.client, 'client');
    if (j.server) n.server = endpointFacts(j.server, 'server');
    if (j.host) {
      const h = normHost(j.host);
      n.host = { norm: h, fact: `host ${h}` };
    }
    const target = requestTarget(j.url);
    if (target !== undefined) n.request = { target, fact: `request ${target}` };
    if (j.method) {
      const upper = j.method.toUpperCase();
      n.method = { upper, fact: `method ${upper}` };
    }
    if (j.status !== undefined) n.status = `status ${j.status}`;
    if (j.bytesReceived !== undefined) n.bytes = `${j.bytesReceived} bytes received`;
    if (j.curlError && /\d/.test(j.curlError)) n.curlError = { text: j.curlError, fact: `curl's message "${j.curlError}"` };
  }
  p.norm = n;
  return n;
}

function endpointFacts(e: Endpoint, side: 'client' | 'server'): NonNullable<NormJoin['client']> {
  const ip = normIp(e.ip);
  // the fact names the end as this view printed it; the key, as compared
  return { ip, port: e.port, fact: `${side} ${fmt(e)}`, key: fmt({ ip, port: e.port }) };
}

export interface MergedGroup {
  members: PlacedDraft[];
  joinedOn: string[];
  timeSpread?: number;
}

export function placeDraft(
  d: FindingDraft,
  inputIndex: number,
  placement: ClockPlacement | undefined,
  format?: InputFormat,
  digest?: string,
  placedFrom?: string,
): PlacedDraft {
  const off = placement?.offset ?? 0;
  const jt = d.join?.t ?? d.start;
  const p: PlacedDraft = {
    draft: d,
    inputIndex,
    start: shifted(d.start, off),
    end: shifted(d.end ?? null, off),
    t: placement?.absolute ? shifted(jt, off) : null,
    absolute: Boolean(placement?.absolute),
    format,
    digest,
  };
  // set, not spread from a literal: one object per draft instead of two
  if (placedFrom !== undefined) p.placedFrom = placedFrom;
  return p;
}

/** `v` moved by `off` seconds; null when there is no time (a plain function: placeDraft runs per draft). */
function shifted(v: number | null | undefined, off: number): number | null {
  return v === null || v === undefined ? null : v + off;
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
  const ja = normJoin(a);
  const jb = normJoin(b);
  const facts: string[] = [];
  let strong = false;
  let endpointFact = false;

  if (ja.client && jb.client) {
    if (ja.client.port !== jb.client.port || ja.client.ip !== jb.client.ip) return { disagree: 'client end differs', facts, strong };
    facts.push(ja.client.fact);
    strong = true;
  }
  if (ja.server && jb.server) {
    if (ja.server.port !== jb.server.port || ja.server.ip !== jb.server.ip) return { disagree: 'server end differs', facts, strong };
    facts.push(ja.server.fact);
    endpointFact = true;
  } else if (ja.host && jb.host) {
    if (ja.host.norm !== jb.host.norm) return { disagree: 'host differs', facts, strong };
    facts.push(ja.host.fact);
    endpointFact = true;
  }
  let requestFact = false;
  if (ja.request && jb.request) {
    if (ja.request.target !== jb.request.target) return { disagree: 'request differs', facts, strong };
    facts.push(ja.request.fact);
    requestFact = true;
  }
  if (ja.method && jb.method) {
    if (ja.method.upper !== jb.method.upper) return { disagree: 'method differs', facts, strong };
    facts.push(ja.method.fact);
  }
  const sa = a.draft.join?.status;
  const sb = b.draft.join?.status;
  if (sa !== undefined && sb !== undefined) {
    if (sa !== sb) return { disagree: 'status differs', facts, strong };
    facts.push(ja.status!);
    requestFact = true;
  }
  const ba = a.draft.join?.bytesReceived;
  const bb = b.draft.join?.bytesReceived;
  if (ba !== undefined && bb !== undefined && ba === bb) {
    facts.push(ja.bytes!);
    requestFact = true;
  }
  const ea = a.draft.join?.curlExit;
  const eb = b.draft.join?.curlExit;
  if (ea !== undefined && eb !== undefined && ea !== eb) return { disagree: 'curl exit code differs', facts, strong };
  // The same message with its own numbers in it (a port, milliseconds, byte counts) is one transfer
  // told twice: curl -v on stderr and %{json} or -w on stdout of one command.
  if (ja.curlError && jb.curlError && ja.curlError.text === jb.curlError.text) {
    facts.push(ja.curlError.fact);
    strong = true;
  }
  if (endpointFact && requestFact) strong = true;

  let timeDelta: number | undefined;
  // A view placed by a capture's connection agrees with that capture's times (and with other views
  // placed by it) by construction: that agreement is no evidence.
  const derived =
    (a.placedFrom !== undefined && (a.placedFrom === b.draft.input || a.placedFrom === b.placedFrom)) || (b.placedFrom !== undefined && b.placedFrom === a.draft.input);
  if (a.t !== null && b.t !== null && !derived) {
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

/** Counts the pairwise comparisons a merge made (tests hold correlation to O(N) with it). */
export interface MergeStats {
  comparisons: number;
}

/**
 * Groups the drafts of one detector; drafts of one input are never joined with each other.
 *
 * Scale: drafts are indexed by the facts a join needs (client end, server end, host, request,
 * status, bytes) and by a time bucket one join window (plus a second, for whole-second stamps)
 * wide. A draft is compared only with the groups of drafts sharing one of its facts in its own
 * or a neighbouring bucket: every join rests on at least one shared fact, and two timed views
 * further apart than the window never join. A run with one input joins nothing at all.
 */
export function mergeDrafts(drafts: PlacedDraft[], window: number, stats?: MergeStats): MergedGroup[] {
  const inputCount = new Set(drafts.map((d) => d.draft.input)).size;
  if (inputCount < 2) {
    return drafts.map((d) => ({ members: [d], joinedOn: [], timeSpread: undefined }));
  }
  const compare = (a: PlacedDraft, b: PlacedDraft, w: number): Comparison => {
    if (stats) stats.comparisons++;
    return compareJoin(a, b, w);
  };
  const index = new JoinIndex(window);
  const groupOf = new Map<PlacedDraft, MergedGroup>();
  const groups = new Set<MergedGroup>();
  const ordered = [...drafts].sort((x, y) => x.inputIndex - y.inputIndex || (x.start ?? Infinity) - (y.start ?? Infinity));
  for (const d of ordered) {
    let best: { g: MergedGroup; facts: string[]; delta: number } | undefined;
    const candidates = new Set<MergedGroup>();
    for (const n of index.near(d)) candidates.add(groupOf.get(n)!);
    for (const g of candidates) {
      if (g.members.some((m) => m.draft.input === d.draft.input)) continue;
      // Nothing may disagree with any member, and at least one member must be joined on strong facts:
      // a curl -v view without times or ports joins the capture on the request, not the strace view.
      let ok = true;
      // made at the first strong comparison: most candidates disagree at once and need none
      let facts: Set<string> | undefined;
      let delta = 0;
      for (const m of g.members) {
        const c = compare(m, d, window);
        if (c.disagree) {
          ok = false;
          break;
        }
        if (!c.strong) continue;
        facts ??= new Set<string>();
        for (const f of c.facts) facts.add(f);
        delta = Math.max(delta, c.timeDelta ?? 0);
      }
      if (ok && facts && (!best || delta < best.delta || (delta === best.delta && facts.size > best.facts.length))) {
        best = { g, facts: [...facts], delta };
      }
    }
    let g: MergedGroup;
    if (best) {
      g = best.g;
      g.members.push(d);
      for (const f of best.facts) if (!g.joinedOn.includes(f)) g.joinedOn.push(f);
    } else {
      g = { members: [d], joinedOn: [] };
      groups.add(g);
    }
    groupOf.set(d, g);
    index.add(d);
  }
  // A view can link two groups that met it in the other order (curl -v knows the request but no
  // port; the capture of a TLS call knows the ports but no request; curl -w knows both). Only
  // groups sharing a fact in a neighbouring bucket are tried; a merged group is tried again.
  const position = new Map(ordered.map((d, i) => [d, i]));
  const order = (g: MergedGroup) => position.get(g.members[0])!;
  const work = [...groups];
  for (let w = 0; w < work.length; w++) {
    const g = work[w];
    if (!groups.has(g)) continue;
    // a group that holds a view from every input can join no other (joinGroups wants disjoint inputs)
    if (inputsIn(g) === inputCount) continue;
    const near = new Set<MergedGroup>();
    for (const m of g.members) for (const n of index.near(m)) near.add(groupOf.get(n)!);
    near.delete(g);
    for (const h of [...near].sort((a, b) => order(a) - order(b))) {
      const facts = joinGroups(g, h, window, compare);
      if (!facts) continue;
      const [keep, gone] = order(g) <= order(h) ? [g, h] : [h, g];
      keep.members.push(...gone.members);
      for (const m of gone.members) groupOf.set(m, keep);
      // what each group was joined on stays said, then what linked them
      for (const f of [...gone.joinedOn, ...facts]) if (!keep.joinedOn.includes(f)) keep.joinedOn.push(f);
      groups.delete(gone);
      work.push(keep);
      break;
    }
  }
  const out = [...groups].sort((a, b) => order(a) - order(b));
  for (const g of out) g.timeSpread = spread(g);
  return joinFactless(out);
}

/** How many inputs a group's views come from. */
function inputsIn(g: MergedGroup): number {
  const m = g.members;
  if (m.length === 1) return 1;
  const seen: string[] = [];
  for (const x of m) if (!seen.includes(x.draft.input)) seen.push(x.draft.input);
  return seen.length;
}

/**
 * Drafts by join fact, time bucket and class. Untimed drafts sit in bucket `none`, which meets
 * every bucket of the same fact. The class (has a client end, has a request) keeps broad facts
 * cheap: two views that both name their client end join only through that end (a different one
 * disagrees), and two that both name the request only through it, so one busy server's many
 * connections are never compared with each other through the server's address.
 */
class JoinIndex {
  private readonly byKey = new Map<string, Map<number | 'none', PlacedDraft[][]>>();
  /** each draft's keys and class, worked out once (URL parsing is not free) */
  private readonly facts = new Map<PlacedDraft, { keys: string[]; cls: number }>();
  /** wide enough that two timed drafts within the window (whole seconds as intervals) are in neighbouring buckets */
  private readonly width: number;
  constructor(window: number) {
    this.width = Number.isFinite(window) ? window + 1 : Infinity;
  }

  private factsOf(d: PlacedDraft): { keys: string[]; cls: number } {
    let f = this.facts.get(d);
    if (!f) this.facts.set(d, (f = { keys: joinKeys(d), cls: classOf(d) }));
    return f;
  }

  add(d: PlacedDraft): void {
    const b = this.bucket(d);
    const { keys, cls } = this.factsOf(d);
    for (const k of keys) {
      let buckets = this.byKey.get(k);
      if (!buckets) this.byKey.set(k, (buckets = new Map()));
      let lists = buckets.get(b);
      if (!lists) buckets.set(b, (lists = [[], [], [], []]));
      lists[cls].push(d);
    }
  }

  /** Drafts that could join `d`: sharing a fact it could join on, at a time that could be within the window. */
  near(d: PlacedDraft): Set<PlacedDraft> {
    const out = new Set<PlacedDraft>();
    const b = this.bucket(d);
    const { keys, cls } = this.factsOf(d);
    for (const k of keys) {
      const buckets = this.byKey.get(k);
      if (!buckets) continue;
      // which classes of drafts this fact may reach (see the class comment above)
      const kind = k.slice(0, k.indexOf(' '));
      let reach = 0;
      for (let c = 0; c < 4; c++) {
        if (kind !== 'c' && cls & c & HAS_CLIENT) continue;
        if (kind !== 'c' && kind !== 'r' && cls & c & HAS_REQUEST) continue;
        reach |= 1 << c;
      }
      if (b === 'none') for (const lists of buckets.values()) takeNear(lists, reach, d, out);
      else {
        takeNear(buckets.get('none'), reach, d, out);
        takeNear(buckets.get(b - 1), reach, d, out);
        takeNear(buckets.get(b), reach, d, out);
        takeNear(buckets.get(b + 1), reach, d, out);
      }
    }
    return out;
  }

  private bucket(d: PlacedDraft): number | 'none' {
    if (d.t === null) return 'none';
    return Number.isFinite(this.width) ? Math.floor(d.t / this.width) : 0;
  }
}

/** The drafts of one bucket's lists whose class is in `reach` (a bit per class), `d` itself left out. */
function takeNear(lists: PlacedDraft[][] | undefined, reach: number, d: PlacedDraft, out: Set<PlacedDraft>): void {
  if (!lists) return;
  for (let c = 0; c < 4; c++) {
    if (!(reach & (1 << c))) continue;
    for (const x of lists[c]) if (x !== d) out.add(x);
  }
}

const HAS_CLIENT = 2;
const HAS_REQUEST = 1;

function classOf(d: PlacedDraft): number {
  const n = normJoin(d);
  return (n.client ? HAS_CLIENT : 0) | (n.request ? HAS_REQUEST : 0);
}

/** The facts a strong join can rest on; two drafts that share none of them never join. */
function joinKeys(d: PlacedDraft): string[] {
  const j = d.draft.join ?? {};
  const n = normJoin(d);
  const keys: string[] = [];
  if (n.client) keys.push(`c ${n.client.key}`);
  if (n.server) keys.push(`s ${n.server.key}`);
  if (n.host) keys.push(`h ${n.host.norm}`);
  if (n.request) keys.push(`r ${n.request.target}`);
  if (j.status !== undefined) keys.push(`st ${j.status}`);
  if (j.bytesReceived !== undefined) keys.push(`b ${j.bytesReceived}`);
  return keys;
}

/** Facts joining two groups, or undefined: disjoint inputs, no disagreement, one strong pair at least. */
function joinGroups(a: MergedGroup, b: MergedGroup, window: number, compare = compareJoin): string[] | undefined {
  const inputs = new Set(a.members.map((m) => m.draft.input));
  if (b.members.some((m) => inputs.has(m.draft.input))) return undefined;
  const facts = new Set<string>();
  let strong = false;
  for (const x of a.members) {
    for (const y of b.members) {
      const c = compare(x, y, window);
      if (c.disagree) return undefined;
      if (c.strong) {
        strong = true;
        c.facts.forEach((f) => facts.add(f));
      }
    }
  }
  return strong ? [...facts] : undefined;
}

const QUARTER_HOUR = 900; /* s: every time zone offset in use is a multiple of it */

/** Whether the drafts are of two inputs or more (`new Set(inputs).size >= 2`, without a list and a set of 10,000 names). */
function twoInputs(placed: readonly PlacedDraft[]): boolean {
  const first = placed[0]?.draft.input;
  for (const p of placed) if (p.draft.input !== first) return true;
  return false;
}

/**
 * Clock mistakes that look like time zones: the same connection (both ends) or the same
 * request (host and target) seen in two inputs at times a whole number of quarter-hours
 * apart (within the join window). Such views never join (their times disagree), so say so:
 * a note on each draft and one warning per pair of inputs, with the flag that fixes it.
 * Linear: drafts are grouped by what they name; only drafts naming the same thing meet.
 */
export function clockSuspects(placed: PlacedDraft[], window: number, timeOfDay: ReadonlySet<string>): string[] {
  if (!twoInputs(placed)) return [];
  const byKey = new Map<string, PlacedDraft[]>();
  for (const p of placed) {
    const j = p.draft.join;
    if (!j || p.t === null || !p.absolute) continue;
    const n = normJoin(p);
    const keys: string[] = [];
    if (n.client && n.server) keys.push(`conn ${n.client.key} ${n.server.key}`);
    if (n.host && n.request) keys.push(`req ${n.host.norm} ${n.request.target}`);
    for (const k of keys) {
      const list = byKey.get(k);
      if (list) list.push(p);
      else byKey.set(k, [p]);
    }
  }
  const warnings = new Map<string, string>();
  const tolerance = Math.max(window, 1);
  for (const [key, list] of byKey) {
    if (list.length > 50) continue; // one connection or request, not a busy key: nothing to learn
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i], list[j]];
        if (a.draft.input === b.draft.input) continue;
        const delta = b.t! - a.t!;
        const quarters = Math.round(delta / QUARTER_HOUR);
        if (quarters === 0 || Math.abs(delta - quarters * QUARTER_HOUR) > tolerance) continue;
        // Correct the input placed by a time zone (time of day only); else the later one.
        const aFix = timeOfDay.has(a.draft.input) && !timeOfDay.has(b.draft.input) ? true : timeOfDay.has(b.draft.input) ? false : delta < 0;
        const [fix, ref] = aFix ? [a, b] : [b, a];
        const shift = (aFix ? 1 : -1) * quarters * QUARTER_HOUR;
        const what = key.startsWith('conn ') ? `the connection ${key.slice(5).replace(' ', '->')}` : `the request ${key.slice(4).replace(' ', '')}`;
        const hours = Math.abs(quarters) / 4;
        const note =
          `${what} is seen in ${fix.draft.input} ${Math.abs(shift)} s (${hours} h) ${shift > 0 ? 'before' : 'after'} ${ref.draft.input}: ` +
          `a time zone or clock mistake, most likely; if ${fix.draft.input} was written in another zone give --tz ${fix.draft.input}=ZONE, ` +
          `or correct it with --clock-offset ${fix.draft.input}=${shift}`;
        a.clockNote ??= note;
        b.clockNote ??= note;
        const pair = `${fix.draft.input}\u0000${ref.draft.input}\u0000${shift}`;
        if (!warnings.has(pair)) warnings.set(pair, note);
      }
    }
  }
  return [...warnings.values()];
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
  const members = g.members;
  if (members.length < 2) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  for (const m of members) {
    // A view placed by a member capture's connection has that capture's time, not a time of its own.
    if (m.t === null || (m.placedFrom !== undefined && members.some((x) => x.draft.input === m.placedFrom))) continue;
    if (m.t < lo) lo = m.t;
    if (m.t > hi) hi = m.t;
    n++;
  }
  return n > 1 ? hi - lo : undefined;
}

/** An address as compared across views: lower case, no brackets, IPv4-mapped IPv6 as IPv4. */
export function normIp(ip: string): string {
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

/**
 * One JoinIndex made at load and never used: opaque (`unknown`), exported only to stay reachable.
 * V8 forgets a class's hidden class at a full collection once no instance of it is alive, and with it
 * the compiled code of every function that read one: each run of several inputs after a full
 * collection (a batch's or a server's next case) began by compiling the joining again.
 */
export const JOIN_INDEX_SHAPE: unknown = new JoinIndex(0);
