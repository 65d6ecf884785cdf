/**
 * The files a queued case reads, checked twice: digested when the case is queued
 * (the enqueuing machine's view of the shared mount), and again by the worker
 * before it analyses (its own view). A file that moved or changed between the two
 * fails the case clearly instead of analysing other bytes under the same name.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { FaultlineError, type RunSpec, type SourceRef } from '../model/index.js';
import type { FileCheck } from './job.js';

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file on the mount behind a source (an archive for its members), or null for sources no worker can reach. */
function fileOf(s: SourceRef): string | null {
  if (s.kind === 'file' || s.kind === 'upload') return s.path;
  if (s.kind === 'archive-member') return s.archive;
  return null;
}

/**
 * The spec as a worker must see it: every source an absolute path (on a mount the workers share
 * at the same path), with the size and sha256 of the bytes it names now. A source missing here
 * is left as it is: the worker's run reports it as that input's error, as a local run would.
 */
export async function pinSources(spec: RunSpec, signal?: AbortSignal): Promise<{ spec: RunSpec; files: FileCheck[] }> {
  const files = new Map<string, FileCheck>();
  const sources: SourceRef[] = [];
  for (const s of spec.sources) {
    if (s.kind === 'stdin' || s.kind === 'memory')
      throw new FaultlineError('E_USAGE', `${s.name}: ${s.kind === 'stdin' ? 'standard input' : 'an in-memory upload'} cannot go through the queue: store it on the shared mount first`);
    const abs = path.resolve(fileOf(s)!);
    let check = files.get(abs) ?? null;
    if (!check) {
      check = await checkNow(abs, signal);
      if (check) files.set(abs, check);
    }
    if (s.kind === 'archive-member') sources.push({ ...s, archive: abs });
    else if (check && s.sha256 !== undefined && s.sha256 !== check.sha256)
      throw new FaultlineError('E_CHANGED', `${s.name}: ${abs} changed since the case was built (sha256 ${short(check.sha256)}, expected ${short(s.sha256)})`);
    else sources.push(check ? { ...s, path: abs, sha256: check.sha256, size: check.size } : { ...s, path: abs });
  }
  return { spec: { ...spec, sources }, files: [...files.values()] };
}

async function checkNow(file: string, signal?: AbortSignal): Promise<FileCheck | null> {
  try {
    const st = await stat(file);
    if (!st.isFile()) return null;
    return { path: file, size: st.size, sha256: await sha256File(file, signal) };
  } catch (err) {
    if (signal?.aborted) throw new FaultlineError('E_CANCELLED', 'the run was cancelled');
    return null; // missing or unreadable: the run says so for that input
  }
}

/** On the worker: every file as it was queued, or the case fails (E_NOT_FOUND, E_CHANGED). */
export async function verifyFiles(files: FileCheck[], signal?: AbortSignal): Promise<void> {
  for (const f of files) {
    let size: number;
    try {
      const st = await stat(f.path);
      if (!st.isFile()) throw new FaultlineError('E_CHANGED', `${f.path}: no longer a regular file on this worker`);
      size = st.size;
    } catch (err) {
      if (err instanceof FaultlineError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        throw new FaultlineError('E_NOT_FOUND', `${f.path}: not found on this worker (is the shared mount at the same path here?)`);
      throw new FaultlineError('E_NOT_FOUND', `${f.path}: cannot be read on this worker (${code ?? (err as Error).message})`);
    }
    if (size !== f.size) throw new FaultlineError('E_CHANGED', `${f.path}: changed since the case was queued (${size} bytes here, ${f.size} when queued)`);
    const sha = await sha256File(f.path, signal);
    if (sha !== f.sha256) throw new FaultlineError('E_CHANGED', `${f.path}: changed since the case was queued (sha256 ${short(sha)} here, ${short(f.sha256)} when queued)`);
  }
}

function short(sha: string): string {
  return `${sha.slice(0, 12)}…`;
}
