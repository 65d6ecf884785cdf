/**
 * What the strace-fed detectors share: the inputs, the words for a failed
 * call's process and target, its evidence and subject. Reads the analysed
 * model only (decoded fields, never the argument text).
 */
import type { CallBrief, Evidence, FailedCall, FindingDraft, RunModel, SockAddr, StraceModel } from '../model/index.js';

export function* straceInputs(run: RunModel): Generator<{ path: string; model: StraceModel }> {
  for (const input of run.inputs) {
    const m = input.model;
    if (m !== undefined && m.kind === 'strace') yield { path: input.info.path, model: m as StraceModel };
  }
}

/** The program's name: the last part of its path. */
export function progName(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return path.slice(path.lastIndexOf('/') + 1);
}

/** "postdrop (pid 32173; started by sendmail, under sh ← php-mail.sh)" */
export function whoText(f: FailedCall): string {
  const name = progName(f.exec?.path) ?? f.comm ?? 'the process';
  const parts: string[] = [`pid ${f.tgid}`];
  const before = f.exec?.before?.map(progName).filter((x): x is string => x !== undefined);
  if (before !== undefined && before.length > 0) parts.push(`which ran as ${before.join(' → ')} before`);
  const anc = f.ancestry?.map((a) => progName(a.exec) ?? `pid ${a.pid}`);
  if (anc !== undefined && anc.length > 0) parts.push(`started by ${anc.join(' ← ')}`);
  return `${name} (${parts.join('; ')})`;
}

/** The address a failed connect or send named. */
export function addrOf(f: FailedCall): SockAddr | undefined {
  return f.call.decoded?.addr;
}

export function addrText(a: SockAddr | undefined): string | undefined {
  if (a === undefined) return undefined;
  if (a.family === 'AF_UNIX') return a.path ?? '(unnamed unix socket)';
  if (a.ip === undefined || a.port === undefined) return undefined;
  return a.ip.includes(':') ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

/** A path as the program meant it: joined with its directory when relative. */
export function fullPath(f: FailedCall, which: 'path' | 'path2' = 'path'): string | undefined {
  const d = f.call.decoded;
  const p = d?.[which];
  if (p === undefined) return undefined;
  return p.startsWith('/') || d?.dir === undefined ? p : `${d.dir.replace(/\/$/, '')}/${p}`;
}

/** Evidence: the failed call, the SO_ERROR read, then what the thread wrote to stderr and its exit. */
export function failureEvidence(path: string, f: FailedCall): Evidence[] {
  const ev: Evidence[] = [{ input: path, line: f.call.line, text: f.call.text }];
  if (f.call.endLine !== undefined) ev.push({ input: path, line: f.call.endLine, text: f.call.endText });
  if (f.soErrorCall !== undefined) ev.push(brieflyAs(path, f.soErrorCall));
  for (const c of f.after) {
    if ((c.name === 'write' || c.name === 'writev') && c.fd === 2) ev.push(brieflyAs(path, c));
    else if (c.name === 'exit_group' || c.name === 'exit') ev.push(brieflyAs(path, c));
  }
  if (f.recoveredBy !== undefined) ev.push(brieflyAs(path, f.recoveredBy));
  return ev;
}

function brieflyAs(path: string, c: CallBrief): Evidence {
  return { input: path, line: c.line, text: c.text };
}

export function failureSubject(f: FailedCall, syscall?: string): FindingDraft['subject'] {
  const s: FindingDraft['subject'] = { syscall: syscall ?? f.call.name };
  if (f.pid !== 0) {
    s.pid = f.tgid;
    s.tid = f.pid;
  }
  return s;
}

/** What every strace-side finding about a failed call carries in its details (snake_case). */
export type StraceFailureDetails = {
  source: 'strace';
  call: string;
  errno: string;
  /** the call's line in the log */
  line: number;
  /** set when the error was read back by getsockopt(SO_ERROR) after EINPROGRESS */
  seen_via?: string;
  /** the program the process ran (its last execve) and its argv */
  program?: string;
  argv?: string[];
  /** the processes above it, nearest first */
  parents?: { pid: number; program?: string }[];
  uid?: number;
  /** later identical failures folded into this one */
  repeats?: number;
  exit_after?: { line: number; code?: number; signal?: string };
  /** the later call that did what this one could not */
  recovered_by?: { line: number; call: string };
  /** what the thread wrote to stderr right after */
  stderr_after?: string[];
};

/** The facts every strace failure finding carries in its details. */
export function failureDetails(f: FailedCall): StraceFailureDetails {
  const d: StraceFailureDetails = { source: 'strace', call: f.call.name, errno: f.errno, line: f.call.line };
  if (f.via === 'so-error') d.seen_via = 'getsockopt(SO_ERROR) after a non-blocking connect (EINPROGRESS)';
  if (f.exec !== undefined) d.program = f.exec.path;
  if (f.exec?.argv !== undefined) d.argv = f.exec.argv;
  if (f.ancestry !== undefined) d.parents = f.ancestry.map((a) => ({ pid: a.pid, program: a.exec }));
  if (f.uid !== undefined) d.uid = f.uid;
  if (f.repeats !== undefined) d.repeats = f.repeats;
  if (f.exitAfter !== undefined) d.exit_after = f.exitAfter;
  if (f.recoveredBy !== undefined) d.recovered_by = { line: f.recoveredBy.line, call: f.recoveredBy.text };
  const stderr = f.after.filter((c) => c.fd === 2 && (c.name === 'write' || c.name === 'writev')).map((c) => c.text);
  if (stderr.length > 0) d.stderr_after = stderr;
  return d;
}

/** When the failure happened: when the call returned. */
export function failureTime(f: FailedCall): number | null {
  const c = f.call;
  return c.endT ?? (c.t !== null && c.duration !== undefined ? c.t + c.duration : c.t);
}

export function failureKey(path: string, f: FailedCall): string {
  return `${path}#tid:${f.pid}#line:${f.call.line}`;
}
