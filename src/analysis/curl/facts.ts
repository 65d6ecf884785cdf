/**
 * What the curl-side detectors share: finding the curl inputs of a run, and
 * turning a transfer into a finding's subject, evidence and join facts.
 */
import type { CurlModel, CurlTimings, CurlTransfer, Endpoint, Evidence, FindingDraft, JoinFacts, RunModel, Severity, Subject } from '../../model/index.js';
import { explainCode } from './explain.js';

export function laneId(path: string, n: number): string {
  return `${path}#transfer:${n}`;
}

/** The key naming one transfer: findings of different detectors about it name each other. */
export function curlEventKey(path: string, t: CurlTransfer): string {
  return laneId(path, t.n ?? 0);
}

export function* curlInputs(run: RunModel): Generator<{ path: string; model: CurlModel }> {
  for (const i of run.inputs) if (i.model?.kind === 'curl') yield { path: i.info.path, model: i.model };
}

export function isFailure(t: CurlTransfer): boolean {
  return t.exitCode !== undefined && t.exitCode !== 0;
}

function fmt(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function subjectOf(t: CurlTransfer): Subject {
  const s: Subject = {};
  if (t.url) s.url = t.url;
  if (t.local?.ip && t.remote) s.connection = `${fmt(t.local)}->${fmt(t.remote)}`;
  return s;
}

/**
 * Body bytes curl had received when the transfer ended: exact when curl said
 * how many were missing from a Content-Length, else what its data lines or
 * `size_download` counted. `approx` is the progress meter's rounded figure.
 */
export interface ReceivedBody {
  bytes?: number;
  approx?: number;
  atLeast?: number;
  how?: string;
}

export function receivedBody(t: CurlTransfer): ReceivedBody {
  if (t.contentLength !== undefined && t.bytesRemaining !== undefined && t.bytesRemaining <= t.contentLength) {
    return { bytes: t.contentLength - t.bytesRemaining, how: 'Content-Length minus the bytes curl said remained' };
  }
  if (t.bytesReceived !== undefined) return { bytes: t.bytesReceived, how: t.source === 'trace' ? 'sum of <= Recv data' : 'counted by curl' };
  if (t.sizeDownload !== undefined) return { bytes: t.sizeDownload, how: 'size_download' };
  if (t.progressReceived !== undefined && (t.bytesReceivedAtLeast === undefined || t.progressReceived > t.bytesReceivedAtLeast)) {
    return { approx: t.progressReceived, how: 'progress meter (rounded)' };
  }
  if (t.bytesReceivedAtLeast !== undefined) return { atLeast: t.bytesReceivedAtLeast, approx: t.bytesReceivedAtLeast, how: 'at least: -v prints one { [N bytes data] line per run of chunks' };
  return {};
}

/** The moment of the failure in the input's clock, when the input has times. */
export function failureTime(t: CurlTransfer): number | null {
  return t.evidence.error?.t ?? t.evidence.errorInfo?.t ?? t.endT ?? t.t ?? null;
}

/** `received`: receivedBody(t), when the caller has worked it out already. */
export function joinOf(t: CurlTransfer, at: number | null | undefined, received: ReceivedBody = receivedBody(t)): JoinFacts {
  const j: JoinFacts = {};
  if (t.local?.ip && Number.isFinite(t.local.port)) j.client = { ip: t.local.ip, port: t.local.port };
  if (t.remote && Number.isFinite(t.remote.port)) j.server = { ip: t.remote.ip, port: t.remote.port };
  if (t.host) j.host = t.host;
  if (t.url) j.url = t.url;
  if (t.method) j.method = t.method;
  if (t.httpStatus !== undefined) j.status = t.httpStatus;
  if (received.bytes !== undefined) j.bytesReceived = received.bytes;
  if (t.errorMessage) j.curlError = t.errorMessage.trim();
  if (t.exitCode !== undefined && t.exitCode !== 0) j.curlExit = t.exitCode;
  j.t = at ?? null;
  return j;
}

/** Evidence lines for the given fact keys, in input order, each line once. */
export function evidenceOf(path: string, t: CurlTransfer, keys: readonly string[]): Evidence[] {
  // An application's repeats of the same failure (`repeat:<line>`) are evidence of it too.
  let repeats: string[] | undefined;
  for (const k in t.evidence) if (k.startsWith('repeat:')) (repeats ??= []).push(k);
  // Several facts can stand on one line (a %{json} object is one line): the line is quoted by the
  // fact that matters most — the error, not whichever key the object printed first. Rank by rank,
  // each in the order given (what a stable sort by rank gives, without sorting per transfer).
  // The first line taken is held alone: most findings cite one line, and a finding keeps its
  // evidence to the end of the run (a list grown by push has room for sixteen).
  const lines: Lines = { path, one: undefined, more: undefined };
  // the keys of ranks 0-2 in rank order, then the repeats (all of rank 2), then those of rank 3
  const order = rankOrder(keys);
  for (let i = 0; i < order.beforeRepeats; i++) take(lines, t, order.keys[i]);
  if (repeats) for (const k of repeats) take(lines, t, k);
  for (let i = order.beforeRepeats; i < order.keys.length; i++) take(lines, t, order.keys[i]);
  if (lines.more) return lines.more.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return [lines.one ?? { input: path, line: t.line }];
}

/** The lines evidenceOf has taken: the first alone, all of them from the second on. */
interface Lines {
  path: string;
  one: Evidence | undefined;
  more: Evidence[] | undefined;
}

/** The fact `k` of the transfer onto `lines`, unless its line is there already (a plain function: evidenceOf runs per finding). */
function take(lines: Lines, t: CurlTransfer, k: string): void {
  const e = t.evidence[k];
  if (!e) return;
  const one = lines.one;
  if (one === undefined) {
    lines.one = { input: lines.path, line: e.line, text: e.text };
    return;
  }
  if (one.line === e.line) return;
  if (lines.more === undefined) lines.more = [one];
  else for (const o of lines.more) if (o.line === e.line) return;
  lines.more.push({ input: lines.path, line: e.line, text: e.text });
}

/** A key list in the order evidenceOf takes its keys: `beforeRepeats` of them, then the repeats, then the rest. */
interface RankOrder {
  keys: readonly string[];
  beforeRepeats: number;
}

/** rankOrder's answers, by key list (the detectors' lists are constants: one each). */
const RANK_ORDERS = new WeakMap<readonly string[], RankOrder>();

/** `keys` sorted by evidenceRank, stably, worked out once per list (evidenceOf runs per finding). */
function rankOrder(keys: readonly string[]): RankOrder {
  let o = RANK_ORDERS.get(keys);
  if (o === undefined) {
    const sorted: string[] = [];
    for (let r = 0; r <= 2; r++) for (const k of keys) if (evidenceRank(k) === r) sorted.push(k);
    const beforeRepeats = sorted.length;
    for (const k of keys) if (evidenceRank(k) === 3) sorted.push(k);
    o = { keys: sorted, beforeRepeats };
    RANK_ORDERS.set(keys, o);
  }
  return o;
}

function evidenceRank(k: string): number {
  return k === 'error' ? 0 : k === 'errorInfo' ? 1 : k === 'start' ? 3 : 2;
}

/** Timers worth printing in a finding, in seconds. */
export function timingDetails(t: CurlTransfer): Record<string, number> | undefined {
  const tm = t.timings as Record<string, number | undefined> | undefined;
  if (!tm) return undefined;
  const out: Record<string, number> = {};
  // the own keys in their order, as Object.entries gives them, without an array per key
  for (const k in tm) {
    if (!Object.hasOwn(tm, k)) continue;
    const v = tm[k];
    if (typeof v === 'number') out[TIMING_NAMES.get(k) ?? `time_${k}`] = round6(v);
  }
  return out;
}

/** `time_<timer>` for curl's timers: the detail names, made once, not per transfer. */
const TIMING_NAMES: ReadonlyMap<string, string> = new Map(
  (['namelookup', 'connect', 'appconnect', 'pretransfer', 'posttransfer', 'starttransfer', 'total', 'redirect', 'queue'] satisfies (keyof CurlTimings)[]).map((k) => [k, `time_${k}`]),
);

export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** `7.64.1` < `8.3.0`? undefined when the version is unknown or unreadable. */
export function versionBefore(v: string | undefined, major: number, minor: number): boolean | undefined {
  if (!v) return undefined;
  const m = /^(\d+)\.(\d+)/.exec(v);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a < major || (a === major && b < minor);
}

/** The curl-side fields every curl view's details carry (snake_case, as the JSON shows them). */
export type CurlDetails = {
  source: CurlTransfer['source'];
  exit_code?: number;
  /** how the exit code was known: printed by curl, a -w variable, a log, or inferred from the wording */
  exit_code_from?: CurlTransfer['exitCodeSource'];
  message?: string;
  wording?: string;
  errno?: number;
  errno_name?: string;
  info_lines?: string[];
  curl_version?: string;
  http_status?: number;
  statuses?: number[];
  content_length?: number;
  bytes_received?: number;
  bytes_received_at_least?: number;
  bytes_received_approx?: number;
  bytes_received_from?: string;
  bytes_remaining?: number;
  /** curl's -w timers, seconds, as `time_<name>` */
  timings?: Record<string, number>;
  timing_notes?: string[];
  local?: string;
  remote?: string;
  /** curl's connection number (`Connection #N`) */
  connection?: number;
  reused_connection?: true;
  trace_id?: string;
  /**
   * the view printed no wall-clock time: its times were taken from the capture connection
   * with the same two ends (`how` says which packet, minus which curl timer)
   */
  time_placed?: { from: string; connection: string; packet: number; how: string };
};

/** `received`: receivedBody(t), when the caller has worked it out already. */
export function baseDetails(t: CurlTransfer, received: ReceivedBody = receivedBody(t)): CurlDetails {
  const d = new DetailsObject(t.source);
  if (t.exitCode !== undefined) d.exit_code = t.exitCode;
  if (t.exitCodeSource) d.exit_code_from = t.exitCodeSource;
  if (t.errorMessage) d.message = t.errorMessage;
  if (t.wording) d.wording = t.wording;
  if (t.errno !== undefined) d.errno = t.errno;
  if (t.errnoName) d.errno_name = t.errnoName;
  if (t.infoErrors?.length) d.info_lines = t.infoErrors;
  if (t.curlVersion) d.curl_version = t.curlVersion;
  if (t.httpStatus !== undefined) d.http_status = t.httpStatus;
  if (t.statuses && t.statuses.length > 1) d.statuses = t.statuses;
  if (t.contentLength !== undefined) d.content_length = t.contentLength;
  const r = received;
  if (r.bytes !== undefined) d.bytes_received = r.bytes;
  if (r.atLeast !== undefined) d.bytes_received_at_least = r.atLeast;
  else if (r.approx !== undefined) d.bytes_received_approx = r.approx;
  if (r.how) d.bytes_received_from = r.how;
  if (t.bytesRemaining !== undefined) d.bytes_remaining = t.bytesRemaining;
  const tm = timingDetails(t);
  if (tm) d.timings = tm;
  if (t.timingNotes) d.timing_notes = t.timingNotes;
  if (t.local) d.local = t.local.ip ? `${fmt(t.local)}` : `port ${t.local.port}`;
  if (t.remote) d.remote = fmt(t.remote);
  if (t.connectionId !== undefined) d.connection = t.connectionId;
  if (t.reused) d.reused_connection = true;
  if (t.traceId) d.trace_id = t.traceId;
  if (t.placed) d.time_placed = { from: t.placed.input, connection: t.placed.connection, packet: t.placed.packet, how: t.placed.how };
  return d;
}

/**
 * The object baseDetails fills: `{ source }`, a plain object like any literal (its prototype is
 * Object.prototype, its keys in the order set), made by `new` so that V8 gives it room inside for
 * the fields set after it. A literal's fields past its own go to a side array, grown (and copied)
 * three at a time: some 170 bytes of garbage per finding, 10,000 findings in a long log.
 */
const DetailsObject = function (this: CurlDetails, source: CurlTransfer['source']) {
  this.source = source;
} as unknown as new (source: CurlTransfer['source']) => CurlDetails;
DetailsObject.prototype = Object.prototype;

/** The lane ids of a transfer that the input's model really drew (lanes are capped). */
export function lanesOf(path: string, drawn: ReadonlySet<string>, t: CurlTransfer): string[] {
  const id = laneId(path, t.n ?? 0);
  return drawn.has(id) ? [id] : [];
}

export function drawnLanes(model: CurlModel): Set<string> {
  const drawn = new Set(model.lanes.map((l) => l.id));
  // worked out on the first failureDraft, for the path it is asked of
  DRAWN_NUMBERS.set(drawn, NOT_YET);
  return drawn;
}

/**
 * Which transfers of one input a set of drawnLanes draws, by number: a bit per number up to the
 * highest drawn. failureDraft asks it for every failed transfer instead of hashing each lane id
 * made for it (a log's 10,000 ids, each new and 40-odd characters, hashed to be looked up in a set
 * of a thousand: an eighth of the detector's time).
 */
interface DrawnNumbers {
  path: string;
  /** drawn.size when made: the set is not to change, but a caller's may */
  size: number;
  bits: Uint8Array;
}

/** The drawn numbers of the sets drawnLanes made (by the set: each is one model's). */
const DRAWN_NUMBERS = new WeakMap<ReadonlySet<string>, DrawnNumbers>();
const NOT_YET: DrawnNumbers = { path: '', size: -1, bits: new Uint8Array(0) };

/** The numbers n of the ids `laneId(path, n)` in `drawn`, for the n written as String(n) writes a whole number >= 0. */
function drawnNumbers(drawn: ReadonlySet<string>, path: string): DrawnNumbers {
  const prefix = laneId(path, 0).slice(0, -1);
  const ns: number[] = [];
  let max = -1;
  for (const id of drawn) {
    if (!id.startsWith(prefix)) continue;
    const tail = id.slice(prefix.length);
    const n = Number(tail);
    // an id of another spelling (`01`, `1.5`) is no lane of a whole number: it is never asked for by number
    if (!Number.isSafeInteger(n) || n < 0 || String(n) !== tail) continue;
    ns.push(n);
    if (n > max) max = n;
  }
  const bits = new Uint8Array((max >> 3) + 1);
  for (const n of ns) bits[n >> 3] |= 1 << (n & 7);
  return { path, size: drawn.size, bits };
}

/** Whether `drawn` holds the lane id `key` of transfer `t` (`laneId(path, t.n ?? 0)`). */
function isDrawn(drawn: ReadonlySet<string>, path: string, t: CurlTransfer, key: string): boolean {
  let d = DRAWN_NUMBERS.get(drawn);
  const n = t.n ?? 0;
  if (d === undefined || !Number.isSafeInteger(n) || n < 0) return drawn.has(key);
  if (d.path !== path || d.size !== drawn.size) DRAWN_NUMBERS.set(drawn, (d = drawnNumbers(drawn, path)));
  const byte = n >> 3;
  return byte < d.bits.length && (d.bits[byte] & (1 << (n & 7))) !== 0;
}

/** A short name for the transfer in a title: its URL, host, or its line. */
export function nameOf(t: CurlTransfer): string {
  return t.url ?? t.host ?? `the transfer at line ${t.line}`;
}

/** What differs between the curl-side findings of one failed transfer; the rest is filled in alike. */
export interface FailureSpec {
  detector: string;
  severity: Severity;
  title: string;
  details: CurlDetails;
  /** which of the transfer's facts to cite (keys of its evidence lines) */
  evidenceKeys: string[];
  /** when the failure happened, in the input's clock */
  at: number | null | undefined;
  explanation?: string;
  subject?: Subject;
  join?: JoinFacts;
}

/** A finding about one failed transfer: subject, evidence, join facts, event key and lanes from the transfer. */
export function failureDraft(path: string, t: CurlTransfer, drawn: ReadonlySet<string>, spec: FailureSpec): FindingDraft {
  // the event key is the lane id (lanesOf): one string for both, whose hash, worked out for the lane
  // lookup, serves the finding's index of event keys too
  const key = curlEventKey(path, t);
  return {
    detector: spec.detector,
    severity: spec.severity,
    title: spec.title,
    input: path,
    start: spec.at ?? t.t,
    end: t.endT ?? null,
    subject: spec.subject ?? subjectOf(t),
    evidence: evidenceOf(path, t, spec.evidenceKeys),
    details: spec.details,
    explanation: spec.explanation ?? explainCode(t),
    join: spec.join ?? joinOf(t, spec.at),
    eventKeys: [key],
    lanes: isDrawn(drawn, path, t, key) ? [key] : [],
  };
}
