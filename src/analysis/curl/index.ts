/**
 * One pass over an input's curl transfers: numbers them, keeps them
 * (bounded), and draws one timeline lane per transfer: the transfer, the
 * 100-continue wait, the time to first byte, and a marker where it failed.
 *
 * Call order: add() for each transfer in input order, then finish() once.
 */
import {
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

export class CurlAnalysis implements Analysis<CurlTransfer, CurlModel> {
  private transfers: CurlTransfer[] = [];
  private ok = 0;
  private notable = 0;
  private dropped = 0;
  private droppedNotable = 0;
  private n = 0;

  constructor(readonly ctx: AnalysisContext) {}

  /**
   * Whether a transfer added from now on may still be kept: false once both caps are full, and
   * from then on for good. The parser builds the transfers it is told are not wanted lean
   * (parseCurl's `wanted`): they are only counted here, and a lean one is as notable as its full form.
   * `failed`: the transfer will be a failure (notable): only the cap of notable ones decides.
   * `ok`: the transfer will not be notable: only the cap of successful ones decides.
   */
  wanted(failed = false, ok = false): boolean {
    if (ok) return this.ok < MAX_OK_TRANSFERS;
    return this.notable < MAX_NOTABLE_TRANSFERS || (!failed && this.ok < MAX_OK_TRANSFERS);
  }

  add(e: CurlTransfer): void {
    this.n++;
    e.n = this.n;
    const notable = isNotable(e);
    const keep = notable ? this.notable++ < MAX_NOTABLE_TRANSFERS : this.ok++ < MAX_OK_TRANSFERS;
    // A copy is kept, not the parser's object: while every transfer is kept (the first thousands),
    // V8 learns that the parser's objects live long and allocates them in the old generation from
    // then on, where the many later ones that are dropped pile up as garbage (3x the peak RSS, and
    // the CPU time of collecting it). Copies keep the parser's objects short-lived.
    if (keep) this.transfers.push(copyTransfer(e));
    else {
      this.dropped++;
      if (notable) this.droppedNotable++;
    }
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
      if (ok) this.ctx.diag.note(`${ok} successful transfers beyond ${MAX_OK_TRANSFERS} were counted, not kept`);
      if (this.droppedNotable) this.ctx.diag.note(`${this.droppedNotable} failed or notable transfers beyond ${MAX_NOTABLE_TRANSFERS} were counted, not kept`);
    }
    const order = [...this.transfers.filter(isNotable), ...this.transfers.filter((t) => !isNotable(t))];
    const drawn = order.slice(0, MAX_TRANSFER_LANES).sort((a, b) => (a.n ?? 0) - (b.n ?? 0));
    if (order.length > drawn.length) model.lanesDropped = order.length - drawn.length;
    model.lanes = drawn.map((t) => transferLane(this.ctx.path, t));
    return model;
  }
}

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
  if (x.placed) lane.placed = `placed on the clock of ${x.placed.input} by its connection ${x.placed.connection}: ${x.placed.how}`;
  return lane;
}

/**
 * A deep copy of plain data (objects, arrays, primitives), keys in the same
 * order, `undefined` values kept: what structuredClone gives for a transfer,
 * at a fraction of its cost.
 */
function copyPlain<T>(v: T, evidenceKey?: string): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => copyPlain(x)) as T;
  // The own keys one by one, in their order: a spread of objects whose shapes vary from transfer to
  // transfer takes V8's generic (slow) path. An own `__proto__` is defined as a key, as spread would.
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // Object.keys: the own enumerable keys a for-in with Object.hasOwn walks, in its order, without a call per key
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = o[k];
    // A transfer's -w variables hold primitives only: a spread copies them and keeps a %{json}
    // transfer's fast properties (a third of the memory of the dictionary a key-by-key copy makes).
    const c =
      k === evidenceKey ? copyEvidence(x) : k === 'vars' && evidenceKey !== undefined && typeof x === 'object' && x !== null ? { ...x } : typeof x === 'object' && x !== null ? copyPlain(x) : x;
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out as T;
}

/**
 * copyPlain(t, 'evidence') of a transfer: a spread first (an object of the transfer's own shape, its
 * properties stored once at their size, where adding seventeen keys one by one grows their store
 * four times over), then each object-valued key replaced by its copy, in place (a key already
 * there keeps its place in the order). The spread copies an own `__proto__` as a key, as copyPlain does.
 */
