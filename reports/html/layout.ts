/**
 * Timeline layout: which lanes are drawn where, on what time scale, and how
 * big inputs are aggregated and folded so the page stays small and quick.
 * Pure (no I/O, no DOM): the SVG writer turns a Layout into elements.
 */
import { scaleLinear } from 'd3-scale';
import type { Finding, Lane, MarkerKind, RunResult, Severity, SpanKind } from '../../src/model/index.js';
import { groupBy } from '../../src/model/collections.js';
import { fixed, TimeFormatter, type RunClockKind } from '../format.js';

export const WIDTH = 1280; /* px, whole SVG */
export const LABEL_W = 250; /* px, lane label column */
export const PLOT_W = WIDTH - LABEL_W - 16; /* px */
export const AXIS_H = 44; /* px */
export const LANE_H = 20; /* px */
export const HEADER_H = 22; /* px, an input's or group's title row */
export const FINDING_ROW_H = 12; /* px, one row of the findings overview strip */
const MAX_FINDING_ROWS = 6;

/** Past this many lanes, only lanes carrying findings are open; the rest are folded by group. */
export const MAX_OPEN_LANES = 300;
/** Lanes drawn one by one in a folded group; the others are summed into one activity strip. */
export const MAX_LANES_PER_FOLD = 100;
export const MIN_LANES_PER_FOLD = 3;
/** Lanes drawn in all folded groups together (each ~0.5 KB and 4 elements before its spans). */
export const MAX_FOLDED_LANES = 500;
export const MAX_FOLDS_PER_INPUT = 100;
/**
 * Spans, markers and density cells drawn in the whole page: one element
 * each, ~200 bytes with their hover text. Set so that a report of any size
 * holds under 20,000 elements once loaded (the rest of the page — lanes,
 * tables, evidence — takes the other ~8,000) and stays under 10 MB; what is
 * not drawn one by one is merged into bars and the shaded activity strip.
 */
export const MAX_SPANS_DRAWN = 5_000;
export const MAX_MARKERS_DRAWN = 1_500;
/** Density cells drawn in the whole page; a lane over its share gets coarser bins. */
export const MAX_DENSITY_CELLS = 2_500;
/** A lane with more events than this is drawn aggregated: density strip and merged short spans. */
export const AGGREGATE_EVENTS = 3000;
/** Spans narrower than this, and closer to each other than this, merge into one bar when a lane is aggregated. */
export const MERGE_PX = 2; /* px at full zoom */
const DENSITY_LEVELS = 5;
const AGGREGATE_BINS = 200;

export interface DrawSpan {
  x: number;
  w: number;
  kind: SpanKind | 'merged';
  label: string;
  start: number;
  end: number;
  /** spans this bar stands for (1 unless merged) */
  count: number;
  line?: number;
  packet?: number;
  details?: Record<string, string | number | boolean>;
}

export interface DrawMarker {
  x: number;
  t: number;
  /** width in px of a whole-second time's interval (coarse inputs); absent for a point */
  w?: number;
  kind: MarkerKind;
  label: string;
  line?: number;
  packet?: number;
}

export interface DensityCell {
  x: number;
  w: number;
  /** 0..1, quantised */
  level: number;
  count: number;
  start: number;
  end: number;
}

export interface LaneRow {
  /** page-wide row number, used in DOM ids (lane ids are trace text) */
  key: number;
  /** the lane drawn, or null for a row summing folded lanes */
  lane: Lane | null;
  label: string;
  /** full description for the hover title */
  title: string;
  y: number;
  spans: DrawSpan[];
  markers: DrawMarker[];
  density: DensityCell[];
  /** indices into result.findings drawn on this row */
  findings: number[];
  /** what was aggregated on this row, said on hover and in the notes */
  aggregated?: string;
}

export interface Block {
  title: string;
  subtitle: string;
  y: number;
  rows: LaneRow[];
}

export interface Panel {
  id: string;
  /** folded panels are <details> under the main timeline */
  folded: boolean;
  title: string;
  summary: string;
  blocks: Block[];
  height: number;
  /** only the main panel: the findings overview strip */
  findingRows: number;
}

export interface FindingMark {
  index: number;
  severity: Severity;
  x: number;
  w: number;
  /** sub-row in the overview strip */
  row: number;
}

