/**
 * The one-pass strace analysis: events in (in the parser's order), model out.
 * One handler per concern, each reading the decoded call (never the text):
 *   threads.ts   threads, lanes, eviction of finished threads
 *   stops.ts     stop → continue episodes and how the thread went on
 *   fds.ts       per-process fd tables (sockets and files, with provenance), receive failures
 *   failures.ts  failed calls worth keeping, with context
 *   processes.ts what each process ran, tried to reach and looked up
 * Memory is bounded by what is live (threads, processes, open fds) plus
 * capped lists whose overflow is counted in `model.dropped`.
 */
import type { Analysis, AnalysisContext, ParseSummary, ProcessEvent, SignalEvent, StraceEvent, StraceModel, SyscallEvent } from '../../model/index.js';
import { callSpan, copy } from './calls.js';
import { FailedCalls, Recent, targetOf } from './failures.js';
import { FdTables, fdOp } from './fds.js';
import { Processes, type Proc } from './processes.js';
import { isInterruptErrno, Stops } from './stops.js';
import { Threads, type Thread } from './threads.js';

export { callRef, brief } from './calls.js';
export { COMPACT_LANES_AFTER, MAX_THREADS_KEPT, MAX_FINISHED_LANES } from './threads.js';
export { MAX_STOPS, STOP_SIGNALS, isInterruptErrno, outcomeOf } from './stops.js';
export { MAX_SOCKET_FAILURES, RECV_FAILURE_ERRNOS } from './fds.js';
export { MAX_FAILED_CALLS, FAILURE_CONTEXT, keepFailure, threadFailed } from './failures.js';
export { MAX_PROCESSES_KEPT } from './processes.js';

/** A call at least this long gets a span on its thread's lane. */
export const LONG_CALL = 0.01; /* s */
/**
 * A split (unfinished → resumed) call at least this long gets a span too: it
 * waited while other threads ran. Shorter ones are scheduling noise, and
 * drawing them all would cost a span per line on a busy -f log.
 */
export const LONG_SPLIT_CALL = 0.001; /* s */

const enum Special {
  Fork = 1,
  Exec,
  SetUid,
  GetUid,
  Write,
}

const SPECIAL = new Map<string, Special>([
  ['clone', Special.Fork],
  ['clone3', Special.Fork],
  ['fork', Special.Fork],
  ['vfork', Special.Fork],
  ['execve', Special.Exec],
  ['execveat', Special.Exec],
  ['setuid', Special.SetUid],
  ['setreuid', Special.SetUid],
  ['setresuid', Special.SetUid],
  ['geteuid', Special.GetUid],
  ['getuid', Special.GetUid],
  ['write', Special.Write],
  ['writev', Special.Write],
]);

/** Calls whose failures the fd tables see (connect, sends, receives): not passed to the failure list twice. */
const SOCKET_IO = /^(?:connect|send|recv)/;

/** Calls on a connected socket's fd: with -yy strace names the socket's ends on each. */
const SOCKET_CALLS: ReadonlySet<string> = new Set(['connect', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'send', 'recv', 'getsockname', 'getpeername', 'shutdown']);

/** What the handlers do with a call, by its name: one lookup per call instead of one per table. */
interface CallInfo {
  name: string;
  special: Special | 0;
  /** fdOp(name) */
  fdOp: number;
  socketCall: boolean;
  /** failures the fd tables see (connect, sends, receives) */
  socketIo: boolean;
}

/** Slots of the call-info cache in front of the Map (a power of two). */
const INFO_SLOTS = 256;

/** Call names remembered per run; past this (a log of made-up names) each is looked up anew. */
const MAX_CALL_INFOS = 4096;

function callInfo(name: string): CallInfo {
  return { name, special: SPECIAL.get(name) ?? 0, fdOp: fdOp(name), socketCall: SOCKET_CALLS.has(name), socketIo: SOCKET_IO.test(name) };
}

export class StraceAnalysis implements Analysis<StraceEvent, StraceModel> {
  private readonly threads: Threads;
  private readonly stops = new Stops();
  private readonly processes = new Processes();
  private readonly failures = new FailedCalls(this.processes);
  private readonly fds = new FdTables(this.processes, this.failures);

  private readonly infos = new Map<string, CallInfo>();
  /**
   * Infos of recent names in slots by a cheap hash of the name (see syscall), looked in
   * before the Map: the calls of a busy -f log's threads interleave, so the name changes on
   * most lines, and the Map's lookup (hashing the name, probing its table) was taken on them.
   */
  private readonly infoSlots: (CallInfo | undefined)[] = new Array<CallInfo | undefined>(INFO_SLOTS).fill(undefined);
  private syscalls = 0;
  /** calls with a -T duration, and socket calls whose fd -yy decorated with its ends: what a postmortem can lean on */
  private timedSyscalls = 0;
  private socketCalls = 0;
  private decoratedSocketCalls = 0;

