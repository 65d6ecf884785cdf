/**
 * Processes (thread groups): the program each runs (its execve), its parent,
 * its uid when the log shows it, and what it tried — the destinations it
 * connected or sent to and the names it looked up. A process that tried
 * nothing leaves no record; kept records are capped (MAX_PROCESSES_KEPT).
 */
import type { Destination, ExecInfo, Lookup, ProcessActivity, ProcessExit, SockAddr, SyscallEvent } from '../../model/index.js';

export const MAX_PROCESSES_KEPT = 10_000;
export const MAX_EXITS = 2_000;
const STDERR_LINES = 3;
/** Destinations and names kept per process. */
export const MAX_DESTINATIONS = 200;
export const MAX_LOOKUPS = 200;
/** Live process records kept for their children's ancestry when the log has many processes. */
const KEEP_EXITED_UNTIL = 5_000;

/** Environment variables worth showing: they name where a program connects. */
const ENV_NAME = /(HOST|PORT|URL|URI|ADDR|ENDPOINT|SERVER|SOCK|DSN|PROXY|DATABASE|_DB$|REDIS|MYSQL|POSTGRES|PG|MONGO|AMQP|SMTP|MAIL|UPSTREAM|BACKEND|SERVICE|API)/i;
const ENV_VALUE = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/[^ ]*\.sock$|[a-z0-9.-]+:\d{2,5}$)/i;

export interface Proc {
  pid: number;
  parent?: number;
  comm?: string;
  exec?: ExecInfo;
  uid?: number;
  exited: boolean;
  destinations?: Map<string, Destination>;
  lookups?: Map<string, Lookup>;
  droppedDestinations?: number;
  droppedLookups?: number;
  /** calls since its last successful execve */
  calls: number;
  /** its last few writes to stderr */
  stderr?: string[];
}

export class Processes {
  private readonly live = new Map<number, Proc>();
  readonly exits: ProcessExit[] = [];

  droppedExits = 0;
  private readonly kept: ProcessActivity[] = [];
  dropped = 0;

  get(tgid: number): Proc {
    let p = this.live.get(tgid);
    if (p === undefined) {
      // every field present from the start: one hidden class for all records (monomorphic loads)
      p = { pid: tgid, parent: undefined, comm: undefined, exec: undefined, uid: undefined, exited: false, destinations: undefined, lookups: undefined, droppedDestinations: undefined, droppedLookups: undefined, calls: 0, stderr: undefined };
      this.live.set(tgid, p);
    }
    return p;
  }

  find(tgid: number): Proc | undefined {
    return this.live.get(tgid);
  }

  /** fork/vfork/clone without CLONE_THREAD: a new process, inheriting the parent's uid. */
  forked(parent: Proc, child: number): void {
    const c = this.get(child);
    c.parent = parent.pid;
    if (parent.uid !== undefined && c.uid === undefined) c.uid = parent.uid;
  }

  exec(p: Proc, e: SyscallEvent): void {
    const d = e.decoded;
    if (d?.path === undefined) return;
    const x: ExecInfo = { path: d.path, line: e.line, t: e.t };
    if (p.exec !== undefined) x.before = [...(p.exec.before ?? []), p.exec.path].slice(-4);
    if (d.argv !== undefined) x.argv = d.argv.slice(0, 32);
    if (d.env !== undefined) {
      const env: Record<string, string> = {};
      let n = 0;
      for (const kv of d.env) {
        const eq = kv.indexOf('=');
        if (eq <= 0) continue;
        const name = kv.slice(0, eq);
        const value = kv.slice(eq + 1);
        if (!ENV_NAME.test(name) && !ENV_VALUE.test(value)) continue;
        env[name] = maskPassword(value);
        if (++n >= 32) break;
      }
      if (n > 0) x.env = env;
    }
    p.exec = x;
    p.calls = 0;
    p.stderr = undefined;
  }

  /** A write to fd 2: kept (the last STDERR_LINES) for when the process fails. */
  stderr(p: Proc, text: string): void {
    const l = (p.stderr ??= []);
    // a message written in pieces ("sh: 1: ", "sendmail: not found", "\n") reads as one line
    if (l.length > 0 && !l[l.length - 1].endsWith('\n')) l[l.length - 1] += text;
    else l.push(text);
    if (l.length > STDERR_LINES) l.shift();
  }

  /** The process ended: a non-zero exit or a kill is kept with its program and last words. */
  ended(p: Proc, x: { line: number; t: number | null; code?: number; signal?: string }): void {
    if ((x.code === undefined || x.code === 0) && x.signal === undefined) return;
    if (this.exits.length >= MAX_EXITS) {
      this.droppedExits++;
      return;
    }
    const e: ProcessExit = { pid: p.pid, line: x.line, t: x.t, callsAfterExec: p.calls };
    if (p.parent !== undefined) e.parent = p.parent;
    if (x.code !== undefined) e.code = x.code;
    if (x.signal !== undefined) e.signal = x.signal;
    if (p.exec !== undefined) e.exec = p.exec;
    if (p.stderr !== undefined) e.stderr = p.stderr.map((s) => (s.length > 200 ? s.slice(0, 200) : s));
    this.exits.push(e);
  }

