/**
 * The fd tables, one per process: sockets and files, each with its
 * provenance (where the log showed what it is). Sockets carry their ends,
 * byte counts and destination; receive failures on them (ECONNRESET,
 * ETIMEDOUT) become SocketFailures, connects and datagrams feed the
 * process's destinations and DNS lookups. Reads only decoded fields.
 */
import type { CallArgs, CallRef, SocketFailure, SocketInfo, SockAddr, SyscallEvent } from '../../model/index.js';
import { callRef } from './calls.js';
import type { FailedCalls, Recent } from './failures.js';
import type { Proc, Processes } from './processes.js';
import type { Thread } from './threads.js';

export const MAX_SOCKET_FAILURES = 10_000;
const NONE: CallArgs = {};

/** Receive errors that mean the peer reset or the connection timed out (curl error 56 in strace). */
export const RECV_FAILURE_ERRNOS: ReadonlySet<string> = new Set(['ECONNRESET', 'ETIMEDOUT']);

/** How the log showed what an fd is. */
export type Provenance = 'socket' | 'accept' | 'connect' | 'open' | 'decoration' | 'dup' | 'use';

/**
 * One fd's entry. A class with every field set in its constructor: one hidden class for
 * every entry, so the per-call code reads them with monomorphic loads (object literals of
 * seven shapes, and fields added later, made `call` deoptimize twice on the bench log and
 * compile again, the last time at ~60 ms).
 */
export class FdEntry {
  /** files: the path when the log named it (a -y decoration) */
  path: string | undefined = undefined;
  family: string | undefined = undefined;
  /** the destination key in the process's destinations */
  dest: string | undefined = undefined;
  /** a non-blocking connect still in progress */
  connecting: CallRef | undefined = undefined;
  sent = 0;
  received = 0;

  constructor(
    readonly kind: 'socket' | 'file',
    readonly from: Provenance,
    readonly line: number,
    // sockets
    public info: SocketInfo,
    public transport: string | undefined,
    /** seen created (socket/accept/connect) in the log, not only used */
    readonly seenOpen: boolean,
  ) {}

  /** A copy (a forked child's table, a dup) with its own info. */
  copy(from: Provenance, info: SocketInfo): FdEntry {
    const c = new FdEntry(this.kind, from, this.line, info, this.transport, this.seenOpen);
    c.path = this.path;
    c.family = this.family;
    c.dest = this.dest;
    c.connecting = this.connecting;
    c.sent = this.sent;
    c.received = this.received;
    return c;
  }
}

const enum Op {
  Socket = 1,
  Connect,
  Accept,
  Bind,
  GetSockName,
  GetPeerName,
  GetSockOpt,
  Close,
  Send,
  Recv,
  Write,
  Read,
  Dup,
  Open,
}

const OPS = new Map<string, Op>([
  ['socket', Op.Socket],
  ['connect', Op.Connect],
  ['accept', Op.Accept],
  ['accept4', Op.Accept],
  ['bind', Op.Bind],
  ['getsockname', Op.GetSockName],
  ['getpeername', Op.GetPeerName],
  ['getsockopt', Op.GetSockOpt],
  ['close', Op.Close],
  ['sendto', Op.Send],
  ['sendmsg', Op.Send],
  ['send', Op.Send],
  ['sendmmsg', Op.Send],
  ['recvfrom', Op.Recv],
  ['recvmsg', Op.Recv],
  ['recv', Op.Recv],
  ['recvmmsg', Op.Recv],
  ['write', Op.Write],
  ['writev', Op.Write],
  ['read', Op.Read],
  ['readv', Op.Read],
  ['dup', Op.Dup],
  ['dup2', Op.Dup],
  ['dup3', Op.Dup],
  ['open', Op.Open],
  ['openat', Op.Open],
  ['openat2', Op.Open],
  ['creat', Op.Open],
]);

export function isFdCall(name: string): boolean {
  return OPS.has(name);
}

