/**
 * Stops: every stop → continue of a thread (or a stop never continued), the
 * call it interrupted and how the thread went on (StopOutcome).
 */
import type { CallRef, ProcessEvent, SignalEvent, StopEpisode, SyscallEvent } from '../../model/index.js';
import { callRef, copy } from './calls.js';
import { orNull, type StopSignal, type Thread } from './threads.js';

export const MAX_STOPS = 10_000;

/** Signals whose default action stops the thread group. */
export const STOP_SIGNALS: ReadonlySet<string> = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** Errnos that mean "a signal interrupted the call". */
export function isInterruptErrno(errno: string | undefined): boolean {
  return errno !== undefined && (errno === 'EINTR' || errno.startsWith('ERESTART'));
}

export class Stops {
  readonly stops: StopEpisode[] = [];
  dropped = 0;
  /** the latest stop / continue seen on any thread: a group stop names its sender on one thread only */
  private lastStop: StopSignal | undefined;
  private lastCont: StopSignal | undefined;

  /** Every call of a thread, before the other handlers. */
  call(th: Thread, e: SyscallEvent): void {
    if (th.open !== undefined) this.afterStop(th, e);
    // a handler's return does not change which call the signal interrupted
    if (e.name !== 'rt_sigreturn') th.lastInterrupted = isInterruptErrno(e.errno) ? callRef(e) : undefined;
  }

  /** The thread runs again after a stop: the first call tells how it went on. */
  private afterStop(th: Thread, e: SyscallEvent): void {
    const o = th.open!;
    const ep = o.ep;
    if (!o.continued) {
      // continued without a SIGCONT line of its own: another thread of the group took it
      const c = this.lastCont;
      if (c !== undefined && c.line > ep.stopLine) {
        ep.contT = c.t;
        ep.contLine = c.line;
        if (c.siPid !== undefined) ep.contSenderPid = c.siPid;
        ep.contText = c.text;
      } else {
        ep.contT = e.t;
      }
      o.continued = true;
    }
    if (e.name === 'rt_sigreturn' && ep.handlerReturn === undefined) {
      // a handler ran (SIGCONT's, or the stop's); its return says EINTR or not
      ep.handlerReturn = callRef(e);
      return;
    }
    ep.next = callRef(e);
    ep.outcome = outcomeOf(ep);
    this.close(th);
  }

  close(th: Thread): void {
    const o = th.open;
    if (o === undefined) return;
    th.open = undefined;
    const ep = o.ep;
    const end = ep.contT ?? orNull(th.last);
    if (ep.stopT !== null && end !== null && end !== undefined) {
      th.lane.span({
        start: ep.stopT,
        end,
        kind: 'stop',
        label: `stopped by ${ep.stopSignal}${ep.stopSenderPid !== undefined ? ` from pid ${ep.stopSenderPid}` : ''}`,
        line: ep.stopLine,
        details: { outcome: ep.outcome },
      });
    }
    if (this.stops.length < MAX_STOPS) this.stops.push(ep);
    else this.dropped++;
  }

  signal(th: Thread, e: SignalEvent): void {
    const s: StopSignal = { signal: e.signal, t: e.t, line: e.line, text: copy(e.text) };
    if (e.siPid !== undefined) s.siPid = e.siPid;
    if (STOP_SIGNALS.has(e.signal)) {
      th.pendingStop = s;
      this.lastStop = s;
      return;
    }
    if (e.signal !== 'SIGCONT') {
      // another signal took the call down first: a later stop did not interrupt it
      if (th.open === undefined) th.lastInterrupted = undefined;
      return;
    }
    this.lastCont = s;
    if (th.open === undefined && th.pendingStop !== undefined) {
      // old strace prints no "stopped by" line: the stop signal opens the episode
      this.open(th, th.pendingStop.signal, th.pendingStop.t, th.pendingStop.line, th.pendingStop.text);
    }
    const o = th.open;
    if (o !== undefined && !o.continued) {
      o.continued = true;
      o.ep.contT = e.t;
      o.ep.contLine = e.line;
      if (e.siPid !== undefined) o.ep.contSenderPid = e.siPid;
      o.ep.contText = s.text;
    }
    th.pendingStop = undefined;
  }

  private open(th: Thread, signal: string, t: number | null, line: number, text: string): void {
    const ep: StopEpisode = { pid: th.pid, stopSignal: signal, stopT: t, stopLine: line, stopText: text, outcome: 'unknown' };
    if (th.tgid !== undefined) ep.tgid = th.tgid;
    // the sender: the thread's own stop signal, or the group's latest
    const own = th.pendingStop;
    const sig = own !== undefined && own.signal === signal ? own : this.lastStop !== undefined && this.lastStop.signal === signal ? this.lastStop : undefined;
    if (sig !== undefined) {
      if (sig.siPid !== undefined) ep.stopSenderPid = sig.siPid;
      if (sig !== own) ep.groupStop = true;
      ep.signalLine = sig.line;
      ep.signalText = sig.text;
    }
    if (th.lastInterrupted !== undefined) ep.interrupted = th.lastInterrupted;
    th.open = { ep, continued: false };
    th.pendingStop = undefined;
  }

  /** `--- stopped by SIG ---` */
  stopped(th: Thread, e: ProcessEvent): void {
    if (th.open === undefined) this.open(th, e.signal ?? 'SIGSTOP', e.t, e.line, copy(e.text));
    else if (th.open.continued) {
      // stopped again before running a call: close the first episode as it stands
      th.open.ep.outcome = 'unknown';
      this.close(th);
      this.open(th, e.signal ?? 'SIGSTOP', e.t, e.line, copy(e.text));
    }
  }

  exited(th: Thread): void {
    if (th.open !== undefined) {
      th.open.ep.outcome = th.open.continued ? 'exited' : 'not-continued';
      this.close(th);
    }
  }

  /** End of the log: an episode still open ends as it stands. */
  end(th: Thread): void {
    if (th.open !== undefined) {
      th.open.ep.outcome = th.open.continued ? 'unknown' : 'not-continued';
      this.close(th);
    }
  }

  finish(): StopEpisode[] {
    this.stops.sort((a, b) => a.stopLine - b.stopLine || a.pid - b.pid);
    return this.stops;
  }
}

/** How the thread went on after a stop, from its interrupted call and its next one. */
export function outcomeOf(ep: StopEpisode): StopEpisode['outcome'] {
  const i: CallRef | undefined = ep.interrupted;
  const n = ep.next;
  if (i === undefined) return 'no-call-interrupted';
  if (n === undefined) return 'unknown';
  if (n.name === 'restart_syscall') return 'restarted';
  if (n.name === i.name) return 'reissued';
  return 'cut-short';
}
