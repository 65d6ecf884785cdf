/**
 * Threads and their lanes. A live thread keeps its lane builder and the
 * little state the other handlers hang on it; a finished one is evicted once
 * the log holds many threads: its summary is kept (up to MAX_THREADS_KEPT)
 * and its lane only when it drew something (up to MAX_FINISHED_LANES), so
 * 3 M short-lived pids cost counters, not 1.7 KB each (issue 9 item 8).
 */
import type { CallRef, Lane, StopEpisode, SyscallEvent, ThreadSummary } from '../../model/index.js';
import type { Recent } from './failures.js';
import type { Proc } from './processes.js';
import { LaneBuilder, MAX_MARKERS_PER_LANE, MAX_SPANS_PER_LANE } from '../../model/index.js';

/**
 * Past this many live threads, a thread that ends hands in its lane at once
 * without its density strip and leaves the table: a log of a build with
 * 100 000 short processes must not keep 100 000 lane builders alive.
 */
export const COMPACT_LANES_AFTER = 2_000;
/** Summaries of finished threads kept; past it they are counted only. */
export const MAX_THREADS_KEPT = 100_000;
/** Lanes of finished threads kept (only those with spans or markers). */
export const MAX_FINISHED_LANES = 5_000;

export interface StopSignal {
  signal: string;
  t: number | null;
  line: number;
  siPid?: number;
  text: string;
}

export interface OpenStop {
  ep: StopEpisode;
  continued: boolean;
}

/**
 * A failure waiting for the thread's next calls (see failures.ts). It holds
 * the events themselves, not copies: they pin their chunk only for the few
 * calls until it is settled, and nothing is copied for a probe then dropped.
 */
export interface Pending {
  after: SyscallEvent[];
  done: (exit?: { line: number; code?: number; signal?: string }) => void;
}

export interface Thread {
  pid: number;
  tgid?: number;
  comm?: string;
  syscalls: number;
  /**
   * Times of its first and latest call, NaN before any: fields that only hold numbers keep
   * their double in place, where a `number | null` one stored the event's own boxed number,
   * with a write barrier on every call (a Thread lives long, its events do not).
   */
  first: number;
  last: number;
  exit?: ThreadSummary['exit'];
  lane: LaneBuilder;
  /** the thread's most recent call, when it returned an ERESTART errno or EINTR (else undefined) */
  lastInterrupted?: CallRef;
  /** a stop signal delivered, before its "stopped by" line */
  pendingStop?: StopSignal;
  open?: OpenStop;
  gone: boolean;
  /** the thread's last few calls (context for a failure) */
  recent?: Recent;
  /** its process record (set by the analysis on the first call) */
  proc?: Proc;
  /** failures waiting for the calls after them */
  pending?: Pending[];
}

/** Slots of the thread cache in front of the live Map (a power of two). */
const THREAD_SLOTS = 256;

/** the first value of Thread.pending (see Threads.get) */
const NO_PENDING: Pending[] = [];

export class Threads {
  private readonly live = new Map<number, Thread>();
  readonly tgids = new Map<number, number>();
  /** finished threads, evicted from `live` */
  private readonly finished: ThreadSummary[] = [];
  private readonly finishedLanes = new Map<number, Lane>();
  droppedThreads = 0;
  droppedLanes = 0;
  private last: Thread | undefined;
  /** live threads by the pid's low bits, looked in before the Map (see get) */
  private readonly slots: (Thread | undefined)[] = new Array<Thread | undefined>(THREAD_SLOTS).fill(undefined);

  constructor(private readonly path: string) {}

  get(pid: number | null): Thread {
    const key = pid ?? 0;
    // runs of lines from one pid are the rule in -f logs
    if (this.last !== undefined && this.last.pid === key) return this.last;
    // then a slot by the pid's low bits: the lines of a few busy threads interleave
    const i = key & (THREAD_SLOTS - 1);
    let th = this.slots[i];
    if (th !== undefined && th.pid === key) {
      this.last = th;
      return th;
    }
    th = this.live.get(key);
    if (th === undefined) {
      const tg = this.tgids.get(key);
      // every field present from the start: one hidden class for all threads, so the handlers' loads stay monomorphic
      th = {
        pid: key,
        tgid: 0,
        comm: undefined,
        syscalls: 0,
        first: Number.NaN,
        last: Number.NaN,
        exit: undefined,
        lane: new LaneBuilder(`${this.path}#tid:${key}`, this.path, 'thread', threadLabel(key, tg), groupOf(tg ?? key)),
        lastInterrupted: undefined,
        pendingStop: undefined,
        open: undefined,
        gone: false,
        recent: undefined,
        proc: undefined,
        pending: NO_PENDING,
      };
      // V8 takes a field written only once for a constant of the objects' hidden class, and
      // code optimized on that is thrown away when the field first changes: a thread joining
      // a group (the first clone of a thread) or the first failure awaiting its next calls
      // made the analysis's per-call code compile again. Written twice from the start, these
      // two are fields that change.
      th.tgid = tg;
      th.pending = undefined;
      this.live.set(key, th);
    }
    this.slots[i] = th;
    this.last = th;
    return th;
  }

