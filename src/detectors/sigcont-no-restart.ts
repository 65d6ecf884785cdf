/**
 * sigcont-no-restart: a thread stopped (SIGSTOP/SIGTSTP/…) in the middle of a
 * call and continued (SIGCONT) whose next call is neither `restart_syscall`
 * nor the same call again: the interrupted work was cut short (a sleep that
 * returned early, a wait that gave up). Matters because nothing in the
 * program's own logs says so: it just did less than it asked for.
 */
import type { CallRef, Evidence, FindingDraft, RunModel, StopEpisode, StopOutcome, StraceModel } from '../model/index.js';
import { formatSeconds } from '../analysis/strace/format.js';
import type { Detector } from './types.js';

/** Times and senders of a stop episode (shared with process-stopped); seconds on the input's clock. */
export type StopDetails = {
  stop_signal: string;
  stopped_at: number | null;
  outcome: StopOutcome;
  stop_sender_pid?: number;
  group_stop?: true;
  continued_at?: number | null;
  cont_sender_pid?: number;
  frozen_for?: number;
  gap_after_continue?: number;
  tgid?: number;
};

/** A call cut short by a stop/continue: what it asked for, what was skipped, what ran next. */
export type SigcontNoRestartDetails = StopDetails & {
  call: string;
  call_line: number;
  call_args: string;
  interrupted_with: string | undefined;
  /** seconds the call asked to wait, and what the kernel said remained */
  requested?: number;
  requested_is_deadline?: true;
  remaining?: number;
  ran_before_stop?: number;
  /** seconds from the call's start to the thread's next call after the continue, time stopped included */
  elapsed?: number;
  /** the true shortfall: requested − elapsed (time stopped counts toward a wait) */
  skipped?: number;
  /** how requested, elapsed and skipped were computed, in words */
  computed?: { requested: string; elapsed: string; skipped: string };
  handler_return?: string;
  next?: string;
  next_line?: number;
  went_on?: string;
};

export const sigcontNoRestart: Detector = {
  id: 'sigcont-no-restart',
  description: 'A syscall interrupted by a stop (SIGSTOP…SIGCONT) that was neither restarted nor re-issued: the work was cut short.',
  detect: (run) => detectCutShort(run),
};

export function detectCutShort(run: RunModel): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const input of run.inputs) {
    const m = input.model;
    if (m === undefined || m.kind !== 'strace') continue;
    for (const ep of (m as StraceModel).stops) {
      if (ep.outcome !== 'cut-short' || ep.interrupted === undefined) continue;
      out.push(cutShortFinding(input.info.path, ep));
    }
  }
  return out;
}

