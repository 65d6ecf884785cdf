/**
 * The queue as a Runner: batch and serve hand it specs as they would the local
 * pool; it enqueues one BullMQ job per case and answers with the result a worker
 * returned. Events come from QueueEvents (progress, completed, failed); a sweep
 * of the pending jobs' states backs them up, because an event stream is not a
 * guarantee (events published while Redis restarts, or before we subscribed, are
 * gone). The sweep is also what keeps the runner honest when Redis misbehaves:
 *
 * - a job that vanished (Redis restarted without persistence) is enqueued again;
 * - Redis unreachable for longer than `giveUpMs` fails every pending case with
 *   E_QUEUE: the batch stops with a clear error instead of hanging;
 * - jobs waiting while no worker is connected are said once, not waited on silently.
 *
 * A case is only ever resolved from a job Redis holds as completed, with its return
 * value: nothing is reported done that a worker did not finish.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { FaultlineError, type RunEvent, type RunResult, type RunSpec } from '../model/index.js';
import { VERSION } from '../pipeline/version.js';
import type { Runner, RunOptions } from '../runner/types.js';
import { parseQueueUrl, probeRedis, redisOptions, type QueueAddress } from './connection.js';
import { pinSources } from './files.js';
import { decodeResult, errorFromReason, jobIdFor, QUEUE_NAME, type CaseJob, type CaseReturn } from './job.js';
import { QUEUE_IN_FLIGHT } from './defaults.js';

// defined beside the CLI's other start-up defaults (no bullmq/Fastify import to read them)
export { QUEUE_IN_FLIGHT };

export interface QueueRunnerOptions {
  /** ms Redis may stay unreachable before the pending cases fail with E_QUEUE */
  giveUpMs?: number;
  /** ms between sweeps of the pending jobs' states */
  pollMs?: number;
  /** tries for a case whose run throws (a thread over its memory limit, a bug); lost workers are counted by the workers' stalled policy */
  attempts?: number;
  /** a line for the user: no worker connected, Redis lost and back */
  onNotice?: (line: string) => void;
  /** the queue's name (tests use their own) */
  queueName?: string;
}

const DEFAULTS = { giveUpMs: 60_000, pollMs: 2_000, attempts: 2 };
/** Files digested at once while enqueueing: a batch may hand over thousands of cases together. */
const DIGEST_CONCURRENCY = 4;
/** States checked per sweep: bounded work on Redis however many cases wait. */
const SWEEP_BATCH = 200;
/** Times a vanished job is enqueued again before its case fails: Redis that keeps losing data is not a queue. */
const MAX_READDS = 3;

interface Waiter {
  resolve: (r: RunResult) => void;
  reject: (e: Error) => void;
  onEvent?: (e: RunEvent) => void;
}

interface Pending {
  job: CaseJob;
  waiters: Set<Waiter>;
  readds: number;
  /**
   * Adds of this case's job still on their way. Until they end, Redis may hold a job of an
   * earlier ask (failed, not yet retried): a sweep or a late event that looked then would
   * answer this ask with that old failure.
   */
  adding: number;
}

export class QueueRunner implements Runner {
  private readonly pending = new Map<string, Pending>();
  private readonly opts: Required<Omit<QueueRunnerOptions, 'onNotice'>> & Pick<QueueRunnerOptions, 'onNotice'>;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepCursor = 0;
  private sweeping = false;
  private downSince: number | null = null;
  private noWorkersSaid = false;
  private digestSlots = DIGEST_CONCURRENCY;
  private readonly digestQueue: (() => void)[] = [];
  private closed = false;
  /** set when Redis stayed away past giveUpMs: new cases fail at once until it is back */
  private lost: FaultlineError | null = null;
  /** removals of cancelled jobs still on their way to Redis: close() waits for them */
  private readonly removals = new Set<Promise<unknown>>();

  private constructor(
    private readonly address: QueueAddress,
    private readonly queue: Queue<CaseJob, CaseReturn>,
    private readonly events: QueueEvents,
    opts: QueueRunnerOptions,
  ) {
    this.opts = { ...DEFAULTS, queueName: QUEUE_NAME, ...opts };
  }

  /** Reaches Redis once (E_QUEUE, one line, when it cannot), then keeps connections that reconnect on their own. */
  static async connect(url: string, opts: QueueRunnerOptions = {}): Promise<QueueRunner> {
    const address = parseQueueUrl(url);
    const name = opts.queueName ?? QUEUE_NAME;
    await probeRedis(address, name);
    const queue = new Queue<CaseJob, CaseReturn>(name, { connection: redisOptions(address), streams: { events: { maxLen: 2000 } } });
    const events = new QueueEvents(name, { connection: redisOptions(address) });
    const runner = new QueueRunner(address, queue, events, opts);
    runner.listen();
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return runner;
  }

