/**
 * The pipeline as a library: everything given to one `analyze` is one
 * incident, analysed together. State lives in the call, never in modules,
 * so batch and server uses can run many analyses in one process.
 */
import { claimedCurlExitCodes, DETECTORS, eachOf, type Detector } from '../detectors/index.js';
import {
  FaultlineError,
  redactResult,
  SEVERITY_RANK,
  type AnalysedInput,
  type ClockPlacement,
  type DetectorFailure,
  type Finding,
  type FindingDetails,
  type FindingDraft,
  type InputFormat,
  type InputInfo,
  type InputModel,
  type Lane,
  type RunModel,
  type RunResult,
  type RunSpec,
  type Severity,
} from '../model/index.js';
import { placeClocks } from './clock.js';
import { placeUndatedViews } from './place-views.js';
import { clockSuspects, isWholeSecond, mergeDrafts, placeDraft, type MergedGroup, type PlacedDraft } from './correlate.js';
import { cancelled, readInput, readSources } from './read.js';
import { FindingIds, fnv1a, Int32Set } from './finding-id.js';
import { VERSION } from './version.js';

export { expandInputs, type ExpandedInputs, type ExpandError } from './inputs.js';
export { sniff, readInput, type ReadHooks, type ReadResult } from './read.js';
export { DETECTORS, type Detector } from '../detectors/index.js';
export { isValidTimezone } from './clock.js';

export { buildSpec, specFromSources, outcome, validateSpec, OUTCOME, DEFAULT_JOIN_WINDOW, type SpecFlags, type RunHooks } from './spec.js';
import { buildSpec, validateSpec, type RunHooks, type SpecFlags } from './spec.js';

/**
 * Runs one case: reads every source, places the clocks, runs the detectors, joins what
 * several inputs saw of one event. CONTRACT: this signature stays.
 *
 * Everything lives in this call (no module state), so one process can run many at once.
 * Cancellation (`hooks.signal`) is checked before each chunk of each input, between
 * inputs and between detectors; the run then rejects with E_CANCELLED (or the signal's
 * reason, when it is a FaultlineError such as a runner's E_TIMEOUT). An input that cannot
 * be read, or a detector that throws, is recorded in the result and the run goes on.
 */
