import { visible, type Finding, type RunResult } from '../src/model/index.js';
import type { ReportNotes, ReportOptions } from './index.js';
import {
  citedInputs,
  clockNote,
  evidenceLocation,
  formatBytes,
  formatCount,
  formatDuration,
  formatSubject,
  SEVERITY_ORDER,
  severityCounts,
  TimeFormatter,
} from './format.js';
import { groupWhen, groupWhere, inputChecked, isBusy, summaryGroups, unseen } from './summary.js';
import { troubleSentence, TRIED_HEADING, TRIED_INTRO, triedViews } from './tried.js';

/**
 * A summary to paste into a postmortem (GitHub/GitLab-flavoured Markdown,
 * which most wikis read): inputs, a findings table, and a paragraph per
 * error finding with its evidence lines. Trace text is escaped so it can
 * neither break the tables nor become links, HTML or headings.
 */
export function renderMarkdown(result: RunResult, opts: ReportOptions): string {
  return [...renderMarkdownChunks(result, opts)].join('');
}

/** Lines of the Markdown summary handed on at a time by `renderMarkdownChunks` (about 0.5 MB). */
export const MARKDOWN_CHUNK_LINES = 4096;

/**
 * The Markdown summary in pieces, for a writer that sends each on before the next is made: joined,
 * they are `renderMarkdown`'s string (a curl run's is 18 MB, its lines and their join were 50 MB of
 * the CLI's peak). See `Sheet` for how the whole text's clean-up holds across pieces.
 */
export function* renderMarkdownChunks(result: RunResult, opts: ReportOptions, chunkLines = MARKDOWN_CHUNK_LINES): Generator<string> {
  const fmt = new TimeFormatter(result);
  const counts = severityCounts(result.findings);
  const out = new Sheet(chunkLines);
  const n = result.findings.length;
  out.push(`# faultline: ${formatCount(n)} finding${n === 1 ? '' : 's'} (${SEVERITY_ORDER.map((s) => `${formatCount(counts[s])} ${s}`).join(', ')})`, '');
  out.push(
    result.redacted
      ? '> Secrets redacted: values of Authorization, Proxy-Authorization, Cookie and Set-Cookie headers and secret-looking URL parameters are shown as `[REDACTED]`.'
      : '> **Not redacted** (`--no-redact`): this summary may contain credentials. Do not share it as it is.',
    '',
  );
  out.push(`Times: ${clockSentence(fmt)}.`, '');
  const trouble = troubleSentence(result);
  if (trouble) out.push(`**${trouble}**: see [${TRIED_HEADING}](#${TRIED_HEADING.toLowerCase().replace(/ /g, '-')}).`, '');
  out.push(...notesSection(result, opts.notes));

  out.push('## Inputs', '');
  out.push(row(['Input', 'Format', 'Status', 'Size', 'Events', 'Time span', 'Clock', 'Warnings']), row(['---', '---', '---', '---:', '---:', '---', '---', '---:']));
  for (const i of result.inputs) {
    const off = result.clocks[i.path]?.offset ?? 0;
    const span = typeof i.first_t === 'number' && typeof i.last_t === 'number' ? `${fmt.format(i.first_t + off)} → ${fmt.format(i.last_t + off)} (${formatDuration(i.last_t - i.first_t)})` : '';
    out.push(
      row([
        code(i.path, true),
        text(i.format),
        text(i.status + (i.error ? `: ${i.error}` : '')),
        text(formatBytes(i.bytes)),
        String(i.events),
        text(span),
        text(clockNote(result, i.path)),
        String(i.warnings.length + (i.warnings_dropped ?? 0)),
      ]),
    );
  }
  out.push('');
  if (result.detector_failures.length) {
    out.push('Detectors that failed (their findings are missing):', '');
    for (const d of result.detector_failures) out.push(`- ${code(d.detector, false)}: ${text(d.error)}`);
    out.push('');
  }

  const collapsed = new Set<number>();
  if (isBusy(result)) {
    out.push('## Summary', '', 'Findings grouped by detector and by the server or endpoint they concern:', '');
    out.push(row(['Severity', 'Findings', 'Detector', 'Server or endpoint', 'When', 'Title']), row(['---', '---:', '---', '---', '---', '---']));
    for (const g of summaryGroups(result.findings)) {
      const sev = SEVERITY_ORDER.filter((s) => g.counts[s] > 0).map((s) => `${formatCount(g.counts[s])} ${s}`).join(', ');
      out.push(
        row([
          severity(g.severity),
          `${formatCount(g.findings.length)} (${sev})`,
          code(g.detector, true),
          g.folded ? text(groupWhere(g)) : g.where ? code(g.where, true) : '',
          text(groupWhen(g, fmt)),
          text(g.title) + (g.otherTitles ? ` (and ${formatCount(g.otherTitles)} other title${g.otherTitles === 1 ? '' : 's'})` : ''),
        ]),
      );
      for (const i of g.findings) if (result.findings[i].severity === 'info') collapsed.add(i);
    }
    out.push('');
    if (collapsed.size) out.push(`The ${collapsed.size} info findings are counted in this summary only (the JSON and HTML reports list each).`, '');
  }

  out.push('## Findings', '');
  if (n === 0) {
    out.push('No findings. Checked:', '');
    for (const i of result.inputs) {
      if (i.status !== 'read' && i.status !== 'partial') continue;
      const u = unseen(i);
      out.push(`- ${code(i.path, false)} (${text(i.format)}): ${text(inputChecked(i, result.lanes).join(', '))}${u ? `. ${text(u)}` : ''}${i.status === 'partial' ? ' Read only in part (see its warnings).' : ''}`);
    }
    out.push('');
  } else {
    out.push(row(['Id', 'Severity', 'Detector', 'Title', 'Subject', 'Time', 'Inputs']), row(['---', '---', '---', '---', '---', '---', '---']));
    for (const [fi, f] of result.findings.entries()) {
      if (collapsed.has(fi)) continue;
      out.push(
        row([
          text(f.id),
          severity(f.severity),
          code(f.detector, true),
          text(f.title),
          text(formatSubject(f.subject)),
          text(fmt.format(f.start)),
          citedInputs(f)
            .map((p) => code(p, true))
            .join(' '),
        ]),
      );
      if (out.full) yield out.take();
    }
    out.push('');
  }

  out.push(...triedSection(result));

  const errors = result.findings.filter((f) => f.severity === 'error');
  if (errors.length) {
    out.push('## Errors', '');
    for (const f of errors) {
      out.push(...errorParagraph(f, fmt));
      if (out.full) yield out.take();
      out.push('');
    }
  }
  yield out.end();
}