/** What the fd tables do with a call (0: nothing); the analysis looks it up once per call name. */
export function fdOp(name: string): number {
  return OPS.get(name) ?? 0;
}

/**
 * One process's fds. A closed fd keeps its key with no entry: a Map
 * delete per close and a set per open made V8 rehash the table every few
 * calls, and each new table promoted the entries it held (measured: a
 * quarter of the CPU time of a busy log went to such churn in the parser's
 * own per-pid table). Keys are fd numbers ever used, so few.
 */
class FdTable {
  private readonly m = new Map<number, FdEntry | undefined>();
  /** open fds */
  size = 0;

  get(fd: number): FdEntry | undefined {
    return this.m.get(fd);
  }

  set(fd: number, e: FdEntry): void {
    if (this.m.get(fd) === undefined) this.size++;
    this.m.set(fd, e);
  }

  delete(fd: number): void {
    if (this.m.get(fd) === undefined) return;
    this.size--;
    this.m.set(fd, undefined);
  }

  *entries(): IterableIterator<[number, FdEntry]> {
    for (const [fd, e] of this.m) if (e !== undefined) yield [fd, e];
  }
}

/**
 * A dup'ed fd: a copy of the entry under the new fd. Out of FdTables.call, which V8 compiles
 * early in a run, before the first dup2 of a shell (a copy of infos of several shapes): code
 * first met there threw away `call`'s optimized code twice; here only this function's.
 */
function dup(table: FdTable, ent: FdEntry, ret: number | null): void {
  if (ret !== null && ret >= 0) table.set(ret, ent.copy('dup', { ...ent.info, fd: ret }));
}

export class FdTables {
  private readonly tables = new Map<number, FdTable>();
  readonly socketFailures: SocketFailure[] = [];
  droppedSocketFailures = 0;

  constructor(
    private readonly processes: Processes,
    private readonly failures: FailedCalls,
  ) {}

  /**
   * The table used last and its process: runs of calls from one process are the rule, and
   * most calls are fd calls (a Map lookup each before). Forgotten when that process's table
   * is dropped or replaced.
   */
  private lastTgid = -1;
  private lastTable: FdTable | null = null;

  private table(tgid: number): FdTable {
    if (tgid === this.lastTgid && this.lastTable !== null) return this.lastTable;
    let m = this.tables.get(tgid);
    if (m === undefined) {
      m = new FdTable();
      this.tables.set(tgid, m);
    }
    this.lastTgid = tgid;
    this.lastTable = m;
    return m;
  }

  /** The process is gone: its table goes with it. */
  drop(tgid: number): void {
    this.tables.delete(tgid);
    if (tgid === this.lastTgid) this.lastTable = null;
  }

  /** A forked child starts with a copy of its parent's table (its sockets keep their destinations). */
  fork(parent: number, child: number): void {
    const t = this.tables.get(parent);
    if (t === undefined || t.size === 0 || t.size > 4096) return;
    const c = new FdTable();
    for (const [fd, e] of t.entries()) c.set(fd, e.copy(e.from, { ...e.info }));
    this.tables.set(child, c);
    if (child === this.lastTgid) this.lastTable = null;
  }

