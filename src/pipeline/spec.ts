/**
 * Building a run spec and judging its outcome: the policy every front end
 * shares (CLI, batch, serve, queue worker). Flag strings are checked here,
 * not in the oclif command.
 *
 * CONTRACT (wave 2): `buildSpec`, `specFromSources`, `runCase` and `outcome`
 * keep these signatures; their insides may change.
 */
import path from 'node:path';
import { FaultlineError, SEVERITY_RANK, type RunEvent, type RunResult, type RunSpec, type Severity, type SourceRef } from '../model/index.js';
import type { Detector } from '../detectors/index.js';
import { DETECTORS } from '../detectors/index.js';
import type { ReaderThread } from '../sources/index.js';
import { machineTimezone, isValidTimezone } from './clock.js';
import { expandInputs } from './inputs.js';

export { DEFAULT_JOIN_WINDOW } from './defaults.js';
import { DEFAULT_JOIN_WINDOW } from './defaults.js';

/** What the command line says, as strings (the CLI, batch's flags, a serve form). */
export interface SpecFlags {
  detectors?: string;
  minSeverity?: string;
  joinWindow?: string;
  date?: string;
  /** ZONE, or PATH=ZONE for one input */
  tz?: string[];
  /** PATH=SECONDS */
  clockOffsets?: string[];
  redact?: boolean;
  /** false when no report will draw the timeline (see RunSpec.lanes) */
  lanes?: boolean;
}

export interface RunHooks {
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** the detectors to choose from (default: the registry); lets a library user add their own */
  registry?: readonly Detector[];
  /** a reader thread started ahead for a big file of the run (the CLI starts one while it loads the pipeline; see ReaderThread) */
  readerThread?: ReaderThread;
}

/** Expands command-line paths into sources and checks the flags; E_USAGE on a bad value. */
export async function buildSpec(paths: string[], flags: SpecFlags = {}, registry: readonly Detector[] = DETECTORS): Promise<RunSpec> {
  if (paths.filter((p) => p === '-').length > 1) throw new FaultlineError('E_USAGE', "standard input ('-') can be read once only");
  const { sources, errors } = await expandInputs(paths);
  const spec = specFromSources(sources, flags, registry);
  spec.expand_errors = errors;
  return spec;
}

/** A spec over sources already found (batch's cases, serve's uploads). */
export function specFromSources(sources: SourceRef[], flags: SpecFlags = {}, registry: readonly Detector[] = DETECTORS): RunSpec {
  let detectors: string[] | null = null;
  if (flags.detectors !== undefined) {
    detectors = flags.detectors.split(',').map((s) => s.trim()).filter(Boolean);
    const known = new Set(registry.map((d) => d.id));
    const unknown = detectors.filter((d) => !known.has(d));
    if (unknown.length || detectors.length === 0)
      throw new FaultlineError('E_USAGE', `unknown detector ${unknown.join(', ') || '(none given)'}; known: ${[...known].join(', ')}`);
  }
  let minSeverity: Severity | null = null;
  if (flags.minSeverity !== undefined) {
    if (!(flags.minSeverity in SEVERITY_RANK)) throw new FaultlineError('E_USAGE', `--min-severity takes info, warning or error, not '${flags.minSeverity}'`);
    minSeverity = flags.minSeverity as Severity;
  }
  let joinWindow = DEFAULT_JOIN_WINDOW;
  if (flags.joinWindow !== undefined) {
    joinWindow = Number(flags.joinWindow);
    if (flags.joinWindow.trim() === '' || !Number.isFinite(joinWindow) || joinWindow < 0)
      throw new FaultlineError('E_USAGE', `--join-window takes seconds ≥ 0, not '${flags.joinWindow}'`);
  }
  if (flags.date !== undefined && !isRealDate(flags.date)) throw new FaultlineError('E_USAGE', `--date takes a real day as YYYY-MM-DD, not '${flags.date}'`);
  let timezone: string | undefined;
  const inputTimezones: Record<string, string> = {};
  for (const tz of flags.tz ?? []) {
    const eq = tz.lastIndexOf('=');
    const zone = eq >= 0 ? tz.slice(eq + 1) : tz;
    if (!isValidTimezone(zone)) throw new FaultlineError('E_USAGE', `unknown time zone '${zone}'`);
    if (eq > 0) {
      for (const n of matchSources(tz.slice(0, eq), sources, '--tz')) inputTimezones[n] = zone;
    } else timezone = zone;
  }
  const clockOffsets: Record<string, number> = {};
  for (const o of flags.clockOffsets ?? []) {
    const eq = o.lastIndexOf('=');
    const secs = Number(o.slice(eq + 1));
    if (eq <= 0 || o.slice(eq + 1).trim() === '' || !Number.isFinite(secs)) throw new FaultlineError('E_USAGE', `--clock-offset takes PATH=SECONDS, not '${o}'`);
    for (const n of matchSources(o.slice(0, eq), sources, '--clock-offset')) clockOffsets[n] = secs;
  }
  return {
    spec_version: 1,
    sources,
    expand_errors: [],
    detectors,
    min_severity: minSeverity,
    join_window: joinWindow,
    date: flags.date ?? null,
    timezone: timezone ?? machineTimezone(),
    input_timezones: inputTimezones,
    clock_offsets: clockOffsets,
    redact: flags.redact !== false,
    // only when asked: a spec without the field is what every run built before it meant (lanes built)
    ...(flags.lanes === false ? { lanes: false } : {}),
  };
}

