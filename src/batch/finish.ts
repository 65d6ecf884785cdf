/**
 * What is done with a case's result once it is analysed: its JSON and HTML
 * reports rendered and written whole under temporary names, and the little
 * the batch keeps of it (its summary row, the sha256 of its inputs, its
 * findings as lines of findings.jsonl and rows of index.html). On a pool
 * thread this runs in the case's own task (worker.ts), so the main thread
 * never holds a whole result nor renders one: with --jobs 2 the rendering is
 * shared by the threads instead of queueing on the one thread that hands out
 * cases. A runner without threads (in-process, the queue) has it run on the
 * main thread, with the same bytes written.
 *
 * The batch renames the temporary files into place (`commitReports`) when it
 * takes the case as done, not the thread: a case cancelled by Ctrl-C after
 * its thread wrote its reports then leaves only temporary files, which the
 * batch removes, never the reports of a case its summary does not list.
 */
import { renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { TimeFormatter } from '../../reports/format.js';
import { loadRenderer } from '../../reports/index.js';
import type { InputInfo, RunResult } from '../model/index.js';
import { INDEX_FINDINGS_MAX, serverOf, type IndexFinding } from './index-page.js';
import { recordOf, type CaseRecord } from './summary.js';
import { isMainThread } from 'node:worker_threads';
import { writeTemp, writeTempSync } from './write.js';

/** Plain data: it crosses to the thread that runs the case. */
export interface CaseJob {
  base: Pick<CaseRecord, 'name' | 'kind' | 'bytes'>;
  /** the output folder, absolute */
  out: string;
  /** the case's report files, relative to `out` */
  reports: { json: string; html: string };
  /** archive entries that are not files (links, devices…): listed among the case's inputs, never read */
  skipped: InputInfo[];
}

/** A case's findings as the summaries want them. */
export interface CaseFindings {
  /** findings.jsonl's lines of this case */
  lines: string;
  /** index.html's rows (at most INDEX_FINDINGS_MAX) */
  rows: IndexFinding[];
  /** what holding `lines` and `rows` costs, roughly */
  bytes: number;
}

export type CaseDone =
  | {
      ok: true;
      /** its `seconds` is the caller's to set (it times the case from before the run) */
      record: CaseRecord;
      /** the reports, written whole under these temporary names (absolute) beside their places */
      temps: { json: string; html: string };
      /** sha256 of each input read to its end, by input name (the resume key's digests) */
      sha256: Record<string, string>;
      findings: CaseFindings;
    }
  /** the reports could not be written: --out is unwritable, which ends the batch */
  | { ok: false; writeError: string };

export async function finishCase(result: RunResult, job: CaseJob): Promise<CaseDone> {
  if (job.skipped.length) result.inputs.push(...job.skipped);
  const record = recordOf(job.base, result, 0, job.reports);
  const [renderJson, renderHtml] = await Promise.all([loadRenderer('json'), loadRenderer('html')]);
  // Rendered before anything is written: a renderer that throws leaves no file behind.
  const json = await renderJson(result, {});
  const html = await renderHtml(result, {});
  const temps = { json: '', html: '' };
  const write = isMainThread ? writeTemp : async (file: string, data: string) => writeTempSync(file, data);
  try {
    temps.json = await write(path.join(job.out, job.reports.json), json);
    temps.html = await write(path.join(job.out, job.reports.html), html);
  } catch (err) {
    if (temps.json) await rm(temps.json, { force: true });
    return { ok: false, writeError: (err as Error)?.message ?? String(err) };
  }
  const sha256: Record<string, string> = {};
  for (const i of result.inputs) if (i.sha256) sha256[i.path] = i.sha256;
  return { ok: true, record, temps, sha256, findings: findingsOf(record, result) };
}

/**
 * A finished case's reports renamed into place (throws when they cannot be; the temporary files
 * are then removed). Blocking: a rename is one short system call, where a promise's trip through
 * libuv's pool and back cost the main thread 0.14 ms per file (bench/batch tiny, profiled).
 */
export function commitReports(done: CaseDone & { ok: true }, job: CaseJob): void {
  try {
    renameSync(done.temps.json, path.join(job.out, job.reports.json));
    renameSync(done.temps.html, path.join(job.out, job.reports.html));
  } catch (err) {
    rmSync(done.temps.json, { force: true });
    rmSync(done.temps.html, { force: true });
    throw err;
  }
}

export function findingsOf(r: CaseRecord, result: RunResult): CaseFindings {
  const fmt = new TimeFormatter(result);
  let lines = '';
  const rows: IndexFinding[] = [];
  result.findings.forEach((f, i) => {
    const href = `${r.report_html}#finding-${i}`;
    lines += JSON.stringify({ case: r.name, report: href, ...f }) + '\n';
    if (i < INDEX_FINDINGS_MAX)
      rows.push({
        case: r.name,
        href,
        id: f.id,
        detector: f.detector,
        severity: f.severity,
        title: f.title,
        server: serverOf(f),
        url: f.subject.url ?? '',
        start: f.start,
        time: fmt.format(f.start),
      });
  });
  return { lines, rows, bytes: lines.length * 2 };
}
