/**
 * Failed calls worth a reader's eye, kept with their context: the thread's
 * calls just before and after, the process and its execve, its ancestry and
 * uid. Which failures are kept is a fact about calls, not a finding:
 * connects (not the non-blocking EINPROGRESS/EAGAIN), execs, writes and
 * creates, and read-only opens only when the thread then fails (exits
 * non-zero, is killed, or writes to stderr within FAILURE_CONTEXT calls) —
 * a program probing for optional files goes on, and that is dropped and counted.
 *
 * Memory: a thread's "before" context is three reused slots (no copy per
 * call; text is made only when a failure is kept); the list is capped, and a
 * failure repeated on the same target by the same process is folded into the
 * first (`repeats`).
 */
import type { CallBrief, CallRef, FailedCall, SyscallEvent } from '../../model/index.js';
import { brief, callRef } from './calls.js';
import type { Proc, Processes } from './processes.js';
import { orNull, type Pending, type Thread } from './threads.js';

export const MAX_FAILED_CALLS = 10_000;
/** calls kept after a failure (and at most BEFORE before it) */
export const FAILURE_CONTEXT = 6;
const BEFORE = 3;
/** failures waiting for recovery per (process, target): a retry loop folds into `repeats` beyond this */
const MAX_HOLDERS = 64;
const MAX_RECOVERABLE = 50_000;

/** connect errnos of a non-blocking or interrupted connect: not failures (yet) */
const CONNECT_NOT_FAILED: ReadonlySet<string> = new Set(['EINPROGRESS', 'EAGAIN', 'EALREADY', 'EISCONN', 'EINTR']);
const DENIED: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS']);
const MISSING: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR']);
const FILE_ERRNOS: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EISDIR', 'ELOOP', 'ENAMETOOLONG']);
const SEND_FAILED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH']);
const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;

/** keep: always; probe: only if the thread then fails; undefined: not a failure we keep */
type Keep = 'keep' | 'probe' | undefined;

/** Whether a failed call is kept (see the file comment). */
export function keepFailure(e: SyscallEvent): Keep {
  const errno = e.errno!;
  switch (e.name) {
    case 'connect':
      return CONNECT_NOT_FAILED.has(errno) ? undefined : 'keep';
    case 'execve':
    case 'execveat':
      return 'keep';
    case 'open':
    case 'openat':
    case 'openat2':
    case 'creat': {
      if (!FILE_ERRNOS.has(errno)) return undefined;
      const write = e.name === 'creat' || WRITE_FLAGS.test(e.decoded?.flags ?? '');
      if (write) return 'keep';
      return MISSING.has(errno) || errno === 'ELOOP' ? 'probe' : DENIED.has(errno) ? 'keep' : 'probe';
    }
    case 'mkdir':
    case 'mkdirat':
      return errno === 'EEXIST' ? undefined : 'keep';
    case 'rename':
    case 'renameat':
    case 'renameat2':
      return 'keep';
    case 'unlink':
    case 'unlinkat':
    case 'rmdir':
    case 'truncate':
      return DENIED.has(errno) ? 'keep' : undefined;
    case 'recvfrom':
    case 'recvmsg':
    case 'recv':
    case 'sendto':
    case 'sendmsg':
    case 'sendmmsg':
    case 'send':
      return SEND_FAILED.has(errno) ? 'keep' : undefined;
    default:
      return undefined;
  }
}

/** What a failure is about, for folding repeats and for recovery: a path, a destination, a program name. */
export function targetOf(e: SyscallEvent | CallRef, destKey?: string): string | undefined {
  const d = e.decoded;
  if (e.name === 'connect' || e.name.startsWith('send') || e.name.startsWith('recv')) return destKey;
  if (e.name === 'execve' || e.name === 'execveat') {
    const p = d?.path;
    return p === undefined ? undefined : `exec:${p.slice(p.lastIndexOf('/') + 1)}`;
  }
  return d?.path;
}

interface Slot {
  line: number;
  t: number | null;
  name: string;
  ret: string | null;
  errno: string | undefined;
  path: string | undefined;
}

/**
 * A slot as pushed: the call's decoded arguments, not their path. Decoded
 * arguments come in many shapes (one per decoder), and reading `.path` on
 * every call made that load change shape late in a run, which threw away
 * the optimized analysis code and compiled it again; the path is read when a
 * failure takes a snapshot.
 */
interface RecentSlot {
  line: number;
  /** NaN for none: a double kept in place (see Thread.first) */
  t: number;
  name: string;
  ret: string | null;
  errno: string | undefined;
  decoded: SyscallEvent['decoded'];
}

/** A thread's last few calls, in reused slots. */
export class Recent {
  private readonly slots: RecentSlot[] = [];
  private next = 0;

