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
  /** the fd the call works on, for calls whose first argument is one (read, write, close, connect, …) */
  fd?: number;
  /**
   * The arguments detectors need, decoded once by the parser (parsers/strace/decode.ts)
   * for the calls it knows; absent for the others. A reader of another syscall
   * format fills the same fields.
   */
  decoded?: CallArgs;
}

/**
 * A call's arguments as facts. Every field is optional: strace prints what it
 * could read (a `-s` limit cuts strings, `-y`/`-yy` add fd decorations).
 */
export interface CallArgs {
  /** the fd the call works on (first argument; `openat`'s dirfd is `dir`) */
  fd?: number;
  /** what `-y`/`-yy` printed for `fd` */
  fdRef?: FdRef;
  /** the returned fd's decoration (`= 3</etc/hosts>`, `= 3<TCP:[…]>`) */
  retRef?: FdRef;
  /** the directory a relative path is taken from (`AT_FDCWD</srv>` or a dirfd's decoration) */
  dir?: string;
  /** the path argument, unescaped; `path2` the second one (rename's target) */
  path?: string;
  path2?: string;
  /** the path was cut by strace's `-s` limit */
  pathCut?: boolean;
  /** open flags as printed: "O_WRONLY|O_CREAT|O_TRUNC"; `creat` gets its equivalent */
  flags?: string;
  /** socket(): "AF_INET", "AF_UNIX", … and "SOCK_STREAM", "SOCK_DGRAM", … */
  family?: string;
  sockType?: string;
  /** the address a connect/bind/sendto/recvfrom/accept names */
  addr?: SockAddr;
  /** execve: the program's argv and, with `strace -v`, its environment */
  argv?: string[];
  env?: string[];
  /** argv or env was cut by strace (`...`) */
  argvCut?: boolean;
  /** getsockopt(SO_ERROR): the pending error, as an errno name ("0" for none) */
  soError?: string;
  /** clone with CLONE_THREAD: the child is a thread of the caller's group */
  thread?: boolean;
  /** recv with MSG_PEEK: nothing is taken off the socket */
  peek?: boolean;
  /** write to fd 2: the text written, unescaped, clipped (what a program says when it gives up) */
  data?: string;
  /** exit/exit_group status */
  status?: number;
  /** setuid/setresuid/setreuid: the (effective) uid set */
  uid?: number;
  /** a DNS message in the call's buffer (a call on a socket to or from port 53) */
  dns?: DnsMessage;
  /** a wait's timeouts, decoded for calls a signal interrupted (the only ones whose times are read) */
  wait?: WaitTimes;
}

/** What `-y`/`-yy` printed inside `<…>` after an fd. */
export type FdRef =
  | { kind: 'file'; path: string }
  | {
      kind: 'socket';
      /** TCP, TCPv6, UDP, UDPv6, UNIX, UNIX-STREAM, NETLINK, socket */
      protocol: string;
      local?: Endpoint;
      peer?: Endpoint;
      /** a unix socket's bound or peer path */
      path?: string;
    }
  | { kind: 'other'; text: string };

export interface SockAddr {
  /** AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, … */
  family: string;
  ip?: string;
  port?: number;
  /** AF_UNIX: the socket path ("@name" for the abstract namespace) */
  path?: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  /** the first question's name, "example.com" */
  name?: string;
  /** A, AAAA, MX, … or the number */
  type?: string;
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, … (responses) */
  rcode?: string;
  answers?: number;
}

export interface WaitTimes {
  /** the timeout or sleep the call asked for, in seconds; undefined when none (NULL, -1) */
  requested?: number;
  /** true when `requested` is an absolute deadline (clock_nanosleep TIMER_ABSTIME) */
  absolute?: boolean;
  /** the time left that strace printed for the call (nanosleep's second argument) */
  remaining?: number;
  /** the argument text the times came from, as printed */
  requestedText?: string;
  remainingText?: string;
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
  /**
   * Failed calls worth a reader's eye, with their context (capped at
   * MAX_FAILED_CALLS): connects, execs, writes and creates, and read-only
   * opens the thread then failed on. Probing (a read-only open or a stat
   * failing with ENOENT and the program going on) is not kept.
   */
  failedCalls: FailedCall[];
  /** what each process tried to reach and the names it looked up (processes that tried nothing are left out) */
  processes: ProcessActivity[];
  /** processes that exited non-zero or were killed (capped at MAX_EXITS), with their program and last stderr lines */
  exits: ProcessExit[];
  /** what the caps left out, counted */
  dropped: StraceDropped;
  lanes: Lane[];
}

