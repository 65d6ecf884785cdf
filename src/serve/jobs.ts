/**
 * The analyses waiting and running in one server, and what they say while
 * they run. The work itself goes to the injected Runner (the worker pool by
 * default, BullMQ with `serve --queue`); this only decides how many run at
 * once, how many may wait, and writes each outcome through the Store.
 *
 * Bounded: uploads being received, analyses waiting and analyses running all
 * count against `maxPending`; past it a new upload is refused (503) before a
 * byte of it is read.
 */
import type { ErrorCode, RunEvent, RunResult, RunSpec } from '../model/index.js';
import { FaultlineError } from '../model/index.js';
import type { Runner } from '../runner/types.js';
import type { AnalysisMeta, Store } from './store.js';

/** What the page shows while an analysis runs. */
export interface Progress {
  /** place in the waiting line (1 = next), while queued */
  position?: number;
  inputs_total: number;
  inputs_opened: number;
  inputs_done: number;
  /** the input being read and how far */
  current?: { name: string; bytes: number; size?: number; format?: string };
  detectors_done: boolean;
  findings?: number;
}

export interface JobsOptions {
  runner: Runner;
  store: Store;
  /** analyses run at once */
  concurrency: number;
  /** uploads in flight + waiting + running, past which uploads get 503 */
  maxPending: number;
  /** ms a case may take (the runner enforces it); none by default */
  timeoutMs?: number;
  /** the spec for a stored analysis */
  specFor: (meta: AnalysisMeta) => Promise<RunSpec>;
  /** stores a finished result (result.json, report, meta) */
  onResult: (id: string, result: RunResult) => Promise<void>;
  log?: (msg: string) => void;
}

export class Jobs {
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, AbortController>();
  private readonly progress = new Map<string, Progress>();
  private readonly settled = new Set<Promise<void>>();
  private uploads = 0;
  private closing = false;

  constructor(private readonly opts: JobsOptions) {}

  /** Everything that holds resources now. */
  pending(): number {
    return this.uploads + this.waiting.length + this.running.size;
  }

  /** A place for one upload; false when full (the caller answers 503). */
  tryReserve(): boolean {
    if (this.closing || this.pending() >= this.opts.maxPending) return false;
    this.uploads++;
    return true;
  }

  release(): void {
    this.uploads = Math.max(0, this.uploads - 1);
  }

  enqueue(id: string): void {
    const meta = this.opts.store.get(id);
    if (!meta || this.closing) return;
    this.waiting.push(id);
    this.progress.set(id, { inputs_total: meta.inputs.length, inputs_opened: 0, inputs_done: 0, detectors_done: false });
    this.pump();
  }

  progressOf(id: string): Progress | undefined {
    const p = this.progress.get(id);
    if (!p) return undefined;
    const at = this.waiting.indexOf(id);
    return at >= 0 ? { ...p, position: at + 1 } : p;
  }

  /** Stops an analysis (deleted): taken out of the line, or its run aborted. */
  cancel(id: string): void {
    const at = this.waiting.indexOf(id);
    if (at >= 0) this.waiting.splice(at, 1);
    this.running.get(id)?.abort();
    this.progress.delete(id);
  }

  /** Stops taking work and aborts what runs; an aborted analysis goes back to `queued`, so the next start runs it again. */
  async close(): Promise<void> {
    this.closing = true;
    this.waiting.length = 0;
    for (const ac of this.running.values()) ac.abort();
    await Promise.allSettled([...this.settled]);
  }

  /** Resolves when nothing waits or runs (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.settled.size) await Promise.allSettled([...this.settled]);
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.opts.concurrency && this.waiting.length) {
      const id = this.waiting.shift()!;
      const ac = new AbortController();
      this.running.set(id, ac);
      const p = this.runOne(id, ac).finally(() => {
        this.running.delete(id);
        this.progress.delete(id);
        this.settled.delete(p);
        this.pump();
      });
      this.settled.add(p);
    }
  }

  private async runOne(id: string, ac: AbortController): Promise<void> {
    const { store } = this.opts;
    const meta = store.get(id);
    if (!meta) return;
    try {
      await store.update(id, { status: 'running', attempts: meta.attempts + 1, started: new Date().toISOString() });
      const spec = await this.opts.specFor(meta);
      const result = await this.opts.runner.run(spec, {
        signal: ac.signal,
        key: id,
        timeoutMs: this.opts.timeoutMs,
        onEvent: (e) => this.onEvent(id, e),
      });
      if (ac.signal.aborted) throw new FaultlineError('E_CANCELLED', 'the run was cancelled');
      if (!store.get(id)) return;
      await this.opts.onResult(id, result);
    } catch (err) {
      if (!store.get(id)) return; // deleted while it ran
      if (this.closing) {
        await store.update(id, { status: 'queued', remark: 'run again: the server was stopped while analysing it' }).catch(() => undefined);
        return;
      }
      // the pool's failures are FaultlineErrors (E_TIMEOUT, E_LIMIT, E_CANCELLED, E_INTERNAL); a queue's may arrive as plain data with a code
      const raw = (err as { code?: unknown })?.code;
      const code = err instanceof FaultlineError ? err.code : typeof raw === 'string' && /^E_[A-Z_]+$/.test(raw) ? (raw as ErrorCode) : 'E_INTERNAL';
      const message = (err as Error)?.message ?? String(err);
      this.opts.log?.(`analysis ${id} failed: ${code}: ${message}`);
      await store.update(id, { status: 'failed', finished: new Date().toISOString(), error: { code, message } }).catch(() => undefined);
    }
  }

  private onEvent(id: string, e: RunEvent): void {
    const p = this.progress.get(id);
    if (!p) return;
    switch (e.type) {
      case 'input-opened':
        p.inputs_opened++;
        p.current = { name: e.input, bytes: 0, size: e.size };
        break;
      case 'input-sniffed':
        if (p.current?.name === e.input) p.current.format = e.format;
        break;
      case 'input-progress':
        if (p.current?.name === e.input) p.current.bytes = e.bytes;
        else p.current = { name: e.input, bytes: e.bytes, size: e.size };
        break;
      case 'input-done':
        p.inputs_done++;
        if (p.current?.name === e.input) p.current = undefined;
        break;
      case 'detectors-done':
        p.detectors_done = true;
        break;
      case 'result':
        p.findings = e.findings;
        break;
    }
  }
}