/**
 * A flag naming an input as the user wrote it, matched to sources by name or by the file it
 * resolves to (`./a/x` and `a/x` are one file; a folder names every source below it). Naming
 * no input is a usage error: silently ignoring it would leave the clocks wrong.
 */
function matchSources(name: string, sources: SourceRef[], flag: string): string[] {
  const abs = path.resolve(name);
  const hits = sources.filter(
    (s) => s.name === name || (s.kind === 'file' && (s.path === abs || s.path.startsWith(abs + path.sep))) || (s.kind === 'archive-member' && s.archive === abs),
  );
  if (hits.length === 0) throw new FaultlineError('E_USAGE', `${flag} names ${name}, which is none of the inputs`);
  return hits.map((h) => h.name);
}

/** YYYY-MM-DD naming a day that exists (Date.UTC would roll 2026-02-30 over into March). */
export function isRealDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export const OUTCOME = { OK: 0, INPUT_PROBLEMS: 3, FAIL_ON: 4 } as const;

/**
 * The exit rule, in one place: 3 (an input could not be read, a detector failed, a folder held
 * no trace) comes before 4 (--fail-on met), which comes before 0.
 */
export function outcome(result: RunResult, failOn?: Severity): 0 | 3 | 4 {
  if (result.inputs.some((i) => i.status === 'error') || result.detector_failures.length > 0) return OUTCOME.INPUT_PROBLEMS;
  if (failOn) {
    const min = SEVERITY_RANK[failOn];
    if (result.findings.some((f) => SEVERITY_RANK[f.severity] >= min)) return OUTCOME.FAIL_ON;
  }
  return OUTCOME.OK;
}

/**
 * A spec that crossed a thread, a process or Redis is checked before it runs: the version this
 * code reads, sources of known kinds with names, detector ids that exist, one standard input.
 * A bad spec is E_USAGE, the case's own failure.
 */
export function validateSpec(spec: RunSpec, registry: readonly Detector[] = DETECTORS): void {
  const bad = (why: string): never => {
    throw new FaultlineError('E_USAGE', `run spec: ${why}`);
  };
  if (!spec || typeof spec !== 'object') bad('not an object');
  if (spec.spec_version !== 1) bad(`version ${String(spec.spec_version)} is not one this faultline reads (1)`);
  if (!Array.isArray(spec.sources)) bad('no sources');
  const kinds = new Set(['file', 'stdin', 'archive-member', 'upload', 'memory']);
  for (const s of spec.sources) if (!s || !kinds.has(s.kind) || typeof s.name !== 'string') bad(`a source of unknown kind ${String(s?.kind)}`);
  if (spec.sources.filter((s) => s.kind === 'stdin').length > 1) bad("standard input ('-') can be read once only");
  if (spec.detectors !== null) {
    const known = new Set(registry.map((d) => d.id));
    const unknown = (spec.detectors ?? []).filter((d) => !known.has(d));
    if (!Array.isArray(spec.detectors) || unknown.length) bad(`unknown detector ${unknown.join(', ')}`);
  }
  // judged on every run, wherever the spec came from: UTC costs nothing, any other zone one small format (~40 µs)
  if (typeof spec.timezone !== 'string' || !isValidTimezone(spec.timezone)) bad(`unknown time zone ${String(spec.timezone)}`);
  if (!(typeof spec.join_window === 'number' && spec.join_window >= 0)) bad('join window must be seconds ≥ 0');
}
