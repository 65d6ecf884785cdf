/**
 * "What each process or client tried", said the same way in the text,
 * Markdown and HTML reports: who (a program and its pid, or a client
 * address), each destination with its outcome in words, each name looked up,
 * and the environment that named them. Failures lead, so a wrong port reads
 * at a glance even where no detector fires. Plain strings: each report
 * escapes them its own way.
 */
import type { InputInfo, RunResult, TriedBy, TriedDestination, TriedLookup } from '../src/model/index.js';

/** How much of a summary a report lists before counting the rest (the JSON report has all that was kept). */
export const SHOWN_BY = 12; /* processes or clients per input */
export const SHOWN_ITEMS = 8; /* destinations, and names, per process or client */

export interface TriedView {
  input: InputInfo;
  /** shown, failures first */
  by: ActorView[];
  /** processes or clients not shown (past SHOWN_BY, or dropped by the caps) */
  moreBy: number;
}

export interface ActorView {
  /** `curl (pid 32442)`, `client 10.0.0.5` */
  who: string;
  /** the command line, when it says more than the program's name */
  command?: string;
  env: string[];
  moreEnv: number;
  rows: TriedRow[];
  /** destinations and names not shown */
  moreRows: number;
  troubled: boolean;
}

export interface TriedRow {
  kind: 'destination' | 'name';
  /** `127.0.0.1:18081 (tcp)`, `service.internal.example (A)` */
  what: string;
  /** one word: connected, never connected, partly, answered, no reply, no answer, NXDOMAIN … */
  outcome: string;
  /** counts and reasons: `1 attempt: ECONNREFUSED` */
  detail: string;
  troubled: boolean;
}

/** The inputs that have a summary, ready to render. */
export function triedViews(result: RunResult): TriedView[] {
  const out: TriedView[] = [];
  for (const input of result.inputs) {
    const t = input.tried;
    if (t === undefined || (t.by.length === 0 && !t.by_dropped)) continue;
    const by = t.by.slice(0, SHOWN_BY).map(actorView);
    out.push({ input, by, moreBy: t.by.length - by.length + (t.by_dropped ?? 0) });
  }
  return out;
}

function actorView(b: TriedBy): ActorView {
  const dests = b.destinations.map(destinationRow);
  const names = b.lookups.map(lookupRow);
  // failures first, destinations before names, otherwise in the order they were first tried
  const all = [...dests, ...names].map((r, i) => ({ r, i })).sort((x, y) => Number(y.r.troubled) - Number(x.r.troubled) || x.i - y.i);
  const rows = all.slice(0, SHOWN_ITEMS * 2).map((x) => x.r);
  const moreRows = all.length - rows.length + (b.destinations_dropped ?? 0) + (b.lookups_dropped ?? 0);
  const env = Object.entries(b.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const v: ActorView = { who: who(b), env, moreEnv: b.env_dropped ?? 0, rows, moreRows, troubled: all.some((x) => x.r.troubled) };
  const cmd = b.command;
  if (cmd !== undefined && cmd !== progName(b.program)) v.command = cmd;
  return v;
}

function who(b: TriedBy): string {
  if (b.ip !== undefined) return `client ${b.ip}`;
  const name = progName(b.program) ?? 'process';
  const ids = [b.pid !== undefined ? `pid ${b.pid}` : '', b.parent !== undefined ? `parent ${b.parent}` : ''].filter(Boolean);
  return ids.length ? `${name} (${ids.join(', ')})` : name;
}

function progName(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const i = p.lastIndexOf('/');
  return i >= 0 && i < p.length - 1 ? p.slice(i + 1) : p;
}

const OUTCOME_WORDS: Record<TriedDestination['outcome'], string> = {
  connected: 'connected',
  failed: 'never connected',
  partly: 'partly connected',
  answered: 'answered',
  'no-reply': 'no reply',
  unknown: 'outcome not seen',
};

export function destinationRow(d: TriedDestination): TriedRow {
  const what = d.transport ? `${d.to} (${d.transport})` : d.to;
  const bits: string[] = [];
  if (d.attempts > 0) bits.push(d.outcome === 'partly' ? `${d.connected} of ${plural(d.attempts, 'attempt')} connected` : plural(d.attempts, 'attempt'));
  if (d.sends !== undefined || d.receives !== undefined) bits.push(`${d.sends ?? 0} sent, ${plural(d.receives ?? 0, 'reply', 'replies')}`);
  const why = Object.entries(d.failures ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => (n > 1 ? `${k} ×${n}` : k));
  const detail = bits.join(', ') + (why.length ? `${bits.length ? ': ' : ''}${why.join(', ')}` : '');
  return { kind: 'destination', what, outcome: OUTCOME_WORDS[d.outcome], detail, troubled: d.outcome === 'failed' || d.outcome === 'partly' || d.outcome === 'no-reply' };
}

export function lookupRow(l: TriedLookup): TriedRow {
  const what = `${l.name}${l.types?.length ? ` (${l.types.join(', ')})` : ''}`;
  const bits = [plural(l.queries, 'query', 'queries')];
  if (l.server) bits.push(`to ${l.server}`);
  if (l.addresses?.length) bits.push(`→ ${l.addresses.join(', ')}`);
  const outcome = l.outcome === 'no-answer' ? 'no answer' : l.outcome;
  return { kind: 'name', what, outcome, detail: bits.join(' '), troubled: l.outcome !== 'answered' };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Destinations and names that did not work, over every input (what was kept): for a line that points to the section. */
export function troubleCount(result: RunResult): number {
  let n = 0;
  for (const i of result.inputs) {
    for (const b of i.tried?.by ?? []) {
      n += b.destinations.filter((d) => destinationRow(d).troubled).length;
      n += b.lookups.filter((l) => l.outcome !== 'answered').length;
    }
  }
  return n;
}

/** `3 destinations or names did not answer or could not be reached`, or '' */
export function troubleSentence(result: RunResult): string {
  const n = troubleCount(result);
  return n === 0 ? '' : `${n.toLocaleString('en')} destination${n === 1 ? '' : 's'} or name${n === 1 ? '' : 's'} did not answer or could not be reached`;
}

export const TRIED_HEADING = 'What each process or client tried';
export const TRIED_INTRO = 'Destinations tried and names looked up, failures first: a wrong port or address shows here even when no detector fires.';