export async function runCase(spec: RunSpec, hooks: RunHooks = {}): Promise<RunResult> {
  const { signal, onEvent } = hooks;
  validateSpec(spec, hooks.registry);
  const check = (): void => {
    if (signal?.aborted) throw cancelled(signal);
  };
  check();
  const timeline = spec.lanes !== false;
  const open = hooks.readerThread ? { readerThread: hooks.readerThread } : undefined;
  const read = await readSources(spec.sources, (ref) => ({ timezone: spec.input_timezones[ref.name] ?? spec.timezone, signal, onEvent, timeline, open }));
  const analysed: AnalysedInput[] = read.map((r) => ({ info: r.info, model: r.model, placement: { offset: 0, absolute: false } }));
  const infos: InputInfo[] = analysed.map((a) => a.info);
  for (const e of spec.expand_errors) {
    infos.push({ path: e.name, format: 'unknown', status: 'error', error: e.message, error_code: e.code, events: 0, clock: 'none', warnings: [] });
  }
  // A folder whose files were all skipped held no trace: that is the run's problem to report (exit 3).
  const folders = new Map<string, boolean>();
  spec.sources.forEach((ref, i) => {
    if (ref.kind !== 'file' || ref.folder === undefined) return;
    folders.set(ref.folder, (folders.get(ref.folder) ?? false) || infos[i].status !== 'skipped');
  });
  for (const [folder, hasTrace] of folders) {
    if (!hasTrace) infos.push({ path: folder, format: 'unknown', status: 'error', error: 'the folder holds no trace (every file was skipped)', error_code: 'E_EMPTY_FOLDER', events: 0, clock: 'none', warnings: [] });
  }

  const { placements, date } = placeClocks(
    analysed.filter((a) => a.model).map((a) => ({ path: a.info.path, clock: a.info.clock, first: a.info.first_t ?? null })),
    { date: spec.date ?? undefined, timezone: spec.timezone, timezones: spec.input_timezones, offsets: spec.clock_offsets },
  );
  for (const a of analysed) if (placements[a.info.path]) a.placement = placements[a.info.path];
  // Undated curl views (-w, %{json}) whose ends match a captured connection take its time.
  const views = placeUndatedViews(analysed, placements);
  for (const [path, note] of views.notes) {
    const p = placements[path];
    if (p) p.note = `${p.note ?? 'no timestamps'}; ${note}`;
  }

  const joinWindow = spec.join_window;
  const run: RunModel = { inputs: analysed, options: { joinWindow, claimedCurlExitCodes: claimedCurlExitCodes(hooks.registry ?? DETECTORS) } };
  const selected = selectDetectors(spec.detectors ?? undefined, hooks.registry);
  const inputIndex = new Map(analysed.map((a, i) => [a.info.path, i]));
  const ids = new FindingIds();
  /**
   * Every selected detector's drafts, placed. `only`: the run's one input, whose drafts join
   * nothing (buildFindings makes each a finding alone): each is made its finding as its detector
   * returns it, grouped by detector as buildFindings groups them, instead of being held as a
   * placed draft to the end of the detectors (a long log's 10,000 drafts and placements, moved by
   * the collector twice over, are garbage by the next detector). A detector whose detect is
   * streamed hands each draft on as it makes it: the draft is made its finding there and then,
   * so its join facts and placement are garbage before the next is made. Undefined when a draft
   * names another input (a registry's detector may): the detectors are then run again the general way.
   */
  const detectAll = (only: string | undefined): { placed: PlacedDraft[]; alone?: Map<string, Built[]>; failures: DetectorFailure[] } | undefined => {
    const failures: DetectorFailure[] = [];
    const placed: PlacedDraft[] = [];
    const alone = only === undefined ? undefined : new Map<string, Built[]>();
    const place = (d: FindingDraft): PlacedDraft => {
      const i = inputIndex.get(d.input) ?? analysed.length;
      // A draft about a transfer placed on a capture's clock is on the run's clock, though its input is not.
      const from = views.byEventKey.size ? d.eventKeys?.map((k) => views.byEventKey.get(k)).find((c) => c !== undefined) : undefined;
      const placement = from === undefined ? placements[d.input] : { ...placements[d.input], absolute: true };
      return placeDraft(d, i, placement, analysed[i]?.info.format, analysed[i]?.info.sha256, from);
    };
    const addAlone = (map: Map<string, Built[]>, b: Built): void => {
      let list = map.get(b.finding.detector);
      if (list === undefined) map.set(b.finding.detector, (list = []));
      list.push(b);
    };
    for (const det of selected) {
      check();
      const each = alone === undefined ? undefined : eachOf(det.detect);
      try {
        if (each !== undefined && alone !== undefined) {
          // the detector's findings are the run's once it has returned (one that throws half way adds none)
          const mine: Built[] = [];
          let elsewhere = false;
          each(run, (d) => {
            if (elsewhere) return;
            if (d.input !== only) elsewhere = true;
            else mine.push(toFindingAlone(place(d), ids));
          });
          if (elsewhere) return undefined;
          for (const b of mine) addAlone(alone, b);
          continue;
        }
        for (const d of det.detect(run)) {
          if (alone !== undefined && d.input !== only) return undefined;
          const p = place(d);
          if (alone === undefined) placed.push(p);
          else addAlone(alone, toFindingAlone(p, ids));
        }
      } catch (err) {
        failures.push({ detector: det.id, code: 'E_DETECTOR', error: (err as Error)?.message ?? String(err) });
      }
    }
    return { placed, alone, failures };
  };
  const detected = detectAll(analysed.length === 1 ? analysed[0].info.path : undefined) ?? detectAll(undefined)!;
  const { placed, alone, failures } = detected;
  onEvent?.({ type: 'detectors-done', detectors: selected.length, failures: failures.length });
  check();

  const timeOfDay = new Set(analysed.filter((a) => a.info.clock === 'time-of-day').map((a) => a.info.path));
  const warnings = clockSuspects(placed, joinWindow, timeOfDay);
  let findings = alone === undefined ? buildFindings(placed, joinWindow, ids) : finishFindings([...alone.values()].flat(), ids);
  if (spec.min_severity) {
    const min = SEVERITY_RANK[spec.min_severity];
    findings = findings.filter((f) => SEVERITY_RANK[f.severity] >= min);
  }

  const lanes: Lane[] = [];
  for (const a of analysed) for (const lane of a.model?.lanes ?? []) lanes.push(shiftLane(lane, a.placement));

  let result: RunResult = {
    tool: 'faultline',
    version: VERSION,
    inputs: infos,
    findings,
    detector_failures: failures,
    clocks: placements,
    lanes,
    ...(warnings.length ? { warnings } : {}),
    assumptions: { timezone: spec.timezone, date, join_window: joinWindow },
    redacted: spec.redact,
    min_severity: spec.min_severity ?? undefined,
  };
  if (spec.redact) result = redactResult(result);
  onEvent?.({ type: 'result', findings: result.findings.length });
  return result;
}

