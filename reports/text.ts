/**
 * The text report: what a person reads in a terminal. A busy run opens with
 * its findings grouped by detector and server; then the findings in the
 * schema's order (time, then detector), each with where to look and what to
 * do; then what was checked in each input and anything that could not be read.
 *
 * Every line passes through `visible` before it is written: trace text and
 * file names cannot reach the terminal as control sequences. Our own colour
 * is added after that, to the severity word only.
 */
import { visible, type Finding, type InputInfo, type RunResult, type Severity } from '../src/model/index.js';
import { formatBytes, formatCount, SEVERITY_ORDER, TimeFormatter } from './format.js';
import type { ReportOptions } from './index.js';
import { groupWhen, groupWhere, inputChecked, isBusy, summaryGroups, unseen } from './summary.js';
import { troubleSentence, TRIED_HEADING, triedViews } from './tried.js';

/** Severities read the same in every report: the word, lower case; the text report pads it to a column. */
const MARK: Record<Severity, string> = { error: 'error  ', warning: 'warning', info: 'info   ' };
const COLOR: Record<Severity, string> = { error: '\x1b[1;31m', warning: '\x1b[33m', info: '\x1b[36m' };
const RESET = '\x1b[0m';
export const DEFAULT_EVIDENCE = 6; /* lines per finding */
const WIDTH = 100; /* columns */
const INDENT = '        ';

type Line = string | { severity: Severity; rest: string };

export function renderText(result: RunResult, opts: ReportOptions): string {
  return [...renderTextChunks(result, opts)].join('');
}

/** Lines of the text report handed on at a time by `renderTextChunks` (about 0.3 MB). */
export const TEXT_CHUNK_LINES = 4096;

/**
 * The text report in pieces, for a writer that sends each on before the next is made: joined,
 * they are `renderText`'s string. Whole, a curl run's 18 MB report was its lines as strings, then
 * the same lines fitted to the page, then their join: 130 MB of the CLI's peak. Each line is
 * fitted as it is made, and every `chunkLines` lines leave as one string.
 */
export function* renderTextChunks(result: RunResult, opts: ReportOptions, chunkLines = TEXT_CHUNK_LINES): Generator<string> {
  const out = new Page(Boolean(opts.color));
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of result.findings) counts[f.severity]++;
  const read = result.inputs.filter((i) => i.status === 'read' || i.status === 'partial').length;
  const unread = result.inputs.filter((i) => i.status === 'error').length;
  out.push(
    `faultline ${result.version}: ${plural(result.findings.length, 'finding')} ` +
      `(${formatCount(counts.error)} error, ${formatCount(counts.warning)} warning, ${formatCount(counts.info)} info) in ${plural(read, 'input')} read` +
      (unread ? `, ${unread} could not be read` : ''),
  );
  const trouble = troubleSentence(result);
  if (trouble) out.push(`${trouble}: see below.`);
  out.push('');
  const time = new TimeFormatter(result);
  const limit = opts.evidence === 'all' ? Infinity : (opts.evidence ?? DEFAULT_EVIDENCE);
  const busy = isBusy(result);
  const collapsed = new Set<number>();
  if (busy) {
    out.push('Summary, by detector and server:');
    for (const g of summaryGroups(result.findings)) {
      const n = g.findings.length;
      const sev = SEVERITY_ORDER.filter((s) => g.counts[s] > 0).map((s) => `${formatCount(g.counts[s])} ${s}`).join(', ');
      const when = groupWhen(g, time);
      const where = groupWhere(g);
      out.push({ severity: g.severity, rest: ` ${formatCount(n).padStart(5)} × ${g.detector}${where ? ` on ${where}` : ''}${when ? ` ${when}` : ''}` });
      out.push(...wrap(`${sev}: "${g.title}"${g.otherTitles ? ` and ${plural(g.otherTitles, 'other title')}` : ''}`, WIDTH - INDENT.length).map((l) => INDENT + l));
      // info findings stand in their group's line: listing hundreds of them one by one hides the errors
      for (const i of g.findings) if (result.findings[i].severity === 'info') collapsed.add(i);
      if (out.lines >= chunkLines) yield out.take();
    }
    if (collapsed.size) out.push(`(${plural(collapsed.size, 'info finding')} are counted above only; --format json or html lists each)`);
    out.push('');
  }
  for (const [i, f] of result.findings.entries()) {
    if (collapsed.has(i)) continue;
    out.push(...finding(f, time, limit), '');
    if (out.lines >= chunkLines) yield out.take();
  }
  if (result.findings.length === 0) out.push(...clean(result), '');
  out.push(...tried(result));

  out.push('Inputs:');
  for (const i of result.inputs) out.push(`  ${inputLine(i)}`);
  for (const i of result.inputs) {
    if (!i.warnings.length) continue;
    out.push(`  warnings in ${i.path}:`);
    for (const w of i.warnings.slice(0, 10)) out.push(`    ${w}`);
    const more = i.warnings.length - 10 + (i.warnings_dropped ?? 0);
    if (more > 0) out.push(`    … ${more} more`);
  }
  for (const i of result.inputs) {
    if (!i.notes?.length) continue;
    out.push(`  notes on ${i.path}:`);
    for (const n of i.notes.slice(0, 5)) out.push(`    ${n}`);
  }
  for (const d of result.detector_failures) out.push(`  detector ${d.detector} failed: ${d.error}`);
  const notes = Object.entries(result.clocks).filter(([, c]) => c.note && !c.note.startsWith('epoch time'));
  if (notes.length) {
    out.push('Clocks:');
    for (const [p, c] of notes) out.push(`  ${p}: ${c.note}`);
  }
  if (result.redacted) out.push('Secrets (Authorization, Cookie, token-like URL parameters) were redacted; --no-redact shows them.');
  yield out.take();
}