  find(pid: number): Thread | undefined {
    return this.live.get(pid);
  }

  values(): IterableIterator<Thread> {
    return this.live.values();
  }

  /** The thread `child` is a thread of `th`'s group. */
  joinGroup(th: Thread, child: number): void {
    const tg = th.tgid ?? th.pid;
    this.tgids.set(child, tg);
    th.tgid = tg;
    const c = this.live.get(child);
    if (c !== undefined) {
      c.tgid = tg;
      c.lane.group = groupOf(tg);
      c.lane.label = threadLabel(c.pid, tg);
    }
  }

  setComm(th: Thread, comm: string): void {
    th.comm = comm;
    th.lane.label = `${threadLabel(th.pid, th.tgid)} (${comm})`;
  }

  /** The thread exited (or was superseded): hand in its lane and leave the table when the log is big. */
  gone(th: Thread): void {
    th.gone = true;
    th.lastInterrupted = undefined;
    th.pendingStop = undefined;
    th.recent = undefined;
    th.proc = undefined;
    if (this.live.size <= COMPACT_LANES_AFTER) return;
    this.live.delete(th.pid);
    this.tgids.delete(th.pid);
    if (this.last === th) this.last = undefined;
    const i = th.pid & (THREAD_SLOTS - 1);
    if (this.slots[i] === th) this.slots[i] = undefined;
    if (this.finished.length < MAX_THREADS_KEPT) this.finished.push(summary(th, th.tgid));
    else this.droppedThreads++;
    const built = th.lane.build();
    if (built.spans.length === 0 && built.markers.length === 0) return;
    delete built.density;
    const prev = this.finishedLanes.get(th.pid);
    if (prev !== undefined) this.finishedLanes.set(th.pid, mergeLanes(prev, built));
    else if (this.finishedLanes.size < MAX_FINISHED_LANES) this.finishedLanes.set(th.pid, built);
    else this.droppedLanes++;
  }

  /** Summaries and lanes of every thread, by pid (a reused pid: one lane, one summary per life). */
  finish(): { threads: ThreadSummary[]; lanes: Lane[] } {
    const threads: ThreadSummary[] = [...this.finished];
    const lanes = new Map<number, Lane>(this.finishedLanes);
    for (const th of this.live.values()) {
      const tg = th.tgid ?? this.tgids.get(th.pid);
      threads.push(summary(th, tg));
      if (tg !== undefined) th.lane.group = groupOf(tg);
      const lane = th.lane.build();
      const prev = lanes.get(th.pid);
      lanes.set(th.pid, prev === undefined ? lane : lane.events === 0 ? { ...prev, group: lane.group } : mergeLanes(prev, lane));
    }
    threads.sort((a, b) => a.pid - b.pid || (a.first ?? 0) - (b.first ?? 0));
    return { threads, lanes: [...lanes.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]) };
  }
}

function summary(th: Thread, tg: number | undefined): ThreadSummary {
  const s: ThreadSummary = { pid: th.pid, syscalls: th.syscalls, first: orNull(th.first), last: orNull(th.last) };
  if (tg !== undefined) s.tgid = tg;
  if (th.comm !== undefined) s.comm = th.comm;
  if (th.exit !== undefined) s.exit = th.exit;
  return s;
}

/** A time kept as NaN for none, as the model says none. */
export function orNull(t: number): number | null {
  return t === t ? t : null;
}

/** "pid 10" for a process (or a thread-group leader), "tid 11" for another thread of its group */
export function threadLabel(pid: number, tgid: number | undefined): string {
  if (pid === 0) return 'process (pid not in log)';
  return tgid !== undefined && tgid !== pid ? `tid ${pid}` : `pid ${pid}`;
}

/** the lane group: the thread group, named by its leader */
export function groupOf(tgid: number): string {
  return tgid === 0 ? 'process' : `pid ${tgid}`;
}

/** Two lanes of one thread (before and after a compaction) as one, without a density strip. */
export function mergeLanes(a: Lane, b: Lane): Lane {
  const spans = [...a.spans, ...b.spans].sort((x, y) => x.start - y.start);
  const markers = [...a.markers, ...b.markers].sort((x, y) => x.t - y.t);
  const keptSpans = spans.slice(-MAX_SPANS_PER_LANE);
  const keptMarkers = markers.slice(0, MAX_MARKERS_PER_LANE);
  const lane: Lane = {
    ...b,
    spans: keptSpans,
    markers: keptMarkers,
    events: a.events + b.events,
    first: a.first === undefined ? b.first : b.first === undefined ? a.first : Math.min(a.first, b.first),
    last: a.last === undefined ? b.last : b.last === undefined ? a.last : Math.max(a.last, b.last),
  };
  delete lane.density;
  const sd = (a.spansDropped ?? 0) + (b.spansDropped ?? 0) + spans.length - keptSpans.length;
  const md = (a.markersDropped ?? 0) + (b.markersDropped ?? 0) + markers.length - keptMarkers.length;
  if (sd) lane.spansDropped = sd;
  else delete lane.spansDropped;
  if (md) lane.markersDropped = md;
  else delete lane.markersDropped;
  return lane;
}
