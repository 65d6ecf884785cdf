/**
 * `faultline batch` as a library: find the cases under the inputs, run each
 * through an injected Runner (the worker-thread pool by default, BullMQ
 * workers for the queue), and write --out:
 *
 *   summary.csv       a row per case
 *   findings.jsonl    every finding, with its case
 *   index.html        the cases and the findings across them, sortable and filterable
 *   cases/<stem>.json and .html   each case's reports (stem: a slug and a hash of the case name)
 *
 * Every file is written under a temporary name and renamed into place, so a
 * Ctrl-C or a crash never leaves half a file. A case's reports are rendered
 * and written by the task that analysed it, on its pool thread (finish.ts,
 * worker.ts: this thread only hands out cases and keeps their summaries), and
 * renamed into place here, before its journal line is appended (state.ts):
 * --resume trusts only cases whose every file is whole. One bad case never stops the others; a case
 * that fails is a row with its reason.
 */
import { availableParallelism } from 'node:os';
import { access, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Detector } from '../pipeline/index.js';
import { FaultlineError, type InputInfo, type RunResult, type RunSpec, type SourceRef } from '../model/index.js';
import { DETECTORS, specFromSources, type SpecFlags } from '../pipeline/index.js';
import { VERSION } from '../pipeline/version.js';
import { compiledModule } from '../runner/compiled.js';
import { isThreadedRunner, type Runner } from '../runner/types.js';
import { DEFAULT_ARCHIVE_LIMITS, listCaseArchive, type ArchiveLimits } from './archive.js';
import { discoverCases, type FoundCase } from './discover.js';
import { commitReports, finishCase, findingsOf, type CaseDone, type CaseFindings, type CaseJob } from './finish.js';
import { INDEX_FINDINGS_MAX, renderIndex, type IndexFinding } from './index-page.js';
import { caseFileStem } from './names.js';
import { caseKey, fileDigest, JOURNAL, JournalWriter, readJournal, type FileDigest, type JournalEntry } from './state.js';
import { failedRecord, summaryCsv, type CaseRecord } from './summary.js';
import { AtomicStream, removeStaleTemps, writeAtomic } from './write.js';

export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive.js';
export type { CaseRecord, CaseStatus } from './summary.js';
export { discoverCases, type FoundCase } from './discover.js';

export interface BatchOptions {
  /** folders, archives and files, as given on the command line */
  inputs: string[];
  /** the output folder (created if missing) */
  out: string;
  /** runs the cases; its life is the caller's (runBatch never closes it) */
  runner: Runner;
  /** the run's options as flag strings (detectors, min severity, join window, date, zone, redact) */
  flags?: SpecFlags;
  /** skip cases whose inputs, faultline version and options are unchanged since they were done */
  resume?: boolean;
  /** ms per case; past it the case fails with E_TIMEOUT */
  caseTimeoutMs?: number;
  limits?: ArchiveLimits;
  /** cases handed to the runner at once; default twice its threads, so none waits on our writing */
  concurrency?: number;
  /** aborting stops the batch: running cases are cancelled, finished ones kept, the summary written for them */
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  /** a case finished (or was skipped by --resume) */
  onCase?: (record: CaseRecord, skipped: boolean) => void;
  /** the detectors flags are checked against and summary.csv has a column for (default: the registry) */
  registry?: readonly Detector[];
}

export interface BatchProgress {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  running: number;
  /** bytes on disk of all cases, and of the cases done */
  bytesTotal: number;
  bytesDone: number;
}

export interface BatchOutcome {
  /** the cases done (analysed, failed or skipped as done before), in discovery order */
  records: CaseRecord[];
  /** cases found */
  found: number;
  skipped: number;
  interrupted: boolean;
  /** 0: every case analysed; 3: some failed or could be read only in part */
  exitCode: 0 | 3;
  out: { summary: string; findings: string; index: string };
}

