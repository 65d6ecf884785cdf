/**
 * What the text-input rows (strace, curl) share: child runs with the reader thread
 * (src/sources/read-thread.ts) on and off, taking turns so both meet the same load, and the
 * two rows made from them.
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

export function takeTurns<T>(runs: number, measure: (env: NodeJS.ProcessEnv) => T): { on: T[]; off: T[] } {
  const on: T[] = [];
  const off: T[] = [];
  for (let i = 0; i < runs; i++) {
    on.push(measure({}));
    off.push(measure({ FAULTLINE_READ_THREAD: '0' }));
  }
  return { on, off };
}

export function medianBy<T>(xs: T[], key: (x: T) => number): T {
  return [...xs].sort((a, b) => key(a) - key(b))[(xs.length - 1) >> 1];
}

/** each run's figure as a note prints it: "1.79/1.80/1.79" */
export function each<T>(xs: T[], key: (x: T) => number): string {
  return xs.map((x) => key(x).toFixed(2)).join('/');
}

export const OFF_ROW = '  same, reader thread off (FAULTLINE_READ_THREAD=0)';

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