  constructor(readonly ctx: AnalysisContext) {
    this.threads = new Threads(ctx.path);
  }

  /** The thread's process record: set on first use, and again when the thread turns out to belong to another group. */
  private procOf(th: Thread): Proc {
    const tg = th.tgid ?? th.pid;
    const p = th.proc;
    if (p !== undefined && p.pid === tg) return p;
    return (th.proc = this.processes.get(tg));
  }

  add(e: StraceEvent): void {
    switch (e.kind) {
      case 'syscall':
        this.syscall(e);
        break;
      case 'signal':
        this.signal(e);
        break;
      case 'process':
        this.process(e);
        break;
      default: {
        if (e.pid !== null) this.threads.get(e.pid).lane.tick(e.t);
      }
    }
  }

  private syscall(e: SyscallEvent): void {
    this.syscalls++;
    if (e.duration !== undefined) this.timedSyscalls++;
    const name = e.name;
    // a slot by the name's length and outer letters: the parser hands out one string per name, so a hit is one compare by identity
    const slot = (name.length * 31 + name.charCodeAt(0) * 7 + name.charCodeAt(name.length - 1)) & (INFO_SLOTS - 1);
    let info = this.infoSlots[slot];
    if (info === undefined || info.name !== name) {
      info = this.infos.get(name);
      if (info === undefined) {
        info = callInfo(name);
        if (this.infos.size < MAX_CALL_INFOS) this.infos.set(name, info);
      }
      this.infoSlots[slot] = info;
    }
    const th = this.threads.get(e.pid);
    th.syscalls++;
    const t = e.t;
    if (t !== null) {
      if (th.first !== th.first) th.first = t;
      th.last = e.endT ?? t;
    }
    if (e.comm !== undefined && th.comm !== e.comm) this.threads.setComm(th, e.comm);
    th.lane.tick(t);
    if (t !== null) {
      const d = e.duration;
      const split = e.endT != null ? e.endT - t : -1;
      if ((d !== undefined && d >= LONG_CALL) || split >= LONG_SPLIT_CALL) {
        const end = d !== undefined ? t + d : t + split;
        th.lane.span(callSpan(e, t, end, isInterruptErrno(e.errno)));
      }
    }
    this.stops.call(th, e);

    const proc = this.procOf(th);
    const recent = (th.recent ??= new Recent());
    if (th.comm !== undefined) proc.comm = th.comm;
    proc.calls++;
    this.failures.call(th, e);
    // most calls are none of these (see special)
    if (info.special !== 0 || info.socketCall) this.special(th, proc, e, info);
    this.fds.call(th, proc, recent, e, info.fdOp);
    if (e.errno !== undefined && !info.socketIo) this.failures.failed(th, proc, recent, e);
    recent.push(e);
  }

  /**
   * Socket calls and calls with their own handling (forks, execs, uid changes, writes).
   * Apart from `syscall`, which V8 compiles in whole with what it calls often: a kind of
   * call first met after that (the first clone, the first socket call) made it
   * recompile all of it; here only this smaller method is.
   */
  private special(th: Thread, proc: Proc, e: SyscallEvent, info: CallInfo): void {
    if (info.socketCall) {
      this.socketCalls++;
      if (e.decoded?.fdRef?.kind === 'socket') this.decoratedSocketCalls++;
    }
    const name = e.name;
    const ret = e.retval;
    // a switch on numbers
    const k = info.special;
    if (k !== 0) {
      switch (k) {
        case Special.Fork:
          if (ret !== null && ret > 0) {
            if (e.decoded?.thread === true) this.threads.joinGroup(th, ret);
            else {
              this.processes.forked(proc, ret);
              this.fds.fork(proc.pid, ret);
            }
          }
          break;
        case Special.Exec:
          if (ret === 0) {
            this.processes.exec(proc, e);
            this.failures.succeeded(proc, e, targetOf(e));
          }
          break;
        case Special.SetUid:
          if (ret === 0 && e.decoded?.uid !== undefined) proc.uid = e.decoded.uid;
          break;
        case Special.GetUid:
          if (ret !== null && ret >= 0 && (name === 'geteuid' || proc.uid === undefined)) proc.uid = ret;
          break;
        case Special.Write:
          if (e.decoded?.data !== undefined && ret !== null && ret > 0) this.processes.stderr(proc, e.decoded.data);
          break;
        default:
          break;
      }
    }
  }

