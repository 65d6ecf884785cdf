/**
 * index.html: the batch at a glance, self-contained like the report (no
 * network request of any kind; script and style inline, allowed by hash in a
 * strict CSP). A table of cases linking to their reports, and the findings of
 * every case in one table filterable by detector, severity, server, URL and
 * case. Everything from an archive (case names, titles, URLs) is escaped;
 * the script reads it from a JSON block and writes it with textContent.
 */
import { selfContainedPage } from '../../reports/html/index.js';
import { esc, jsonForScript } from '../../reports/html/escape.js';
import type { Finding } from '../model/index.js';
import { INDEX_CSS, INDEX_SCRIPT } from './index-client.js';
import type { CaseRecord } from './summary.js';

/**
 * Rows of the cross-case findings table embedded in the page. 20,000 rows make a page of about
 * 10 MB that chromium filters without a stall; past it the page says so and findings.jsonl has all.
 */
export const INDEX_FINDINGS_MAX = 20_000;

export interface IndexFinding {
  case: string;
  /** the case report, relative to --out, with the finding's anchor */
  href: string;
  id: string;
  detector: string;
  severity: string;
  title: string;
  /** the far end: `ip:port` from the connection, else `host:port` from the URL */
  server: string;
  url: string;
  start: number | null;
  time: string;
}

export interface IndexModel {
  version: string;
  cases: CaseRecord[];
  findings: IndexFinding[];
  /** findings in all cases (the page may hold fewer) */
  findingsTotal: number;
  /** cases found; fewer are listed when the run was interrupted */
  casesFound: number;
  interrupted: boolean;
  detectorIds: readonly string[];
}

/** The server a finding is about, for the cross-case filter. */
export function serverOf(f: Pick<Finding, 'subject'>): string {
  const conn = f.subject.connection;
  if (conn) {
    const arrow = conn.indexOf('->');
    if (arrow >= 0) return conn.slice(arrow + 2);
  }
  if (f.subject.url) {
    try {
      const u = new URL(f.subject.url);
      const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
      return port ? `${u.hostname}:${port}` : u.hostname;
    } catch {
      return '';
    }
  }
  return '';
}

export function renderIndex(m: IndexModel): string {
  const sev = { error: 0, warning: 0, info: 0 };
  const status: Record<string, number> = {};
  for (const c of m.cases) {
    sev.error += c.severity.error;
    sev.warning += c.severity.warning;
    sev.info += c.severity.info;
    status[c.status] = (status[c.status] ?? 0) + 1;
  }
  const failed = status.failed ?? 0;
  const title = `faultline batch — ${m.cases.length} case${m.cases.length === 1 ? '' : 's'}, ${m.findingsTotal} finding${m.findingsTotal === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}`;

  const caseData = m.cases.map((c) => ({
    name: c.name,
    status: c.status,
    kind: c.kind,
    inputs: c.inputs,
    formats: c.formats.join(' '),
    bytes: c.bytes,
    start: c.start,
    span: c.start !== null && c.end !== null ? c.end - c.start : null,
    findings: c.findings,
    error: c.severity.error,
    warning: c.severity.warning,
    info: c.severity.info,
    detectors: detectorList(c),
    problem: c.error ?? c.problems.join('; '),
  }));
  const findingData = m.findings.map((f) => ({ case: f.case, detector: f.detector, severity: f.severity, title: f.title, server: f.server, url: f.url, start: f.start }));

  const body = [
    '<main>',
    `<header><h1>${esc(title)}</h1>`,
    `<div class="sub">faultline ${esc(m.version)} · one row per case; each links to its own report</div>`,
    `<div class="badges">${['analysed', 'partial', 'no-traces', 'failed']
      .map((s) => `<span class="badge st-${s}${status[s] ? '' : ' zero'}">${status[s] ?? 0} ${s}</span>`)
      .join('')}${(['error', 'warning', 'info'] as const).map((s) => `<span class="badge sev-${s}${sev[s] ? '' : ' zero'}">${sev[s]} ${s}${sev[s] === 1 || s === 'info' ? '' : 's'}</span>`).join('')}</div>`,
    m.interrupted
      ? `<p class="notice">The batch was interrupted: ${m.cases.length} of ${m.casesFound} cases are done and listed. Run it again with --resume to finish.</p>`
      : '',
    '</header>',
    '<section><h2>Cases</h2>',
    '<div class="filters"><label>Case name<input id="case-q" type="search" placeholder="contains…"></label>',
    '<label>Status<select id="case-status"><option value="">any</option></select></label><span class="count" id="case-count"></span></div>',
    '<table id="cases"><thead><tr>',
    th('Case', 'name'),
    th('Status', 'status'),
    th('Inputs', 'inputs'),
    th('Formats', 'formats'),
    th('Size', 'bytes'),
    th('Start', 'start'),
    th('Span', 'span'),
    th('Findings', 'findings'),
    th('Errors', 'error'),
    th('Warnings', 'warning'),
    th('Info', 'info'),
    th('Detectors', 'detectors'),
    th('Problem', 'problem'),
    '</tr></thead><tbody>',
    ...m.cases.map((c, i) => caseRow(c, i)),
    '</tbody></table>',
    '</section>',
    '<section><h2>Findings across cases</h2>',
    m.findingsTotal > m.findings.length
      ? `<p class="notice">This page holds the first ${m.findings.length} of ${m.findingsTotal} findings; findings.jsonl has them all.</p>`
      : '',
    '<div class="filters">',
    '<label>Detector<select id="f-detector"><option value="">any</option></select></label>',
    '<label>Severity<select id="f-severity"><option value="">any</option></select></label>',
    '<label>Server<select id="f-server"><option value="">any</option></select></label>',
    '<label>URL<input id="f-url" type="search" placeholder="contains…"></label>',
    '<label>Case<input id="f-case" type="search" placeholder="contains…"></label>',
    '<button type="button" id="f-clear">Clear</button><span class="count" id="f-count"></span></div>',
    '<table id="findings"><thead><tr>',
    th('Case', 'case'),
    th('Severity', 'severity'),
    th('Detector', 'detector'),
    th('Finding', 'title'),
    th('Server', 'server'),
    th('URL', 'url'),
    th('Time', 'start'),
    '</tr></thead><tbody>',
    ...m.findings.map((f, i) => findingRow(f, i)),
    '</tbody></table>',
    '</section>',
    `<footer>Made by faultline ${esc(m.version)}. This file is self-contained: it loads nothing from the network. summary.csv and findings.jsonl beside it hold the same in machine-readable form.</footer>`,
    '</main>',
    `<script type="application/json" id="fb-data">${jsonForScript({ cases: caseData, findings: findingData, findingsTotal: m.findingsTotal })}</script>`,
  ].join('\n');

  return selfContainedPage(title, INDEX_CSS, INDEX_SCRIPT, body);
}