/** The first wave's library call, kept for library users: a spec from paths and options, then runCase. */
export interface AnalyzeOptions {
  /** detector ids to run (default: all) */
  detectors?: string[];
  /** findings below this are left out of the result */
  minSeverity?: Severity;
  /** seconds within which one detector's findings in different inputs may be one event */
  joinWindow?: number;
  /** YYYY-MM-DD to place time-of-day inputs on */
  date?: string;
  /** IANA zone for time-of-day inputs */
  timezone?: string;
  /** seconds to add to one input's times, by path as given */
  clockOffsets?: Record<string, number>;
  /** redact secrets (default true) */
  redact?: boolean;
  /** the detectors to choose from (default: the registry); lets a library user add their own */
  registry?: readonly Detector[];
}

export async function analyze(paths: string[], opts: AnalyzeOptions = {}, hooks: Omit<RunHooks, 'registry'> = {}): Promise<RunResult> {
  const flags: SpecFlags = {
    detectors: opts.detectors?.join(','),
    minSeverity: opts.minSeverity,
    joinWindow: opts.joinWindow === undefined ? undefined : String(opts.joinWindow),
    date: opts.date,
    tz: opts.timezone === undefined ? undefined : [opts.timezone],
    clockOffsets: Object.entries(opts.clockOffsets ?? {}).map(([k, v]) => `${k}=${v}`),
    redact: opts.redact,
  };
  const spec = await buildSpec(paths, flags, opts.registry);
  return runCase(spec, { ...hooks, registry: opts.registry });
}

export function selectDetectors(ids: string[] | undefined, registry: readonly Detector[] = DETECTORS): Detector[] {
  if (!ids || ids.length === 0) return [...registry];
  const wanted = new Set(ids);
  return registry.filter((d) => wanted.has(d.id));
}

/** Joins, ids, `related`, and the schema's order: start, then detector, then subject. */
export function buildFindings(placed: PlacedDraft[], joinWindow: number, ids: FindingIds = new FindingIds()): Finding[] {
  const byDetector = new Map<string, PlacedDraft[]>();
  for (const p of placed) {
    const list = byDetector.get(p.draft.detector) ?? [];
    list.push(p);
    byDetector.set(p.draft.detector, list);
  }
  const built: Built[] = [];
  for (const drafts of byDetector.values()) {
    // drafts of one input join nothing (mergeDrafts would make a group of one of each): each is a finding alone
    if (oneInput(drafts)) for (const p of drafts) built.push(toFindingAlone(p, ids));
    else for (const g of mergeDrafts(drafts, joinWindow)) built.push(toFinding(g, ids));
  }
  return finishFindings(built, ids);
}

/**
 * Ids made unique, `related`, and the schema's order, of the findings made (in their detectors' order: the sort is stable).
 * `ids`: what made every id of `built`.
 */
