/**
 * The worker side: a BullMQ Worker that takes cases from Redis and runs them.
 * The processor is a function of the job's data alone (`processCase`): check
 * the version, check every file against its digest, run the case, return the
 * result. Nothing is written anywhere but Redis, so a job run twice (a worker
 * that was thought dead) gives the same answer twice, never half of one.
 *
 * Lost workers and poison cases, with BullMQ's stalled-job handling:
 * - A worker holds a lock on each running job and renews it every
 *   lockDuration/2 from its main thread. Cases run on other threads (the pool),
 *   so a long analysis never delays the renewal and a live worker never looks dead.
 * - A SIGKILLed worker (or lost machine) stops renewing; within lockDuration its
 *   lock expires, and the next stalled check of any live worker (every
 *   stalledInterval) puts the job back in the queue for another worker: at most
 *   lockDuration + stalledInterval after the loss (45 s with the defaults).
 * - A case that kills every worker that takes it stalls each time; past
 *   maxStalledCount BullMQ fails it ("stalled more than allowable limit"): it
 *   costs at most maxStalledCount + 1 workers, each restarted by its supervisor.
 *   A case that fails by throwing (a thread over its memory limit, a bug) is
 *   tried `attempts` times; a case that cannot succeed anywhere (a missing or
 *   changed file, another version, a timeout) fails at once.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { FaultlineError, type ErrorCode, type RunEvent, type RunResult } from '../model/index.js';
import { VERSION } from '../pipeline/version.js';
import type { Runner } from '../runner/types.js';
import { probeRedis, redisOptions, type QueueAddress } from './connection.js';
import { verifyFiles } from './files.js';
import { encodeResult, failureReason, QUEUE_NAME, type CaseJob, type CaseReturn } from './job.js';
import { DEFAULT_STALLED, type StalledPolicy } from './defaults.js';

// defined beside the CLI's other start-up defaults (no bullmq/Fastify import to read them)
export { DEFAULT_STALLED, type StalledPolicy };

/** Codes for which another try cannot help: the job fails at once. */
const FINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['E_VERSION', 'E_NOT_FOUND', 'E_CHANGED', 'E_TIMEOUT', 'E_CANCELLED', 'E_USAGE']);

/** One input's progress at most this often through Redis (each is a write and a stream entry). */
const PROGRESS_EVERY = 500; /* ms */

/**
 * The processor: one case, from the job's data alone. Throws a FaultlineError with the code;
 * the BullMQ wrapper turns it into the job's failure.
 */
export async function processCase(
  job: CaseJob,
  ctx: { runner: Runner; signal?: AbortSignal; onEvent?: (e: RunEvent) => void },
): Promise<RunResult> {
  if (job?.job_version !== 1 || typeof job.faultline !== 'string')
    throw new FaultlineError('E_VERSION', `the job is not one this worker (faultline ${VERSION}) can read: run the same faultline version everywhere`);
  if (job.faultline !== VERSION)
    throw new FaultlineError('E_VERSION', `queued by faultline ${job.faultline}, taken by a worker running ${VERSION}: run the same faultline version on every worker`);
  await verifyFiles(job.files, ctx.signal);
  return ctx.runner.run(job.spec, { signal: ctx.signal, onEvent: ctx.onEvent, timeoutMs: job.timeout_ms ?? undefined, key: job.key });
}

export interface WorkerOptions {
  address: QueueAddress;
  /** cases at once in this process */
  jobs: number;
  /** runs each case: a thread pool of `jobs` threads (the main thread stays free to renew locks) */
  runner: Runner;
  stalled?: Partial<StalledPolicy>;
  /** the queue's name (tests use their own) */
  queueName?: string;
  /** this worker's name in Redis (a job's processedBy); default HOST#PID */
  name?: string;
  /** a line for the operator: cases done and failed, Redis lost and back */
  log?: (line: string) => void;
}

export interface QueueWorker {
  /** wait for the running cases, then stop; `force` abandons them (they are retried elsewhere) */
  close(force?: boolean): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<QueueWorker> {
  const name = opts.queueName ?? QUEUE_NAME;
  await probeRedis(opts.address, name);
  const stalled = { ...DEFAULT_STALLED, ...opts.stalled };
  const log = opts.log ?? (() => {});
  const worker = new Worker<CaseJob, CaseReturn>(
    name,
    async (job: Job<CaseJob, CaseReturn>, _token?: string, signal?: AbortSignal) => {
      const started = Date.now();
      try {
        const result = await processCase(job.data, { runner: opts.runner, signal, onEvent: progressTo(job) });
        log(`done ${job.data.key}: ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return encodeResult(job.data.key, result);
      } catch (err) {
        const e = err instanceof FaultlineError ? err : new FaultlineError('E_INTERNAL', (err as Error)?.message ?? String(err));
        const final = FINAL.has(e.code);
        log(`${final ? 'failed' : 'failed (will be retried)'} ${job.data?.key ?? job.id}: ${e.code}: ${e.message}`);
        const reason = failureReason(e.code, e.message);
        throw final ? new UnrecoverableError(reason) : new Error(reason);
      }
    },
    {
      connection: redisOptions(opts.address),
      concurrency: opts.jobs,
      lockDuration: stalled.lockDuration,
      stalledInterval: stalled.stalledInterval,
      maxStalledCount: stalled.maxStalledCount,
      name: opts.name ?? `${hostname()}#${process.pid}`,
      // A burst of jobs wakes one blocked worker (the wake-up marker is one member of a sorted
      // set, however many jobs were added); the others find the burst when their wait times out.
      // 1 s instead of 5 s: a short batch reaches every idle worker, for one cheap call a second each.
      drainDelay: 1,
      autorun: false,
    },
  );
  // Redis going away is an episode, not a flood: one line when lost, one when back.
  let lost = false;
  let closing = false;
  worker.on('error', (err: Error) => {
    if (!lost) log(`lost Redis at ${opts.address.display} (${(err as NodeJS.ErrnoException).code ?? err.message}): reconnecting`);
    lost = true;
  });
  worker.on('ioredis:close', () => {
    if (!lost && !closing) log(`lost Redis at ${opts.address.display}: reconnecting`);
    lost = true;
  });
  const client = await worker.client;
  client.on('ready', () => {
    if (lost) log(`Redis at ${opts.address.display} is back`);
    lost = false;
  });
  worker.on('stalled', (jobId: string) => log(`case ${jobId} lost its worker: put back in the queue`));
  const running = worker.run().catch((err: Error) => log(`worker stopped: ${err.message}`));
  await worker.waitUntilReady();
  return {
    async close(force = false) {
      closing = true;
      await worker.close(force);
      await running;
    },
  };
}

/** The run's events as job progress: every event but byte counts at once, byte counts at most every PROGRESS_EVERY per input. */
function progressTo(job: Job<CaseJob, CaseReturn>): (e: RunEvent) => void {
  const last = new Map<string, number>();
  return (e) => {
    if (e.type === 'input-progress') {
      const now = Date.now();
      if (now - (last.get(e.input) ?? 0) < PROGRESS_EVERY) return;
      last.set(e.input, now);
    }
    // Progress is advisory: a lost write (Redis restarting) must not fail the case.
    job.updateProgress(e as unknown as object).catch(() => {});
  };
}