function copyTransfer(t: CurlTransfer): CurlTransfer {
  const out = { ...t } as Record<string, unknown>;
  for (const k in out) {
    if (!Object.hasOwn(out, k)) continue;
    const x = out[k];
    if (typeof x !== 'object' || x === null) continue;
    const c = k === 'evidence' ? copyEvidence(x) : k === 'vars' ? { ...x } : Array.isArray(x) ? copyPlain(x) : copyFlat(x as Record<string, unknown>);
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out as unknown as CurlTransfer;
}

/**
 * copyPlain of an object in a transfer (its timings, its two ends, its 100-continue wait): a
 * spread, which copies the keys in their order, an own `__proto__` as a key, into an object of
 * that many fields (a transfer's few such objects take few shapes: a spread of them is as fast as
 * V8 gets), then any object in it copied in turn. copyPlain's key-by-key copy made objects of
 * four fields and a second array for the rest.
 */
function copyFlat(v: Record<string, unknown>): Record<string, unknown> {
  const out = { ...v };
  for (const k in out) {
    const x = out[k];
    if (typeof x === 'object' && x !== null && Object.hasOwn(out, k)) out[k] = Array.isArray(x) ? copyPlain(x) : copyFlat(x as Record<string, unknown>);
  }
  return out;
}

/**
 * An evidence entry as copyPlain copies it. An entry as the parser makes them (`line`, then
 * `text`, then perhaps more) is copied as the literal it was made by: an object of exactly two
 * fields (40 bytes where copyPlain's of four is 56, 10,000 kept transfers citing ten each).
 */
function copyEntry(e: Record<string, unknown>): unknown {
  let i = 0;
  let plain = true;
  for (const k in e) {
    if ((i === 0 && k !== 'line') || (i === 1 && k !== 'text') || !Object.hasOwn(e, k)) {
      plain = false;
      break;
    }
    i++;
  }
  const line = e.line;
  const text = e.text;
  if (!plain || i < 2 || (typeof line === 'object' && line !== null) || (typeof text === 'object' && text !== null)) return copyPlain(e);
  const out: Record<string, unknown> = { line, text };
  if (i > 2) {
    i = 0;
    for (const k in e) {
      if (i++ < 2) continue;
      const x = e[k];
      const c = typeof x === 'object' && x !== null ? copyPlain(x) : x;
      if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
      else out[k] = c;
    }
  }
  return out;
}

/**
 * copyPlain of a transfer's evidence, where entries alike (the same keys in the same order, the
 * same values) share one copy: a log line is cited as the error, a -w variable, the connection
 * and the start, four entries of one line, kept 10,000 times. Nothing changes an entry once the
 * parser has built it.
 */
function copyEvidence(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return copyPlain(v);
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // The entries copied so far and their copies: the first two in variables (a log line's transfer
  // has two: the error, with its time, and the line cited without one), any more in two lists side
  // by side (no pair object per entry). Lists for every transfer were 300 bytes of garbage each.
  let from0: Record<string, unknown> | undefined;
  let made0: unknown;
  let from1: Record<string, unknown> | undefined;
  let made1: unknown;
  let from: Record<string, unknown>[] | undefined;
  let made: unknown[] | undefined;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = o[k];
    let c: unknown;
    if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
      const e = x as Record<string, unknown>;
      // the parser's entries shared by several facts first (one object, no keys compared), then those alike
      if (e === from0) c = made0;
      else if (e === from1) c = made1;
      else if (from !== undefined && from.indexOf(e) >= 0) c = made![from.indexOf(e)];
      else if (from0 !== undefined && alike(from0, e)) c = made0;
      else if (from1 !== undefined && alike(from1, e)) c = made1;
      else if (from !== undefined) {
        let i = 0;
        while (i < from.length && !alike(from[i], e)) i++;
        if (i < from.length) c = made![i];
      }
      if (c === undefined) {
        c = copyEntry(e);
        if (from0 === undefined) {
          from0 = e;
          made0 = c;
        } else if (from1 === undefined) {
          from1 = e;
          made1 = c;
        } else {
          (from ??= []).push(e);
          (made ??= []).push(c);
        }
      }
    } else c = copyPlain(x);
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

/** The same own keys in the same order, each holding the same primitive value. */
function alike(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  // values that differ under a key say no before the key lists are made (an error's entry has a time, the others none)
  if (a.line !== b.line || a.text !== b.text || !Object.is(a.t, b.t)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i];
    const x = a[k];
    if (k !== kb[i] || (typeof x === 'object' && x !== null) || typeof x === 'function' || !Object.is(x, b[k])) return false;
  }
  return Object.getPrototypeOf(a) === Object.getPrototypeOf(b);
}

function isNotable(t: CurlTransfer): boolean {
  return isFailure(t) || !!t.expect100?.sent || (t.contentLength !== undefined && t.bytesReceived !== undefined && t.bytesReceived < t.contentLength);
}
