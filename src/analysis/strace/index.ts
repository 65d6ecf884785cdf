/**
 * The one-pass strace analysis: events in (in the parser's order), model out.
 * Memory is bounded by what is live — per thread: its lane, its last
 * interrupted call, an open stop; per process: its open socket fds — plus
 * capped lists of stop episodes and socket failures. Texts it keeps are
 * copied, so no kept string pins a parser chunk.
 */
import type {
  Analysis,
  AnalysisContext,
  CallRef,
  ParseSummary,
  ProcessEvent,
  SignalEvent,
  SocketFailure,
  SocketInfo,
  StopEpisode,
  StraceEvent,
  StraceModel,
  SyscallEvent,
  ThreadSummary,
} from '../../model/index.js';
import { LaneBuilder, MAX_MARKERS_PER_LANE, MAX_SPANS_PER_LANE, type Lane, type Span } from '../../model/index.js';
import { waitTimes } from './args.js';
import { copy, fdDecoration, leadingFd, sockaddr, socketProtocol } from './sockets.js';

export { fdDecoration, parseHostPort, sockaddr, leadingFd } from './sockets.js';

/** A call at least this long gets a span on its thread's lane. */
export const LONG_CALL = 0.01; /* s */
/**
 * A split (unfinished → resumed) call at least this long gets a span too: it
 * waited while other threads ran. Shorter ones are scheduling noise, and
 * drawing them all would cost a span per line on a busy -f log.
 */
export const LONG_SPLIT_CALL = 0.001; /* s */
/** Caps on the lists the model keeps whatever the input's size. */
export const MAX_STOPS = 10_000;
export const MAX_SOCKET_FAILURES = 10_000;
/**
 * Past this many threads, a thread that ends hands in its lane at once
 * without its density strip: a log of a build with 100 000 short processes
 * must not keep 100 000 lane builders alive.
 */
export const COMPACT_LANES_AFTER = 2_000;

/** Signals whose default action stops the thread group. */
export const STOP_SIGNALS: ReadonlySet<string> = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** Errnos that mean "a signal interrupted the call". */
export function isInterruptErrno(errno: string | undefined): boolean {
  return errno !== undefined && (errno === 'EINTR' || errno.startsWith('ERESTART'));
}

const enum SockOp {
  Socket = 1,
  Connect,
  Accept,
  Bind,
  GetSockName,
  GetPeerName,
  Close,
  Send,
  Recv,
  Write,
  Read,
  Dup,
  Clone,
}

const OPS = new Map<string, SockOp>([
  ['socket', SockOp.Socket],
  ['connect', SockOp.Connect],
  ['accept', SockOp.Accept],
  ['accept4', SockOp.Accept],
  ['bind', SockOp.Bind],
  ['getsockname', SockOp.GetSockName],
  ['getpeername', SockOp.GetPeerName],
  ['close', SockOp.Close],
  ['sendto', SockOp.Send],
  ['sendmsg', SockOp.Send],
  ['send', SockOp.Send],
  ['sendmmsg', SockOp.Send],
  ['recvfrom', SockOp.Recv],
  ['recvmsg', SockOp.Recv],
  ['recv', SockOp.Recv],
  ['write', SockOp.Write],
  ['writev', SockOp.Write],
  ['read', SockOp.Read],
  ['readv', SockOp.Read],
  ['dup', SockOp.Dup],
  ['dup2', SockOp.Dup],
  ['dup3', SockOp.Dup],
  ['clone', SockOp.Clone],
  ['clone3', SockOp.Clone],
]);

/** Receive errors that mean the peer reset or the connection timed out (curl error 56 in strace). */
export const RECV_FAILURE_ERRNOS: ReadonlySet<string> = new Set(['ECONNRESET', 'ETIMEDOUT']);

interface Sock {
  info: SocketInfo;
  sent: number;
  received: number;
  /** seen created (socket/accept/connect) in the log, not only used */
  seenOpen: boolean;
}

interface StopSignal {
  signal: string;
  t: number | null;
  line: number;
  siPid?: number;
  text: string;
}

interface OpenStop {
  ep: StopEpisode;
  continued: boolean;
}

interface Thread {
  pid: number;
  tgid?: number;
  comm?: string;
  syscalls: number;
  first: number | null;
  last: number | null;
  exit?: ThreadSummary['exit'];
  lane: LaneBuilder;
  /** the thread's most recent call, when it returned an ERESTART errno or EINTR (else undefined) */
  lastInterrupted?: CallRef;
  /** a stop signal delivered, before its "stopped by" line */
  pendingStop?: StopSignal;
  open?: OpenStop;
  gone: boolean;
  /** the lane as handed in when the thread ended (see COMPACT_LANES_AFTER) */
  closed?: Lane;
}