export interface Tick {
  x: number;
  rel: string;
  wall: string;
}

export interface Layout {
  /** run-clock time at x = 0 */
  t0: number;
  /** seconds shown across PLOT_W at full zoom */
  span: number;
  clock: RunClockKind;
  panels: Panel[];
  findingMarks: FindingMark[];
  /** each finding's start and end in seconds from t0 (null: no time) */
  findingTimes: { s: number | null; e: number | null }[];
  ticks: Tick[];
  /** lane id → row key (lanes folded into a summed row map to that row) */
  rowOfLane: Map<string, number>;
  /** sentences for the page: what was folded, shifted */
  notes: string[];
  /** one sentence per lane drawn aggregated */
  laneNotes: string[];
  drawn: { spans: number; markers: number; lanes: number };
  /**
   * The view the page opens on, seconds from t0: the findings with precise
   * times and a margin, when they sit in a small part of the whole (a
   * whole-second app-log line must not pull the view away from the incident).
   */
  focus: { a: number; b: number };
  /** inputs whose every time is a whole second: their times are drawn as the one-second intervals they are */
  coarse: Set<string>;
}

export interface LayoutLimits {
  maxOpenLanes: number;
  maxLanesPerFold: number;
  maxFoldedLanes: number;
  maxSpans: number;
  maxMarkers: number;
  maxDensityCells: number;
  aggregateEvents: number;
}

export const DEFAULT_LIMITS: LayoutLimits = {
  maxOpenLanes: MAX_OPEN_LANES,
  maxLanesPerFold: MAX_LANES_PER_FOLD,
  maxFoldedLanes: MAX_FOLDED_LANES,
  maxSpans: MAX_SPANS_DRAWN,
  maxMarkers: MAX_MARKERS_DRAWN,
  maxDensityCells: MAX_DENSITY_CELLS,
  aggregateEvents: AGGREGATE_EVENTS,
};

/** Marker kinds that matter most when markers must be dropped. */
const MARKER_PRIORITY: Record<MarkerKind, number> = { reset: 0, error: 0, signal: 1, exit: 1, gap: 1, fin: 2, syn: 3 };

/**
 * Inputs with no wall-clock time in a run where others have it cannot be
 * aligned: their lanes would sit ~56 years before the rest. Draw them from the
 * run's start instead and say so. Returns input → seconds added.
 */
function unplacedShifts(result: RunResult, notes: string[]): Map<string, number> {
  const shifts = new Map<string, number>();
  const absInputs = result.inputs.filter((i) => result.clocks[i.path]?.absolute);
  if (absInputs.length === 0) return shifts;
  let absStart = Infinity;
  for (const l of result.lanes) if (result.clocks[l.input]?.absolute) absStart = Math.min(absStart, laneFirst(l));
  if (!Number.isFinite(absStart)) return shifts;
  const EPOCH_FLOOR = 1e8; /* s: 1973; anything smaller is not an epoch time */
  for (const i of result.inputs) {
    if (result.clocks[i.path]?.absolute) continue;
    let first = Infinity;
    // A lane placed on a capture's clock (an undated curl view) is aligned already: it neither moves nor sets the shift.
    for (const l of result.lanes) if (l.input === i.path && l.placed === undefined) first = Math.min(first, laneFirst(l));
    if (!Number.isFinite(first) || first >= EPOCH_FLOOR) continue;
    shifts.set(i.path, absStart - first);
    const placed = result.lanes.filter((l) => l.input === i.path && l.placed !== undefined).length;
    notes.push(
      placed
        ? `${i.path} has no wall-clock time: ${placed} of its lanes were placed by a captured connection with the same ends; the others could not be placed on the run's clock and are drawn from the start of the run, not aligned with the others.`
        : `${i.path} has no wall-clock time and could not be placed on the run's clock: its lanes are drawn from the start of the run, not aligned with the others.`,
    );
  }
  return shifts;
}

/** Seconds a lane is moved by: its input's shift, unless the lane was placed on the run's clock itself. */
function laneShift(l: Lane, shifts: Map<string, number>): number {
  return l.placed === undefined ? (shifts.get(l.input) ?? 0) : 0;
}

function laneFirst(l: Lane): number {
  let t = l.first ?? Infinity;
  for (const s of l.spans) t = Math.min(t, s.start);
  for (const m of l.markers) t = Math.min(t, m.t);
  return t;
}