  /** `op`: fdOp(e.name) */
  call(th: Thread, proc: Proc, recent: Recent, e: SyscallEvent, op: number): void {
    if (op === 0) return;
    const d = e.decoded;
    const ret = e.retval;
    const table = this.table(proc.pid);
    if (op === Op.Socket) {
      if (ret !== null && ret >= 0) {
        const fam = d?.family;
        const transport = transportOf(fam, d?.sockType);
        const s = new FdEntry('socket', 'socket', e.line, { fd: ret, protocol: protocolOf(fam, d?.sockType) }, transport, true);
        s.family = fam;
        table.set(ret, s);
      }
      return;
    }
    if (op === Op.Open) {
      // a file: its provenance is the open's line (the parser decodes a successful open's path on demand only)
      if (ret !== null && ret >= 0) table.set(ret, new FdEntry('file', 'open', e.line, { fd: ret }, undefined, true));
      return;
    }
    const fd = e.fd;
    if (fd === undefined) return;
    let ent = table.get(fd);
    // -yy: the decoration names the socket's ends on every call
    const ref = d?.fdRef;
    if (ref !== undefined && ref.kind === 'socket') {
      if (ent === undefined || ent.kind !== 'socket') {
        ent = new FdEntry('socket', 'decoration', e.line, { fd, protocol: ref.protocol }, transportOfProtocol(ref.protocol), false);
        table.set(fd, ent);
      }
      if (ref.local !== undefined) ent.info.local = ref.local;
      if (ref.peer !== undefined) ent.info.peer = ref.peer;
    } else if (ref !== undefined && ref.kind === 'file' && ent === undefined) {
      // a file opened before the log began, named by its -y decoration
      ent = new FdEntry('file', 'decoration', e.line, { fd }, undefined, false);
      ent.path = ref.path;
      table.set(fd, ent);
    }
    switch (op) {
      case Op.Close:
        if (ent !== undefined && (ret === 0 || ret === null)) {
          // a non-blocking connect closed before it was seen to finish: the program gave up waiting (its connect timeout)
          if (ent.connecting !== undefined && ent.dest !== undefined) {
            const dest = proc.destinations?.get(ent.dest);
            if (dest !== undefined) dest.abandoned = (dest.abandoned ?? 0) + 1;
          }
          table.delete(fd);
        }
        return;
      case Op.Connect:
        this.connect(th, proc, recent, e, table, fd, ent);
        return;
      case Op.GetSockOpt: {
        if (ent?.connecting === undefined || d?.soError === undefined) return;
        const soError = d.soError;
        const c = ent.connecting;
        ent.connecting = undefined;
        const dest = ent.dest !== undefined ? proc.destinations?.get(ent.dest) : undefined;
        if (soError === '0') {
          if (dest !== undefined) dest.connected++;
          this.failures.succeeded(proc, e, ent.dest);
        } else {
          if (dest !== undefined) dest.errors[soError] = (dest.errors[soError] ?? 0) + 1;
          this.failures.soError(th, proc, recent, c, e, soError, ent.dest);
        }
        return;
      }
      case Op.Accept: {
        if (ret !== null && ret >= 0) {
          const s = new FdEntry('socket', 'accept', e.line, { fd: ret, protocol: ent?.info.protocol }, ent?.transport, true);
          if (ent?.info.local !== undefined) s.info.local = ent.info.local;
          const a = endpointOf(d?.addr);
          if (a !== undefined) s.info.peer = a;
          table.set(ret, s);
        }
        return;
      }
      case Op.Bind:
      case Op.GetSockName: {
        if (ent === undefined || ent.kind !== 'socket') return;
        const a = endpointOf(d?.addr);
        if (a !== undefined && (ret === 0 || ret === null)) ent.info.local = a;
        return;
      }
      case Op.GetPeerName: {
        if (ent === undefined || ent.kind !== 'socket') return;
        const a = endpointOf(d?.addr);
        if (a !== undefined && ret === 0) ent.info.peer = a;
        return;
      }
      case Op.Dup:
        if (ent !== undefined) dup(table, ent, ret);
        return;
      case Op.Send:
      case Op.Write: {
        if (ent === undefined) {
          if (op !== Op.Send) return;
          ent = new FdEntry('socket', 'use', e.line, { fd }, undefined, false);
          table.set(fd, ent);
        }
        if (ent.kind !== 'socket') return;
        if (ret !== null && ret > 0) ent.sent += ret;
        this.datagram(th, proc, recent, e, ent, true);
        return;
      }
      case Op.Recv:
      case Op.Read: {
        const errno = e.errno;
        if (ent === undefined) {
          // ECONNRESET/ETIMEDOUT only come from sockets: a socket whose start the log missed
          if (op !== Op.Recv && (errno === undefined || !RECV_FAILURE_ERRNOS.has(errno))) return;
          ent = new FdEntry('socket', 'use', e.line, { fd }, undefined, false);
          table.set(fd, ent);
        }
        if (ent.kind !== 'socket') return;
        if (ret !== null && ret > 0) {
          // A peek reads nothing off the socket: its bytes come again in the next real receive.
          if (d?.peek !== true) ent.received += ret;
        } else if (errno !== undefined && RECV_FAILURE_ERRNOS.has(errno) && d?.peek !== true) {
          // A failed MSG_PEEK is curl (or a pool) checking an idle pooled connection before reuse:
          // the peer had dropped it, the client opens a new one, and no reply was lost.
          this.recvFailure(th, e, ent, errno);
        }
        this.datagram(th, proc, recent, e, ent, false);
        return;
      }
      default:
        return;
    }
  }

