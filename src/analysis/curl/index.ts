/**
 * One pass over an input's curl transfers: numbers them, keeps them
 * (bounded), and draws one timeline lane per transfer: the transfer, the
 * 100-continue wait, the time to first byte, and a marker where it failed.
 *
 * Call order: add() for each transfer in input order, then finish() once.
 */
import {
  Diagnostics,
  LaneBuilder,
  RESET_ERRNOS,
  type Analysis,
  type AnalysisContext,
  type CurlModel,
  type CurlTransfer,
  type Lane,
  type ParseSummary,
} from '../../model/index.js';
import { isFailure, laneId } from './facts.js';

export * from './facts.js';
export * from './explain.js';

/** Successful transfers kept per input; beyond it they are counted only (a CSV of a million polls). */
export const MAX_OK_TRANSFERS = 5000;
/**
 * Failed (or otherwise notable) transfers kept per input. A kept transfer
 * costs a few KB of heap (evidence lines, headers, -w variables): with 50000
 * a run over 100 MB of `curl -v` or `%{json}` peaked at 285 MB RSS, with
 * 10000 at about 200 MB (bench/curl.ts).
 */
export const MAX_NOTABLE_TRANSFERS = 10000;
/** Lanes drawn per input: failed/notable transfers first, in input order. */
export const MAX_TRANSFER_LANES = 1000;

/** How many transfers CurlAnalysis keeps of each kind; a test may lower them (the defaults are the constants above). */
export interface CurlCaps {
  notable: number;
  ok: number;
}
const CAPS: CurlCaps = { notable: MAX_NOTABLE_TRANSFERS, ok: MAX_OK_TRANSFERS };

export class CurlAnalysis implements Analysis<CurlTransfer, CurlModel> {
  private transfers: CurlTransfer[] = [];
  private ok = 0;
  private notable = 0;
  private dropped = 0;
  private droppedNotable = 0;
  private n = 0;

  constructor(
    readonly ctx: AnalysisContext,
    private readonly caps: CurlCaps = CAPS,
  ) {}

  /**
   * Whether a transfer added from now on may still be kept: false once both caps are full, and
   * from then on for good. The parser builds the transfers it is told are not wanted lean
   * (parseCurl's `wanted`): they are only counted here, and a lean one is as notable as its full form.
   * `failed`: the transfer will be a failure (notable): only the cap of notable ones decides.
   * `ok`: the transfer will not be notable: only the cap of successful ones decides.
   */
  wanted(failed = false, ok = false): boolean {
    // both counts read on every call, not the second only once the first cap is full: code
    // optimised before then had no type feedback for that read, and every function that inlined
    // this (the parser's builder(), open()) was thrown away and compiled again when it came
    const okRoom = this.ok < this.caps.ok;
    const notableRoom = this.notable < this.caps.notable;
    if (ok) return okRoom;
    return notableRoom || (!failed && okRoom);
  }

  add(e: CurlTransfer): void {
    this.n++;
    e.n = this.n;
    const notable = isNotable(e);
    const keep = notable ? this.notable++ < this.caps.notable : this.ok++ < this.caps.ok;
    // A copy is kept, not the parser's object: while every transfer is kept (the first thousands),
    // V8 learns that the parser's objects live long and allocates them in the old generation from
    // then on, where the many later ones that are dropped pile up as garbage (3x the peak RSS, and
    // the CPU time of collecting it). Copies keep the parser's objects short-lived.
    if (keep) this.transfers.push(copyTransfer(e));
    // counted on every call (0 while kept), for the reason wanted() reads both counts: the emit
    // callbacks that inline this, and the parser's flush() and open() that inline them, are
    // optimised while every transfer is kept
    this.dropped += keep ? 0 : 1;
    this.droppedNotable += !keep && notable ? 1 : 0;
  }

