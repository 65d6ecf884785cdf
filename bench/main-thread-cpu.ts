/**
 * CPU seconds of a process's main thread alone (Linux: /proc/self/task/<pid>/stat), beside the
 * process's CPU time (all its threads). With a reader thread (src/sources/read-thread.ts) the
 * main thread's time is the critical path: on a machine with a free core it is about the wall
 * time, and unlike wall time it does not grow with other people's load.
 *
 *   node --import ./dist/bench/main-thread-cpu.js bin/run.js …   # prints "main-thread-cpu S" on stderr at exit
 */
import { readFileSync, writeSync } from 'node:fs';

/** undefined off Linux */
export function mainThreadCpu(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 (utime, stime), in clock ticks (100 a second on Linux)
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

/** as a preload (--import): say it at exit, for bench/analyze.ts to read */
if (process.env.FAULTLINE_BENCH_MAIN_CPU === '1') {
  process.on('exit', () => {
    const s = mainThreadCpu();
    if (s !== undefined) writeSync(2, `main-thread-cpu ${s}\n`);
  });
}
