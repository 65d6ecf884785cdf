/**
 * What the analyses hand to the timeline report: lanes of spans and markers,
 * bounded whatever the input's size (a 2-million-line strace log still gives
 * at most MAX_SPANS_PER_LANE spans per lane, plus a density strip).
 * Times are in the owning input's clock (see time.ts); the report places them.
 */
export type LaneKind = 'thread' | 'connection' | 'transfer';

export type SpanKind =
  | 'syscall' // a call that took long (-T or unfinished→resumed)
  | 'stop' // SIGSTOP/SIGTSTP → SIGCONT: the thread was frozen
  | 'connection' // a TCP connection's life, SYN (or first packet) to close
  | 'request' // request bytes on the wire / sent by curl
  | 'response' // response bytes
  | 'wait' // a wait worth seeing: 100-continue, time to first byte
  | 'transfer'; // a whole curl transfer

export type MarkerKind = 'reset' | 'fin' | 'signal' | 'exit' | 'error' | 'syn' | 'gap';

export interface Span {
  start: number;
  end: number;
  kind: SpanKind;
  label: string;
  line?: number;
  packet?: number;
  details?: Record<string, string | number | boolean>;
}

export interface Marker {
  t: number;
  kind: MarkerKind;
  label: string;
  line?: number;
  packet?: number;
}

/** Event counts in equal bins from `start`; bin width doubles as needed (bounded). */
export interface Density {
  start: number;
  binWidth: number;
  counts: number[];
}

export interface Lane {
  /** unique within the run: `${input}#tid:123`, `${input}#conn:10.0.0.1:5000->10.0.0.2:80` */
  id: string;
  input: string;
  kind: LaneKind;
  label: string;
  /** folding group: pid of the thread group, server endpoint of a connection, host of a transfer */
  group?: string;
  spans: Span[];
  markers: Marker[];
  /** every event seen on the lane, drawn or not */
  events: number;
  density?: Density;
  /** spans not kept (shortest dropped first) */
  spansDropped?: number;
  markersDropped?: number;
  first?: number;
  last?: number;
  /**
   * Set when the lane's times are on the run's clock though its input has no clock of its
   * own (an undated curl view placed by a capture's connection): how they were placed.
   */
  placed?: string;
}

export const MAX_SPANS_PER_LANE = 2000;
export const MAX_MARKERS_PER_LANE = 2000;
const MAX_DENSITY_BINS = 512;
const INITIAL_BIN_WIDTH = 0.001; /* s */

/**
 * Builds one lane with bounded memory. Spans beyond the cap evict the
 * shortest kept span (long calls are what a timeline is for); markers beyond
 * the cap are counted only. Every event (drawn or not) goes into the density
 * strip, whose bins merge pairwise when the lane's span of time outgrows them.
 */
export class LaneBuilder {
  private spans: Span[] = [];
  private markers: Marker[] = [];
  private spansDropped = 0;
  private markersDropped = 0;
  private events = 0;
  /**
   * NaN until the first placed event, never undefined: a field that only ever
   * holds numbers keeps its double in place, while a `number | undefined` one
   * took a fresh heap number (and a write barrier) at every new maximum, i.e.
   * on nearly every tick of a strace thread's lane.
   */
  private first = Number.NaN;
  private last = Number.NaN;
  private dStart = Number.NaN;
  /**
   * Set in the constructor, after its declaration made it undefined: V8 takes a field
   * written only once for a constant of its hidden class, and optimized code that read
   * it is thrown away when it first changes. binWidth first changes at a lane's first
   * merge, late in a run, inside an analysis's per-event code (tick is inlined there):
   * written twice from the start, it is a field that changes. `counts` is merged in place.
   */
  private binWidth: number;
  private readonly counts: number[] = [];
  private minIdx = -1; // index of the shortest kept span, -1 when unknown

  constructor(
    /** set late by a connection that names its lane only when it is built */
    public id: string,
    readonly input: string,
    readonly kind: LaneKind,
    public label: string,
    public group?: string,
  ) {
    this.binWidth = INITIAL_BIN_WIDTH;
  }

  /** Count one event at time t (null: counted, not placed). */
  tick(t: number | null | undefined): void {
    this.events++;
    if (t === null || t === undefined || !Number.isFinite(t)) return;
    // NaN compares false: the first placed event sets all three
    if (!(t >= this.first)) this.first = t;
    if (!(t <= this.last)) this.last = t;
    if (this.dStart !== this.dStart) this.dStart = t;
    if (t < this.dStart) return; // out-of-order before the strip's start: counted in events only
    const idx = Math.floor((t - this.dStart) / this.binWidth);
    // counts never outgrow MAX_DENSITY_BINS, so a bin already there needs no merge
    if (idx < this.counts.length) this.counts[idx]++;
    else this.grow(t, idx);
  }

  /**
   * A bin past the last: new bins, merged first when past the cap. Apart from
   * `tick` (which an analysis's per-event code takes in whole): merges come
   * late in a run, and their first one inside that code recompiled all of it.
   */
  private grow(t: number, idx: number): void {
    while (idx >= MAX_DENSITY_BINS) {
      this.mergeBins();
      idx = Math.floor((t - this.dStart) / this.binWidth);
    }
    while (this.counts.length <= idx) this.counts.push(0);
    this.counts[idx]++;
  }

  /** Pairs of bins into one, in place: `counts` stays the array it was (see binWidth). */
  private mergeBins(): void {
    const c = this.counts;
    let j = 0;
    for (let i = 0; i < c.length; i += 2) c[j++] = c[i] + (c[i + 1] ?? 0);
    c.length = j;
    this.binWidth *= 2;
  }

  span(s: Span): void {
    if (this.spans.length < MAX_SPANS_PER_LANE) {
      this.spans.push(s);
      this.minIdx = -1;
      return;
    }
    if (this.minIdx < 0) {
      this.minIdx = 0;
      for (let i = 1; i < this.spans.length; i++) {
        if (dur(this.spans[i]) < dur(this.spans[this.minIdx])) this.minIdx = i;
      }
    }
    this.spansDropped++;
    if (dur(s) > dur(this.spans[this.minIdx])) {
      this.spans[this.minIdx] = s;
      this.minIdx = -1;
    }
  }

  marker(m: Marker): void {
    if (this.markers.length < MAX_MARKERS_PER_LANE) this.markers.push(m);
    else this.markersDropped++;
  }

  /**
   * The lane, with arrays of their own at their exact length: a builder's array
   * grows by 17 slots at its first push, and a capture keeps thousands of lanes
   * of two or three events (measured: ~400 bytes a lane).
   */
  build(): Lane {
    const lane: Lane = {
      id: this.id,
      input: this.input,
      kind: this.kind,
      label: this.label,
      group: this.group,
      spans: this.spans.sort((a, b) => a.start - b.start).slice(),
      markers: this.markers.sort((a, b) => a.t - b.t).slice(),
      events: this.events,
      first: this.first === this.first ? this.first : undefined,
      last: this.last === this.last ? this.last : undefined,
    };
    if (this.spansDropped) lane.spansDropped = this.spansDropped;
    if (this.markersDropped) lane.markersDropped = this.markersDropped;
    if (this.dStart === this.dStart) lane.density = { start: this.dStart, binWidth: this.binWidth, counts: this.counts.slice() };
    return lane;
  }
}

function dur(s: Span): number {
  return s.end - s.start;
}