export async function runBatch(opts: BatchOptions): Promise<BatchOutcome> {
  const registry = opts.registry ?? DETECTORS;
  // The run's options, checked once (E_USAGE) before anything is written.
  const base = specFromSources([], opts.flags ?? {}, registry);
  const limits = opts.limits ?? DEFAULT_ARCHIVE_LIMITS;
  const out = path.resolve(opts.out);
  const casesDir = path.join(out, 'cases');
  const journalFile = path.join(out, JOURNAL);
  try {
    await mkdir(casesDir, { recursive: true });
  } catch (err) {
    throw new FaultlineError('E_OUTPUT', `cannot create the output folder: ${(err as Error).message}`, { file: opts.out });
  }
  await removeStaleTemps(out);
  await removeStaleTemps(casesDir);
  const journal = opts.resume ? await readJournal(journalFile) : new Map<string, JournalEntry>();

  const cases = await discoverCases(opts.inputs, { exclude: [out] });
  const journalOut = await JournalWriter.open(journalFile, !opts.resume);
  const records: (CaseRecord | undefined)[] = new Array(cases.length);
  const progress: BatchProgress = {
    total: cases.length,
    done: 0,
    failed: 0,
    skipped: 0,
    running: 0,
    bytesTotal: cases.reduce((n, c) => n + c.bytes, 0),
    bytesDone: 0,
  };
  const report = () => opts.onProgress?.({ ...progress });
  const cached = new Map<string, CaseFindings>();
  let cachedBytes = 0;
  // On a pool's threads a case's reports are rendered and written by its own task (finish.ts).
  const runner = opts.runner;
  const threaded = isThreadedRunner(runner) ? { runner, workerFile: batchWorkerFile() } : undefined;

  const runOne = async (c: FoundCase): Promise<{ record: CaseRecord; skipped: boolean } | undefined> => {
    const baseRec = { name: c.name, kind: c.kind, bytes: c.bytes };
    if (c.error) return { record: failedRecord(baseRec, c.error.code, c.error.message, 0), skipped: false };
    const stem = caseFileStem(c.name);
    const reports = { json: `cases/${stem}.json`, html: `cases/${stem}.html` };
    const known = journal.get(c.name);

    // The resume key needs each file's digest. Before the run only when --resume has this case
    // done (from the journal while a file's stat is unchanged); otherwise after it, from the
    // sha256 the run computed of each input's bytes as stored (no second read), reading only
    // what the run did not (an archive itself, a skipped file). A file that cannot be read
    // again leaves the case out of the journal (it runs again on --resume), never fails it.
    const digestAll = (taken?: Record<string, string>): Promise<FileDigest[] | undefined> =>
      Promise.all(
        c.files.map((f) => {
          const sha256 = taken?.[f.name];
          return sha256 ? { size: f.size, mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs, ino: f.ino, sha256 } : fileDigest(f, known?.files, opts.signal);
        }),
      ).catch(() => undefined);
    const keyOf = (d: FileDigest[] | undefined): string | undefined =>
      d && caseKey(VERSION, base, d.map((x, i) => ({ name: c.files[i].name, sha256: x.sha256 })));

    let early: Promise<FileDigest[] | undefined> | undefined;
    if (known && known.record.status !== 'failed') {
      early = digestAll();
      if (keyOf(await early) === known.key && (await exists(path.join(out, reports.json))) && (await exists(path.join(out, reports.html))))
        return { record: { ...known.record, report_json: reports.json, report_html: reports.html }, skipped: true };
    }
    // An archive is read only as members by the run: its own digest is taken beside it.
    if (!early && c.kind === 'archive') early = digestAll();

    const started = performance.now();
    const sources: SourceRef[] = [];
    const expandErrors: RunSpec['expand_errors'] = [];
    const skippedInputs: InputInfo[] = [];
    if (c.kind === 'archive') {
      const listing = await listCaseArchive(c.files[0].path, c.name, limits, opts.signal);
      if (opts.signal?.aborted) return undefined;
      if (listing.error && listing.members.length === 0)
        return { record: failedRecord(baseRec, listing.error.code, listing.error.message, seconds(started)), skipped: false };
      if (listing.error) expandErrors.push({ name: c.name, code: listing.error.code, message: listing.error.message });
      // In name order, bytewise, as a folder's files are: an archive case is the folder it was packed from, whatever order the archiver chose.
      const members = [...listing.members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const m of members)
        sources.push({ kind: 'archive-member', archive: c.files[0].path, member: m.name, name: `${c.name}!${m.name}`, size: m.size });
      for (const s of listing.skipped)
        skippedInputs.push({ path: `${c.name}!${s.name}`, format: 'unknown', status: 'skipped', events: 0, clock: 'none', warnings: [], notes: [s.reason ?? 'not a regular file'] });
    } else {
      for (const f of c.files)
        sources.push({ kind: 'file', path: f.path, name: f.name, ...(c.kind === 'folder' ? { folder: c.name } : {}) });
    }
    const spec: RunSpec = { ...base, sources, expand_errors: expandErrors };

    const job: CaseJob = { base: baseRec, out, reports, skipped: skippedInputs };
    const runOpts = { signal: opts.signal, timeoutMs: opts.caseTimeoutMs, key: c.name };
    let done: CaseDone;
    try {
      done = threaded
        ? await threaded.runner.runOnThread<CaseDone>(threaded.workerFile, spec, job, runOpts)
        : await finishCase(await runner.run(spec, runOpts), job);
    } catch (err) {
      if (opts.signal?.aborted) return undefined; // cancelled by the interrupt: not done, not recorded
      const e = err instanceof FaultlineError ? err : new FaultlineError('E_INTERNAL', (err as Error)?.message ?? String(err));
      return { record: failedRecord(baseRec, e.code, e.message, seconds(started)), skipped: false };
    }
    if (!done.ok) throw new FaultlineError('E_OUTPUT', `cannot write the reports of case ${c.name}: ${done.writeError}`, { file: opts.out });
    try {
      commitReports(done, job);
    } catch (err) {
      throw new FaultlineError('E_OUTPUT', `cannot write the reports of case ${c.name}: ${(err as Error).message}`, { file: opts.out });
    }
    const record: CaseRecord = { ...done.record, seconds: seconds(started) };

    const d = early ? await early : await digestAll(done.sha256);
    const key = keyOf(d);
    if (d && key) {
      const files: Record<string, FileDigest> = {};
      d.forEach((x, i) => (files[c.files[i].path] = x));
      await journalOut.append({ case: c.name, key, files, record });
    }
    // What the summaries need of this case, kept while small (cases skipped or past the budget are read back from their JSON).
    const listed = done.findings;
    if (cachedBytes + listed.bytes <= FINDINGS_CACHE_BYTES) {
      cachedBytes += listed.bytes;
      cached.set(c.name, listed);
    }
    return { record, skipped: false };
  };

  // A fixed number of cases in flight, taken in order: discovery order is also the summary's.
  const concurrency = Math.max(1, opts.concurrency ?? 2 * ((opts.runner as { jobs?: number }).jobs ?? availableParallelism()));
  let next = 0;
  let stopped = false; // --out became unwritable: no lane takes another case
  const lane = async () => {
    while (next < cases.length && !opts.signal?.aborted && !stopped) {
      const i = next++;
      progress.running++;
      report();
      let done: Awaited<ReturnType<typeof runOne>>;
      try {
        done = await runOne(cases[i]);
      } catch (err) {
        // --out unwritable ends the batch; anything else is a bug of ours, kept on the case it hit.
        if (err instanceof FaultlineError && err.code === 'E_OUTPUT') {
          stopped = true;
          throw err;
        }
        if (opts.signal?.aborted) continue;
        const c = cases[i];
        done = { record: failedRecord({ name: c.name, kind: c.kind, bytes: c.bytes }, 'E_INTERNAL', (err as Error)?.message ?? String(err), 0), skipped: false };
      } finally {
        progress.running--;
      }
      if (!done) continue;
      records[i] = done.record;
      progress.done++;
      progress.bytesDone += cases[i].bytes;
      if (done.skipped) progress.skipped++;
      if (done.record.status === 'failed') progress.failed++;
      opts.onCase?.(done.record, done.skipped);
      report();
    }
  };
  const lanes = Array.from({ length: Math.min(concurrency, Math.max(1, cases.length)) }, lane);
  const settled = await Promise.allSettled(lanes);
  await journalOut.close();
  // Reports a cancelled or stopped case's thread wrote but the batch never took (see finish.ts).
  await removeStaleTemps(casesDir);
  const fatal = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');

  const doneRecords = records.filter((r): r is CaseRecord => r !== undefined);
  const interrupted = Boolean(opts.signal?.aborted) && doneRecords.length < cases.length;
  let outFiles: BatchOutcome['out'];
  try {
    outFiles = await writeSummaries(out, doneRecords, cached, cases.length, interrupted, registry);
  } catch (err) {
    throw fatal?.reason ?? new FaultlineError('E_OUTPUT', `cannot write the summary: ${(err as Error).message}`, { file: opts.out });
  }
  if (fatal) throw fatal.reason;
  return {
    records: doneRecords,
    found: cases.length,
    skipped: progress.skipped,
    interrupted,
    // A case that held no trace (a README lying beside the incidents) is listed as such, not an error of the batch.
    exitCode: doneRecords.some((r) => r.status === 'failed' || r.status === 'partial') ? 3 : 0,
    out: outFiles,
  };
}

