/**
 * What a report says before (or instead of) its list of findings: the
 * findings of a busy run grouped by detector and by server or endpoint, and
 * for each input what was checked. Shared by the text, Markdown and HTML
 * reports so the three say the same thing. No dependencies beyond format.ts.
 */
import type { Finding, InputInfo, Lane, RunResult, Severity } from '../src/model/index.js';
import { fixed, formatCount, SEVERITY_ORDER, type TimeFormatter } from './format.js';

/** Past this many findings a report opens with the grouped summary, and info findings collapse under their group. */
export const BUSY_FINDINGS = 12;

export function isBusy(result: RunResult): boolean {
  return result.findings.length > BUSY_FINDINGS;
}

export interface FindingGroup {
  detector: string;
  /** the server or endpoint the findings are about (`10.1.0.2:8080`, a URL's host, `pid 12`), or '' */
  where: string;
  /** the highest severity in the group */
  severity: Severity;
  /** indices into result.findings, in report order */
  findings: number[];
  /** counts by severity */
  counts: Record<Severity, number>;
  first: number | null;
  last: number | null;
  /** the most frequent title, and how many other titles there are */
  title: string;
  otherTitles: number;
  /** what `where` names: a server (a connection's far end, a URL's host), a process or an input */
  whereKind: WhereKind;
  /**
   * Set on a row that stands for this many groups of one detector (summaryGroups): the servers,
   * processes or inputs past the first SUMMARY_GROUPS, told together; `where` is then ''.
   */
  folded?: number;
  /** how many of the folded groups are of each kind: a row says "70 more servers and 2 more processes" */
  foldedKinds?: Record<WhereKind, number>;
}

export type WhereKind = 'server' | 'process' | 'input';

/**
 * The server side of a finding: the far end of its connection, its URL's
 * host and port, the process, or the input. Findings about one server land
 * in one group, however many client ports they came from.
 */
export function findingWhere(f: Finding): string {
  return whereOf(f)[0];
}

function whereOf(f: Finding): [string, WhereKind] {
  const s = f.subject;
  if (s.connection) {
    const arrow = s.connection.lastIndexOf('->');
    return [arrow >= 0 ? s.connection.slice(arrow + 2) : s.connection, 'server'];
  }
  if (s.url) {
    const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^/@]*@)?([^/?#]+)/i.exec(s.url);
    if (m) return [`${m[2]}`.toLowerCase(), 'server'];
    return [s.url, 'server'];
  }
  if (s.pid !== undefined) return [`pid ${s.pid}`, 'process'];
  return [f.evidence[0]?.input ?? '', 'input'];
}

/** Groups by detector, then server; groups ordered by severity, then size, then first time. */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const byKey = new Map<string, FindingGroup>();
  const titles = new Map<FindingGroup, Map<string, number>>();
  findings.forEach((f, i) => {
    const [where, whereKind] = whereOf(f);
    // the kind is in the key: pid 1 the process and an input named "pid 1" are not one place
    const key = `${f.detector}\u0000${whereKind}\u0000${where}`;
    let g = byKey.get(key);
    if (!g) {
      g = { detector: f.detector, where, whereKind, severity: f.severity, findings: [], counts: { error: 0, warning: 0, info: 0 }, first: null, last: null, title: '', otherTitles: 0 };
      byKey.set(key, g);
      titles.set(g, new Map());
    }
    g.findings.push(i);
    g.counts[f.severity]++;
    if (rank(f.severity) < rank(g.severity)) g.severity = f.severity;
    for (const t of [f.start, f.end]) {
      if (t === null || !Number.isFinite(t)) continue;
      g.first = g.first === null ? t : Math.min(g.first, t);
      g.last = g.last === null ? t : Math.max(g.last, t);
    }
    const tm = titles.get(g)!;
    tm.set(f.title, (tm.get(f.title) ?? 0) + 1);
  });
  const groups = [...byKey.values()];
  for (const g of groups) {
    const tm = [...titles.get(g)!].sort((a, b) => b[1] - a[1]);
    g.title = tm[0][0];
    g.otherTitles = tm.length - 1;
  }
  groups.sort(
    (a, b) => rank(a.severity) - rank(b.severity) || b.findings.length - a.findings.length || (a.first ?? Infinity) - (b.first ?? Infinity) || (a.detector < b.detector ? -1 : 1),
  );
  return groups;
}

/**
 * Groups a summary names one by one. A log of 10,000 failed calls to 10,000 hosts made as many
 * groups of one finding: a "summary" as long as the findings it sums up.
 */
export const SUMMARY_GROUPS = 30;