/** The report's lines as they are made, each made visible and fitted to the page at once; `take` hands them on as text. */
class Page {
  private done: string[] = [];
  constructor(private readonly color: boolean) {}

  get lines(): number {
    return this.done.length;
  }

  push(...ls: Line[]): void {
    const lines = this.done;
    for (const l of ls) {
      if (typeof l === 'string') {
        lines.push(...fit(visible(l)));
        continue;
      }
      const mark = MARK[l.severity];
      const painted = this.color ? `${COLOR[l.severity]}${mark}${RESET}` : mark;
      const rest = visible(l.rest);
      if (mark.length + rest.length <= WIDTH) lines.push(painted + rest);
      else {
        // the severity word stays alone in its column; the text wraps under the finding's indentation
        const [first, ...more] = hardWrap(rest.trim(), WIDTH - INDENT.length);
        lines.push(`${painted} ${first}`, ...more.map((m) => INDENT + m));
      }
    }
  }

  /** The lines so far, each ended by a line break, and a page empty again. */
  take(): string {
    if (this.done.length === 0) return '';
    const text = this.done.join('\n') + '\n';
    this.done = [];
    return text;
  }
}

/** A line longer than the page, wrapped under its own indentation (two more for the continuation). */
function fit(line: string): string[] {
  if (line.length <= WIDTH) return [line];
  const indent = /^ */.exec(line)![0].length;
  const lead = ' '.repeat(Math.min(indent + 2, 40));
  const [first, ...rest] = hardWrap(line.slice(indent), WIDTH - lead.length);
  return [' '.repeat(indent) + first, ...rest.map((r) => lead + r)];
}

/** A run without findings says what it looked at, so "healthy" cannot be mistaken for "did not understand my input". */
function clean(result: RunResult): string[] {
  const lines = ['No findings. Checked:'];
  for (const i of result.inputs) {
    if (i.status !== 'read' && i.status !== 'partial') continue;
    lines.push(`  ${i.path} (${i.format}): ${inputChecked(i, result.lanes).join(', ')}`);
    const u = unseen(i);
    if (u) lines.push(...wrap(u, WIDTH - 4).map((l) => `    ${l}`));
    if (i.status === 'partial') lines.push('    read only in part: see its warnings below');
  }
  return lines;
}

