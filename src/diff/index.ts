/**
 * Comparing two incidents (or a healthy run and a broken one): which
 * findings only one has, where the call sequences of comparable processes
 * first part ways, and how the same requests' phases differ.
 *
 * Each side is read as `analyze` reads it (the findings come from the same
 * `runCase`); the call sequences and request phases come from a second pass
 * over the inputs, because a run's result keeps findings, not every call.
 */
import type { CaptureModel, CurlModel, DiffReport, DiffSide, FindingMatch, InputFormat, Phases, RequestDiff, RunResult, RunSpec, ShownCall, StraceEvent, ThreadDiff, Finding } from '../model/index.js';

export type { DiffReport, DiffSide, Divergence, FindingMatch, Phases, RequestDiff, ShownCall, ThreadDiff } from '../model/index.js';
import { groupBy } from '../model/collections.js';
import { readModels, runCase, type RunHooks } from '../pipeline/index.js';
import { align, type Alignment } from './align.js';
import { SequenceCollector, type CallToken, type ProcessSequence } from './sequences.js';

export { align, MAX_EDITS } from './align.js';
export { SequenceCollector, MAX_CALLS, MAX_PROCESSES } from './sequences.js';

/** Calls shown before and after the first divergence on each side. */
export const CONTEXT_CALLS = 4;
/** Calls of one side's divergent run shown (the rest counted). */
const MAX_HUNK_CALLS = 12;


/** Divergences shown per pair of processes (the count of all is `hunks`). */
export const MAX_HUNKS_SHOWN = 5;

export interface DiffResult extends DiffReport {
  results: { a: RunResult; b: RunResult };
}

export async function diffRuns(a: { name: string; spec: RunSpec }, b: { name: string; spec: RunSpec }, hooks: RunHooks = {}): Promise<DiffResult> {
  const [ra, rb] = [await runCase(a.spec, hooks), await runCase(b.spec, hooks)];
  const [xa, xb] = [await extract(a.spec, hooks), await extract(b.spec, hooks)];
  const { threads, unmatched } = compareThreads(xa.sequences, xb.sequences);
  return {
    tool: 'faultline',
    kind: 'diff',
    version: ra.version,
    a: side(a.name, ra),
    b: side(b.name, rb),
    findings: compareFindings(ra.findings, rb.findings),
    threads,
    unmatched_threads: unmatched,
    requests: compareRequests(xa.requests, xb.requests),
    results: { a: ra, b: rb },
  };
}

function side(name: string, r: RunResult): DiffSide {
  return {
    name,
    inputs: r.inputs.map((i) => ({ path: i.path, format: i.format, status: i.status, ...((i as { sha256?: string }).sha256 ? { sha256: (i as { sha256?: string }).sha256 } : {}) })),
    findings: r.findings.length,
  };
}

// ---- findings ----

/**
 * Two incidents never share ids (they hash inputs), so findings are matched by
 * what they are about: the detector, the server end (the client's port is
 * ephemeral), the URL without its query, the call.
 */
export function findingKey(f: Finding): string {
  const server = f.subject.connection?.split('->')[1] ?? '';
  const url = (f.subject.url ?? '').split('?')[0];
  return [f.detector, server, url, f.subject.syscall ?? ''].join(' ');
}

export function compareFindings(a: Finding[], b: Finding[]): DiffResult['findings'] {
  const group = (list: Finding[]): Map<string, Finding[]> => groupBy(list, findingKey);
  const ga = group(a);
  const gb = group(b);
  const match = (key: string, fa: Finding[] = [], fb: Finding[] = []): FindingMatch => {
    const lead = fa[0] ?? fb[0];
    return { key, detector: lead.detector, severity: lead.severity, title: lead.title, a: fa.map((f) => f.id), b: fb.map((f) => f.id) };
  };
  const out: DiffResult['findings'] = { only_a: [], only_b: [], both: [] };
  for (const [k, fa] of ga) (gb.has(k) ? out.both : out.only_a).push(match(k, fa, gb.get(k)));
  for (const [k, fb] of gb) if (!ga.has(k)) out.only_b.push(match(k, undefined, fb));
  return out;
}

// ---- call sequences ----

interface Extracted {
  sequences: { input: string; seq: ProcessSequence }[];
  requests: { key: string; source: 'capture' | 'curl'; phases: Phases; input: string; at: string }[];
}

async function extract(spec: RunSpec, hooks: RunHooks): Promise<Extracted> {
  const out: Extracted = { sequences: [], requests: [] };
  await readModels(spec, hooks, (input) => {
    const collector = new SequenceCollector();
    return {
      tap: (e: unknown, format: InputFormat) => {
        if (format === 'strace') collector.add(e as StraceEvent);
      },
      done: (model) => {
        for (const seq of collector.finish()) if (seq.calls.length) out.sequences.push({ input, seq });
        if (model?.kind === 'capture') out.requests.push(...captureRequests(model, input));
        if (model?.kind === 'curl') out.requests.push(...curlRequests(model, input));
      },
    };
  });
  return out;
}

