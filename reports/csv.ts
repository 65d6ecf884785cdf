import { stringify } from 'csv-stringify/sync';
import { visible, type Finding, type RunResult } from '../src/model/index.js';
import type { ReportOptions } from './index.js';
import { citedInputs, formatSubject, TimeFormatter } from './format.js';

export const CSV_COLUMNS = ['id', 'detector', 'severity', 'start', 'end', 'start_time', 'subject', 'title', 'explanation', 'inputs', 'evidence'] as const;

/**
 * The findings, one per row, for a spreadsheet or a script. `start`/`end`
 * are seconds on the run's clock as in the JSON (epoch seconds when the run
 * has wall-clock time); `start_time` is the same moment for people. Text
 * cells that would start a spreadsheet formula (=, +, -, @, tab, CR) get a
 * leading quote: trace text is attacker-controlled. A CSV has no place for a
 * note, so every row says in `redacted` whether secrets were redacted.
 * Control characters from traces and file names are written visibly
 * escaped (`visible`): a CSV is often `cat` to a terminal.
 */
export function renderCsv(result: RunResult, opts: ReportOptions): string {
  return [...renderCsvChunks(result, opts)].join('');
}

/** Rows written at a time by `renderCsvChunks`. */
export const CSV_BATCH = 1024;

/**
 * The CSV in pieces of `batch` rows, for a writer that sends each on before the next is made:
 * joined, they are the whole CSV (each row's text depends on that row alone; the header comes
 * with the first piece). Whole, a curl run's 13 MB CSV, its rows as objects and the text were
 * 20-30 MB of the CLI's peak.
 */
export function* renderCsvChunks(result: RunResult, _opts: ReportOptions, batch = CSV_BATCH): Generator<string> {
  const fmt = new TimeFormatter(result);
  const row = (f: Finding) => ({
    id: f.id,
    detector: f.detector,
    severity: f.severity,
    // numbers stay numbers, so a negative relative time is not taken for a formula
    start: f.start,
    end: f.end,
    start_time: fmt.format(f.start),
    subject: cell(formatSubject(f.subject)),
    title: cell(f.title),
    explanation: cell(f.explanation ?? ''),
    inputs: cell(citedInputs(f).join('; ')),
    evidence: cell(f.evidence.map((e) => `${e.input}${e.line !== undefined ? `:${e.line}` : ''}${e.packet !== undefined ? `#${e.packet}` : ''}`).join('; ')),
    redacted: result.redacted ? 'yes' : 'no',
  });
  const findings = result.findings;
  let at = 0;
  do {
    yield stringify(findings.slice(at, at + batch).map(row), {
      header: at === 0,
      columns: [...CSV_COLUMNS, 'redacted'],
      escape_formulas: true,
      record_delimiter: 'unix',
    });
    at += batch;
  } while (at < findings.length);
}

/** A cell may hold line breaks (quoted); every other control character is written visibly. */
function cell(s: string): string {
  return visible(s, { keepNewlines: true });
}