function laneLast(l: Lane): number {
  let t = l.last ?? -Infinity;
  for (const s of l.spans) t = Math.max(t, s.end);
  for (const m of l.markers) t = Math.max(t, m.t);
  return t;
}

/** The time range shown at full zoom: every lane and finding, with a little margin. */
export function timeDomain(result: RunResult, shifts: Map<string, number> = new Map()): { t0: number; t1: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of result.lanes) {
    const d = laneShift(l, shifts);
    const a = laneFirst(l);
    const b = laneLast(l);
    if (Number.isFinite(a)) lo = Math.min(lo, a + d);
    if (Number.isFinite(b)) hi = Math.max(hi, b + d);
  }
  for (const f of result.findings) {
    const d = findingShift(f, shifts);
    for (const t of [f.start, f.end]) {
      if (t === null || t === undefined || !Number.isFinite(t)) continue;
      lo = Math.min(lo, t + d);
      hi = Math.max(hi, t + d);
    }
  }
  if (!Number.isFinite(lo)) return { t0: 0, t1: 1 };
  if (hi - lo < 1e-6) hi = lo + 1e-3;
  const margin = (hi - lo) * 0.02;
  // Start on a multiple of a tenth of the tick step, so relative ticks fall on round wall-clock times too (and at most 1% of the width is lost).
  const values = scaleLinear().domain([0, hi - lo + 2 * margin]).ticks(10);
  const unit = (values.length > 1 ? values[1] - values[0] : hi - lo) / 10;
  const t0 = Math.floor((lo - margin) / unit) * unit;
  return { t0, t1: hi + margin };
}

function findingShift(f: Finding, shifts: Map<string, number>): number {
  if (shifts.size === 0) return 0;
  // a finding about an undated view placed on a capture's clock is on the run's clock already
  if (f.details.time_placed !== undefined) return 0;
  const inputs = new Set(f.evidence.map((e) => e.input));
  // a finding citing an aligned input is on the run's clock already
  for (const i of inputs) if (!shifts.has(i)) return 0;
  return shifts.get(f.evidence[0]?.input) ?? 0;
}

/** Axis ticks at full zoom: relative seconds from t0, and the wall clock when there is one. */
export function axisTicks(t0: number, span: number, fmt: TimeFormatter, count = 10): Tick[] {
  const scale = scaleLinear().domain([0, span]).range([0, PLOT_W]);
  const values = scale.ticks(count);
  const step = values.length > 1 ? values[1] - values[0] : span;
  const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
  // the origin sits on a tenth of the step: wall labels may need one digit more
  const wallDigits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step / 10) - 1e-9)));
  const walls = shortenWalls(values.map((v) => trimFraction(fmt.wall(t0 + v, wallDigits))));
  return values.map((v, i) => ({ x: scale(v), rel: `${fixed(v, digits)} s`, wall: walls[i] }));
}

/**
 * Tick labels after the first drop the hours and minutes they share with
 * the tick before (`02:55:23.307`, `:23.317`, `:23.327`): long labels would
 * run into each other.
 */
export function shortenWalls(walls: string[]): string[] {
  return walls.map((w, i) => (i > 0 && w.length > 6 && w.slice(0, 6) === walls[i - 1].slice(0, 6) ? w.slice(5) : w));
}