  finish(summary: ParseSummary): CurlModel {
    const model: CurlModel = { kind: 'curl', transfers: this.transfers, lanes: [], clock: summary.clock, stats: {} };
    // failures are kept up to MAX_NOTABLE_TRANSFERS; beyond it they are counted among the dropped
    model.stats = {
      curl_transfers: this.transfers.length + this.dropped,
      failed_transfers: this.transfers.filter((t) => t.exitCode !== undefined && t.exitCode !== 0).length,
    };
    if (this.dropped) {
      model.transfersDropped = this.dropped;
      const ok = this.dropped - this.droppedNotable;
      if (ok) this.ctx.diag.note(`${ok} successful transfers beyond ${this.caps.ok} were counted, not kept`);
      if (this.droppedNotable) this.ctx.diag.note(`${this.droppedNotable} failed or notable transfers beyond ${this.caps.notable} were counted, not kept`);
    }
    const order = [...this.transfers.filter(isNotable), ...this.transfers.filter((t) => !isNotable(t))];
    const drawn = order.slice(0, MAX_TRANSFER_LANES).sort((a, b) => (a.n ?? 0) - (b.n ?? 0));
    if (order.length > drawn.length) model.lanesDropped = order.length - drawn.length;
    model.lanes = drawn.map((t) => transferLane(this.ctx.path, t));
    return model;
  }
}

/**
 * One CurlAnalysis made at load and never used: opaque (`unknown`), exported only to stay reachable.
 * V8 forgets a class's hidden class at a full collection once no instance of it is alive, and with it
 * the compiled code of every function that read one (add, wanted, inlined in the parser's emit and
 * builder: see LOG_PAIR_CURSOR_SHAPE in parsers/curl/pairs.ts).
 */
export const CURL_ANALYSIS_SHAPE: unknown = new CurlAnalysis({ path: '', diag: new Diagnostics() });

/**
 * The LaneBuilder of the last transfer lane drawn (of the last run), for the reason of
 * CURL_ANALYSIS_SHAPE: its hidden class, and those of its spans and markers, with the code of
 * transferLane, tick and marker compiled against them. Kept until the next lane, never read.
 */
const LANE_SHAPES: LaneBuilder[] = [];

/**
 * One transfer's lane: the transfer, the 100-continue wait, the time to first byte, and a
 * marker where it failed. Also called by the pipeline again when it has placed an undated
 * transfer on a capture's clock (`x.placed`).
 */
export function transferLane(path: string, x: CurlTransfer): Lane {
  const id = laneId(path, x.n ?? 0);
  const what = x.url ?? x.host ?? (x.errorMessage ? `curl error ${x.exitCode ?? '?'}` : `transfer ${x.n}`);
  const label = `#${x.n} ${x.method ? x.method + ' ' : ''}${what}`;
  const lb = new LaneBuilder(id, path, 'transfer', label, x.host ?? x.remote?.ip);
  // Without a clock of its own, a transfer's -w timers still draw its phases from its own start.
  const t0 = x.t ?? (x.timings?.total !== undefined ? 0 : null);
  const relative = x.t === null && t0 !== null;
  const rel: Record<string, string | number | boolean> = relative ? { relativeToTransferStart: true } : {};
  for (const v of [x.t, x.endT]) lb.tick(v ?? null);

  let end = x.endT ?? null;
  if (t0 !== null && x.timings?.total !== undefined && (end === null || relative || t0 + x.timings.total > end)) end = t0 + x.timings.total;
  if (t0 !== null && end !== null && end >= t0) {
    const details: Record<string, string | number | boolean> = { ...rel };
    if (x.httpStatus !== undefined) details.status = x.httpStatus;
    if (x.exitCode !== undefined) details.exitCode = x.exitCode;
    if (x.placed) details.placedFrom = x.placed.input;
    lb.span({ start: t0, end, kind: 'transfer', label, line: x.line, details });
  }
  const tm = x.timings;
  if (t0 !== null && tm?.pretransfer !== undefined && tm.starttransfer !== undefined && tm.starttransfer >= tm.pretransfer && tm.starttransfer > 0) {
    lb.span({
      start: t0 + tm.pretransfer,
      end: t0 + tm.starttransfer,
      kind: 'wait',
      label: 'time to first byte',
      line: x.evidence['var:time_starttransfer']?.line ?? x.line,
      details: { ...rel },
    });
  }
  const e = x.expect100;
  if (e?.sent && e.tSent !== undefined && e.tSent !== null) {
    const ends = [e.t100, e.tDoneWaiting, e.tBody, e.tFinal].filter((v): v is number => typeof v === 'number' && v >= e.tSent!);
    const stop = ends.length ? Math.min(...ends) : (x.endT ?? null);
    if (stop !== null) {
      lb.span({
        start: e.tSent,
        end: stop,
        kind: 'wait',
        label: e.got100 && !e.gaveUp ? 'waiting for 100 Continue' : e.gaveUp ? 'waited for 100 Continue, then sent the body unasked' : 'Expect: 100-continue wait',
        line: x.evidence.expect?.line ?? x.line,
      });
    }
  }
  if (x.t !== null && x.statuses?.length && x.evidence.status?.t !== undefined && x.evidence.request?.t !== undefined) {
    const s = x.evidence.request.t!;
    const f = x.evidence.status.t!;
    if (f >= s && !tm) lb.span({ start: s, end: f, kind: 'wait', label: 'time to first byte', line: x.evidence.status.line });
  }
  if (isFailure(x)) {
    const ev = x.evidence.error ?? x.evidence.errorInfo;
    const at = ev?.t ?? x.endT ?? x.t ?? (relative && end !== null ? end : null);
    if (at !== null && at !== undefined) {
      const reset = (x.errno !== undefined && RESET_ERRNOS.has(x.errno)) || /reset/i.test(x.errorMessage ?? '');
      lb.marker({ t: at, kind: reset ? 'reset' : 'error', label: `curl: (${x.exitCode ?? '?'}) ${x.errorMessage ?? ''}`.trim(), line: ev?.line ?? x.line });
    }
  }
  const lane = lb.build();
  LANE_SHAPES[0] = lb;
  if (x.placed) lane.placed = `placed on the clock of ${x.placed.input} by its connection ${x.placed.connection}: ${x.placed.how}`;
  return lane;
}