/**
 * The summary's lines, handed on a few thousand at a time. Whole, the text is the lines joined by
 * line breaks, its runs of blank lines cut to one, its end trimmed, then one line break. In pieces
 * the same holds because a piece only ends after a line whose last character is not white space:
 * no run of line breaks spans two pieces, and the end's trim, if all the rest is white space,
 * stops there as it would in the whole text.
 */
class Sheet {
  private lines: string[] = [];
  /** the line break between the last piece's last line and this one's first */
  private lead = '';
  constructor(private readonly chunkLines: number) {}

  push(...ls: string[]): void {
    for (const l of ls) this.lines.push(l);
  }

  /** enough lines for a piece, ending where a piece may end */
  get full(): boolean {
    return this.lines.length >= this.chunkLines && /\S$/.test(this.lines[this.lines.length - 1]);
  }

  /** the lines so far as one piece, when `full` */
  take(): string {
    const piece = tidy(this.lead + this.lines.join('\n'));
    this.lines = [];
    this.lead = '\n';
    return piece;
  }

  /** the last piece */
  end(): string {
    return tidy(this.lead + this.lines.join('\n')).trimEnd() + '\n';
  }
}

function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n');
}

/** Per input, a table of what each process or client tried: failures first, marked ✗. */
function triedSection(result: RunResult): string[] {
  const views = triedViews(result);
  if (views.length === 0) return [];
  const out = [`## ${TRIED_HEADING}`, '', TRIED_INTRO, ''];
  for (const v of views) {
    out.push(`${code(v.input.path, false)}:`, '');
    out.push(row(['Process or client', '', 'Destination or name', 'Outcome', 'Details']), row(['---', '---', '---', '---', '---']));
    for (const a of v.by) {
      const who = text(a.who) + (a.command ? `<br>${code(a.command, true)}` : '') + (a.env.length ? `<br>env ${a.env.map((e) => code(e, true)).join(' ')}${a.moreEnv ? ` (+${a.moreEnv} more)` : ''}` : '');
      a.rows.forEach((r, i) => {
        out.push(row([i === 0 ? who : '', r.troubled ? '✗' : '✓', `${r.kind === 'name' ? 'name ' : ''}${code(r.what, true)}`, r.troubled ? `**${text(r.outcome)}**` : text(r.outcome), text(r.detail)]));
      });
      if (a.moreRows) out.push(row(['', '', text(`… ${a.moreRows} more`), '', 'the JSON report lists what was kept']));
    }
    if (v.moreBy) out.push(row([text(`… ${v.moreBy} more`), '', '', '', 'the JSON report lists what was kept']));
    out.push('');
  }
  return out;
}