  push(e: SyscallEvent): void {
    let s = this.slots[this.next];
    if (s === undefined) {
      s = { line: 0, t: Number.NaN, name: '', ret: null, errno: undefined, decoded: undefined };
      this.slots[this.next] = s;
    }
    s.line = e.line;
    s.t = e.t ?? Number.NaN;
    s.name = e.name;
    s.ret = e.ret;
    s.errno = e.errno;
    s.decoded = e.decoded;
    this.next = (this.next + 1) % BEFORE;
  }

  /** Oldest first, copied out of the reused slots. */
  snapshot(): Slot[] {
    const out: Slot[] = [];
    for (let k = 0; k < BEFORE; k++) {
      const s = this.slots[(this.next + k) % BEFORE];
      if (s !== undefined) out.push({ line: s.line, t: orNull(s.t), name: s.name, ret: s.ret, errno: s.errno, path: s.decoded?.path });
    }
    return out;
  }
}

/** Context lines from slots (the text is rebuilt: the line itself is not kept). */
function briefs(slots: Slot[]): CallBrief[] {
  const out: CallBrief[] = [];
  for (const s of slots) {
    {
      const b: CallBrief = { line: s.line, t: s.t, name: s.name, ret: s.ret, text: `${s.name}(${s.path !== undefined ? JSON.stringify(s.path) : '…'}) = ${s.ret ?? '?'}${s.errno !== undefined ? ` ${s.errno}` : ''}` };
      if (s.errno !== undefined) b.errno = s.errno;
      out.push(b);
    }
  }
  return out;
}

export class FailedCalls {
  private readonly list: FailedCall[] = [];
  dropped = 0;
  probes = 0;
  /** the kept failure per (process, call, target, errno): repeats fold into it */
  private readonly byKey = new Map<string, FailedCall>();
  /**
   * failures a later success may recover: (process, target) → holders. A
   * holder is registered when the call fails (the retry often comes before
   * the failure is settled: execvp walking $PATH) and points at the kept failure once built.
   */
  private readonly recoverable = new Map<string, Holder[]>();

  constructor(private readonly processes: Processes) {}

  /** Every call of a thread, before `failed`/`succeeded`: feeds the failures waiting for the calls after them. */
  call(th: Thread, e: SyscallEvent): void {
    const pend = th.pending;
    if (pend === undefined) return;
    const exitCall = e.name === 'exit_group' || e.name === 'exit';
    for (let k = 0; k < pend.length; k++) {
      const p = pend[k];
      p.after.push(e);
      if (p.after.length >= FAILURE_CONTEXT || exitCall) {
        pend.splice(k--, 1);
        p.done(exitCall ? exitOf(e) : undefined);
      }
    }
    if (pend.length === 0) th.pending = undefined;
  }

  /** A call failed: keep it (with context) when it is one we keep. */
  failed(th: Thread, proc: Proc, recent: Recent, e: SyscallEvent, destKey?: string): void {
    const keep = keepFailure(e);
    if (keep === undefined) return;
    const target = targetOf(e, destKey);
    const key = `${proc.pid}\0${e.name}\0${target ?? ''}\0${e.errno}`;
    const prior = target !== undefined ? this.byKey.get(key) : undefined;
    if (prior !== undefined && prior.recoveredBy === undefined) {
      prior.repeats = (prior.repeats ?? 0) + 1;
      return;
    }
    const before = recent.snapshot();
    const holder: Holder = {};
    if (target !== undefined && (e.name === 'connect' || e.name === 'execve' || e.name === 'execveat')) this.recoverableBy(proc, target, holder);
    this.await(th, keep === 'probe', (after, exit) => {
      const f: FailedCall = { pid: th.pid, tgid: proc.pid, call: callRef(e), errno: e.errno!, via: 'return', before: briefs(before), after: after.map(brief) };
      this.describe(f, th, proc);
      if (exit !== undefined) setExit(f, exit);
      if (holder.recoveredBy !== undefined) f.recoveredBy = holder.recoveredBy;
      holder.f = f;
      return f;
    }, (f) => {
      if (target !== undefined) this.byKey.set(key, f);
    });
  }

  /** A non-blocking connect's error read back with getsockopt(SO_ERROR). */
  soError(th: Thread, proc: Proc, recent: Recent, connect: CallRef, read: SyscallEvent, errno: string, destKey: string | undefined): void {
    const before = recent.snapshot();
    const readBrief = brief(read);
    const holder: Holder = {};
    if (destKey !== undefined) this.recoverableBy(proc, destKey, holder);
    this.await(th, false, (after, exit) => {
      const f: FailedCall = { pid: th.pid, tgid: proc.pid, call: connect, errno, via: 'so-error', soErrorCall: readBrief, before: briefs(before), after: after.map(brief) };
      this.describe(f, th, proc);
      if (exit !== undefined) setExit(f, exit);
      if (holder.recoveredBy !== undefined) f.recoveredBy = holder.recoveredBy;
      holder.f = f;
      return f;
    }, () => {});
  }