  private connect(th: Thread, proc: Proc, recent: Recent, e: SyscallEvent, table: FdTable, fd: number, ent: FdEntry | undefined): void {
    const d = e.decoded ?? NONE;
    if (ent === undefined || ent.kind !== 'socket') {
      ent = new FdEntry('socket', 'connect', e.line, { fd }, undefined, true);
      table.set(fd, ent);
    }
    const addr = d.addr;
    const a = endpointOf(addr);
    if (a !== undefined) ent.info.peer = a;
    if (addr === undefined || addr.family === 'AF_UNSPEC' || addr.family === 'AF_NETLINK') return;
    if (ent.family === undefined) ent.family = addr.family;
    const transport = ent.transport ?? (addr.family === 'AF_UNIX' ? 'unix' : undefined);
    const dest = this.processes.destination(proc, addr, transport, e);
    const key = destKey(addr, transport);
    ent.dest = key;
    if (dest !== undefined) dest.attempts++;
    const errno = e.errno;
    if (errno === undefined) {
      if (dest !== undefined) dest.connected++;
      this.failures.succeeded(proc, e, key);
    } else if (errno === 'EINPROGRESS' || errno === 'EALREADY') {
      if (errno === 'EINPROGRESS') ent.connecting = callRef(e);
    } else {
      if (dest !== undefined && errno !== 'EINTR') dest.errors[errno] = (dest.errors[errno] ?? 0) + 1;
      this.failures.failed(th, proc, recent, e, key);
    }
  }

  /** Sends and receives: destinations of datagrams, replies, DNS questions and answers; send/recv failures. */
  private datagram(th: Thread, proc: Proc, recent: Recent, e: SyscallEvent, ent: FdEntry, send: boolean): void {
    const d = e.decoded ?? NONE;
    let key = ent.dest;
    // an unconnected datagram socket names its destination on each send
    if (d.addr !== undefined && send && d.addr.family !== 'AF_UNSPEC') {
      const dest = this.processes.destination(proc, d.addr, ent.transport, e);
      key = destKey(d.addr, ent.transport);
      if (dest !== undefined && e.retval !== null && e.retval >= 0) dest.sends++;
    } else if (key !== undefined) {
      const dest = proc.destinations?.get(key);
      if (dest !== undefined && e.retval !== null && e.retval >= 0) {
        if (send) dest.sends++;
        else if (e.retval > 0 && d.peek !== true) dest.receives++;
      }
    } else if (!send && e.retval !== null && e.retval > 0 && d.addr !== undefined) {
      // a reply on an unconnected socket: the sender it names is the destination asked
      const dest = proc.destinations?.get(destKey(d.addr, ent.transport));
      if (dest !== undefined) dest.receives++;
    }
    if (ent.connecting !== undefined && e.retval !== null && e.retval >= 0) {
      // data moved: the non-blocking connect had worked
      const dest = key !== undefined ? proc.destinations?.get(key) : undefined;
      if (dest !== undefined) dest.connected++;
      ent.connecting = undefined;
    }
    if (e.errno !== undefined) {
      // a datagram refused (an ICMP port unreachable read back): nothing listens there
      if (key !== undefined && e.errno === 'ECONNREFUSED') {
        const dest = proc.destinations?.get(key);
        if (dest !== undefined) dest.errors[e.errno] = (dest.errors[e.errno] ?? 0) + 1;
      }
      this.failures.failed(th, proc, recent, e, key);
    }
    const dns = d.dns;
    if (dns?.name !== undefined) {
      const peer = d.addr ?? (ent.info.peer !== undefined ? { family: 'AF_INET', ip: ent.info.peer.ip, port: ent.info.peer.port } : undefined);
      const server = peer?.ip !== undefined ? (peer.ip.includes(':') ? `[${peer.ip}]:${peer.port}` : `${peer.ip}:${peer.port}`) : undefined;
      if (!dns.response && send) {
        const l = this.processes.lookup(proc, dns.name, dns.type, server, e);
        if (l !== undefined) l.queries++;
      } else if (dns.response && !send) {
        this.processes.answered(proc, dns.name, dns.type, dns.rcode);
      }
    }
  }

