/**
 * The heap settings of a one-pass analysis, set at run time (no Node flags). `faultline analyze`
 * applies them before it reads, and so do the bench children (bench/curl.ts), whose rows are then
 * the tool's as it runs.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The old generation may grow to 1.4× what was live after the last full collection, not the
 * 1.1–4× V8 picks from its throughput: a one-pass analysis keeps little (about 50 MB on an 800 MB
 * capture), but what it drops after a while (closed connections, finished exchanges) was promoted
 * first, and V8 let that garbage grow the heap to twice the live size. Measured on the 800 MB
 * capture: peak RSS 172 → 152 MB, CPU time within the noise. No limit is set, so no input can run
 * out of memory because of it; a bigger live heap only makes full collections come a little sooner.
 * Read by V8 at each full collection, so it holds when set at run time.
 */
const HEAP_GROWING_PERCENT = 40;

/**
 * The new space (V8's `new_space` space_size, what --max-semi-space-size=4 allows) grows to this
 * size at most, not V8's 32 MB: it is committed memory, and an analysis allocates at a steady pace
 * (a packet, a line at a time) whose objects die young or live long, so a bigger nursery buys
 * nothing. Measured with the CLI on the 800 MB capture, 3 runs each in turn at load 15-18: peak
 * RSS 169-180 → 145-147 MB (KiB as /usr/bin/time gives it), CPU time (user + sys) 4.1-4.3 →
 * 3.6-4.0 s; the 376 MB strace log 120 → 104 MB, the 100 MB curl -v text 258-265 → 219-220 MB.
 * Held at its start size instead (2 MB), the capture's CLI run took 5-8% more CPU time.
 */
const YOUNG_GENERATION_BYTES = 8 << 20;

/** Whether the new space has reached YOUNG_GENERATION_BYTES: from then on its growth is stopped. */
let capped = false;
let observer: PerformanceObserver | undefined;

/**
 * V8 reads the new space's maximum once, at start-up: at run time it is held by stopping its growth
 * (`--semi-space-growth-factor=1`) once it is this big, seen after a collection; and stopped again
 * after every collection from then on, not once. V8's flags are the process's, and every isolate
 * V8 sets up raises a growth factor below 2 back to 2: a worker thread started after the stop (the
 * reader thread, src/sources/read-thread.ts; a batch's workers) let the new space grow to 32 MB
 * again. Stopped once, the 800 MB capture's CLI run peaked at 166-179 MB RSS in 2 runs of 9 and
 * at 131-134 MB in the others; stopped after every collection, at 129-135 MB in 9 of 9.
 */
function capYoungGeneration(): void {
  const hold = (): void => {
    if (!capped && (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) < YOUNG_GENERATION_BYTES) return;
    capped = true;
    setFlagsFromString('--semi-space-growth-factor=1');
  };
  hold();
  // one observer for the process, however many runs it makes (tests, serve), never disconnected
  if (observer) return;
  observer = new PerformanceObserver(hold);
  observer.observe({ entryTypes: ['gc'] });
  // and at once when a worker thread is up, its isolate set up (so the factor raised back to 2):
  // seen only after a collection, the first collection after the worker's start could grow the
  // new space one step (8 → 16 MB) before the observer's callback came (test/cli/heap.test.ts
  // failed so in both runs of the whole suite on a fresh clone, and in 1 of 6 runs of it alone
  // beside two CPU burners; with this, 0 of 14)
  process.on('worker', (w) => w.once('online', hold));
}

/** Applies the settings above; each run may call it (the observer is made once). */
export function tuneHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  capYoungGeneration();
}