/** Per process or client: where it tried to connect and what it looked up, failures first and marked ✗. */
function tried(result: RunResult): string[] {
  const views = triedViews(result);
  if (views.length === 0) return [];
  const lines = [`${TRIED_HEADING}:`];
  for (const v of views) {
    lines.push(`  ${v.input.path}`);
    for (const a of v.by) {
      lines.push(`    ${a.who}${a.command ? `: ${a.command}` : ''}`);
      if (a.env.length) lines.push(`      env ${a.env.join(' ')}${a.moreEnv ? ` (+${a.moreEnv} more)` : ''}`);
      const width = Math.min(44, Math.max(...a.rows.map((r) => r.what.length + (r.kind === 'name' ? 5 : 0))));
      for (const r of a.rows) {
        const what = (r.kind === 'name' ? `name ${r.what}` : r.what).padEnd(width);
        lines.push(`      ${r.troubled ? '✗' : '✓'} ${what}  ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`);
      }
      if (a.moreRows) lines.push(`      … ${a.moreRows} more (--format json lists what was kept)`);
    }
    if (v.moreBy) lines.push(`    … ${v.moreBy} more ${v.input.format === 'strace' ? 'processes' : 'clients'} (--format json lists what was kept)`);
  }
  lines.push('');
  return lines;
}

function finding(f: Finding, time: TimeFormatter, limit: number): Line[] {
  const lines: Line[] = [{ severity: f.severity, rest: ` ${f.title}` }];
  const meta = [`[${f.detector}]`, `id ${f.id}`];
  const when = f.start === null ? '' : `${time.format(f.start)}${time.kind === 'absolute' ? ` ${time.timezone}` : time.kind === 'time-of-day' ? ' (time of day, no date)' : ''}`;
  if (when) meta.push(when);
  meta.push(...subjectParts(f));
  // pieces kept whole: a line break falls between them, not inside a time or an address
  let row = '';
  for (const m of meta) {
    if (row && INDENT.length + row.length + 2 + m.length > WIDTH) {
      lines.push(INDENT + row);
      row = m;
    } else row = row ? `${row}  ${m}` : m;
  }
  if (row) lines.push(INDENT + row);
  if (f.explanation) lines.push(...wrap(f.explanation, WIDTH - INDENT.length).map((l) => `${INDENT}${l}`));
  for (const e of f.evidence.slice(0, limit)) {
    const where = e.line !== undefined ? `:${e.line}` : e.packet !== undefined ? ` packet ${e.packet}` : '';
    const head = `${INDENT}> ${e.input}${where}`;
    if (e.text === undefined || e.text === '') {
      lines.push(head);
      continue;
    }
    // the end of a line matters as much as its start (strace's <duration>, a URL at the end of a message): wrap, never cut
    const body = oneLine(e.text);
    const cont = `${INDENT}    `;
    if (head.length + 2 + body.length <= WIDTH) lines.push(`${head}  ${body}`);
    else {
      lines.push(head);
      lines.push(...hardWrap(body, WIDTH - cont.length).map((l) => cont + l));
    }
  }
  if (f.evidence.length > limit) lines.push(`${INDENT}> … ${f.evidence.length - limit} more (--evidence all shows every line)`);
  const filter = f.details?.wireshark_filter;
  if (typeof filter === 'string') lines.push(`${INDENT}wireshark: ${filter}`);
  const corr = f.details?.correlation as { joined_on?: string[] } | undefined;
  if (corr?.joined_on?.length) lines.push(`${INDENT}joined on: ${corr.joined_on.join(', ')}`);
  if (f.related?.length) lines.push(`${INDENT}related: ${f.related.join(', ')}`);
  return lines;
}

/** What a finding is about, in pieces a line may break between: the process and its call, the connection, the URL. */
function subjectParts(f: Finding): string[] {
  const s = f.subject;
  const proc: string[] = [];
  if (s.pid !== undefined) proc.push(`pid ${s.pid}`);
  if (s.tid !== undefined && s.tid !== s.pid) proc.push(`tid ${s.tid}`);
  if (s.syscall) proc.push(s.syscall);
  return [proc.join(' '), s.connection ?? '', s.url ?? ''].filter(Boolean);
}

function inputLine(i: InputInfo): string {
  const size = i.bytes !== undefined ? ` ${formatBytes(i.bytes)}` : '';
  const status = i.status === 'read' ? '' : ` [${i.status}${i.error ? `: ${i.error}` : ''}]`;
  const events = i.status === 'skipped' || i.status === 'error' ? '' : `, ${plural(i.events, 'record')}`;
  return `${i.path} (${i.format}${size}${events})${status}`;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** A multi-line evidence text on one line, its line breaks shown as ⏎. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ⏎ ');
}

/** Word wrap; a word longer than the width is broken (a URL, a hex dump). */
export function hardWrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const l of wrap(text, width)) {
    for (let i = 0; i < l.length; i += width) out.push(l.slice(i, i + width));
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