function th(label: string, key: string): string {
  return `<th data-k="${esc(key)}" scope="col">${esc(label)}</th>`;
}

function num(n: number): string {
  return n ? `<td class="num">${n}</td>` : '<td class="num zero">0</td>';
}

function caseRow(c: CaseRecord, i: number): string {
  const name = c.report_html
    ? `<a href="${esc(c.report_html)}">${esc(c.name)}</a>${c.report_json ? ` <a class="sub nw" href="${esc(c.report_json)}">json</a>` : ''}`
    : esc(c.name);
  const span = c.start !== null && c.end !== null ? formatSpan(c.end - c.start) : '';
  const problem = c.error ? `${c.error_code ? `${c.error_code}: ` : ''}${c.error}` : c.problems.join('; ');
  return [
    `<tr data-i="${i}">`,
    `<td class="name">${name}</td>`,
    `<td class="st-${esc(c.status)}">${esc(c.status)}</td>`,
    `<td class="num">${c.inputs_read}/${c.inputs}</td>`,
    `<td>${esc(c.formats.join(', '))}</td>`,
    `<td class="num">${esc(formatSize(c.bytes))}</td>`,
    `<td class="mono nw">${esc(toMillis(c.start_time))}</td>`,
    `<td class="num">${esc(span)}</td>`,
    num(c.findings),
    num(c.severity.error),
    num(c.severity.warning),
    num(c.severity.info),
    `<td>${esc(detectorList(c))}</td>`,
    `<td class="err">${esc(problem)}</td>`,
    '</tr>',
  ].join('');
}

function findingRow(f: IndexFinding, i: number): string {
  return [
    `<tr data-i="${i}">`,
    `<td class="name"><a href="${esc(f.href)}">${esc(f.case)}</a></td>`,
    `<td><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span></td>`,
    `<td><button type="button" class="pick" data-pick="detector" title="show only this detector">${esc(f.detector)}</button></td>`,
    `<td>${esc(f.title)}</td>`,
    `<td class="mono nw">${f.server ? `<button type="button" class="pick" data-pick="server" title="show only this server">${esc(f.server)}</button>` : ''}</td>`,
    `<td class="mono">${f.url ? `<button type="button" class="pick" data-pick="url" title="show only this URL">${esc(f.url)}</button>` : ''}</td>`,
    `<td class="mono nw">${esc(toMillis(f.time))}</td>`,
    '</tr>',
  ].join('');
}

/** `curl-error-56 ×2, truncated-response` */
function detectorList(c: CaseRecord): string {
  return Object.entries(c.detectors)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([id, n]) => (n > 1 ? `${id} ×${n}` : id))
    .join(', ');
}

/** A table cell needs the millisecond, not the microsecond the report shows. */
function toMillis(t: string): string {
  return t.replace(/(\.\d{3})\d+/, '$1');
}

function formatSpan(s: number): string {
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function formatSize(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}