/** `02:13:25.50` → `02:13:25.5`, `02:13:25.00` → `02:13:25` */
export function trimFraction(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

interface Ctx {
  result: RunResult;
  limits: LayoutLimits;
  t0: number;
  span: number;
  shifts: Map<string, number>;
  findingsOfLane: Map<string, number[]>;
  notes: string[];
  laneNotes: string[];
  nextKey: number;
  rowOfLane: Map<string, number>;
  coarse: Set<string>;
}

/**
 * Inputs stamped to the second (an app log's `02:55:54`): every time they
 * gave is a whole second. Such a time is an interval — the event happened
 * somewhere in that second — not a point at :54.000.
 */
export function coarseInputs(result: RunResult): Set<string> {
  const times = new Map<string, { n: number; whole: boolean }>();
  const see = (input: string, t: number | null | undefined) => {
    if (t === null || t === undefined || !Number.isFinite(t)) return;
    const c = times.get(input) ?? { n: 0, whole: true };
    c.n++;
    if (Math.abs(t - Math.round(t)) > 1e-9) c.whole = false;
    times.set(input, c);
  };
  for (const l of result.lanes) {
    for (const sp of l.spans) see(l.input, sp.start);
    for (const m of l.markers) see(l.input, m.t);
  }
  for (const f of result.findings) {
    const inputs = new Set(f.evidence.map((e) => e.input));
    if (inputs.size === 1) see([...inputs][0], f.start);
  }
  const out = new Set<string>();
  for (const i of result.inputs) {
    const c = times.get(i.path);
    if (c && c.whole && (i.format === 'app-log' || i.clock === 'time-of-day' || c.n >= 3)) out.add(i.path);
  }
  return out;
}

/** A finding is timed only to the second when every input it cites is. */
function coarseFinding(f: Finding, coarse: Set<string>): boolean {
  return coarse.size > 0 && f.evidence.length > 0 && f.evidence.every((e) => coarse.has(e.input));
}

/** The view to open on: the precisely timed findings with a margin, or everything. */
function focusOf(result: RunResult, t0: number, span: number, shifts: Map<string, number>, coarse: Set<string>): { a: number; b: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const f of result.findings) {
    if (coarseFinding(f, coarse)) continue;
    const d = findingShift(f, shifts) - t0;
    for (const t of [f.start, f.end]) {
      if (t === null || t === undefined || !Number.isFinite(t)) continue;
      lo = Math.min(lo, t + d);
      hi = Math.max(hi, t + d);
    }
  }
  if (!Number.isFinite(lo)) return { a: 0, b: span };
  const pad = Math.max((hi - lo) * 0.25, span * 0.01, 0.05 /* s */);
  const a = Math.max(0, lo - pad);
  const b = Math.min(span, hi + pad);
  return b - a > span * 0.8 ? { a: 0, b: span } : { a, b };
}