export function compareThreads(
  a: { input: string; seq: ProcessSequence }[],
  b: { input: string; seq: ProcessSequence }[],
): { threads: ThreadDiff[]; unmatched: DiffResult['unmatched_threads'] } {
  const roles = (list: { input: string; seq: ProcessSequence }[]): Map<string, { input: string; seq: ProcessSequence }[]> => groupBy(list, (x) => x.seq.program);
  const ra = roles(a);
  const rb = roles(b);
  const pairs: [{ input: string; seq: ProcessSequence }, { input: string; seq: ProcessSequence }, number][] = [];
  const leftA: { input: string; seq: ProcessSequence }[] = [];
  const leftB: { input: string; seq: ProcessSequence }[] = [];
  for (const [prog, la] of ra) {
    const lb = rb.get(prog) ?? [];
    la.forEach((x, k) => (lb[k] ? pairs.push([x, lb[k], k]) : leftA.push(x)));
    leftB.push(...lb.slice(la.length));
  }
  for (const [prog, lb] of rb) if (!ra.has(prog)) leftB.push(...lb);
  // Two different builds of one program (a healthy and a broken binary) still compare: the first
  // processes left on each side pair up by order when nothing else claimed them.
  while (leftA.length && leftB.length && pairs.length === 0) pairs.push([leftA.shift()!, leftB.shift()!, 0]);
  const threads = pairs.map(([x, y, role]) => compareSequences(x, y, role));
  const unmatched: DiffResult['unmatched_threads'] = [
    ...leftA.map((x) => ({ side: 'a' as const, program: x.seq.program, pid: x.seq.pid, input: x.input })),
    ...leftB.map((x) => ({ side: 'b' as const, program: x.seq.program, pid: x.seq.pid, input: x.input })),
  ];
  return { threads, unmatched };
}

function compareSequences(x: { input: string; seq: ProcessSequence }, y: { input: string; seq: ProcessSequence }, role: number): ThreadDiff {
  const dict = new Map<string, number>();
  const ids = (calls: CallToken[]): Int32Array => {
    const arr = new Int32Array(calls.length);
    calls.forEach((c, i) => {
      let id = dict.get(c.token);
      if (id === undefined) dict.set(c.token, (id = dict.size));
      arr[i] = id;
    });
    return arr;
  };
  const A = x.seq.calls;
  const B = y.seq.calls;
  const al: Alignment = align(ids(A), ids(B));
  const program = x.seq.program === y.seq.program ? x.seq.program : `${x.seq.program || '?'} / ${y.seq.program || '?'}`;
  const base: ThreadDiff = {
    program,
    role,
    a: { input: x.input, pid: x.seq.pid, calls: A.length, dropped: x.seq.dropped },
    b: { input: y.input, pid: y.seq.pid, calls: B.length, dropped: y.seq.dropped },
    identical: al.distance === 0 && !al.tooDifferent,
    too_different: al.tooDifferent,
    distance: al.distance,
    hunks: 0,
    divergences: [],
  };
  const ops = al.ops;
  const shown = (c: CallToken): ShownCall => ({ line: c.line, token: c.token, text: c.text });
  if (al.tooDifferent) {
    // Only the common prefix and suffix were aligned: show where the prefix ends.
    let p = 0;
    while (p < ops.length && ops[p].a === p && ops[p].b === p) p++;
    base.hunks = 1;
    base.divergences.push({
      before: ops.slice(Math.max(0, p - CONTEXT_CALLS), p).map((o) => shown(A[o.a])),
      before_b: ops.slice(Math.max(0, p - CONTEXT_CALLS), p).map((o) => shown(B[o.b])),
      only_a: A.slice(p, p + MAX_HUNK_CALLS).map(shown),
      only_a_more: Math.max(0, A.length - p - MAX_HUNK_CALLS),
      only_b: B.slice(p, p + MAX_HUNK_CALLS).map(shown),
      only_b_more: Math.max(0, B.length - p - MAX_HUNK_CALLS),
      after_a: [],
      after_b: [],
    });
    return base;
  }
  for (let i = 0; i < ops.length; ) {
    if (ops[i].op === 'eq') {
      i++;
      continue;
    }
    let end = i;
    while (end < ops.length && ops[end].op !== 'eq') end++;
    base.hunks++;
    if (base.divergences.length < MAX_HUNKS_SHOWN) {
      const hunk = ops.slice(i, end);
      const dels = hunk.filter((o) => o.op === 'del');
      const ins = hunk.filter((o) => o.op === 'ins');
      const after = ops.slice(end, end + CONTEXT_CALLS).filter((o) => o.op === 'eq');
      const before = ops.slice(Math.max(0, i - CONTEXT_CALLS), i).filter((o) => o.op === 'eq');
      base.divergences.push({
        before: before.map((o) => shown(A[o.a])),
        before_b: before.map((o) => shown(B[o.b])),
        only_a: dels.slice(0, MAX_HUNK_CALLS).map((o) => shown(A[o.a])),
        only_a_more: Math.max(0, dels.length - MAX_HUNK_CALLS),
        only_b: ins.slice(0, MAX_HUNK_CALLS).map((o) => shown(B[o.b])),
        only_b_more: Math.max(0, ins.length - MAX_HUNK_CALLS),
        after_a: after.map((o) => shown(A[o.a])),
        after_b: after.map((o) => shown(B[o.b])),
      });
    }
    i = end;
  }
  return base;
}

