/** Beyond one machine: cases as BullMQ jobs on Redis, run by `faultline worker` processes anywhere. */
export { QueueRunner, QUEUE_IN_FLIGHT, type QueueRunnerOptions } from './runner.js';
export { startWorker, processCase, DEFAULT_STALLED, type QueueWorker, type WorkerOptions, type StalledPolicy } from './worker.js';
export { parseQueueUrl, probeRedis, type QueueAddress } from './connection.js';
export { QUEUE_NAME, type CaseJob, type FileCheck } from './job.js';