export function layout(result: RunResult, fmt: TimeFormatter = new TimeFormatter(result), limits: LayoutLimits = DEFAULT_LIMITS): Layout {
  const notes: string[] = [];
  const shifts = unplacedShifts(result, notes);
  const { t0, t1 } = timeDomain(result, shifts);
  const span = t1 - t0;
  const findingsOfLane = new Map<string, number[]>();
  result.findings.forEach((f, i) => {
    for (const id of f.lanes ?? []) {
      const list = findingsOfLane.get(id) ?? [];
      list.push(i);
      findingsOfLane.set(id, list);
    }
  });
  const coarse = coarseInputs(result);
  if (coarse.size) notes.push(`${[...coarse].join(', ')}: times to the whole second only; each is drawn as the one-second interval it stands for.`);
  const ctx: Ctx = { result, limits, t0, span, shifts, findingsOfLane, notes, laneNotes: [], nextKey: 0, rowOfLane: new Map(), coarse };

  // Which lanes open, which folded (by input, then group).
  const lanes = orderLanes(result);
  let open = lanes;
  let folded: Lane[] = [];
  if (lanes.length > limits.maxOpenLanes) {
    open = lanes.filter((l) => findingsOfLane.has(l.id)).slice(0, limits.maxOpenLanes);
    const openSet = new Set(open);
    folded = lanes.filter((l) => !openSet.has(l));
    notes.push(
      `${lanes.length.toLocaleString('en')} lanes: the ${open.length.toLocaleString('en')} lanes that carry findings are shown first; ` +
        `the other ${folded.length.toLocaleString('en')} are folded below by input and group (server endpoint, thread group).`,
    );
  }

  // Span/marker budgets shared fairly: small lanes take what they need, big ones split the rest.
  const foldPlan = planFolds(folded, ctx);
  const drawnLanes = [...open, ...foldPlan.flatMap((f) => f.drawn)];
  const spanQuota = shareBudget(drawnLanes.map((l) => l.spans.length), limits.maxSpans);
  const markerQuota = shareBudget(drawnLanes.map((l) => l.markers.length), limits.maxMarkers);
  // summed rows of folded groups take their cells first (AGGREGATE_BINS each), lanes share the rest
  const densityLeft = Math.max(0, limits.maxDensityCells - foldPlan.filter((f) => f.rest.length).length * AGGREGATE_BINS);
  const densityQuota = shareBudget(drawnLanes.map((l) => l.density?.counts.length ?? 0), densityLeft);
  const quotaOf = new Map<Lane, Quota>();
  drawnLanes.forEach((l, i) => quotaOf.set(l, { spans: spanQuota[i], markers: markerQuota[i], density: densityQuota[i] }));

  const panels: Panel[] = [];
  const findingMarks = markFindings(result, ctx);
  const findingRows = findingMarks.reduce((m, f) => Math.max(m, f.row + 1), 0);
  let y = AXIS_H + (findingRows > 0 ? HEADER_H + findingRows * FINDING_ROW_H + 6 : 0);
  const mainBlocks: Block[] = [];
  for (const [input, ls] of groupBy(open, (l) => l.input)) {
    const block: Block = { title: input, subtitle: blockSubtitle(result, input, ls), y, rows: [] };
    y += HEADER_H;
    for (const l of ls) {
      block.rows.push(laneRow(l, y, quotaOf.get(l)!, ctx));
      y += LANE_H;
    }
    mainBlocks.push(block);
  }
  panels.push({
    id: 'main',
    folded: false,
    title: folded.length ? 'Lanes with findings' : 'Timeline',
    summary: '',
    blocks: mainBlocks,
    height: y + 8,
    findingRows,
  });

  foldPlan.forEach((fold, fi) => {
    let fy = AXIS_H;
    const block: Block = { title: fold.input, subtitle: fold.group, y: fy, rows: [] };
    fy += HEADER_H;
    for (const l of fold.drawn) {
      block.rows.push(laneRow(l, fy, quotaOf.get(l)!, ctx));
      fy += LANE_H;
    }
    if (fold.rest.length) {
      block.rows.push(sumRow(fold.rest, fy, ctx));
      fy += LANE_H;
    }
    const events = fold.lanes.reduce((n, l) => n + l.events, 0);
    panels.push({
      id: `fold-${fi}`,
      folded: true,
      title: `${fold.input} · ${fold.group}`,
      summary:
        `${fold.lanes.length.toLocaleString('en')} lanes, ${events.toLocaleString('en')} events` +
        (fold.rest.length ? ` (${fold.drawn.length} drawn, ${fold.rest.length.toLocaleString('en')} summed into one activity strip)` : ''),
      blocks: [block],
      height: fy + 8,
      findingRows: 0,
    });
  });
  if (foldPlan.some((f) => f.rest.length)) {
    notes.push(`In each folded group at most ${foldPlan.reduce((m, f) => Math.max(m, f.drawn.length), 0)} lanes (the busiest) are drawn one by one; the others are summed into one activity strip per group.`);
  }

  let spans = 0;
  let markers = 0;
  let rows = 0;
  for (const p of panels) for (const b of p.blocks) for (const r of b.rows) {
    spans += r.spans.length;
    markers += r.markers.length;
    rows++;
  }
  return {
    t0,
    span,
    clock: fmt.kind,
    panels,
    findingMarks,
    findingTimes: result.findings.map((f) => {
      const d = findingShift(f, shifts) - t0;
      const ok = (t: number | null | undefined) => (t === null || t === undefined || !Number.isFinite(t) ? null : t + d);
      return { s: ok(f.start), e: ok(f.end) };
    }),
    ticks: axisTicks(t0, span, fmt),
    rowOfLane: ctx.rowOfLane,
    notes,
    laneNotes: ctx.laneNotes,
    drawn: { spans, markers, lanes: rows },
    focus: focusOf(result, t0, span, shifts, coarse),
    coarse,
  };
}

/** Lanes by input (in the inputs' order), then group (natural order: `pid 9` before `pid 10`), then first time. */
export function orderLanes(result: RunResult): Lane[] {
  const inputOrder = new Map(result.inputs.map((i, n) => [i.path, n]));
  // the collator is slow per call: rank the few distinct names once, then compare numbers
  const collator = new Intl.Collator('en', { numeric: true });
  const rank = (names: Iterable<string>) => new Map([...new Set(names)].sort(collator.compare).map((n, i) => [n, i]));
  const inputRank = rank(result.lanes.map((l) => l.input));
  const groupRank = rank(result.lanes.map((l) => l.group ?? ''));
  const keyed = result.lanes.map((l) => ({
    l,
    input: inputOrder.get(l.input) ?? 1e9 + inputRank.get(l.input)!,
    group: groupRank.get(l.group ?? '')!,
    first: laneFirst(l),
  }));
  keyed.sort((a, b) => a.input - b.input || a.group - b.group || a.first - b.first || (a.l.id < b.l.id ? -1 : a.l.id > b.l.id ? 1 : 0));
  return keyed.map((k) => k.l);
}