  private recoverableBy(proc: Proc, target: string, h: Holder): void {
    const rk = `${proc.pid}\0${target}`;
    const l = this.recoverable.get(rk);
    // bounded: past MAX_RECOVERABLE targets the oldest are forgotten (their failures just stay unrecovered)
    if (l === undefined && this.recoverable.size >= MAX_RECOVERABLE) this.recoverable.delete(this.recoverable.keys().next().value!);
    if (l === undefined) this.recoverable.set(rk, [h]);
    else if (l.length < MAX_HOLDERS) l.push(h);
  }

  /** A call that did what earlier failures could not (same process, same target): they were recovered from. */
  succeeded(proc: Proc, e: SyscallEvent, target: string | undefined): void {
    if (target === undefined) return;
    const rk = `${proc.pid}\0${target}`;
    const l = this.recoverable.get(rk);
    if (l === undefined) return;
    this.recoverable.delete(rk);
    const b = brief(e);
    for (const h of l) {
      h.recoveredBy = b;
      if (h.f !== undefined) h.f.recoveredBy = b;
    }
  }

  /** The thread exits: failures still waiting for context end here. */
  exited(th: Thread, exit: { line: number; code?: number; signal?: string }): void {
    const pend = th.pending;
    if (pend === undefined) return;
    th.pending = undefined;
    for (const p of pend) p.done(exit);
  }

  private describe(f: FailedCall, th: Thread, proc: Proc): void {
    if (proc.exec !== undefined) f.exec = proc.exec;
    const comm = th.comm ?? proc.comm;
    if (comm !== undefined) f.comm = comm;
    if (proc.uid !== undefined) f.uid = proc.uid;
    const anc = this.processes.ancestry(proc);
    if (anc.length > 0) f.ancestry = anc;
  }

  /** Waits for the thread's next calls; a probe is kept only when the thread then fails. */
  private await(th: Thread, probe: boolean, build: (after: SyscallEvent[], exit?: Exit) => FailedCall, onKept: (f: FailedCall) => void): void {
    const after = eventList();
    (th.pending ??= []).push({
      after,
      done: (exit) => {
        if (probe && !failedAfter(after, exit)) {
          this.probes++;
          return;
        }
        if (this.list.length >= MAX_FAILED_CALLS) {
          this.dropped++;
          return;
        }
        const f = build(after, exit);
        this.list.push(f);
        onKept(f);
      },
    });
  }

  /** End of the log: failures still waiting are settled with the context they have. */
  finish(threads: Iterable<Thread>): FailedCall[] {
    for (const th of threads) {
      const pend = th.pending;
      if (pend === undefined) continue;
      th.pending = undefined;
      for (const p of pend) p.done();
    }
    return this.list.sort((a, b) => a.call.line - b.call.line);
  }
}

/**
 * An empty list for events whose elements are objects from the start: a `[]` begins as
 * small integers, and the push of the first event into one, inlined in the analysis's
 * per-call code, deoptimized it ("not a Smi") and made it compile again.
 */
function eventList(): SyscallEvent[] {
  const a: (SyscallEvent | null)[] = [null];
  a.pop();
  return a as SyscallEvent[];
}

/** A failure a later success may recover, before and after it is built. */
interface Holder {
  recoveredBy?: CallBrief;
  f?: FailedCall;
}

type Exit = { line: number; code?: number; signal?: string };

function exitOf(e: SyscallEvent): Exit {
  const x: Exit = { line: e.line };
  if (e.decoded?.status !== undefined) x.code = e.decoded.status;
  return x;
}

function setExit(f: FailedCall, exit: Exit): void {
  if (exit.code === undefined && exit.signal === undefined) return;
  f.exitAfter = { line: exit.line };
  if (exit.code !== undefined) f.exitAfter.code = exit.code;
  if (exit.signal !== undefined) f.exitAfter.signal = exit.signal;
}

/** The thread failed right after: exited non-zero, was killed, or wrote to stderr. */
function failedAfter(after: SyscallEvent[], exit: Exit | undefined): boolean {
  if (exit !== undefined && ((exit.code ?? 0) !== 0 || exit.signal !== undefined)) return true;
  for (const c of after) if ((c.name === 'write' || c.name === 'writev') && c.fd === 2 && (c.retval ?? 0) > 0) return true;
  return false;
}

/** A kept failure whose thread failed right after: exited non-zero, was killed, or wrote to stderr. */
export function threadFailed(f: FailedCall): boolean {
  if (f.exitAfter !== undefined && ((f.exitAfter.code ?? 0) !== 0 || f.exitAfter.signal !== undefined)) return true;
  return f.after.some((c) => ((c.name === 'write' || c.name === 'writev') && c.fd === 2) || ((c.name === 'exit_group' || c.name === 'exit') && (c.status ?? 0) !== 0));
}