/**
 * Findings held in memory for findings.jsonl and the index, up to this many bytes of JSON
 * lines; past it a case's findings are read back from its JSON report when the summaries are
 * written (a batch of thousands of cases with thousands of findings each stays bounded).
 */
const FINDINGS_CACHE_BYTES = 64 * 1024 * 1024;

/** summary.csv, findings.jsonl and index.html for the cases done, each renamed into place whole. */
async function writeSummaries(
  out: string,
  records: CaseRecord[],
  cached: Map<string, CaseFindings>,
  found: number,
  interrupted: boolean,
  registry: readonly Detector[],
): Promise<BatchOutcome['out']> {
  const files = { summary: path.join(out, 'summary.csv'), findings: path.join(out, 'findings.jsonl'), index: path.join(out, 'index.html') };
  const detectorIds = registry.map((d) => d.id).sort();
  await writeAtomic(files.summary, summaryCsv(records, detectorIds));

  const jsonl = new AtomicStream(files.findings);
  const indexFindings: IndexFinding[] = [];
  let total = 0;
  try {
    for (const r of records) {
      if (!r.report_json || r.findings === 0) continue;
      const f = cached.get(r.name) ?? findingsOf(r, JSON.parse(await readFile(path.join(out, r.report_json), 'utf8')) as RunResult);
      await jsonl.write(f.lines);
      total += r.findings;
      for (const row of f.rows) {
        if (indexFindings.length >= INDEX_FINDINGS_MAX) break;
        indexFindings.push(row);
      }
    }
    await jsonl.commit();
  } catch (err) {
    await jsonl.abandon();
    throw err;
  }
  await writeAtomic(
    files.index,
    renderIndex({ version: VERSION, cases: records, findings: indexFindings, findingsTotal: total, casesFound: found, interrupted, detectorIds }),
  );
  return files;
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/** batch's own pool task (worker.ts), compiled, for the pool's threads to load. */
function batchWorkerFile(): string {
  return compiledModule(import.meta.url, 'worker.js');
}