/**
 * The kept copy of a parser's transfer: what a deep copy gives for every value read from it, made
 * field by field for the fields CurlTransfer declares. Each is a primitive, a flat record of
 * primitives (the variables, timers, two ends, 100-continue wait, placement), an array of
 * primitives (statuses, header lines, notes) or the evidence. The transfer, its evidence object,
 * its records and its arrays are new objects (the parser's die young: see CurlAnalysis.add). The
 * evidence entries are the parser's own, which nothing changes once made: the parser makes them
 * for full transfers only, the ones kept, so V8 learning from them that entries live long (it
 * then allocates them in the old generation) is right. A spread per object and a slice per array:
 * the key-by-key copy before (keyed stores of varying keys, every entry copied and compared with
 * the others to share alike ones) copied the 15,000 transfers a 100 MB %{json} run keeps in
 * 90-110 ms, this in 65-77 ms (their collection included). The parser's transfers all have one
 * hidden class (blankTransfer, parsers/curl/builder.ts): the spread of `t` is CloneObjectIC's fast
 * path, its undefined fields copied as they are.
 */
function copyTransfer(t: CurlTransfer): CurlTransfer {
  const out: CurlTransfer = { ...t };
  out.evidence = { ...t.evidence };
  if (t.vars) out.vars = { ...t.vars };
  if (t.timings) out.timings = { ...t.timings };
  if (t.remote) out.remote = { ...t.remote };
  if (t.local) out.local = { ...t.local };
  if (t.expect100) out.expect100 = { ...t.expect100 };
  if (t.placed) out.placed = { ...t.placed };
  if (t.statuses) out.statuses = t.statuses.slice();
  if (t.infoErrors) out.infoErrors = t.infoErrors.slice();
  if (t.timingNotes) out.timingNotes = t.timingNotes.slice();
  if (t.requestHeaders) out.requestHeaders = t.requestHeaders.slice();
  if (t.responseHeaders) out.responseHeaders = t.responseHeaders.slice();
  return out;
}

function isNotable(t: CurlTransfer): boolean {
  return isFailure(t) || !!t.expect100?.sent || (t.contentLength !== undefined && t.bytesReceived !== undefined && t.bytesReceived < t.contentLength);
}