export class StraceAnalysis implements Analysis<StraceEvent, StraceModel> {
  private readonly threads = new Map<number, Thread>();
  /** fd tables, by thread-group id (or pid when the group is unknown) */
  private readonly fds = new Map<number, Map<number, Sock>>();
  private readonly tgids = new Map<number, number>();
  private readonly stops: StopEpisode[] = [];
  private readonly failures: SocketFailure[] = [];
  private stopsDropped = 0;
  private failuresDropped = 0;
  /** the latest stop / continue seen on any thread: a group stop names its sender on one thread only */
  private lastStop: StopSignal | undefined;
  private lastCont: StopSignal | undefined;
  private lastThread: Thread | undefined;

  constructor(readonly ctx: AnalysisContext) {}

  private thread(pid: number | null): Thread {
    const key = pid ?? 0;
    // runs of lines from one pid are the rule in -f logs
    if (this.lastThread !== undefined && this.lastThread.pid === key) return this.lastThread;
    let th = this.threads.get(key);
    if (th === undefined) {
      const tg = this.tgids.get(key);
      th = {
        pid: key,
        syscalls: 0,
        first: null,
        last: null,
        lane: new LaneBuilder(`${this.ctx.path}#tid:${key}`, this.ctx.path, 'thread', threadLabel(key, tg), groupOf(tg ?? key)),
        gone: false,
      };
      if (tg !== undefined) th.tgid = tg;
      this.threads.set(key, th);
    }
    this.lastThread = th;
    return th;
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
        if (e.pid !== null) this.thread(e.pid).lane.tick(e.t);
      }
    }
  }

  private syscall(e: SyscallEvent): void {
    const th = this.thread(e.pid);
    th.syscalls++;
    const t = e.t;
    if (t !== null) {
      if (th.first === null) th.first = t;
      th.last = e.endT ?? t;
    }
    if (e.comm !== undefined && th.comm !== e.comm) {
      th.comm = e.comm;
      th.lane.label = `${threadLabel(th.pid, th.tgid)} (${e.comm})`;
    }
    th.lane.tick(t);
    if (t !== null) {
      const d = e.duration;
      const split = e.endT != null ? e.endT - t : -1;
      if ((d !== undefined && d >= LONG_CALL) || split >= LONG_SPLIT_CALL) {
        const end = d !== undefined ? t + d : t + split;
        th.lane.span(callSpan(e, t, end));
      }
    }

    if (th.open !== undefined) this.afterStop(th, e);

    // a handler's return does not change which call the signal interrupted
    if (e.name !== 'rt_sigreturn') th.lastInterrupted = isInterruptErrno(e.errno) ? callRef(e) : undefined;

    const op = OPS.get(e.name);
    if (op !== undefined) this.socketCall(th, e, op);
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
    this.closeStop(th);
  }

  private closeStop(th: Thread): void {
    const o = th.open;
    if (o === undefined) return;
    th.open = undefined;
    const ep = o.ep;
    const end = ep.contT ?? th.last;
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
    else this.stopsDropped++;
  }

  private signal(e: SignalEvent): void {
    const th = this.thread(e.pid);
    th.lane.tick(e.t);
    if (e.t !== null) th.lane.marker({ t: e.t, kind: 'signal', label: signalLabel(e), line: e.line });
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
      this.openStop(th, th.pendingStop.signal, th.pendingStop.t, th.pendingStop.line, th.pendingStop.text);
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

  private openStop(th: Thread, signal: string, t: number | null, line: number, text: string): void {
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

  private process(e: ProcessEvent): void {
    const th = this.thread(e.pid);
    th.lane.tick(e.t);
    switch (e.what) {
      case 'stopped': {
        if (th.open === undefined) this.openStop(th, e.signal ?? 'SIGSTOP', e.t, e.line, copy(e.text));
        else if (th.open.continued) {
          // stopped again before running a call: close the first episode as it stands
          th.open.ep.outcome = 'unknown';
          this.closeStop(th);
          this.openStop(th, e.signal ?? 'SIGSTOP', e.t, e.line, copy(e.text));
        }
        break;
      }
      case 'exited':
      case 'killed': {
        const label = e.what === 'exited' ? `+++ exited with ${e.exitCode ?? '?'} +++` : `+++ killed by ${e.signal ?? '?'}${e.coreDumped ? ' (core dumped)' : ''} +++`;
        th.exit = { t: e.t, line: e.line };
        if (e.exitCode !== undefined) th.exit.code = e.exitCode;
        if (e.signal !== undefined) th.exit.signal = e.signal;
        if (e.t !== null) th.lane.marker({ t: e.t, kind: 'exit', label, line: e.line });
        if (th.open !== undefined) {
          th.open.ep.outcome = th.open.continued ? 'exited' : 'not-continued';
          this.closeStop(th);
        }
        this.threadGone(th);
        break;
      }
      case 'superseded':
        this.threadGone(th);
        break;
      case 'attached':
        if (e.threads !== undefined) th.lane.label = `pid ${th.pid} (attached with ${e.threads} threads)`;
        break;
      default:
        break;
    }
  }

  private threadGone(th: Thread): void {
    th.gone = true;
    if (this.threads.size > COMPACT_LANES_AFTER) {
      const built = th.lane.build();
      delete built.density;
      th.closed = th.closed === undefined ? built : mergeLanes(th.closed, built);
      // a reused pid starts afresh on the same lane
      th.lane = new LaneBuilder(th.lane.id, th.lane.input, 'thread', th.lane.label, th.lane.group);
    }
    th.lastInterrupted = undefined;
    th.pendingStop = undefined;
    // the process's fd table goes with its last thread; keep it while others may use it
    if (th.tgid === undefined || th.tgid === th.pid) this.fds.delete(th.pid);
  }

  private fdTable(th: Thread): Map<number, Sock> {
    const key = th.tgid ?? th.pid;
    let m = this.fds.get(key);
    if (m === undefined) {
      m = new Map();
      this.fds.set(key, m);
    }
    return m;
  }

  private socketCall(th: Thread, e: SyscallEvent, op: SockOp): void {
    const args = e.args;
    const ret = e.retval;
    if (op === SockOp.Clone) {
      if (ret !== null && ret > 0 && args.includes('CLONE_THREAD')) {
        const tg = th.tgid ?? th.pid;
        this.tgids.set(ret, tg);
        th.tgid = tg;
        const child = this.threads.get(ret);
        if (child !== undefined) {
          child.tgid = tg;
          child.lane.group = groupOf(tg);
          child.lane.label = threadLabel(child.pid, tg);
        }
      }
      return;
    }
    if (op === SockOp.Socket) {
      if (ret !== null && ret >= 0) {
        this.fdTable(th).set(ret, { info: { fd: ret, protocol: socketProtocol(args) }, sent: 0, received: 0, seenOpen: true });
      }
      return;
    }
    const fd = leadingFd(args);
    if (fd < 0) return;
    const table = this.fdTable(th);
    let sock = table.get(fd);
    // -yy: the decoration names the socket's ends on every call
    if (args.charCodeAt(fd < 10 ? 1 : fd < 100 ? 2 : String(fd).length) === 60 /* < */) {
      const d = fdDecoration(args);
      if (d !== undefined) {
        if (sock === undefined) {
          sock = { info: { fd, protocol: d.protocol }, sent: 0, received: 0, seenOpen: false };
          table.set(fd, sock);
        }
        if (d.local !== undefined) sock.info.local = d.local;
        if (d.peer !== undefined) sock.info.peer = d.peer;
      }
    }
    switch (op) {
      case SockOp.Close:
        if (sock !== undefined && (ret === 0 || ret === null)) table.delete(fd);
        return;
      case SockOp.Connect: {
        if (sock === undefined) {
          sock = { info: { fd }, sent: 0, received: 0, seenOpen: true };
          table.set(fd, sock);
        }
        const a = sockaddr(args);
        if (a !== undefined) sock.info.peer = a;
        return;
      }
      case SockOp.Accept: {
        if (ret !== null && ret >= 0) {
          const s: Sock = { info: { fd: ret, protocol: sock?.info.protocol }, sent: 0, received: 0, seenOpen: true };
          if (sock?.info.local !== undefined) s.info.local = sock.info.local;
          const a = sockaddr(args);
          if (a !== undefined) s.info.peer = a;
          table.set(ret, s);
        }
        return;
      }
      case SockOp.Bind:
      case SockOp.GetSockName: {
        if (sock === undefined) return;
        const a = sockaddr(args);
        if (a !== undefined && (ret === 0 || ret === null)) sock.info.local = a;
        return;
      }
      case SockOp.GetPeerName: {
        if (sock === undefined) return;
        const a = sockaddr(args);
        if (a !== undefined && ret === 0) sock.info.peer = a;
        return;
      }
      case SockOp.Dup: {
        if (sock !== undefined && ret !== null && ret >= 0) table.set(ret, { ...sock, info: { ...sock.info, fd: ret } });
        return;
      }
      case SockOp.Send:
      case SockOp.Write:
        if (sock === undefined) {
          if (op !== SockOp.Send) return;
          sock = { info: { fd }, sent: 0, received: 0, seenOpen: false };
          table.set(fd, sock);
        }
        if (ret !== null && ret > 0) sock.sent += ret;
        return;
      case SockOp.Recv:
      case SockOp.Read: {
        const errno = e.errno;
        if (sock === undefined) {
          // ECONNRESET/ETIMEDOUT only come from sockets: a socket whose start the log missed
          if (op !== SockOp.Recv && (errno === undefined || !RECV_FAILURE_ERRNOS.has(errno))) return;
          sock = { info: { fd }, sent: 0, received: 0, seenOpen: false };
          table.set(fd, sock);
        }
        if (ret !== null && ret > 0) {
          // A peek reads nothing off the socket: its bytes come again in the next real receive.
          if (!isPeek(e.args)) sock.received += ret;
        } else if (errno !== undefined && RECV_FAILURE_ERRNOS.has(errno) && !isPeek(e.args)) {
          // A failed MSG_PEEK is curl (or a pool) checking an idle pooled connection before reuse:
          // the peer had dropped it, the client opens a new one, and no reply was lost.
          this.recvFailure(th, e, sock, errno);
        }
        return;
      }
      default:
        return;
    }
  }

  private recvFailure(th: Thread, e: SyscallEvent, sock: Sock, errno: string): void {
    const f: SocketFailure = {
      pid: th.pid,
      fd: sock.info.fd,
      call: callRef(e),
      errno,
      socket: { ...sock.info },
      sentBytes: sock.sent,
      receivedBytes: sock.received,
      socketSeenOpen: sock.seenOpen,
    };
    if (th.tgid !== undefined) f.tgid = th.tgid;
    if (e.t !== null) th.lane.marker({ t: e.t, kind: 'error', label: `${e.name} ${errno}`, line: e.line });
    if (this.failures.length < MAX_SOCKET_FAILURES) this.failures.push(f);
    else this.failuresDropped++;
  }

  finish(_summary: ParseSummary): StraceModel {
    for (const th of this.threads.values()) {
      if (th.open !== undefined) {
        th.open.ep.outcome = th.open.continued ? 'unknown' : 'not-continued';
        this.closeStop(th);
      }
    }
    if (this.stopsDropped) this.ctx.diag.note(`${this.stopsDropped} stop episodes beyond ${MAX_STOPS} not kept`);
    if (this.failuresDropped) this.ctx.diag.note(`${this.failuresDropped} socket failures beyond ${MAX_SOCKET_FAILURES} not kept`);
    const threads: ThreadSummary[] = [];
    const lanes: Lane[] = [];
    for (const th of [...this.threads.values()].sort((a, b) => a.pid - b.pid)) {
      const s: ThreadSummary = { pid: th.pid, syscalls: th.syscalls, first: th.first, last: th.last };
      const tg = th.tgid ?? this.tgids.get(th.pid);
      if (tg !== undefined) {
        s.tgid = tg;
        th.lane.group = groupOf(tg);
      }
      if (th.comm !== undefined) s.comm = th.comm;
      if (th.exit !== undefined) s.exit = th.exit;
      threads.push(s);
      const lane = th.lane.build();
      lanes.push(th.closed === undefined ? lane : lane.events === 0 ? { ...th.closed, group: lane.group } : mergeLanes(th.closed, lane));
    }
    this.stops.sort((a, b) => a.stopLine - b.stopLine || a.pid - b.pid);
    const stats = {
      processes: new Set(threads.map((t) => t.tgid ?? t.pid)).size,
      threads: threads.length,
      syscalls: threads.reduce((n, t) => n + t.syscalls, 0),
      stops: this.stops.length + this.stopsDropped,
      socket_failures: this.failures.length + this.failuresDropped,
    };
    return { kind: 'strace', threads, stops: this.stops, socketFailures: this.failures, lanes, stats };
  }
}

/** "pid 10" for a process (or a thread-group leader), "tid 11" for another thread of its group */
function threadLabel(pid: number, tgid: number | undefined): string {
  if (pid === 0) return 'process (pid not in log)';
  return tgid !== undefined && tgid !== pid ? `tid ${pid}` : `pid ${pid}`;
}

/** the lane group: the thread group, named by its leader */
function groupOf(tgid: number): string {
  return tgid === 0 ? 'process' : `pid ${tgid}`;
}

const SPAN_ARGS = 60; /* chars of arguments shown in a span label */

/** A span for a long call, labelled as strace printed it (arguments clipped); copied, so no chunk is pinned. */
function callSpan(e: SyscallEvent, start: number, end: number): Span {
  const args = e.args.length > SPAN_ARGS ? `${e.args.slice(0, SPAN_ARGS)}...` : e.args;
  const ret = e.ret === null ? (e.unfinished ? ' <unfinished>' : '') : ` = ${e.ret}${e.errno !== undefined ? ` ${e.errno}` : ''}`;
  const span: Span = { start, end, kind: 'syscall', label: copy(`${e.name}(${args})${ret}`), line: e.line };
  if (isInterruptErrno(e.errno)) {
    const w = waitTimes(e.name, e.args);
    const d: Record<string, string | number | boolean> = { errno: e.errno! };
    if (w.requested !== undefined) d.requested = w.requested;
    if (w.remaining !== undefined) d.remaining = w.remaining;
    span.details = d;
  }
  return span;
}

/** "SIGSTOP {si_code=SI_USER, si_pid=4300}" */
function signalLabel(e: SignalEvent): string {
  const parts: string[] = [];
  if (e.siCode !== undefined) parts.push(`si_code=${e.siCode}`);
  if (e.siPid !== undefined) parts.push(`si_pid=${e.siPid}`);
  return parts.length ? `${e.signal} {${copy(parts.join(', '))}}` : e.signal;
}

/** Two lanes of one thread (before and after a compaction) as one, without a density strip. */
function mergeLanes(a: Lane, b: Lane): Lane {
  const spans = [...a.spans, ...b.spans].sort((x, y) => x.start - y.start);
  const markers = [...a.markers, ...b.markers].sort((x, y) => x.t - y.t);
  const keptSpans = spans.slice(-MAX_SPANS_PER_LANE);
  const keptMarkers = markers.slice(0, MAX_MARKERS_PER_LANE);
  const lane: Lane = {
    ...b,
    spans: keptSpans,
    markers: keptMarkers,
    events: a.events + b.events,
    first: a.first === undefined ? b.first : b.first === undefined ? a.first : Math.min(a.first, b.first),
    last: a.last === undefined ? b.last : b.last === undefined ? a.last : Math.max(a.last, b.last),
  };
  delete lane.density;
  const sd = (a.spansDropped ?? 0) + (b.spansDropped ?? 0) + spans.length - keptSpans.length;
  const md = (a.markersDropped ?? 0) + (b.markersDropped ?? 0) + markers.length - keptMarkers.length;
  if (sd) lane.spansDropped = sd;
  else delete lane.spansDropped;
  if (md) lane.markersDropped = md;
  else delete lane.markersDropped;
  return lane;
}

/** A kept copy of a call: strings copied so they do not pin a parser chunk. */
export function callRef(e: SyscallEvent): CallRef {
  const r: CallRef = { line: e.line, t: e.t, name: e.name, args: copy(e.args), ret: e.ret, text: copy(e.text) };
  if (e.endLine !== undefined) r.endLine = e.endLine;
  if (e.endT !== undefined) r.endT = e.endT;
  if (e.endText !== undefined) r.endText = copy(e.endText);
  if (e.errno !== undefined) r.errno = e.errno;
  if (e.duration !== undefined) r.duration = e.duration;
  if (e.restartOf !== undefined) r.restartOf = e.restartOf;
  if (e.retNote !== undefined) r.retNote = copy(e.retNote);
  if (e.unfinished) r.unfinished = true;
  return r;
}

/** How the thread went on after a stop, from its interrupted call and its next one. */
export function outcomeOf(ep: StopEpisode): StopEpisode['outcome'] {
  const i = ep.interrupted;
  const n = ep.next;
  if (i === undefined) return 'no-call-interrupted';
  if (n === undefined) return 'unknown';
  if (n.name === 'restart_syscall') return 'restarted';
  if (n.name === i.name) return 'reissued';
  return 'cut-short';
}

function isPeek(args: string): boolean {
  return args.includes('MSG_PEEK');
}