/** Notes for the postmortem, on the analysis and on findings (by id and title); each note's text is escaped inline text. */
function notesSection(result: RunResult, notes: ReportNotes | undefined): string[] {
  if (!notes) return [];
  const onFindings = result.findings.filter((f) => notes.findings[f.id]?.length);
  if (!notes.analysis.length && !onFindings.length) return [];
  const out = ['## Notes', ''];
  const item = (n: { text: string; created: string }) => `- ${text(n.text)} _(${text(n.created.slice(0, 16).replace('T', ' '))} UTC)_`;
  for (const n of notes.analysis) out.push(item(n));
  if (notes.analysis.length) out.push('');
  for (const f of onFindings) {
    out.push(`On ${text(f.id)} (${text(f.title)}):`, '');
    for (const n of notes.findings[f.id]) out.push(item(n));
    out.push('');
  }
  return out;
}

function clockSentence(fmt: TimeFormatter): string {
  if (fmt.kind === 'absolute') return `wall clock, ${fmt.timezone}`;
  if (fmt.kind === 'time-of-day') return 'time of day (the inputs carry no date)';
  return 'seconds on the inputs\' relative clock (no wall-clock time)';
}

function errorParagraph(f: Finding, fmt: TimeFormatter): string[] {
  const lines: string[] = [];
  lines.push(`### ${text(f.id)}: ${text(f.title)}`, '');
  const when = f.start === null ? 'At an unknown time' : `At ${fmt.format(f.start)}${f.end !== null && f.end !== f.start ? ` (for ${formatDuration(f.end - f.start)})` : ''}`;
  const subject = formatSubject(f.subject);
  let para = `${text(when)}, ${code(f.detector, false)}${subject ? ` on ${text(subject)}` : ''}.`;
  if (f.explanation) para += ` ${text(f.explanation)}`;
  lines.push(para, '');
  lines.push('Evidence:', '');
  for (const e of f.evidence) {
    const where = evidenceLocation(e);
    lines.push(`- ${code(e.input, false)}${where ? ` ${where}` : ''}${e.text !== undefined ? `: ${code(e.text, false)}` : ''}`);
  }
  const filter = typeof f.details.wireshark_filter === 'string' ? f.details.wireshark_filter : undefined;
  if (filter) lines.push('', `Wireshark filter: ${code(filter, false)}`);
  const packets = [...new Set(f.evidence.map((e) => e.packet).filter((p): p is number => p !== undefined))];
  if (packets.length) lines.push('', `Packets: ${code(`frame.number in {${packets.join(' ')}}`, false)}`);
  const joined = correlation(f.details.correlation);
  if (joined) lines.push('', `Joined on: ${text(joined)}`);
  return lines;
}

/** `details.correlation` is a sentence, or `{inputs, joined_on: [...]}` from the pipeline's merge. */
function correlation(c: unknown): string {
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object' && !Array.isArray(c)) {
    const on = (c as { joined_on?: unknown }).joined_on;
    if (Array.isArray(on)) return on.map(String).join('; ');
    if (typeof on === 'string') return on;
  }
  return '';
}

/** The severity word, as in every report; errors in bold so they stand out in a long table. */
function severity(s: Finding['severity']): string {
  return s === 'error' ? '**error**' : s;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/**
 * Plain text from a trace, written inline (never at the start of a line, so
 * no heading, list or quote can begin): the characters that start inline
 * syntax are backslash-escaped (emphasis, code, links, HTML, strikethrough,
 * table pipes); line breaks are flattened.
 */
export function text(s: string): string {
  return visible(s.replace(/\r\n|\r|\n/g, ' ')).replace(/[\\`*_[\]<|~]/g, (c) => '\\' + c);
}

/**
 * A code span that holds any text: a backtick fence longer than any backtick
 * run inside, spaces around text that starts or ends with a backtick, line
 * breaks shown as ↵ (a span cannot hold them). In a table cell `|` is
 * escaped, which GFM reads as a literal pipe even inside code.
 */
export function code(s: string, inTable: boolean): string {
  let body = visible(s.replace(/\r\n|\r|\n/g, ' ↵ '));
  if (inTable) body = body.replace(/\|/g, '\\|');
  let longest = 0;
  for (const m of body.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : '';
  if (body === '') return '` `';
  return `${fence}${pad}${body}${pad}${fence}`;
}
