/**
 * The text report: what a person reads in a terminal. Findings first, in the
 * schema's order (time, then detector), each with where to look and what to
 * do; then the inputs and anything that could not be read.
 */
import type { Finding, InputInfo, RunResult, Severity } from '../src/model/index.js';
import { formatBytes, TimeFormatter } from './format.js';
import type { ReportOptions } from './index.js';

const MARK: Record<Severity, string> = { error: 'ERROR  ', warning: 'WARNING', info: 'info   ' };
const COLOR: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };
const RESET = '\x1b[0m';
const MAX_EVIDENCE = 6;

export function renderText(result: RunResult, opts: ReportOptions): string {
  const out: string[] = [];
  const paint = (s: Severity, text: string) => (opts.color ? `${COLOR[s]}${text}${RESET}` : text);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of result.findings) counts[f.severity]++;
  const read = result.inputs.filter((i) => i.status === 'read' || i.status === 'partial').length;
  const unread = result.inputs.filter((i) => i.status === 'error').length;
  out.push(
    `faultline ${result.version}: ${plural(result.findings.length, 'finding')} ` +
      `(${counts.error} error, ${counts.warning} warning, ${counts.info} info) in ${plural(read, 'input')} read` +
      (unread ? `, ${unread} could not be read` : ''),
  );
  out.push('');
  const time = new TimeFormatter(result);
  for (const f of result.findings) out.push(...finding(f, time, paint), '');
  if (result.findings.length === 0) out.push('No findings.', '');

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
  return out.join('\n') + '\n';
}

function finding(f: Finding, time: TimeFormatter, paint: (s: Severity, t: string) => string): string[] {
  const lines = [`${paint(f.severity, MARK[f.severity])} ${f.title}`];
  const meta = [`[${f.detector}]`, `id ${f.id}`];
  const when = f.start === null ? '' : `${time.format(f.start)}${time.kind === 'absolute' ? ` ${time.timezone}` : time.kind === 'time-of-day' ? ' (time of day, no date)' : ''}`;
  if (when) meta.push(when);
  const subj = subject(f);
  if (subj) meta.push(subj);
  lines.push(`        ${meta.join('  ')}`);
  if (f.explanation) lines.push(...wrap(f.explanation, 92).map((l) => `        ${l}`));
  for (const e of f.evidence.slice(0, MAX_EVIDENCE)) {
    const where = e.line !== undefined ? `:${e.line}` : e.packet !== undefined ? ` packet ${e.packet}` : '';
    lines.push(`        > ${e.input}${where}${e.text ? `  ${clip(e.text, 160)}` : ''}`);
  }
  if (f.evidence.length > MAX_EVIDENCE) lines.push(`        > … ${f.evidence.length - MAX_EVIDENCE} more`);
  const filter = f.details?.wireshark_filter;
  if (typeof filter === 'string') lines.push(`        wireshark: ${filter}`);
  const corr = f.details?.correlation as { joined_on?: string[] } | undefined;
  if (corr?.joined_on?.length) lines.push(`        joined on: ${corr.joined_on.join(', ')}`);
  if (f.related?.length) lines.push(`        related: ${f.related.join(', ')}`);
  return lines;
}

function subject(f: Finding): string {
  const s = f.subject;
  const parts: string[] = [];
  if (s.pid !== undefined) parts.push(`pid ${s.pid}`);
  if (s.tid !== undefined && s.tid !== s.pid) parts.push(`tid ${s.tid}`);
  if (s.syscall) parts.push(s.syscall);
  if (s.connection) parts.push(s.connection);
  if (s.url) parts.push(s.url);
  return parts.join(' ');
}

function inputLine(i: InputInfo): string {
  const size = i.bytes !== undefined ? ` ${formatBytes(i.bytes)}` : '';
  const status = i.status === 'read' ? '' : ` [${i.status}${i.error ? `: ${i.error}` : ''}]`;
  const events = i.status === 'skipped' || i.status === 'error' ? '' : `, ${plural(i.events, 'record')}`;
  return `${i.path} (${i.format}${size}${events})${status}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ⏎ ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
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