/**
 * The summary's rows: groupFindings' first SUMMARY_GROUPS groups, then the rest told in one row
 * per detector (`folded`: how many groups; findings, counts, times and titles summed; a detector
 * with one group left keeps it as it is), in the same order (severity, size, first time). Every
 * finding is in exactly one row.
 */
export function summaryGroups(findings: Finding[]): FindingGroup[] {
  const groups = groupFindings(findings);
  if (groups.length <= SUMMARY_GROUPS) return groups;
  const rest = new Map<string, FindingGroup>();
  const titles = new Map<FindingGroup, Map<string, number>>();
  for (const g of groups.slice(SUMMARY_GROUPS)) {
    let r = rest.get(g.detector);
    if (r === undefined) {
      r = {
        detector: g.detector,
        where: '',
        whereKind: g.whereKind,
        severity: g.severity,
        findings: [],
        counts: { error: 0, warning: 0, info: 0 },
        first: null,
        last: null,
        title: '',
        otherTitles: 0,
        folded: 0,
        foldedKinds: { server: 0, process: 0, input: 0 },
      };
      rest.set(g.detector, r);
      titles.set(r, new Map());
    }
    r.folded!++;
    r.foldedKinds![g.whereKind]++;
    for (const i of g.findings) r.findings.push(i);
    for (const sev of SEVERITY_ORDER) r.counts[sev] += g.counts[sev];
    if (rank(g.severity) < rank(r.severity)) r.severity = g.severity;
    if (g.first !== null) r.first = r.first === null ? g.first : Math.min(r.first, g.first);
    if (g.last !== null) r.last = r.last === null ? g.last : Math.max(r.last, g.last);
    for (const i of g.findings) {
      const tm = titles.get(r)!;
      tm.set(findings[i].title, (tm.get(findings[i].title) ?? 0) + 1);
    }
  }
  // a detector with one group past the first SUMMARY_GROUPS keeps it as it is: nothing to fold
  const alone = new Map(groups.slice(SUMMARY_GROUPS).map((g) => [g.detector, g]));
  const folded = [...rest.values()].map((r) => (r.folded === 1 ? alone.get(r.detector)! : r));
  for (const r of folded) {
    if (!r.folded) continue;
    r.findings.sort((a, b) => a - b);
    // the most frequent title; among equals, the first met
    let best = '';
    let most = 0;
    for (const [t, n] of titles.get(r)!) if (n > most) [best, most] = [t, n];
    r.title = best;
    r.otherTitles = titles.get(r)!.size - 1;
  }
  folded.sort((a, b) => rank(a.severity) - rank(b.severity) || b.findings.length - a.findings.length || (a.first ?? Infinity) - (b.first ?? Infinity) || (a.detector < b.detector ? -1 : 1));
  return [...groups.slice(0, SUMMARY_GROUPS), ...folded];
}

const KIND_WORDS: Record<WhereKind, [string, string]> = { server: ['server', 'servers'], process: ['process', 'processes'], input: ['input', 'inputs'] };

/** Where a summary row's findings are: its server, or how many servers (processes, inputs) a folded row stands for. */
export function groupWhere(g: FindingGroup): string {
  if (!g.folded) return g.where;
  const kinds = g.foldedKinds ?? { server: g.folded, process: 0, input: 0 };
  const parts = (Object.keys(KIND_WORDS) as WhereKind[])
    .filter((k) => kinds[k] > 0)
    .map((k) => `${formatCount(kinds[k])} more ${KIND_WORDS[k][kinds[k] === 1 ? 0 : 1]}`);
  return parts.join(' and ');
}

function rank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/** `47 findings of curl-error-56 on 10.1.0.2:8080 between 10:02:01 and 10:09:13` */
export function groupSentence(g: FindingGroup, fmt: TimeFormatter): string {
  const n = g.findings.length;
  const sev = SEVERITY_ORDER.filter((s) => g.counts[s] > 0)
    .map((s) => `${g.counts[s]} ${s}`)
    .join(', ');
  const where = g.where ? ` on ${g.where}` : '';
  const when = groupWhen(g, fmt);
  return `${n} ${g.detector} finding${n === 1 ? '' : 's'} (${sev})${where}${when ? ` ${when}` : ''}`;
}

export function groupWhen(g: FindingGroup, fmt: TimeFormatter): string {
  if (g.first === null) return '';
  const at = (t: number) => shortTime(t, fmt);
  if (g.last === null || g.last - g.first < 0.5) return `at ${at(g.first)}`;
  return `between ${at(g.first)} and ${at(g.last)}`;
}

