/**
 * exec-failed: a program could not be started — execve/execveat failing
 * (ENOENT, EACCES, ENOEXEC, …) and never retried successfully, a shell
 * giving up on a command (exit 127 "not found", 126 "cannot execute"), or a
 * program crashing (SIGSEGV, SIGABRT, …) right after it started. Quiet on execvp walking
 * $PATH (a later exec of the same name succeeded).
 */
import type { FailedCall, FindingDraft, ProcessExit } from '../model/index.js';
import { failureDetails, type StraceFailureDetails, failureEvidence, failureKey, failureSubject, failureTime, fullPath, progName, straceInputs, whoText } from './strace-facts.js';
import type { Detector } from './types.js';

/** calls after an execve within which a kill counts as dying at start */
const DIED_AT_START = 200; /* calls */
const SHELLS = /^(?:sh|bash|dash|ash|zsh|ksh|busybox)$/;
/** signals of a program crashing by itself (SIGKILL/SIGTERM come from outside: a supervisor, the OOM killer) */
const CRASH_SIGNALS: ReadonlySet<string> = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGABRT', 'SIGFPE', 'SIGSYS', 'SIGTRAP']);

const WHY: Record<string, string> = {
  ENOENT: 'the file does not exist (or its interpreter named on the #! line, or its dynamic loader, does not)',
  EACCES: 'the file is not executable by this user, or a folder on its path is not searchable, or it lies on a noexec mount',
  ENOEXEC: 'the file is not in a format the kernel can run (no #! line, wrong architecture)',
  ETXTBSY: 'the file is open for writing (being replaced)',
  E2BIG: 'the arguments and environment are too large',
  EPERM: 'a security policy forbids it',
};

export type ExecFailedDetails =
  | (StraceFailureDetails & { program_tried: string; argv_tried?: string[] })
  | { source: 'strace'; pid: number; line: number; program?: string; argv?: string[]; stderr?: string[]; command?: string };

export const execFailed: Detector = {
  id: 'exec-failed',
  description: 'A program that could not be started: execve failing, a shell exiting 127/126 (command not found / not executable), or a program killed right after it started.',
  detect: (run) => {
    const out: FindingDraft[] = [];
    for (const { path, model } of straceInputs(run)) {
      for (const f of model.failedCalls) {
        if ((f.call.name === 'execve' || f.call.name === 'execveat') && f.recoveredBy === undefined) out.push(execveFinding(path, f));
      }
      const execFailedPids = new Set(model.failedCalls.filter((f) => f.call.name.startsWith('execve')).map((f) => f.tgid));
      for (const x of model.exits) {
        if (execFailedPids.has(x.pid)) continue;
        const d = exitFinding(path, x);
        if (d !== undefined) out.push(d);
      }
    }
    return out;
  },
};

function execveFinding(path: string, f: FailedCall): FindingDraft {
  const prog = fullPath(f) ?? '(path not printed)';
  const details: ExecFailedDetails = { ...failureDetails(f), program_tried: prog };
  if (f.call.decoded?.argv !== undefined) details.argv_tried = f.call.decoded.argv;
  const why = WHY[f.errno] ?? `the kernel refused (${f.errno})`;
  return {
    detector: 'exec-failed',
    severity: 'error',
    title: `${whoText(f).split(' (')[0]} could not run ${prog}: ${f.errno}`,
    input: path,
    start: f.call.t,
    end: failureTime(f),
    subject: failureSubject(f),
    evidence: failureEvidence(path, f),
    details,
    explanation: `${whoText(f)} tried to run ${prog} and execve failed with ${f.errno}: ${why}.${f.repeats ? ` It tried ${f.repeats + 1} times.` : ''} Check that the program is installed in this image (a binary present on the developer's machine or in another container is a common cause) and the path in the configuration.`,
    lanes: [`${path}#tid:${f.pid}`],
    eventKeys: [failureKey(path, f)],
  };
}

function exitFinding(path: string, x: ProcessExit): FindingDraft | undefined {
  const prog = progName(x.exec?.path);
  const said = (x.stderr ?? []).join('').trim();
  let title: string;
  let explanation: string;
  const details: Extract<ExecFailedDetails, { pid: number }> = { source: 'strace', pid: x.pid, line: x.line };
  if (x.exec !== undefined) details.program = x.exec.path;
  if (x.exec?.argv !== undefined) details.argv = x.exec.argv;
  if (said) details.stderr = x.stderr;
  if ((x.code === 127 || x.code === 126) && prog !== undefined && SHELLS.test(prog)) {
    const m = /([^\s:]+): (?:command )?not found|([^\s:]+): (?:Permission denied|cannot execute)/.exec(said);
    const cmd = m?.[1] ?? m?.[2];
    if (cmd !== undefined) details.command = cmd;
    title = x.code === 127 ? `${prog} could not run ${cmd ?? 'a command'}: command not found (exit 127)` : `${prog} could not run ${cmd ?? 'a command'}: not executable (exit 126)`;
    explanation = `${prog} (pid ${x.pid}) exited ${x.code}${said ? ` after writing "${said.slice(0, 160)}"` : ''}: ${x.code === 127 ? `${cmd ?? 'the command'} is in no folder of its $PATH` : `${cmd ?? 'the command'} exists but cannot be executed`}. A program that calls it (PHP's mail() runs sendmail this way) sees only a failure code. Install it in this image or fix the configured path.`;
  } else if (x.signal !== undefined && CRASH_SIGNALS.has(x.signal) && x.exec !== undefined && (x.callsAfterExec ?? Infinity) <= DIED_AT_START) {
    title = `${prog} was killed by ${x.signal} right after it started`;
    explanation = `${prog} (pid ${x.pid}) was killed by ${x.signal} ${x.callsAfterExec} calls after its execve: it crashed while starting (a missing library, a wrong architecture, a bad configuration) or was killed by a supervisor.`;
  } else return undefined;
  const evidence = [{ input: path, line: x.line, text: `+++ ${x.signal !== undefined ? `killed by ${x.signal}` : `exited with ${x.code}`} +++` }];
  if (x.exec !== undefined) evidence.unshift({ input: path, line: x.exec.line, text: `execve(${JSON.stringify(x.exec.path)}, ${JSON.stringify(x.exec.argv ?? [])}, …) = 0` });
  return {
    detector: 'exec-failed',
    severity: 'error',
    title,
    input: path,
    start: x.exec?.t ?? x.t,
    end: x.t,
    subject: { pid: x.pid },
    evidence,
    details,
    explanation,
    lanes: [`${path}#tid:${x.pid}`],
    eventKeys: [`${path}#pid:${x.pid}#exit:${x.line}`],
  };
}
