/**
 * What the text-input rows (strace, curl) share: child runs taking turns so all meet the same
 * load, and the rows made from them. Three ways of running the child:
 *   - `on`: as the tool runs (the CLI, batch and serve pass Node no flags): the reader thread
 *     (src/sources/read-thread.ts) on, V8's helper threads (concurrent compiling, parallel
 *     scavenges) on. The row's goal is judged on this one.
 *   - `off`: the same with the reader thread off (FAULTLINE_READ_THREAD=0).
 *   - `single`: the reader thread on, Node started `--single-threaded`: V8's compiler and
 *     collector on the main thread too, so the main thread's CPU time is all the parse and
 *     analysis cost, and the figure is what one core does.
 */
import type { BenchResult } from './run.js';

/** what a row needs of one child run */
export interface TurnRun {
  bytes: number;
  lines: number;
  wall: number;
  cpu: number;
  /** the main thread's alone (Linux): without the reader thread's */
  mainCpu?: number;
  maxRssKb: number;
}

/** Node's flags for the `single` runs (the others pass none). */
export const SINGLE_THREADED = ['--single-threaded'];

export function takeTurns<T>(runs: number, measure: (env: NodeJS.ProcessEnv, nodeFlags: string[]) => T): { on: T[]; off: T[]; single: T[] } {
  const on: T[] = [];
  const off: T[] = [];
  const single: T[] = [];
  for (let i = 0; i < runs; i++) {
    on.push(measure({}, []));
    off.push(measure({ FAULTLINE_READ_THREAD: '0' }, []));
    single.push(measure({}, SINGLE_THREADED));
  }
  return { on, off, single };
}

export function medianBy<T>(xs: T[], key: (x: T) => number): T {
  return [...xs].sort((a, b) => key(a) - key(b))[(xs.length - 1) >> 1];
}

/** each run's figure as a note prints it: "1.79/1.80/1.79" */
export function each<T>(xs: T[], key: (x: T) => number): string {
  return xs.map((x) => key(x).toFixed(2)).join('/');
}

export const OFF_ROW = '  same, reader thread off (FAULTLINE_READ_THREAD=0)';
export const SINGLE_ROW = '  same, node --single-threaded (V8 compiles and collects on the main thread)';

/** A row from the run that stands for its turns (`r`) and all of them (`xs`: peak RSS over every run). */
export function textRow(name: string, r: TurnRun, xs: TurnRun[], events: number, floor: BenchResult['floor'], note: string): BenchResult {
  return {
    name,
    bytes: r.bytes,
    seconds: r.wall,
    mbPerSec: r.bytes / 1e6 / r.wall,
    eventsPerSec: r.lines / r.wall,
    events,
    peakRssMb: Math.max(...xs.map((x) => x.maxRssKb)) / 1024,
    ...(floor ? { floor } : {}),
    note,
  };
}