function blockSubtitle(result: RunResult, input: string, lanes: Lane[]): string {
  const info = result.inputs.find((i) => i.path === input);
  const one = lanes.length === 1;
  const kinds = [...new Set(lanes.map((l) => l.kind))].map((k) => (one ? k : { thread: 'threads', connection: 'connections', transfer: 'transfers' }[k]));
  const placed = lanes.filter((l) => l.placed !== undefined).length;
  return [info?.format, `${lanes.length} ${kinds.join('/')}`, placed ? `${placed} placed by the capture's clock` : ''].filter(Boolean).join(' · ');
}

interface Fold {
  input: string;
  group: string;
  lanes: Lane[];
  drawn: Lane[];
  rest: Lane[];
}

/** Folded lanes by input and group; the busiest lanes of each drawn, the rest summed. */
function planFolds(folded: Lane[], ctx: Ctx): Fold[] {
  if (folded.length === 0) return [];
  const folds: Fold[] = [];
  for (const [input, ls] of groupBy(folded, (l) => l.input)) {
    let groups = [...groupBy(ls, (l) => l.group ?? `${l.kind}s`)].map(([group, lanes]) => ({ group, lanes }));
    if (groups.length > MAX_FOLDS_PER_INPUT) {
      groups.sort((a, b) => b.lanes.length - a.lanes.length);
      const tail = groups.slice(MAX_FOLDS_PER_INPUT - 1);
      groups = groups.slice(0, MAX_FOLDS_PER_INPUT - 1);
      groups.push({ group: `${tail.length.toLocaleString('en')} other groups`, lanes: tail.flatMap((g) => g.lanes) });
      ctx.notes.push(`${input}: ${tail.length.toLocaleString('en')} small groups were put together into one folded group.`);
    }
    for (const g of groups) folds.push({ input, group: g.group, lanes: g.lanes, drawn: [], rest: [] });
  }
  const perFold = Math.max(MIN_LANES_PER_FOLD, Math.min(ctx.limits.maxLanesPerFold, Math.floor(ctx.limits.maxFoldedLanes / folds.length)));
  for (const f of folds) {
    if (f.lanes.length <= perFold) {
      f.drawn = f.lanes;
      continue;
    }
    const busiest = new Set([...f.lanes].sort((a, b) => b.events - a.events).slice(0, perFold));
    f.drawn = f.lanes.filter((l) => busiest.has(l));
    f.rest = f.lanes.filter((l) => !busiest.has(l));
  }
  return folds;
}

/**
 * Splits `budget` among consumers wanting `wants[i]`: the smallest wants are
 * met in full, the rest share what is left equally.
 */
export function shareBudget(wants: number[], budget: number): number[] {
  const order = wants.map((w, i) => i).sort((a, b) => wants[a] - wants[b]);
  const out = new Array<number>(wants.length).fill(0);
  let left = budget;
  order.forEach((i, n) => {
    const fair = Math.floor(left / (order.length - n));
    out[i] = Math.min(wants[i], Math.max(0, fair));
    left -= out[i];
  });
  return out;
}

function xOf(t: number, ctx: Ctx): number {
  return ((t - ctx.t0) / ctx.span) * PLOT_W;
}

interface Quota {
  spans: number;
  markers: number;
  density: number;
}

