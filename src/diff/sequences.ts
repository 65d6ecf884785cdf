/**
 * Per-process call sequences from an strace log, normalised for comparing
 * two runs of the same program: a call is its name and, when it failed, its
 * error code — never its addresses, buffers, fds or times, which differ from
 * run to run. Signals and exits are tokens too (`--- SIGSTOP`, `+++ exited 0`).
 *
 * Bounded: at most MAX_PROCESSES processes and MAX_CALLS calls each are kept
 * (the rest counted), and each kept call holds its line number and a
 * shortened copy of its text for showing context.
 */
import type { StraceEvent } from '../model/index.js';

export const MAX_PROCESSES = 64;
export const MAX_CALLS = 20_000;
const MAX_TEXT = 200; /* chars kept of a line for context */

export interface CallToken {
  token: string;
  line: number;
  text: string;
}

export interface ProcessSequence {
  pid: number | null;
  /** program name from the last successful execve, or inherited from the parent that forked it; '' when unknown */
  program: string;
  calls: CallToken[];
  /** calls not kept beyond MAX_CALLS */
  dropped: number;
  /** order of first appearance in its input */
  order: number;
}

/** Builds sequences from strace events, in line order. One per input; state lives in the instance. */
export class SequenceCollector {
  private readonly byPid = new Map<number | null, ProcessSequence>();
  private readonly pendingChild = new Map<number, string>();
  processesDropped = 0;

  add(e: StraceEvent): void {
    if (e.kind === 'message') return;
    const seq = this.sequence(e.pid);
    if (!seq) return;
    let token: string;
    if (e.kind === 'syscall') {
      token = e.errno ? `${e.name} = ${e.errno}` : e.name;
      if (e.name === 'execve' || e.name === 'execveat') {
        if (e.retval === 0 || (e.ret === null && !e.errno)) {
          const prog = programOf(e.args);
          if (prog) seq.program = prog;
        }
      }
      if ((e.name === 'clone' || e.name === 'clone3' || e.name === 'fork' || e.name === 'vfork') && e.retval !== null && e.retval > 0) {
        const child = this.byPid.get(e.retval);
        if (child && !child.program) child.program = seq.program;
        else if (!child) this.pendingChild.set(e.retval, seq.program);
      }
    } else if (e.kind === 'signal') {
      token = `--- ${e.signal}`;
    } else {
      token = e.what === 'exited' ? `+++ exited ${e.exitCode ?? ''}`.trim() : e.what === 'killed' ? `+++ killed by ${e.signal ?? ''}`.trim() : `+++ ${e.what}`;
    }
    if (seq.calls.length >= MAX_CALLS) {
      seq.dropped++;
      return;
    }
    seq.calls.push({ token, line: e.line, text: e.text.length > MAX_TEXT ? `${e.text.slice(0, MAX_TEXT)}…` : e.text });
  }

  finish(): ProcessSequence[] {
    return [...this.byPid.values()].sort((a, b) => a.order - b.order);
  }

  private sequence(pid: number | null): ProcessSequence | undefined {
    let s = this.byPid.get(pid);
    if (s) return s;
    if (this.byPid.size >= MAX_PROCESSES) {
      this.processesDropped++;
      return undefined;
    }
    s = { pid, program: (pid !== null && this.pendingChild.get(pid)) || '', calls: [], dropped: 0, order: this.byPid.size };
    if (pid !== null) this.pendingChild.delete(pid);
    this.byPid.set(pid, s);
    return s;
  }
}

/** `"/usr/sbin/php-fpm8.2", ["php-fpm: pool www"], …` → `php-fpm8.2` */
function programOf(args: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"/.exec(args.trimStart());
  if (!m) return '';
  const path = m[1];
  return path.slice(path.lastIndexOf('/') + 1);
}
