import { stringify } from 'csv-stringify/sync';
import { visible, type RunResult } from '../src/model/index.js';
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
export function renderCsv(result: RunResult, _opts: ReportOptions): string {
  const fmt = new TimeFormatter(result);
  const rows = result.findings.map((f) => ({
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
  }));
  return stringify(rows, {
    header: true,
    columns: [...CSV_COLUMNS, 'redacted'],
    escape_formulas: true,
    record_delimiter: 'unix',
  });
}

/** A cell may hold line breaks (quoted); every other control character is written visibly. */
function cell(s: string): string {
  return visible(s, { keepNewlines: true });
}