function finishFindings(built: Built[], ids: FindingIds): Finding[] {
  built.sort(compareBuilt);
  // while no two ids can be alike, none is numbered: each would be new to the set
  if (ids.mayRepeat()) numberRepeats(built);
  // Only the keys named twice or more relate findings, and most runs name each key once: while no
  // two keys share a hash, none is named twice (each key hashed here in a loop: a Set of 10,000
  // strings hashes each with a copy of it, and grows, at some 1 µs a key in a long log's run)
  if (distinctKeys(built)) return built.map((b) => b.finding);
  // Otherwise one pass finds the keys named twice with one look-up per key (the set grew, or the
  // key was there), and only those are indexed.
  const seen = new Set<string>();
  let repeated: Set<string> | undefined;
  for (const b of built) {
    for (const k of b.keys) {
      const size = seen.size;
      if (seen.add(k).size === size) (repeated ??= new Set()).add(k);
    }
  }
  return repeated === undefined ? built.map((b) => b.finding) : relate(built, repeated);
}

/** Whether no two keys of the findings have one FNV-1a hash (then no key is named twice). */
function distinctKeys(built: Built[]): boolean {
  const hashes = new Int32Set();
  for (const b of built) for (const k of b.keys) if (!hashes.add(fnv1a(k))) return false;
  return true;
}

/**
 * `related` of the findings naming each of the `repeated` keys: the others' ids. The keys are
 * listed as they are met a second time, and the findings of each in order.
 */
function relate(built: Built[], repeated: ReadonlySet<string>): Finding[] {
  // The findings naming each key: the one finding itself while there is one, a list from the second.
  const byKey = new Map<string, Built | Built[]>();
  const shared: Built[][] = [];
  for (const b of built) {
    for (const k of b.keys) {
      if (!repeated.has(k)) continue;
      const named = byKey.get(k);
      if (named === undefined) byKey.set(k, b);
      else if (Array.isArray(named)) named.push(b);
      else {
        const list = [named, b];
        byKey.set(k, list);
        shared.push(list);
      }
    }
  }
  const rel = new Map<Built, Set<string>>();
  for (const list of shared) {
    for (const b of list) {
      let ids = rel.get(b);
      for (const o of list) {
        if (o.finding.id === b.finding.id) continue;
        if (ids === undefined) rel.set(b, (ids = new Set()));
        ids.add(o.finding.id);
      }
    }
  }
  // in the findings' order, as the sets were made before (the sets are sorted: only which ids, not their order, counts)
  for (const b of built) {
    const ids = rel.get(b);
    if (ids !== undefined) b.finding.related = [...ids].sort();
  }
  return built.map((b) => b.finding);
}

/** Ids made unique: the second and later findings of one id (in the findings' order) get -2, -3 … */
function numberRepeats(built: Built[]): void {
  const used = new Set<string>();
  for (const b of built) {
    // one look-up per id where it is new (all but a few): the set grew, or the id was taken and -2, -3 … are tried
    const base = b.finding.id;
    let id = base;
    let size = used.size;
    for (let n = 2; used.add(id).size === size; n++) {
      id = `${base}-${n}`;
      size = used.size;
    }
    b.finding.id = id;
  }
}

/** Whether every draft is of one input (mergeDrafts' own test, without a set of inputs). */
function oneInput(drafts: readonly PlacedDraft[]): boolean {
  const input = drafts[0]?.draft.input;
  for (const p of drafts) if (p.draft.input !== input) return false;
  return true;
}