  /** The destination named by an address, created on first use. */
  destination(p: Proc, addr: SockAddr, transport: string | undefined, e: SyscallEvent): Destination | undefined {
    // netlink (glibc asking the kernel for interfaces before a lookup) and the like go nowhere
    if (addr.family !== 'AF_INET' && addr.family !== 'AF_INET6' && addr.family !== 'AF_UNIX') return undefined;
    const key = addr.family === 'AF_UNIX' ? `unix:${addr.path ?? ''}` : `${addr.ip ?? '?'}:${addr.port ?? '?'}/${transport ?? ''}`;
    const m = (p.destinations ??= new Map());
    let d = m.get(key);
    if (d === undefined) {
      if (m.size >= MAX_DESTINATIONS) {
        p.droppedDestinations = (p.droppedDestinations ?? 0) + 1;
        return undefined;
      }
      d = { kind: addr.family === 'AF_UNIX' ? 'unix' : 'inet', attempts: 0, connected: 0, errors: {}, sends: 0, receives: 0, firstLine: e.line, firstT: e.t, lastLine: e.line, outcome: 'unknown' };
      if (addr.family === 'AF_UNIX') d.path = addr.path ?? '';
      else {
        if (addr.ip !== undefined) d.ip = addr.ip;
        if (addr.port !== undefined) d.port = addr.port;
      }
      if (transport !== undefined) d.transport = transport;
      m.set(key, d);
    }
    d.lastLine = e.line;
    return d;
  }

  lookup(p: Proc, name: string, type: string | undefined, server: string | undefined, e: SyscallEvent): Lookup | undefined {
    const key = `${name} ${type ?? ''}`;
    const m = (p.lookups ??= new Map());
    let l = m.get(key);
    if (l === undefined) {
      if (m.size >= MAX_LOOKUPS) {
        p.droppedLookups = (p.droppedLookups ?? 0) + 1;
        return undefined;
      }
      l = { name, queries: 0, answers: 0, firstLine: e.line, firstT: e.t };
      if (type !== undefined) l.type = type;
      if (server !== undefined) l.server = server;
      m.set(key, l);
    }
    return l;
  }

  /** A response for `name`: the lookup it answers, by name (any type when the type is not known). */
  answered(p: Proc, name: string, type: string | undefined, rcode: string | undefined): void {
    const l = p.lookups?.get(`${name} ${type ?? ''}`);
    if (l === undefined) return;
    l.answers++;
    if (rcode !== undefined) l.rcode = rcode;
  }

  /** The process's last thread is gone: keep what it tried, drop the rest. */
  exited(p: Proc): void {
    p.exited = true;
    if (this.live.size > KEEP_EXITED_UNTIL) {
      this.live.delete(p.pid);
      this.keep(p);
    }
  }

  private keep(p: Proc): void {
    if (p.destinations === undefined && p.lookups === undefined) return;
    if (this.kept.length >= MAX_PROCESSES_KEPT) {
      this.dropped++;
      return;
    }
    const a: ProcessActivity = { pid: p.pid, destinations: [...(p.destinations?.values() ?? [])].map(settle), lookups: [...(p.lookups?.values() ?? [])] };
    if (p.parent !== undefined) a.parent = p.parent;
    if (p.comm !== undefined) a.comm = p.comm;
    if (p.exec !== undefined) a.exec = p.exec;
    if (p.droppedDestinations) a.destinationsDropped = p.droppedDestinations;
    if (p.droppedLookups) a.lookupsDropped = p.droppedLookups;
    this.kept.push(a);
  }

  /** Ancestors of a process, nearest first (up to `max`). */
  ancestry(p: Proc, max = 6): { pid: number; exec?: string }[] {
    const out: { pid: number; exec?: string }[] = [];
    let q = p.parent !== undefined ? this.live.get(p.parent) : undefined;
    while (q !== undefined && out.length < max) {
      const a: { pid: number; exec?: string } = { pid: q.pid };
      if (q.exec !== undefined) a.exec = q.exec.path;
      out.push(a);
      q = q.parent !== undefined && q.parent !== q.pid ? this.live.get(q.parent) : undefined;
    }
    return out;
  }

  finish(): ProcessActivity[] {
    for (const p of this.live.values()) this.keep(p);
    return this.kept.sort((a, b) => a.pid - b.pid);
  }
}

/** A destination's outcome from its counts. */
function settle(d: Destination): Destination {
  // a UDP connect only sets the peer: the replies tell whether anyone is there
  if (d.transport?.startsWith('udp') && (d.sends > 0 || d.receives > 0)) d.outcome = d.receives > 0 ? 'answered' : 'no-reply';
  else if (d.connected > 0) d.outcome = 'connected';
  else if (d.attempts > 0 && (Object.keys(d.errors).length > 0 || (d.abandoned ?? 0) > 0) && d.receives === 0 && d.sends === 0) d.outcome = 'failed';
  else if (d.receives > 0) d.outcome = 'answered';
  else if (d.sends > 0) d.outcome = 'no-reply';
  else if (Object.keys(d.errors).length > 0) d.outcome = 'failed';
  return d;
}

/** "postgres://app:secret@db:5432/x" → "postgres://app:***@db:5432/x" */
function maskPassword(v: string): string {
  return v.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^@/\s]*@/i, '$1***@');
}
