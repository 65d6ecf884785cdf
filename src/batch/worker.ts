/**
 * batch's pool task: the case run as any pool task (src/runner/worker.ts:
 * its events, time and memory limits, cancellation), then its reports
 * rendered and written on this thread (finish.ts). The reply is the case's
 * summary row and findings, not its result: a result with its timeline lanes
 * is large, and cloning it to the main thread and rendering it there made
 * the main thread the batch's bottleneck.
 */
import { runPoolCase, type PoolReply, type PoolTask } from '../runner/worker.js';
import { FaultlineError } from '../model/index.js';
import { finishCase, type CaseDone, type CaseJob } from './finish.js';

export default function runBatchTask(task: PoolTask<CaseJob>): Promise<PoolReply<CaseDone>> {
  return runPoolCase(task, (result, job) => {
    if (!job) throw new FaultlineError('E_INTERNAL', 'a batch task came without its job');
    return finishCase(result, job);
  });
}