  private signal(e: SignalEvent): void {
    const th = this.threads.get(e.pid);
    th.lane.tick(e.t);
    if (e.t !== null) th.lane.marker({ t: e.t, kind: 'signal', label: signalLabel(e), line: e.line });
    this.stops.signal(th, e);
  }

  private process(e: ProcessEvent): void {
    const th = this.threads.get(e.pid);
    th.lane.tick(e.t);
    switch (e.what) {
      case 'stopped':
        this.stops.stopped(th, e);
        break;
      case 'exited':
      case 'killed': {
        const label = e.what === 'exited' ? `+++ exited with ${e.exitCode ?? '?'} +++` : `+++ killed by ${e.signal ?? '?'}${e.coreDumped ? ' (core dumped)' : ''} +++`;
        th.exit = { t: e.t, line: e.line };
        if (e.exitCode !== undefined) th.exit.code = e.exitCode;
        if (e.signal !== undefined) th.exit.signal = e.signal;
        if (e.t !== null) th.lane.marker({ t: e.t, kind: 'exit', label, line: e.line });
        this.stops.exited(th);
        const x: { line: number; code?: number; signal?: string } = { line: e.line };
        if (e.exitCode !== undefined) x.code = e.exitCode;
        if (e.signal !== undefined) x.signal = e.signal;
        this.failures.exited(th, x);
        if (th.tgid === undefined || th.tgid === th.pid) {
          const p = this.processes.find(th.pid);
          if (p !== undefined) this.processes.ended(p, { ...x, t: e.t });
        }
        this.gone(th);
        break;
      }
      case 'superseded':
        this.failures.exited(th, { line: e.line });
        this.gone(th);
        break;
      case 'attached':
        if (e.threads !== undefined) th.lane.label = `pid ${th.pid} (attached with ${e.threads} threads)`;
        break;
      default:
        break;
    }
  }

  private gone(th: Thread): void {
    // the process's fd table and record go with its leader; other threads leave them to it
    if (th.tgid === undefined || th.tgid === th.pid) {
      this.fds.drop(th.pid);
      const p = this.processes.find(th.pid);
      if (p !== undefined) this.processes.exited(p);
    }
    this.threads.gone(th);
  }

  finish(_summary: ParseSummary): StraceModel {
    for (const th of this.threads.values()) this.stops.end(th);
    const failedCalls = this.failures.finish(this.threads.values());
    const { threads, lanes } = this.threads.finish();
    const processes = this.processes.finish();
    const dropped = {
      failedCalls: this.failures.dropped,
      stops: this.stops.dropped,
      socketFailures: this.fds.droppedSocketFailures,
      threads: this.threads.droppedThreads,
      lanes: this.threads.droppedLanes,
      processes: this.processes.dropped,
      exits: this.processes.droppedExits,
      probes: this.failures.probes,
    };
    const diag = this.ctx.diag;
    if (dropped.stops) diag.note(`${dropped.stops} stop episodes beyond the cap not kept`);
    if (dropped.socketFailures) diag.note(`${dropped.socketFailures} socket failures beyond the cap not kept`);
    if (dropped.failedCalls) diag.note(`${dropped.failedCalls} failed calls beyond the cap not kept`);
    if (dropped.threads) diag.note(`${dropped.threads} finished threads counted, not listed (past the cap)`);
    if (dropped.lanes) diag.note(`${dropped.lanes} finished threads' lanes not drawn (past the cap)`);
    if (dropped.processes) diag.note(`${dropped.processes} processes' destinations not kept (past the cap)`);
    const stops = this.stops.finish();
    // counted over every thread, the evicted ones too
    const stats = {
      // thread groups among the listed threads (a thread evicted past the cap is in `threads` only)
      processes: new Set(threads.map((t) => t.tgid ?? t.pid)).size,
      threads: threads.length + dropped.threads,
      syscalls: this.syscalls,
      stops: stops.length + dropped.stops,
      socket_failures: this.fds.socketFailures.length + dropped.socketFailures,
      failed_calls: failedCalls.length + dropped.failedCalls,
      timed_syscalls: this.timedSyscalls,
      socket_calls: this.socketCalls,
      decorated_socket_calls: this.decoratedSocketCalls,
    };
    return { kind: 'strace', threads, stops, socketFailures: this.fds.socketFailures, failedCalls, processes, exits: this.processes.exits, dropped, lanes, stats };
  }
}

/** "SIGSTOP {si_code=SI_USER, si_pid=4300}" */
function signalLabel(e: SignalEvent): string {
  const parts: string[] = [];
  if (e.siCode !== undefined) parts.push(`si_code=${e.siCode}`);
  if (e.siPid !== undefined) parts.push(`si_pid=${e.siPid}`);
  return parts.length ? `${e.signal} {${copy(parts.join(', '))}}` : e.signal;
}