/** A time short enough for a sentence: `10:02:01` on a wall clock, `12.345 s` on a relative one. */
export function shortTime(t: number, fmt: TimeFormatter): string {
  const w = fmt.wall(t, 0);
  return w || `${fixed(t, 3)} s`;
}

/**
 * What an input's result holds, as `12 TCP connections`, `30 HTTP exchanges`
 * … from `inputs[].stats` when the pipeline gives them, else from the lanes
 * the analysis built; led by the records read.
 */
export function inputChecked(i: InputInfo, lanes: Lane[] = []): string[] {
  const stats = i.stats ?? statsFromLanes(i, lanes);
  const out: string[] = [];
  if (stats) {
    for (const [k, v] of Object.entries(stats)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      out.push(`${v.toLocaleString('en')} ${statLabel(k, v)}`);
    }
  }
  // the records read lead, unless the stats count them already
  if (!stats || !('packets' in stats || 'lines' in stats)) {
    const unit = i.format.startsWith('pcap') ? 'packet' : i.format === 'strace' || i.format === 'app-log' ? 'line' : 'record';
    out.unshift(`${i.events.toLocaleString('en')} ${unit}${i.events === 1 ? '' : 's'}`);
  }
  return out;
}

/**
 * When an input has no `inputs[].stats` (a result from an older run), the timeline's lanes say what
 * the analysis built from an input: its TCP connections, threads or curl
 * transfers, and the HTTP requests drawn on them.
 */
function statsFromLanes(i: InputInfo, lanes: Lane[]): Record<string, number> | undefined {
  const counts: Record<string, number> = {};
  for (const l of lanes) {
    if (l.input !== i.path) continue;
    const key = l.kind === 'connection' ? 'connections' : l.kind === 'thread' ? 'threads' : 'curl_transfers';
    counts[key] = (counts[key] ?? 0) + 1;
    if (l.kind === 'connection') {
      const requests = l.spans.filter((sp) => sp.kind === 'request').length;
      if (requests) counts.http_requests = (counts.http_requests ?? 0) + requests;
    }
  }
  return Object.keys(counts).length ? counts : undefined;
}

const STAT_LABELS: Record<string, [string, string]> = {
  http_requests: ['HTTP request', 'HTTP requests'],
  connections: ['TCP connection', 'TCP connections'],
  tcp_connections: ['TCP connection', 'TCP connections'],
  http_exchanges: ['HTTP exchange', 'HTTP exchanges'],
  exchanges: ['HTTP exchange', 'HTTP exchanges'],
  tls_connections: ['TLS connection', 'TLS connections'],
  curl_transfers: ['curl transfer', 'curl transfers'],
  transfers: ['curl transfer', 'curl transfers'],
  threads: ['thread', 'threads'],
  processes: ['process', 'processes'],
  syscalls: ['syscall', 'syscalls'],
  packets: ['packet', 'packets'],
  lines: ['line', 'lines'],
  signals: ['signal', 'signals'],
  stops: ['stop', 'stops'],
  failed_transfers: ['failed transfer', 'failed transfers'],
  socket_failures: ['failed socket call', 'failed socket calls'],
};

function statLabel(key: string, n: number): string {
  const known = STAT_LABELS[key];
  if (known) return known[n === 1 ? 0 : 1];
  return key.replace(/_/g, ' ');
}

/**
 * What a capture could not see, when a snaplen cut its frames: said on a
 * clean run so "no finding" is not read as "nothing wrong" where payload
 * was missing.
 */
export function unseen(i: InputInfo): string | undefined {
  const stats = i.stats;
  const cutFrames = stats?.snaplen_cut_frames ?? stats?.frames_cut ?? numberIn(i.notes, /(\d[\d,]*) frames? cut by the snaplen/);
  const cutBytes = stats?.snaplen_cut_bytes ?? stats?.bytes_not_captured;
  if (!cutFrames && !cutBytes) return undefined;
  const parts: string[] = [];
  if (cutFrames) parts.push(`${cutFrames.toLocaleString('en')} of ${i.events.toLocaleString('en')} frames were cut by the snaplen`);
  if (cutBytes) parts.push(`${cutBytes.toLocaleString('en')} bytes on the wire were not captured`);
  return `${parts.join('; ')}: the payload beyond the cut was not seen, so problems there could not be checked.`;
}

function numberIn(notes: string[] | undefined, re: RegExp): number | undefined {
  for (const n of notes ?? []) {
    const m = re.exec(n);
    if (m) return Number(m[1].replace(/,/g, ''));
  }
  return undefined;
}