function laneRow(l: Lane, y: number, quota: Quota, ctx: Ctx): LaneRow {
  const key = ctx.nextKey++;
  ctx.rowOfLane.set(l.id, key);
  const shift = laneShift(l, ctx.shifts);
  const secondsPerPx = ctx.span / PLOT_W;
  let spans: DrawSpan[] = l.spans.map((s) => ({
    x: xOf(s.start + shift, ctx),
    w: Math.max(0, ((s.end - s.start) / ctx.span) * PLOT_W),
    kind: s.kind,
    label: s.label,
    start: s.start + shift,
    end: s.end + shift,
    count: 1,
    line: s.line,
    packet: s.packet,
    details: s.details,
  }));
  const said: string[] = [];
  const aggregate = l.events > ctx.limits.aggregateEvents || spans.length > quota.spans || (l.spansDropped ?? 0) > 0;
  if (aggregate && spans.length > 1) {
    const before = spans.length;
    spans = mergeShortSpans(spans, MERGE_PX, secondsPerPx);
    if (spans.length < before) said.push(`${(before - spans.length + countMerged(spans)).toLocaleString('en')} short spans merged into ${countMerged(spans).toLocaleString('en')} bars`);
  }
  if (spans.length > quota.spans) {
    const keep = new Set([...spans].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, quota.spans));
    said.push(`${(spans.length - quota.spans).toLocaleString('en')} shortest bars not drawn`);
    spans = spans.filter((s) => keep.has(s));
  }
  if (l.spansDropped) said.push(`${l.spansDropped.toLocaleString('en')} shorter spans not kept by the analysis`);
  const second = ctx.coarse.has(l.input) ? (1 / ctx.span) * PLOT_W : undefined;
  let markers: DrawMarker[] = l.markers.map((m) => ({ x: xOf(m.t + shift, ctx), t: m.t + shift, w: second, kind: m.kind, label: m.label, line: m.line, packet: m.packet }));
  if (markers.length > quota.markers) {
    const keep = new Set(
      markers
        .map((m, i) => ({ m, i }))
        .sort((a, b) => MARKER_PRIORITY[a.m.kind] - MARKER_PRIORITY[b.m.kind] || a.i - b.i)
        .slice(0, quota.markers)
        .map((x) => x.m),
    );
    said.push(`${(markers.length - quota.markers).toLocaleString('en')} markers not drawn`);
    markers = markers.filter((m) => keep.has(m));
  }
  if (l.markersDropped) said.push(`${l.markersDropped.toLocaleString('en')} markers not kept by the analysis`);
  const density = aggregate || said.length ? densityCells(l, shift, quota.density, ctx) : [];
  const aggregated = said.length || density.length ? `${l.events.toLocaleString('en')} events` + (said.length ? `; ${said.join('; ')}` : '') + (density.length ? '; shaded strip: all events' : '') : undefined;
  if (aggregated) ctx.laneNotes.push(`${l.label} (${l.input}): ${aggregated}.`);
  return {
    key,
    lane: l,
    label: l.label,
    title: `${l.label}\n${l.input}\n${l.kind} · ${l.events.toLocaleString('en')} events${aggregated ? `\naggregated: ${aggregated}` : ''}${l.placed ? `\n${l.placed}` : ''}`,
    y,
    spans,
    markers,
    density,
    findings: ctx.findingsOfLane.get(l.id) ?? [],
    aggregated,
  };
}

function countMerged(spans: DrawSpan[]): number {
  let n = 0;
  for (const s of spans) if (s.kind === 'merged') n++;
  return n;
}

/**
 * Neighbouring spans too short to see (< minPx wide, < minPx apart at full
 * zoom) become one bar standing for all of them; wider spans stay as they are.
 */
export function mergeShortSpans(spans: DrawSpan[], minPx: number, secondsPerPx: number): DrawSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: DrawSpan[] = [];
  let run: DrawSpan[] = [];
  let runEnd = -Infinity;
  const flush = () => {
    if (run.length === 1) out.push(run[0]);
    else if (run.length > 1) {
      const start = run[0].start;
      const kinds = new Set(run.map((s) => s.kind));
      out.push({
        x: run[0].x,
        w: Math.max(0, (runEnd - start) / secondsPerPx),
        kind: 'merged',
        label: `${run.length.toLocaleString('en')} ${kinds.size === 1 ? `${[...kinds][0]} spans` : 'spans'} merged (${run[0].label} …)`,
        start,
        end: runEnd,
        count: run.reduce((n, s) => n + s.count, 0),
        line: run[0].line,
        packet: run[0].packet,
      });
    }
    run = [];
    runEnd = -Infinity;
  };
  for (const s of sorted) {
    if (s.w >= minPx) {
      flush();
      out.push(s);
      continue;
    }
    if (run.length && (s.start - runEnd) / secondsPerPx >= minPx) flush();
    run.push(s);
    runEnd = Math.max(runEnd, s.end);
  }
  flush();
  return out;
}