function toFinding(g: MergedGroup, ids: FindingIds): Built {
  if (g.members.length === 1) return toFindingAlone(g.members[0], ids);
  // The view closest to the wire speaks for the event: a capture's title names the connection,
  // the bytes and the packets; strace names the call; curl its own words; an app log only the error.
  const members = sortedCopy(
    g.members,
    (a, b) =>
      SEVERITY_RANK[b.draft.severity] - SEVERITY_RANK[a.draft.severity] ||
      viewRank(a.format) - viewRank(b.format) ||
      richness(b.draft) - richness(a.draft) ||
      a.inputIndex - b.inputIndex,
  );
  const primary = members[0];
  const d = primary.draft;
  const byInput = sortedCopy(g.members, (a, b) => a.inputIndex - b.inputIndex);
  const evidence: Finding['evidence'] = [];
  for (const m of byInput) for (const e of m.draft.evidence) evidence.push(e);
  const subject = copyOwn(d.subject);
  for (const m of byInput) {
    const from = m.draft.subject as Record<string, unknown>;
    for (const k of Object.keys(from)) if ((subject as Record<string, unknown>)[k] === undefined) setOwn(subject as Record<string, unknown>, k, from[k]);
  }
  const details: FindingDetails = copyOwn(d.details);
  const clockNote = g.members.find((m) => m.clockNote)?.clockNote;
  if (clockNote) details.clock_suspect = clockNote;
  if (g.members.length > 1) {
    details.correlation = {
      inputs: byInput.map((m) => m.draft.input),
      joined_on: g.joinedOn,
      ...(g.timeSpread !== undefined ? { time_spread_s: round6(g.timeSpread) } : {}),
    };
    details.other_views = members.slice(1).map((m) => {
      // `{ input, title, ...details }`, key by key: spread takes V8's generic path on details of varying shapes
      const view: Record<string, unknown> = { input: m.draft.input, title: m.draft.title };
      const from = m.draft.details as Record<string, unknown>;
      for (const k of Object.keys(from)) setOwn(view, k, from[k]);
      return view as NonNullable<FindingDetails['other_views']>[number];
    });
    // The filter to open the capture at this event, whichever view leads.
    if (details.wireshark_filter === undefined) {
      const filter = members.map((m) => m.draft.details.wireshark_filter).find((f): f is string => typeof f === 'string');
      if (filter !== undefined) details.wireshark_filter = filter;
    }
  }
  // Times from views on the run's clock, finest first: a view on its own clock (strace -r) or a
  // log stamped to the second would drag the finding to 1970 or to the start of its second.
  let start: number | null = null;
  let end: number | null = null;
  for (const m of timingViews(g.members)) {
    if (m.start !== null && (start === null || m.start < start)) start = m.start;
    const e = m.end ?? m.start;
    if (e !== null && (end === null || e > end)) end = e;
  }
  const finding: Finding = {
    id: stableId(d.detector, primary, ids),
    detector: d.detector,
    severity: d.severity,
    title: d.title,
    start,
    end,
    subject,
    evidence,
    details,
  };
  const explanation = members.find((m) => m.draft.explanation)?.draft.explanation;
  if (explanation) finding.explanation = explanation;
  const lanes = unionOf(g.members, (m) => m.draft.lanes);
  if (lanes.length) finding.lanes = lanes;
  const keys = unionOf(g.members, (m) => m.draft.eventKeys);
  return { finding, keys };
}

/**
 * toFinding for a draft that joined nothing (every finding of a run with one input): the same
 * finding, without the sorting and merging of views a joined one needs.
 */
function toFindingAlone(p: PlacedDraft, ids: FindingIds): Built {
  const d = p.draft;
  // A draft is the pipeline's once its detector returned it, and nothing changes a finding's parts
  // after this: the finding takes the draft's subject, evidence and lanes instead of copies (10,000
  // findings held twice over until the run ends, for the collector to trace and move). Details are
  // copied where a clock note goes in (a detector may share one details object between drafts).
  let details = d.details;
  if (p.clockNote) {
    details = copyOwn(d.details);
    details.clock_suspect = p.clockNote;
  }
  const lanes = d.lanes && d.lanes.length > 1 ? [...new Set(d.lanes)] : d.lanes;
  const finding = findingOf(stableId(d.detector, p, ids), d, p.start, p.end ?? p.start, details, d.explanation || undefined, lanes?.length ? lanes : undefined);
  // read only (the index of event keys in buildFindings)
  const keys = d.eventKeys && d.eventKeys.length > 1 ? [...new Set(d.eventKeys)] : (d.eventKeys ?? []);
  return { finding, keys };
}