  /** where the queue is, without credentials */
  get display(): string {
    return this.address.display;
  }

  private listen(): void {
    const note = (line: string): void => this.opts.onNotice?.(line);
    // ioredis reports every failed reconnect; the sweep says "lost" and "back" once per episode.
    this.queue.on('error', () => {});
    this.events.on('error', () => {});
    this.events.on('progress', ({ jobId, data }: { jobId: string; data: unknown }) => {
      const p = this.pending.get(jobId);
      if (p) for (const w of p.waiters) w.onEvent?.(data as RunEvent);
    });
    // A settle that cannot reach Redis now is retried by the sweep: never an unhandled rejection.
    const settle = ({ jobId }: { jobId: string }): void => void this.settle(jobId).catch(() => {});
    this.events.on('completed', settle);
    this.events.on('failed', settle);
    this.events.on('removed', settle);
    this.sweepTimer = setInterval(() => void this.sweep(note).catch(() => {}), this.opts.pollMs);
    this.sweepTimer.unref();
  }

  async run(spec: RunSpec, opts: RunOptions = {}): Promise<RunResult> {
    if (this.closed) throw new FaultlineError('E_CANCELLED', 'the queue runner is closed');
    const signal = opts.signal;
    if (signal?.aborted) throw new FaultlineError('E_CANCELLED', 'the run was cancelled');
    if (this.lost) throw this.lost;
    const { spec: pinned, files } = await this.digesting(() => pinSources(spec, signal));
    if (signal?.aborted) throw new FaultlineError('E_CANCELLED', 'the run was cancelled');
    const job: CaseJob = { job_version: 1, faultline: VERSION, key: opts.key ?? '', spec: pinned, files, timeout_ms: opts.timeoutMs ?? null };
    const id = jobIdFor(job);

    return new Promise<RunResult>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, onEvent: opts.onEvent };
      let p = this.pending.get(id);
      const first = !p;
      if (!p) {
        p = { job, waiters: new Set(), readds: 0, adding: 0 };
        this.pending.set(id, p);
      }
      p.waiters.add(waiter);
      const done = signal ? this.onAbort(signal, () => void this.cancel(id, waiter)) : () => {};
      waiter.resolve = (r) => (done(), resolve(r));
      waiter.reject = (e) => (done(), reject(e));
      // A second run() of the same case in this process waits on the first one's job.
      if (first) this.enqueue(id, job, true).catch((err: Error) => this.fail(id, new FaultlineError('E_QUEUE', `cannot queue the case: ${err.message}`)));
    });
  }

  /**
   * Adds the job under its content id: if the same case is already queued, running or done
   * (a duplicate call, a restarted batch), that job is the answer. A failed one from an earlier
   * run is tried again: asking again is the user's way to retry.
   */
  private async enqueue(id: string, job: CaseJob, fresh: boolean): Promise<void> {
    const p = this.pending.get(id);
    if (p) p.adding++;
    try {
      await this.queue.add('case', job, {
        jobId: id,
        attempts: this.opts.attempts,
        backoff: { type: 'fixed', delay: 1000 },
        // Kept a while so a restarted batch finds what finished; bounded so Redis does not grow.
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 24 * 3600, count: 1000 },
      });
      if (fresh && (await this.queue.getJobState(id)) === 'failed') {
        const old = await Job.fromId<CaseJob, CaseReturn>(this.queue, id);
        await old?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
    } finally {
      if (p) p.adding--;
    }
    await this.settle(id);
  }

  /** Resolves or rejects a case from what Redis holds for its job; leaves it alone while the job waits or runs, or while it is being added. */
  private async settle(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p || p.adding > 0) return;
    const state = await this.queue.getJobState(id);
    if (state === 'completed') {
      const job = await Job.fromId<CaseJob, CaseReturn>(this.queue, id);
      if (!job) return this.vanished(id, p);
      let result: RunResult;
      try {
        result = decodeResult(job.returnvalue);
      } catch (err) {
        return this.fail(id, err as Error);
      }
      this.pending.delete(id);
      for (const w of p.waiters) w.resolve(result);
    } else if (state === 'failed') {
      const job = await Job.fromId<CaseJob, CaseReturn>(this.queue, id);
      this.fail(id, errorFromReason(job?.failedReason, Math.max(job?.attemptsStarted ?? 0, job?.attemptsMade ?? 0)));
    } else if (state === 'unknown') {
      await this.vanished(id, p);
    }
  }

  /** The job is gone though its case was not settled: Redis lost it (restarted without persistence, flushed). */
  private async vanished(id: string, p: Pending): Promise<void> {
    if (p.readds >= MAX_READDS) return this.fail(id, new FaultlineError('E_QUEUE', `Redis at ${this.address.display} lost the case's job ${MAX_READDS} times (restarted without persistence, or flushed)`));
    p.readds++;
    this.opts.onNotice?.(`the job of case ${p.job.key || id} is gone from Redis (restarted without persistence?): queued again`);
    await this.enqueue(id, p.job, false);
  }

  private fail(id: string, err: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    for (const w of p.waiters) w.reject(err);
  }

  /** Cancelling removes the job if no worker holds it yet; a running job finishes on its worker and its result is dropped. */
  private async cancel(id: string, waiter: Waiter): Promise<void> {
    const p = this.pending.get(id);
    waiter.reject(new FaultlineError('E_CANCELLED', 'the run was cancelled'));
    if (!p) return;
    p.waiters.delete(waiter);
    if (p.waiters.size > 0) return;
    this.pending.delete(id);
    const removal = this.queue.remove(id).catch(() => 0);
    this.removals.add(removal);
    await removal;
    this.removals.delete(removal);
  }

  private async sweep(note: (line: string) => void): Promise<void> {
    const client = await this.queue.client;
    if (client.status !== 'ready') {
      if (this.downSince === null) {
        this.downSince = Date.now();
        if (this.pending.size) note(`lost Redis at ${this.address.display}: reconnecting (the pending cases fail if it is not back within ${Math.round(this.opts.giveUpMs / 1000)} s)`);
      } else if (Date.now() - this.downSince >= this.opts.giveUpMs) {
        this.lost ??= new FaultlineError('E_QUEUE', `lost Redis at ${this.address.display} for ${Math.round((Date.now() - this.downSince) / 1000)} s`);
        for (const id of [...this.pending.keys()]) this.fail(id, this.lost);
      }
      return;
    }
    const wasDown = this.downSince !== null;
    if (wasDown) {
      this.downSince = null;
      this.lost = null;
      note(`Redis at ${this.address.display} is back`);
    }
    if (this.sweeping || this.pending.size === 0) return;
    this.sweeping = true;
    try {
      // After an outage every pending job is looked at (Redis may have come back empty); otherwise a window of them.
      const ids = [...this.pending.keys()];
      const window = wasDown ? ids : Array.from({ length: Math.min(SWEEP_BATCH, ids.length) }, (_, i) => ids[(this.sweepCursor + i) % ids.length]);
      this.sweepCursor = (this.sweepCursor + window.length) % Math.max(1, ids.length);
      for (const id of window) await this.settle(id);
      const workers = await this.queue.getWorkersCount();
      if (workers === 0 && this.pending.size && !this.noWorkersSaid) {
        note(`no worker is connected to ${this.address.display}: ${this.pending.size} case(s) wait for 'faultline worker --queue ${this.address.display}'`);
        this.noWorkersSaid = true;
      } else if (workers > 0) this.noWorkersSaid = false;
    } catch {
      // Redis went away mid-sweep: the next sweep sees it.
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * One listener per signal however many cases share it (a batch passes one signal to all its
   * cases: 64 listeners on it would be a leak warning, and 64 wake-ups for one Ctrl-C).
   */
  private readonly aborts = new WeakMap<AbortSignal, Set<() => void>>();
  private onAbort(signal: AbortSignal, fn: () => void): () => void {
    let fns = this.aborts.get(signal);
    if (!fns) {
      const set = new Set<() => void>();
      fns = set;
      this.aborts.set(signal, set);
      signal.addEventListener('abort', () => [...set].forEach((f) => f()), { once: true });
    }
    fns.add(fn);
    return () => fns.delete(fn);
  }

  /** At most DIGEST_CONCURRENCY sources digested at once, in call order. */
  private async digesting<T>(fn: () => Promise<T>): Promise<T> {
    if (this.digestSlots === 0) await new Promise<void>((r) => this.digestQueue.push(r));
    else this.digestSlots--;
    try {
      return await fn();
    } finally {
      const next = this.digestQueue.shift();
      if (next) next();
      else this.digestSlots++;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    const err = new FaultlineError('E_CANCELLED', 'the queue runner was closed');
    for (const id of [...this.pending.keys()]) this.fail(id, err);
    await Promise.allSettled([...this.removals]);
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}