  private recvFailure(th: Thread, e: SyscallEvent, ent: FdEntry, errno: string): void {
    const f: SocketFailure = {
      pid: th.pid,
      fd: ent.info.fd,
      call: callRef(e),
      errno,
      socket: { ...ent.info },
      sentBytes: ent.sent,
      receivedBytes: ent.received,
      socketSeenOpen: ent.seenOpen,
    };
    if (th.tgid !== undefined) f.tgid = th.tgid;
    if (e.t !== null) th.lane.marker({ t: e.t, kind: 'error', label: `${e.name} ${errno}`, line: e.line });
    if (this.socketFailures.length < MAX_SOCKET_FAILURES) this.socketFailures.push(f);
    else this.droppedSocketFailures++;
  }
}

/** The key of a destination in a process's map (see Processes.destination). */
export function destKey(addr: SockAddr, transport: string | undefined): string {
  return addr.family === 'AF_UNIX' ? `unix:${addr.path ?? ''}` : `${addr.ip ?? '?'}:${addr.port ?? '?'}/${transport ?? ''}`;
}

function endpointOf(a: SockAddr | undefined): { ip: string; port: number } | undefined {
  return a?.ip !== undefined && a.port !== undefined ? { ip: a.ip, port: a.port } : undefined;
}

function transportOf(family: string | undefined, type: string | undefined): string | undefined {
  const t = type === 'SOCK_STREAM' ? 'stream' : type === 'SOCK_DGRAM' ? 'dgram' : type === 'SOCK_SEQPACKET' ? 'seqpacket' : undefined;
  if (family === 'AF_UNIX') return t === undefined ? 'unix' : `unix-${t}`;
  if (family === 'AF_INET' || family === 'AF_INET6') return t === 'stream' ? 'tcp' : t === 'dgram' ? 'udp' : undefined;
  return undefined;
}

function transportOfProtocol(p: string): string | undefined {
  if (p.startsWith('TCP')) return 'tcp';
  if (p.startsWith('UDP')) return 'udp';
  if (p === 'UNIX-STREAM') return 'unix-stream';
  if (p.startsWith('UNIX')) return 'unix';
  return undefined;
}

/** "AF_INET" + "SOCK_STREAM" → "TCP" (the -yy name) */
function protocolOf(family: string | undefined, type: string | undefined): string {
  if (family === 'AF_UNIX') return 'UNIX';
  if (family === 'AF_NETLINK') return 'NETLINK';
  const base = type === 'SOCK_DGRAM' ? 'UDP' : type === 'SOCK_STREAM' ? 'TCP' : 'socket';
  return family === 'AF_INET6' && base !== 'socket' ? `${base}v6` : base;
}