/**
 * A finding as one literal of its fields, `explanation` and `lanes` where given: the keys in the
 * schema's order, as a literal of nine fields with the two set after it gave them. Made whole,
 * a finding holds its fields in itself, not nine there and the rest in a second array, and its
 * hidden class is the literal's, kept by the code that makes it: one added to by assignment lives
 * only while findings of it do, and with it the compiled code of every function that read it (a
 * run after a full collection began by compiling them again).
 */
function findingOf(id: string, d: FindingDraft, start: number | null, end: number | null, details: FindingDetails, explanation: string | undefined, lanes: string[] | undefined): Finding {
  const { detector, severity, title, subject, evidence } = d;
  if (explanation !== undefined) {
    if (lanes !== undefined) return { id, detector, severity, title, start, end, subject, evidence, details, explanation, lanes };
    return { id, detector, severity, title, start, end, subject, evidence, details, explanation };
  }
  if (lanes !== undefined) return { id, detector, severity, title, start, end, subject, evidence, details, lanes };
  return { id, detector, severity, title, start, end, subject, evidence, details };
}

/**
 * `{ ...o }` for the plain objects of a draft (details, subject): the same keys in the same
 * order, values shared. Spread goes through V8's generic path when the shapes vary from draft
 * to draft (each detector builds its details key by key); a loop over the keys does not.
 */
function copyOwn<T extends object>(o: T): T {
  const out = {} as Record<string, unknown>;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    setOwn(out, k, (o as Record<string, unknown>)[k]);
  }
  return out as T;
}

/** `out[k] = v` as spread would define it: an own `__proto__` key is a key like any other for spread; an assignment would set the prototype. */
function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** The distinct strings of every member's list, in the members' order: `[...new Set(members.flatMap(list))]`. */
function unionOf(members: PlacedDraft[], list: (m: PlacedDraft) => readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const m of members) {
    const l = list(m);
    if (l) for (const x of l) if (!out.includes(x)) out.push(x);
  }
  return out;
}

/**
 * Which views' times a joined finding takes: those on the run's clock if any, of those the
 * ones with a clock of their own (a view placed by a capture's connection only estimates its
 * time from it), and of those the sub-second ones if any.
 */
function timingViews(members: PlacedDraft[]): PlacedDraft[] {
  if (members.length === 1) return members;
  const onClock = members.filter((m) => m.absolute && m.start !== null);
  if (onClock.length === 0) return members;
  const own = onClock.filter((m) => m.placedFrom === undefined);
  const abs = own.length ? own : onClock;
  const fine = abs.filter((m) => !isWholeSecond(m.start!));
  return fine.length ? fine : abs;
}

const VIEW_RANK: Partial<Record<InputFormat, number>> = {
  pcap: 0,
  pcapng: 0,
  strace: 1,
  'curl-trace': 2,
  'curl-verbose': 2,
  'curl-json': 3,
  'curl-writeout': 3,
  'curl-csv': 3,
  'app-log': 4,
};

function viewRank(f: InputFormat | undefined): number {
  return f === undefined ? 9 : (VIEW_RANK[f] ?? 9);
}

function richness(d: FindingDraft): number {
  const j = d.join as Record<string, unknown> | undefined;
  let n = 0;
  if (j) for (const k of Object.keys(j)) if (j[k] !== undefined && j[k] !== null) n++;
  return n;
}

/**
 * A sorted copy, stable: a joined finding has two or three views, and Array.prototype.sort
 * allocates its work space per call (17 MB over 10,000 joined findings), where an insertion sort of
 * a copy allocates the copy only.
 */
function sortedCopy<T>(list: readonly T[], cmp: (a: T, b: T) => number): T[] {
  if (list.length > 8) return [...list].sort(cmp);
  const out = list.slice();
  for (let i = 1; i < out.length; i++) {
    const x = out[i];
    let j = i - 1;
    while (j >= 0 && cmp(out[j], x) > 0) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = x;
  }
  return out;
}

