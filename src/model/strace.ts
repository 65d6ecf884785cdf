/**
 * strace events as the parser emits them, and the analysed model of one strace input.
 * Owner: the strace parser (parsers/strace) and analysis (src/analysis/strace).
 */
import type { Endpoint } from './finding.js';
import type { Lane } from './timeline.js';

export interface SyscallEvent {
  kind: 'syscall';
  /** line of the call (for a joined unfinished/resumed pair: the unfinished half) */
  line: number;
  /** line of the `<... NAME resumed>` half, when the call was split */
  endLine?: number;
  /** pid/tid from the prefix, from the -ff file name, or null when the log names none */
  pid: number | null;
  /** start time in the input's clock */
  t: number | null;
  /** time of the resumed half, when split */
  endT?: number | null;
  name: string;
  /** raw argument text between the outer parentheses, as printed */
  args: string;
  /** raw return text: "0", "-1", "?", "0x7f…"; null when the call never returned in the log */
  ret: string | null;
  /** numeric return when it is a number */
  retval: number | null;
  /** ENOENT, EAGAIN, ERESTARTSYS, ERESTART_RESTARTBLOCK, … */
  errno?: string;
  /** "(No such file or directory)" text without the parentheses */
  errnoText?: string;
  /** -T duration in seconds */
  duration?: number;
  /** the call was `<unfinished ...>` and never resumed in the log (process killed, log cut) */
  unfinished?: boolean;
  /** restart_syscall(<... resuming interrupted NAME ...>): NAME; '' for the old "resuming interrupted call" */
  restartOf?: string;
  /** -k stack frames printed under the call */
  stack?: string[];
  /** -n syscall number, -i instruction pointer */
  number?: number;
  ip?: string;
  /** other text after the return value: "(Timeout)", "(flags O_RDWR)", an -X comment */
  retNote?: string;
  /** `<detached ...>`: strace let go of the process during the call */
  detached?: boolean;
  /** -Y / --decode-pids=comm: the command name printed with the pid */
  comm?: string;
  /** the line as written (for a split call: the unfinished half) */
  text: string;
  /** the `<... NAME resumed>` line as written, when split */
  endText?: string;
}

export interface SignalEvent {
  kind: 'signal';
  line: number;
  pid: number | null;
  t: number | null;
  /** SIGCONT, SIGSTOP, … */
  signal: string;
  siCode?: string;
  siPid?: number;
  siUid?: number;
  /** the text between `--- ` and ` ---` */
  raw: string;
  comm?: string;
  /** the line as written */
  text: string;
}

export interface ProcessEvent {
  kind: 'process';
  line: number;
  pid: number | null;
  t: number | null;
  /**
   * attached / detached: `strace: Process N attached|detached`
   * exited: `+++ exited with N +++`; killed: `+++ killed by SIG +++`
   * stopped: `--- stopped by SIGSTOP ---` (group-stop reported by strace)
   * superseded: `+++ superseded by execve in pid N +++`
   */
  what: 'attached' | 'detached' | 'exited' | 'killed' | 'stopped' | 'superseded';
  exitCode?: number;
  signal?: string;
  coreDumped?: boolean;
  /** `+++ superseded by execve in pid N +++`: the thread id that took over */
  supersededBy?: number;
  /** "attached with 2 threads" */
  threads?: number;
  comm?: string;
  /** the line as written */
  text: string;
}

/** strace's own messages ("strace: …") and other lines kept for context. */
export interface MessageEvent {
  kind: 'message';
  line: number;
  pid: number | null;
  t: number | null;
  text: string;
}

export type StraceEvent = SyscallEvent | SignalEvent | ProcessEvent | MessageEvent;

/** A file descriptor's socket ends, from -yy decorations or socket()/connect() tracking. */
export interface SocketInfo {
  fd: number;
  local?: Endpoint;
  peer?: Endpoint;
  protocol?: string;
}

/**
 * The analysed model of one strace input. The strace analysis fills it in one
 * pass with bounded memory; detectors read it. Extend as detectors need.
 */
export interface StraceModel {
  kind: 'strace';
  /** what was seen, counted in finish() (InputStats) */
  stats?: Record<string, number>;
  threads: ThreadSummary[];
  /** every stop→continue (or stop without continue) of a thread */
  stops: StopEpisode[];
  /** receive calls that failed on sockets (ECONNRESET, ETIMEDOUT, …) */
  socketFailures: SocketFailure[];
  lanes: Lane[];
}

export interface ThreadSummary {
  pid: number;
  /** thread-group leader when known */
  tgid?: number;
  comm?: string;
  syscalls: number;
  first: number | null;
  last: number | null;
  exit?: { t: number | null; line: number; code?: number; signal?: string };
}

export interface CallRef {
  line: number;
  endLine?: number;
  t: number | null;
  endT?: number | null;
  name: string;
  args: string;
  ret: string | null;
  errno?: string;
  duration?: number;
  restartOf?: string;
  retNote?: string;
  /** never resumed in the log */
  unfinished?: boolean;
  /** the line as written (for a split call: the unfinished half) */
  text?: string;
  /** the resumed half, when split */
  endText?: string;
}

export interface StopEpisode {
  pid: number;
  /** thread group, when known (from clone(CLONE_THREAD)) */
  tgid?: number;
  stopSignal: string;
  /** the `--- stopped by SIG ---` line (or the stop signal's line on old strace) */
  stopT: number | null;
  stopLine: number;
  stopText?: string;
  /** the `--- SIGSTOP {…} ---` delivery line that named the sender, when there was one */
  signalLine?: number;
  signalText?: string;
  stopSenderPid?: number;
  /** the stop signal was delivered to another thread of the group (a group stop) */
  groupStop?: boolean;
  contT?: number | null;
  contLine?: number;
  contText?: string;
  contSenderPid?: number;
  /** the call in progress when the stop came, when it returned one of the ERESTART* family or EINTR */
  interrupted?: CallRef;
  /** the thread's next syscall after the continue (signal lines and a handler's rt_sigreturn excluded) */
  next?: CallRef;
  /** the rt_sigreturn of a handler run in between, when there was one */
  handlerReturn?: CallRef;
  /** how the thread went on */
  outcome: StopOutcome;
}

/** How a thread went on after a stop: a closed vocabulary (Zeek's conn_state habit). */
export type StopOutcome =
  | 'restarted' // next call restart_syscall(<... resuming interrupted …>): the kernel resumed the work
  | 'reissued' // next call is the interrupted call again (remaining or whole time, SA_RESTART, a retry loop)
  | 'cut-short' // next call is something else: the interrupted call ended early and the program moved on
  | 'not-continued' // no continue before the log ends (or the thread was killed while stopped)
  | 'no-call-interrupted' // the thread was not blocked in a call when it was stopped
  | 'exited' // continued, then exited before any call
  | 'unknown'; // continued, but the log shows no call after it

export interface SocketFailure {
  pid: number;
  fd: number;
  call: CallRef;
  errno: string;
  socket?: SocketInfo;
  /** bytes the process had sent / received on that fd before the failure */
  sentBytes: number;
  receivedBytes: number;
  tgid?: number;
  /** the socket's creation (socket/connect/accept) is in the log; false when strace attached later */
  socketSeenOpen?: boolean;
}