export interface StraceDropped {
  failedCalls: number;
  stops: number;
  socketFailures: number;
  /** finished threads whose summary was not kept (past MAX_THREADS_KEPT) */
  threads: number;
  /** finished threads' lanes not kept (past MAX_FINISHED_LANES) */
  lanes: number;
  processes: number;
  exits: number;
  /** read-only opens and stats failing with ENOENT that the program went on from: normal probing */
  probes: number;
}

/** A call's line, as context around a failure. */
export interface CallBrief {
  line: number;
  t: number | null;
  name: string;
  ret: string | null;
  errno?: string;
  /** the line as written, clipped */
  text: string;
  /** for exit_group/exit: the status; for write: the fd */
  status?: number;
  fd?: number;
}

/** The program a process runs: its last successful execve. */
export interface ExecInfo {
  path: string;
  argv?: string[];
  line: number;
  t: number | null;
  /** programs this pid ran before, by execve, oldest first (`sendmail` before it became `postdrop`) */
  before?: string[];
  /** with `strace -v`: the variables that name hosts, ports, URLs or sockets (passwords in URLs masked) */
  env?: Record<string, string>;
}

export interface FailedCall {
  pid: number;
  /** the process (thread group) */
  tgid: number;
  call: CallRef;
  errno: string;
  /**
   * how the failure was seen: the call's own return, or (`so-error`) a
   * non-blocking connect's EINPROGRESS later read back as an error by
   * getsockopt(SO_ERROR) — `soErrorCall` is that read
   */
  via: 'return' | 'so-error';
  soErrorCall?: CallBrief;
  /** the thread's calls just before and just after (up to FAILURE_CONTEXT each) */
  before: CallBrief[];
  after: CallBrief[];
  exec?: ExecInfo;
  comm?: string;
  /** the effective uid, when the log shows it (setuid family, getuid/geteuid returns) */
  uid?: number;
  /** the processes above, nearest first: pid and program (`php-fpm` → `sh` → `sendmail`) */
  ancestry?: { pid: number; exec?: string }[];
  /** a later call of the same process did what this one could not (a connect to the same place, an exec of the same program) */
  recoveredBy?: CallBrief;
  /** the thread's exit, when it came within the context window */
  exitAfter?: { line: number; code?: number; signal?: string };
  /** later failures of the same call on the same target by the same process, folded into this one */
  repeats?: number;
}

/** Where a process tried to connect or send, and how it went. */
export interface Destination {
  /** "inet" (ip and port) or "unix" (path) */
  kind: 'inet' | 'unix';
  ip?: string;
  port?: number;
  path?: string;
  /** tcp, udp, unix-stream, unix-dgram, … when known */
  transport?: string;
  /** connect() calls */
  attempts: number;
  connected: number;
  /** failures by errno (ECONNREFUSED, ENOENT, ETIMEDOUT, …) */
  errors: Record<string, number>;
  /**
   * non-blocking connects (EINPROGRESS) closed before they were seen to finish (no
   * SO_ERROR read, no data moved): the program gave up waiting — its connect timeout,
   * or the loser of a happy-eyeballs race
   */
  abandoned?: number;
  /** datagrams or writes sent, and successful receives (UDP: the replies) */
  sends: number;
  receives: number;
  firstLine: number;
  firstT: number | null;
  lastLine: number;
  /** connected at least once | every attempt failed | only datagrams, some answered | sent, never answered */
  outcome: 'connected' | 'failed' | 'answered' | 'no-reply' | 'unknown';
}

/** A name the process asked a DNS server for (from the query in a socket buffer). */
export interface Lookup {
  name: string;
  type?: string;
  queries: number;
  /** responses read, and the last one's rcode */
  answers: number;
  rcode?: string;
  /** the server asked, "127.0.0.53:53" */
  server?: string;
  firstLine: number;
  firstT: number | null;
}

export interface ProcessExit {
  pid: number;
  parent?: number;
  line: number;
  t: number | null;
  code?: number;
  signal?: string;
  exec?: ExecInfo;
  /** calls the process made after its last successful execve (few: it failed right after starting) */
  callsAfterExec?: number;
  /** the last writes to its stderr (fd 2), unescaped, clipped */
  stderr?: string[];
}

export interface ProcessActivity {
  pid: number;
  parent?: number;
  comm?: string;
  exec?: ExecInfo;
  destinations: Destination[];
  lookups: Lookup[];
  /** calls to destinations, and queries for names, past MAX_DESTINATIONS / MAX_LOOKUPS: counted only */
  destinationsDropped?: number;
  lookupsDropped?: number;
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
  /** the decoded arguments (see SyscallEvent.decoded) */
  decoded?: CallArgs;
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
