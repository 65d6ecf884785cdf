/**
 * The queue's defaults, in a module importing nothing: the CLI's flag help reads them at
 * start-up without loading bullmq (and ioredis).
 */

/**
 * Cases a front end keeps queued at once by default: enough to keep dozens of worker threads
 * busy, few enough that Ctrl-C has little to take back and Redis holds little.
 */
export const QUEUE_IN_FLIGHT = 64;

export interface StalledPolicy {
  /** ms a job's lock lasts without renewal: how long a lost worker keeps its case */
  lockDuration: number;
  /** ms between checks for jobs whose lock expired */
  stalledInterval: number;
  /** times a case may lose its worker and still be put back */
  maxStalledCount: number;
}

/**
 * 30 s lock (renewed every 15 s, off the analysis threads); checks every 15 s; one loss is
 * forgiven (a machine lost), a second means the input is the likelier cause and each try
 * costs a worker process: the case fails.
 */
export const DEFAULT_STALLED: StalledPolicy = { lockDuration: 30_000, stalledInterval: 15_000, maxStalledCount: 1 };