// ---- requests ----

const MAX_REQUESTS = 2000;

function pathOf(target: string | undefined): string {
  if (!target) return '';
  try {
    if (/^[a-z]+:\/\//i.test(target)) return new URL(target).pathname;
  } catch {
    // not a URL: keep as written
  }
  return target.split('?')[0];
}

function captureRequests(m: CaptureModel, input: string): Extracted['requests'] {
  const out: Extracted['requests'] = [];
  for (const c of m.connections) {
    const connect = c.syn && c.synAck ? c.synAck.t - c.syn.t : undefined;
    for (const x of c.exchanges) {
      if (out.length >= MAX_REQUESTS) return out;
      if (!x.method) continue;
      const first = x.firstResponseByte?.t;
      const last = x.response?.last.t;
      const end =
        x.end === 'complete' ? String(x.response?.status ?? 'complete') : x.end === 'rst' || x.end === 'fin' ? `${x.response ? `${x.response.status} then ` : ''}${x.end} by ${x.endSide ?? '?'}` : x.end;
      out.push({
        key: `${x.method} ${pathOf(x.target)} → ${c.resp.ip}:${c.resp.port}`,
        source: 'capture',
        input,
        at: c.key,
        phases: {
          ...(connect !== undefined && x.n === 0 ? { connect } : {}),
          ...(x.ttfb !== undefined ? { ttfb: x.ttfb } : {}),
          ...(first !== undefined && last !== undefined ? { transfer: last - first } : {}),
          ...(x.requestStart && x.endAt ? { total: x.endAt.t - x.requestStart.t } : {}),
          end,
        },
      });
    }
  }
  return out;
}

function curlRequests(m: CurlModel, input: string): Extracted['requests'] {
  const out: Extracted['requests'] = [];
  for (const t of m.transfers.slice(0, MAX_REQUESTS)) {
    if (!t.url) continue;
    let host = t.host ?? '';
    try {
      host = new URL(t.url).host;
    } catch {
      // keep curl's host
    }
    const tm = t.timings ?? {};
    out.push({
      key: `${t.method ?? 'GET'} ${pathOf(t.url)} → ${host}`,
      source: 'curl',
      input,
      at: `line ${t.line}`,
      phases: {
        ...(tm.connect !== undefined ? { connect: tm.connect - (tm.namelookup ?? 0) } : {}),
        ...(tm.starttransfer !== undefined && tm.pretransfer !== undefined ? { ttfb: tm.starttransfer - tm.pretransfer } : {}),
        ...(tm.total !== undefined && tm.starttransfer !== undefined ? { transfer: tm.total - tm.starttransfer } : {}),
        ...(tm.total !== undefined ? { total: tm.total } : {}),
        end: t.exitCode ? `curl ${t.exitCode}` : t.httpStatus !== undefined ? String(t.httpStatus) : 'ok',
      },
    });
  }
  return out;
}

export function compareRequests(a: Extracted['requests'], b: Extracted['requests']): RequestDiff[] {
  const index = (list: Extracted['requests']): Map<string, Extracted['requests']> => groupBy(list, (r) => `${r.source} ${r.key}`);
  const ia = index(a);
  const ib = index(b);
  const out: RequestDiff[] = [];
  const keys = [...new Set([...ia.keys(), ...ib.keys()])];
  for (const k of keys) {
    const la = ia.get(k) ?? [];
    const lb = ib.get(k) ?? [];
    for (let n = 0; n < Math.max(la.length, lb.length) && out.length < MAX_REQUESTS; n++) {
      const x = la[n];
      const y = lb[n];
      const lead = x ?? y;
      out.push({
        key: lead.key,
        n,
        source: lead.source,
        ...(x ? { a: { ...x.phases, input: x.input, at: x.at } } : {}),
        ...(y ? { b: { ...y.phases, input: y.input, at: y.at } } : {}),
      });
    }
  }
  return out;
}
