/**
 * path-missing: a write or create failing with ENOENT or ENOTDIR because a
 * folder in the path does not exist, or a file the program needed (it then
 * failed: exited non-zero, or wrote to stderr and exited non-zero). Not
 * every ENOENT: probing optional files is what healthy programs do, and the
 * analysis drops those it went on from.
 */
import type { FailedCall, FindingDraft, ProcessExit } from '../model/index.js';
import { threadFailed } from '../analysis/strace/index.js';
import { failureDetails, type StraceFailureDetails, failureEvidence, failureKey, failureSubject, failureTime, fullPath, straceInputs, whoText } from './strace-facts.js';
import type { Detector } from './types.js';

const MISSING: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR']);
const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;
const CREATES: ReadonlySet<string> = new Set(['mkdir', 'mkdirat', 'creat', 'rename', 'renameat', 'renameat2']);
const OPENS: ReadonlySet<string> = new Set(['open', 'openat', 'openat2']);

export type PathMissingDetails = StraceFailureDetails & {
  path: string;
  missing_folder?: string;
  flags?: string;
  kind: 'write or create' | 'read the program failed on';
};

export const pathMissing: Detector = {
  id: 'path-missing',
  description: 'A write or create failing because a folder in the path does not exist (ENOENT/ENOTDIR), or a file the program then failed on.',
  detect: (run) => {
    const out: FindingDraft[] = [];
    for (const { path, model } of straceInputs(run)) {
      const failedExit = new Map<number, ProcessExit>();
      for (const x of model.exits) failedExit.set(x.pid, x);
      for (const f of model.failedCalls) {
        if (!MISSING.has(f.errno)) continue;
        const n = f.call.name;
        const write = CREATES.has(n) || (OPENS.has(n) && WRITE_FLAGS.test(f.call.decoded?.flags ?? ''));
        if (!write) {
          // a read the program then failed on: it named the file on stderr, and the process ended in failure
          // (a program printing another error loads its message catalogs first: those ENOENTs are not the cause)
          if (!OPENS.has(n) || !threadFailed(f) || (!failedExit.has(f.tgid) && (f.exitAfter?.code ?? 0) === 0)) continue;
          if (!namedOnStderr(f)) continue;
        }
        out.push(finding(path, f, write));
      }
    }
    return out;
  },
};

/** A write to stderr after the failure names the file (its base name), as "cannot open x.conf" does. */
function namedOnStderr(f: FailedCall): boolean {
  const p = f.call.decoded?.path;
  if (p === undefined) return false;
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (base.length < 2) return false;
  return f.after.some((c) => c.fd === 2 && (c.name === 'write' || c.name === 'writev') && c.text.includes(base));
}

function finding(path: string, f: FailedCall, write: boolean): FindingDraft {
  const target = fullPath(f) ?? '(path not printed)';
  const rel = f.call.decoded?.path ?? target;
  const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) || '/' : undefined;
  const n = f.call.name;
  const what = n.startsWith('mkdir') ? `create the folder ${rel}` : n.startsWith('rename') ? `rename ${rel} to ${f.call.decoded?.path2 ?? '?'}` : write ? `create ${rel}` : `open ${rel}`;
  const cause =
    f.errno === 'ENOTDIR'
      ? `A part of ${rel} is a file, not a folder.`
      : write && folder !== undefined
        ? `The folder ${folder} does not exist${f.call.decoded?.dir !== undefined && !rel.startsWith('/') ? ` (relative to ${f.call.decoded.dir})` : ''}: nothing created it (an image or volume without it, a deploy step that did not run, a wrong base path in the configuration).`
        : write
          ? `The working folder${f.call.decoded?.dir !== undefined ? ` ${f.call.decoded.dir}` : ''} is gone.`
          : `The file is not there, and the program could not go on without it: a missing config or data file, or a path built from a wrong setting.`;
  const details: PathMissingDetails = { ...failureDetails(f), path: target, kind: write ? 'write or create' : 'read the program failed on' };
  if (folder !== undefined) details.missing_folder = folder;
  if (f.call.decoded?.flags !== undefined) details.flags = f.call.decoded.flags;
  return {
    detector: 'path-missing',
    severity: 'error',
    title: `${whoText(f).split(' (')[0]} could not ${what}: ${f.errno}${write && folder !== undefined && f.errno === 'ENOENT' ? ` (folder ${folder} missing)` : ''}`,
    input: path,
    start: f.call.t,
    end: failureTime(f),
    subject: failureSubject(f),
    evidence: failureEvidence(path, f),
    details,
    explanation: `${whoText(f)} called ${n}(${JSON.stringify(rel)}${f.call.decoded?.flags !== undefined ? `, ${f.call.decoded.flags}` : ''}) and it failed with ${f.errno}. ${cause}`,
    lanes: [`${path}#tid:${f.pid}`],
    eventKeys: [failureKey(path, f)],
  };
}