function cutShortFinding(path: string, ep: StopEpisode): FindingDraft {
  const call = ep.interrupted!;
  const next = ep.next;
  const d = stopDetails(ep);
  const w = call.decoded?.wait ?? {};
  const details: SigcontNoRestartDetails = { ...d, call: call.name, call_line: call.line, call_args: call.args, interrupted_with: call.errno };
  if (w.requested !== undefined) details.requested = w.requested;
  if (w.absolute) details.requested_is_deadline = true;
  if (w.remaining !== undefined) details.remaining = w.remaining;
  const ranFor = call.duration ?? (call.t !== null && ep.stopT !== null ? Math.max(0, ep.stopT - call.t) : undefined);
  if (ranFor !== undefined) details.ran_before_stop = ranFor;
  // Issue 9 item 14: the time spent stopped counts toward a sleep (the clock runs on while the
  // thread is frozen), so what was lost is the request minus the time that really passed between
  // the call's start and the moment the thread went on — not the kernel's `rem` at the stop.
  const wentOn = next?.t ?? ep.contT ?? null;
  const elapsed = call.t !== null && wentOn !== null ? Math.max(0, wentOn - call.t) : undefined;
  if (elapsed !== undefined) details.elapsed = elapsed;
  const relative = w.requested !== undefined && !w.absolute;
  const skipped =
    relative && elapsed !== undefined
      ? Math.max(0, w.requested! - elapsed)
      : (w.remaining ?? (relative && ranFor !== undefined ? Math.max(0, w.requested! - ranFor) : undefined));
  if (skipped !== undefined) details.skipped = skipped;
  details.computed = {
    requested: w.requested !== undefined ? `the call's ${w.absolute ? 'deadline' : 'timeout'} argument (${w.requestedText ?? '?'})` : 'not printed by strace',
    elapsed: elapsed !== undefined ? `from the call's start (line ${call.line}) to the thread's next call after the continue${next !== undefined ? ` (line ${next.line})` : ''}, stopped time included` : 'unknown (no times in the log)',
    skipped:
      relative && elapsed !== undefined
        ? 'requested − elapsed: the time spent stopped counts toward the wait'
        : w.remaining !== undefined
          ? "the kernel's remaining time at the stop (rem), an upper bound: time stopped was not subtracted"
          : 'requested − time run before the stop',
  };
  if (ep.handlerReturn !== undefined) {
    details.handler_return = `${ep.handlerReturn.name} = ${ep.handlerReturn.ret}${ep.handlerReturn.errno ? ` ${ep.handlerReturn.errno}` : ''}`;
  }
  if (next !== undefined) {
    details.next = next.name;
    details.next_line = next.line;
    details.went_on = `ran ${next.name}(…) next instead of restart_syscall or ${call.name} again`;
  }

  const who = ep.stopSenderPid !== undefined ? ` (sent by pid ${ep.stopSenderPid})` : '';
  const contWho = ep.contSenderPid !== undefined ? ` (pid ${ep.contSenderPid})` : '';
  const eintr = ep.handlerReturn !== undefined && ep.handlerReturn.errno === 'EINTR';
  const skippedText =
    skipped !== undefined
      ? `, ${formatSeconds(skipped)} short of ${relative ? `the ${formatSeconds(w.requested!)} it asked for` : 'its wait'}${elapsed !== undefined && relative ? ` (it returned after ${formatSeconds(elapsed)}, the time stopped included)` : ''}`
      : '';
  const explanation = [
    `The thread was in ${call.name} when ${ep.stopSignal}${who} froze it${ep.groupStop ? ' together with its thread group' : ''}; after SIGCONT${contWho} it neither ran restart_syscall nor called ${call.name} again, so the call ended early${skippedText}.`,
    eintr
      ? `A signal handler ran on the way (rt_sigreturn returned EINTR): a SIGCONT (or other) handler installed without SA_RESTART made ${call.name} return EINTR, and the program took that as done instead of retrying with the time left.`
      : `The kernel asked for a restart (${call.errno}) but the thread went on to ${next?.name ?? 'other work'}: a runtime or a SIGCONT handler lost restart_syscall, or the program treated the interruption as completion.`,
    'Who stops threads like this: supervisors that ptrace-stop workers (php-fpm request_slowlog_timeout attaches to and stops each slow worker, then continues it), job control (Ctrl-Z, SIGTSTP), debuggers and profilers, cgroup freezers.',
    `Check: the handlers' flags (rt_sigaction … SA_RESTART) earlier in the log, whether the code retries ${call.name} on EINTR with the remaining time, and who pid ${ep.stopSenderPid ?? '(sender)'} is${ep.stopSenderPid !== undefined ? ' (for php-fpm: the master — request_slowlog_timeout)' : ''}.`,
  ].join(' ');

  const start = ep.stopT ?? call.t;
  const end = next?.t ?? ep.contT ?? null;
  const draft: FindingDraft = {
    detector: 'sigcont-no-restart',
    severity: 'error',
    title: `${call.name} cut short by ${ep.stopSignal}/SIGCONT on ${ep.pid ? `thread ${ep.pid}` : 'the traced process'}${skipped !== undefined ? ` (${formatSeconds(skipped)} short${relative ? ` of ${formatSeconds(w.requested!)}` : ''})` : ''}`,
    input: path,
    start,
    end,
    subject: subject(ep, call.name),
    evidence: episodeEvidence(path, ep),
    details,
    explanation,
    lanes: [`${path}#tid:${ep.pid}`],
    eventKeys: [`${path}#tid:${ep.pid}#stop:${ep.stopLine}`],
  };
  return draft;
}

/** Times and senders of a stop episode, for details. */
export function stopDetails(ep: StopEpisode): StopDetails {
  const d: StopDetails = { stop_signal: ep.stopSignal, stopped_at: ep.stopT, outcome: ep.outcome };
  if (ep.stopSenderPid !== undefined) d.stop_sender_pid = ep.stopSenderPid;
  if (ep.groupStop) d.group_stop = true;
  if (ep.contT !== undefined) d.continued_at = ep.contT;
  if (ep.contSenderPid !== undefined) d.cont_sender_pid = ep.contSenderPid;
  if (ep.contT != null && ep.stopT !== null) d.frozen_for = ep.contT - ep.stopT;
  if (ep.next?.t != null && ep.contT != null) d.gap_after_continue = ep.next.t - ep.contT;
  if (ep.tgid !== undefined) d.tgid = ep.tgid;
  return d;
}

export function subject(ep: StopEpisode, syscall?: string): FindingDraft['subject'] {
  const s: FindingDraft['subject'] = {};
  if (ep.pid !== 0) {
    s.pid = ep.tgid ?? ep.pid;
    s.tid = ep.pid;
  }
  if (syscall !== undefined) s.syscall = syscall;
  return s;
}

/** Evidence in line order: the call, the stop, the continue, a handler's return, the next call. */
export function episodeEvidence(path: string, ep: StopEpisode): Evidence[] {
  const ev: Evidence[] = [];
  const add = (line: number | undefined, text: string | undefined): void => {
    if (line === undefined || ev.some((e) => e.line === line)) return;
    const e: Evidence = { input: path, line };
    if (text !== undefined) e.text = text;
    ev.push(e);
  };
  const call = (c: CallRef | undefined): void => {
    if (c === undefined) return;
    add(c.line, c.text);
    if (c.endLine !== undefined) add(c.endLine, c.endText);
  };
  call(ep.interrupted);
  add(ep.signalLine, ep.signalText);
  add(ep.stopLine, ep.stopText);
  add(ep.contLine, ep.contText);
  call(ep.handlerReturn);
  call(ep.next);
  return ev.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