/** The lane's density strip as cells of quantised level, equal neighbours joined. */
function densityCells(l: Lane, shift: number, maxCells: number, ctx: Ctx): DensityCell[] {
  const d = l.density;
  if (!d || d.counts.length === 0 || maxCells < 1) return [];
  let counts = d.counts;
  let binWidth = d.binWidth;
  while (counts.length > maxCells) {
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += 2) merged.push(counts[i] + (counts[i + 1] ?? 0));
    counts = merged;
    binWidth *= 2;
  }
  return cellsFrom(d.start + shift, binWidth, counts, ctx);
}

function cellsFrom(start: number, binWidth: number, counts: number[], ctx: Ctx): DensityCell[] {
  let max = 0;
  for (const c of counts) max = Math.max(max, c);
  if (max === 0) return [];
  const cells: DensityCell[] = [];
  let i = 0;
  while (i < counts.length) {
    if (counts[i] === 0) {
      i++;
      continue;
    }
    const level = Math.ceil((counts[i] / max) * DENSITY_LEVELS) / DENSITY_LEVELS;
    let j = i;
    let count = 0;
    while (j < counts.length && counts[j] > 0 && Math.ceil((counts[j] / max) * DENSITY_LEVELS) / DENSITY_LEVELS === level) count += counts[j++];
    const s = start + i * binWidth;
    const e = start + j * binWidth;
    cells.push({ x: xOf(s, ctx), w: ((e - s) / ctx.span) * PLOT_W, level, count, start: s, end: e });
    i = j;
  }
  return cells;
}

/** One row standing for many folded lanes: their events summed into one density strip. */
function sumRow(lanes: Lane[], y: number, ctx: Ctx): LaneRow {
  const key = ctx.nextKey++;
  const binWidth = ctx.span / AGGREGATE_BINS;
  const counts = new Array<number>(AGGREGATE_BINS).fill(0);
  let events = 0;
  for (const l of lanes) {
    ctx.rowOfLane.set(l.id, key);
    events += l.events;
    const shift = laneShift(l, ctx.shifts);
    const d = l.density;
    if (d) {
      const base = d.start + shift - ctx.t0;
      const dc = d.counts;
      for (let i = 0; i < dc.length; i++) {
        const c = dc[i];
        if (c === 0) continue;
        const bin = Math.floor((base + (i + 0.5) * d.binWidth) / binWidth);
        counts[bin < 0 ? 0 : bin >= AGGREGATE_BINS ? AGGREGATE_BINS - 1 : bin] += c;
      }
    } else {
      for (const s of l.spans) counts[Math.min(AGGREGATE_BINS - 1, Math.max(0, Math.floor((s.start + shift - ctx.t0) / binWidth)))]++;
    }
  }
  const findings = [...new Set(lanes.flatMap((l) => ctx.findingsOfLane.get(l.id) ?? []))];
  const label = `+ ${lanes.length.toLocaleString('en')} more lanes (summed)`;
  const aggregated = `${lanes.length.toLocaleString('en')} lanes, ${events.toLocaleString('en')} events summed into one activity strip`;
  return {
    key,
    lane: null,
    label,
    title: `${label}\n${aggregated}`,
    y,
    spans: [],
    markers: [],
    density: cellsFrom(ctx.t0, binWidth, counts, ctx),
    findings,
    aggregated,
  };
}

/** Findings on the overview strip, stacked greedily so overlapping ones do not hide each other. */
function markFindings(result: RunResult, ctx: Ctx): FindingMark[] {
  const rowEnds: number[] = [];
  const marks: FindingMark[] = [];
  result.findings.forEach((f, index) => {
    if (f.start === null || !Number.isFinite(f.start)) return;
    const shift = findingShift(f, ctx.shifts);
    const x = xOf(f.start + shift, ctx);
    const end = Math.max(f.end ?? f.start, coarseFinding(f, ctx.coarse) ? f.start + 1 : f.start);
    const w = Math.max(0, ((end - f.start) / ctx.span) * PLOT_W);
    let row = rowEnds.findIndex((e) => e + 4 < x);
    if (row < 0) {
      row = rowEnds.length < MAX_FINDING_ROWS ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = -Infinity;
    }
    rowEnds[row] = Math.max(rowEnds[row], x + Math.max(w, 6));
    marks.push({ index, severity: f.severity, x, w, row });
  });
  return marks;
}
