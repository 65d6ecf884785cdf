/**
 * process-stopped (info): a thread frozen by a stop signal and continued (or
 * never continued) whose work was not cut short — its call restarted or
 * re-issued, or it was not in a call. How long and by whom, so the timeline
 * shows the pause; cut-short stops are sigcont-no-restart's.
 */
import type { FindingDraft, RunModel, StopEpisode, StraceModel } from '../model/index.js';
import { formatSeconds } from '../analysis/strace/format.js';
import { episodeEvidence, stopDetails, subject, type StopDetails } from './sigcont-no-restart.js';
import type { Detector } from './types.js';

/** A stop that cost time but no work: how long, by whom, and how the thread went on. */
export type ProcessStoppedDetails = StopDetails & {
  call?: string;
  call_line?: number;
  interrupted_with?: string;
  requested?: number;
  remaining?: number;
  next?: string;
  next_line?: number;
  went_on?: string;
};

export const processStopped: Detector = {
  id: 'process-stopped',
  description: 'A thread frozen by a stop signal and continued, with its interrupted call restarted properly: how long and by whom.',
  detect: (run) => detectStops(run),
};

const REPORTED: ReadonlySet<StopEpisode['outcome']> = new Set(['restarted', 'reissued', 'no-call-interrupted', 'not-continued', 'exited', 'unknown']);

export function detectStops(run: RunModel): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const input of run.inputs) {
    const m = input.model;
    if (m === undefined || m.kind !== 'strace') continue;
    const path = input.info.path;
    for (const ep of (m as StraceModel).stops) {
      if (!REPORTED.has(ep.outcome)) continue;
      out.push(stopFinding(path, ep));
    }
  }
  return out;
}

function stopFinding(path: string, ep: StopEpisode): FindingDraft {
  const d: ProcessStoppedDetails = stopDetails(ep);
  const call = ep.interrupted;
  if (call !== undefined) {
    d.call = call.name;
    d.call_line = call.line;
    d.interrupted_with = call.errno;
    const w = call.decoded?.wait ?? {};
    if (w.requested !== undefined) d.requested = w.requested;
    if (w.remaining !== undefined) d.remaining = w.remaining;
  }
  if (ep.next !== undefined) {
    d.next = ep.next.name;
    d.next_line = ep.next.line;
  }
  const frozen = d.frozen_for;
  const by = ep.stopSenderPid !== undefined ? ` by pid ${ep.stopSenderPid}` : '';
  const thread = ep.pid ? `thread ${ep.pid}` : 'the traced process';
  let how: string;
  switch (ep.outcome) {
    case 'restarted':
      how = `${call?.name ?? 'its call'} resumed with restart_syscall`;
      break;
    case 'reissued':
      how = `${call?.name ?? 'its call'} was issued again`;
      break;
    case 'no-call-interrupted':
      how = 'it was not blocked in a call';
      break;
    case 'not-continued':
      how = 'not continued before the log ends';
      break;
    case 'exited':
      how = 'it exited after the continue';
      break;
    default:
      how = 'the log shows no call after the continue';
  }
  d.went_on = how;
  const title = `${thread} stopped${frozen !== undefined ? ` ${formatSeconds(frozen)}` : ''} by ${ep.stopSignal}${by}; ${how}`;
  const draft: FindingDraft = {
    detector: 'process-stopped',
    severity: 'info',
    title,
    input: path,
    start: ep.stopT,
    end: ep.contT ?? null,
    subject: subject(ep, call?.name),
    evidence: episodeEvidence(path, ep),
    details: d,
    explanation: `The thread was frozen by ${ep.stopSignal}${by} and ${ep.contT !== undefined ? 'continued' : 'not continued in the log'}; ${how}, so no work was lost, but everything it served waited${frozen !== undefined ? ` ${formatSeconds(frozen)}` : ''}. Stops like this come from ptrace-based supervisors (php-fpm request_slowlog_timeout), job control, debuggers or cgroup freezers.`,
    lanes: [`${path}#tid:${ep.pid}`],
    eventKeys: [`${path}#tid:${ep.pid}#stop:${ep.stopLine}`],
  };
  return draft;
}
