/**
 * write-denied: a file or folder could not be written — open/openat/creat for
 * writing, mkdir, rename, unlink, truncate failing with EACCES, EPERM or
 * EROFS. Names the path, the flags, the process and its uid when the log
 * shows it: a log or upload folder the service user cannot write, a
 * read-only root filesystem. Quiet on Python's bytecode cache writes, which
 * it skips silently when the folder is read-only.
 */
import type { FailedCall, FindingDraft } from '../model/index.js';
import { threadFailed } from '../analysis/strace/index.js';
import { failureDetails, type StraceFailureDetails, failureEvidence, failureKey, failureSubject, failureTime, fullPath, straceInputs, whoText } from './strace-facts.js';
import type { Detector } from './types.js';

const DENIED: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS']);
const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;
const WRITE_CALLS: ReadonlySet<string> = new Set(['mkdir', 'mkdirat', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat', 'rmdir', 'truncate', 'creat']);
/** caches programs write when they can and skip quietly when they cannot */
const QUIET_CACHES = /(?:^|\/)__pycache__\/|\.pyc(?:\.\d+)?$/;

export type WriteDeniedDetails = StraceFailureDetails & { path: string; flags?: string; folder: string };

export function isWriteDenied(f: FailedCall): boolean {
  if (!DENIED.has(f.errno)) return false;
  const n = f.call.name;
  const write = WRITE_CALLS.has(n) || ((n === 'open' || n === 'openat' || n === 'openat2') && WRITE_FLAGS.test(f.call.decoded?.flags ?? ''));
  if (!write) return false;
  return !QUIET_CACHES.test(f.call.decoded?.path ?? '');
}

export const writeDenied: Detector = {
  id: 'write-denied',
  description: 'A write, create, mkdir, rename or unlink refused (EACCES, EPERM, EROFS): path, flags, process and uid.',
  detect: (run) => {
    const out: FindingDraft[] = [];
    for (const { path, model } of straceInputs(run)) for (const f of model.failedCalls) if (isWriteDenied(f)) out.push(finding(path, f));
    return out;
  },
};

function finding(path: string, f: FailedCall): FindingDraft {
  const target = fullPath(f) ?? '(path not printed)';
  const flags = f.call.decoded?.flags;
  const dir = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) || '/' : '.';
  const uid = f.uid !== undefined ? ` as uid ${f.uid}${f.uid === 65534 ? ' (nobody)' : f.uid === 0 ? ' (root)' : ''}` : '';
  const what = f.call.name.startsWith('mkdir') ? 'create the folder' : f.call.name.startsWith('rename') ? 'rename' : f.call.name.startsWith('unlink') || f.call.name === 'rmdir' ? 'remove' : 'write';
  const why =
    f.errno === 'EROFS'
      ? `The filesystem holding ${target} is mounted read-only (a read-only container root filesystem, or a ConfigMap/Secret volume): write to a writable volume instead.`
      : f.errno === 'EPERM'
        ? 'The kernel refused regardless of the mode bits: an immutable or append-only attribute, a missing capability, or a security module (seccomp, AppArmor, SELinux).'
        : `The permissions of ${target} or of ${dir} do not let this user${uid} write: the folder belongs to another user (often root, made at image build time) — chown it to the service user or run the service as its owner.`;
  const failed = threadFailed(f);
  const details: WriteDeniedDetails = { ...failureDetails(f), path: target, folder: dir };
  if (flags !== undefined) details.flags = flags;
  return {
    detector: 'write-denied',
    severity: failed ? 'error' : 'warning',
    title: `${whoText(f).split(' (')[0]} could not ${what} ${target}${uid}: ${f.errno}`,
    input: path,
    start: f.call.t,
    end: failureTime(f),
    subject: failureSubject(f),
    evidence: failureEvidence(path, f),
    details,
    explanation: `${whoText(f)} called ${f.call.name}(${JSON.stringify(target)}${flags !== undefined ? `, ${flags}` : ''})${uid} and it failed with ${f.errno}. ${why}${failed ? ' The program then failed (wrote to stderr or exited non-zero).' : ' The program went on; what it meant to write is missing.'}`,
    lanes: [`${path}#tid:${f.pid}`],
    eventKeys: [failureKey(path, f)],
  };
}