/**
 * Same content, same ids: a hash of the input's content digest, where in it the finding was
 * first seen and what it is about. Never the path: `analyze dir` and `analyze /abs/dir` (or a
 * batch on another machine) give the same ids. Two findings with one basis get -2, -3 … in order.
 */
function stableId(detector: string, p: PlacedDraft, ids: FindingIds): string {
  const e = p.draft.evidence[0];
  // the hash of `[detector, digest, line, packet, JSON.stringify(subject)].join('\u0000')` (findingIdOf)
  return ids.id(detector, p.digest ?? `#${p.inputIndex}`, e?.line, e?.packet, p.draft.subject);
}

interface Built {
  finding: Finding;
  keys: string[];
  /**
   * orderKey(finding), made once for the sort, when first compared: findings of one detector at one
   * time are few (each of 10,000 curl failures in a log has a second of its own), and the key is
   * garbage once sorted (20,000 findings: ~600,000 comparisons)
   */
  order?: string;
}

/** compareFindings of two built findings, their order keys made at most once each. */
function compareBuilt(a: Built, b: Built): number {
  const head = compareHead(a.finding, b.finding);
  if (head !== 0) return head;
  return compareTail(a.finding, (a.order ??= orderKey(a.finding)), b.finding, (b.order ??= orderKey(b.finding)));
}

/** The schema's order of findings: start, then detector, then subject, then id. */
export function compareFindings(a: Finding, b: Finding): number {
  return compareOrdered(a, orderKey(a), b, orderKey(b));
}

function compareOrdered(a: Finding, ja: string, b: Finding, jb: string): number {
  return compareHead(a, b) || compareTail(a, ja, b, jb);
}

/** By start, then detector: 0 when both are the same. */
function compareHead(a: Finding, b: Finding): number {
  const sa = a.start ?? Infinity;
  const sb = b.start ?? Infinity;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.detector !== b.detector) return a.detector < b.detector ? -1 : 1;
  return 0;
}

/** Of two findings at one start from one detector: by subject (its order key), then id. */
function compareTail(a: Finding, ja: string, b: Finding, jb: string): number {
  return ja < jb ? -1 : ja > jb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function orderKey(f: Finding): string {
  const s = f.subject;
  return `${s.connection ?? ''}|${s.url ?? ''}|${padId(s.pid)}|${padId(s.tid)}|${s.syscall ?? ''}`;
}

/** `String(v ?? '').padStart(8, '0')`, the common absent id without building it */
function padId(v: number | null | undefined): string {
  return v === undefined || v === null ? '00000000' : String(v).padStart(8, '0');
}

function shiftLane(lane: Lane, p: ClockPlacement): Lane {
  const o = p.offset;
  if (!o) return lane;
  return {
    ...lane,
    spans: lane.spans.map((s) => ({ ...s, start: s.start + o, end: s.end + o })),
    markers: lane.markers.map((m) => ({ ...m, t: m.t + o })),
    density: lane.density ? { ...lane.density, start: lane.density.start + o } : undefined,
    first: lane.first === undefined ? undefined : lane.first + o,
    last: lane.last === undefined ? undefined : lane.last + o,
  };
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/**
 * Reads every input of a spec for its analysed model, letting the caller see each parsed event
 * (diff's call sequences): the same reading as runCase, without detectors or correlation.
 */
export async function readModels(
  spec: RunSpec,
  hooks: RunHooks,
  perInput: (input: string) => { tap: (e: unknown, format: InputFormat) => void; done: (model: InputModel | undefined) => void },
): Promise<void> {
  for (const s of spec.sources) {
    if (hooks.signal?.aborted) throw cancelled(hooks.signal);
    const user = perInput(s.name);
    const r = await readInput(s, { timezone: spec.input_timezones[s.name] ?? spec.timezone, tap: user.tap, signal: hooks.signal });
    user.done(r.model);
  }
}
