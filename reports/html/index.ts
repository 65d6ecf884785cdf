/**
 * The HTML report: one self-contained file (no network request of any kind)
 * that opens from disk, a mail attachment or a wiki. Server-side SVG written
 * as strings from d3-scale positions (see bench/report.ts for why not
 * d3-node or d3-selection on linkedom), a findings table with evidence,
 * and a small inline script allowed by hash in the page's CSP.
 *
 * Everything from the trace is escaped (esc) — text and attributes alike.
 */
import { compactJsonChunks, resultForJson } from '../json.js';
import { createHash } from 'node:crypto';
import type { Finding, InputInfo, RunResult } from '../../src/model/index.js';
import type { ReportNotes, ReportOptions } from '../index.js';
import { CSS, SCRIPT } from './client.js';
import { DENSITY_COLOR, MARKER_COLORS, SEVERITY_COLORS, SPAN_COLORS } from './colors.js';
import { esc, escapeJsonForScript, jsonForScript } from './escape.js';
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
} from '../format.js';
import { layout as computeLayout, PLOT_W, type Layout, type Panel } from './layout.js';
import { serialize, type El } from './scene.js';
import { facts } from './facts.js';
import { groupFindings, groupWhen, groupWhere, inputChecked, isBusy, summaryGroups, unseen, type FindingGroup } from '../summary.js';
import { markIndex, panelSvg } from './svg.js';
import { troubleSentence, TRIED_HEADING, TRIED_INTRO, triedViews } from '../tried.js';

/** sha256 CSP source for an inline element's exact text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    "img-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * One self-contained page: its own style and script, allowed by hash and nothing else (no
 * network, no other script). The report and batch's index.html are both written this way.
 */
export function selfContainedPage(title: string, css: string, script: string, body: string): string {
  return pageHead(title, css, script) + body + pageTail(script);
}

/** `selfContainedPage` up to its body: the page is its head, the body, its tail. */
function pageHead(title: string, css: string, script: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(script, css))}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '',
  ].join('\n');
}

function pageTail(script: string): string {
  return ['', `<script>${script}</script>`, '</body>', '</html>', ''].join('\n');
}

/** Findings evidence opens by default (for readers without script) when there are few of them. */
const OPEN_EVIDENCE_UP_TO = 30; /* findings */
/**
 * Past this many findings, the evidence of the later ones (and the rows of
 * collapsed info groups) waits in a <template> until its <details> is first
 * opened: a template's content is not part of the page's DOM, and 185
 * findings' evidence alone took ~10,000 elements. Each finding still has its
 * row, and selecting it opens its evidence.
 */
const INLINE_EVIDENCE_UP_TO = 100; /* findings */
/**
 * Rows of the findings table laid out when the page opens; past them, rows wait in <template>s of
 * ROWS_PER_PIECE until "Show more" (or selecting a finding, or a link to one) brings them in, in
 * order. A table is laid out whole: the 20,000-error log's page (10,000 error rows) took 16.1 s
 * to load in headless chromium with every row in the table, 5.6 s with 500 (bench/html-dom,
 * medians of 3). Shown 200, 500 or 1,000 (headless screenshots, chromium's start included):
 * 8.0, 7.4 and 8.5 s.
 */
const ROWS_SHOWN = 500; /* findings */
const ROWS_PER_PIECE = 500; /* findings */
const LANE_NOTES_SHOWN = 12;

/** The timeline as element trees, one per panel (the benchmark writes these with other writers too). */
export function buildTimeline(result: RunResult, fmt: TimeFormatter = new TimeFormatter(result)): { layout: Layout; panels: { panel: Panel; svg: El }[] } {
  const lay = computeLayout(result, fmt);
  // one index of the finding marks for every panel: built per panel it was 101 maps of 10,000 marks
  // for the 20,000-error log's page (its 100 folded panels), a quarter of a second
  const marks = markIndex(lay);
  return { layout: lay, panels: lay.panels.map((p) => ({ panel: p, svg: panelSvg(lay, p, result, fmt, marks) })) };
}

export function renderHtml(result: RunResult, opts: ReportOptions): string {
  return [...renderHtmlChunks(result, opts)].join('');
}

/**
 * The HTML report in pieces, for a writer that sends each on before the next is made: joined,
 * they are `renderHtml`'s string. A curl run's page is 64 MB, 39 MB of it the findings table and
 * 24 MB the result's JSON; made whole (with the JSON's five escaping copies and the joins) it took
 * the CLI to 560 MB. The table comes a batch of findings at a time, the JSON a batch of findings
 * at a time (jsonForScript's escapes are of single characters, so they hold piece by piece).
 */
export function* renderHtmlChunks(result: RunResult, opts: ReportOptions, batch = HTML_BATCH): Generator<string> {
  const fmt = new TimeFormatter(result);
  const { layout: lay, panels } = buildTimeline(result, fmt);
  const svgs = panels.map((p) => ({ panel: p.panel, svg: serialize(p.svg) }));
  const data = {
    t0: lay.t0,
    span: lay.span,
    plotW: PLOT_W,
    clock: lay.clock,
    tz: fmt.timezone,
    focus: lay.focus,
    findings: result.findings.map((f, i) => ({
      ...lay.findingTimes[i],
      rows: [...new Set((f.lanes ?? []).map((id) => lay.rowOfLane.get(id)).filter((k): k is number => k !== undefined))],
    })),
  };
  const counts = severityCounts(result.findings);
  const title = `faultline report — ${formatCount(result.findings.length)} finding${result.findings.length === 1 ? '' : 's'}` + (counts.error ? `, ${formatCount(counts.error)} error${counts.error === 1 ? '' : 's'}` : '');

  const main = svgs[0];
  const folds = svgs.slice(1);
  const body: (string | (() => Iterable<string>))[] = [
    '<main>',
    `<header><h1>${esc(title)}</h1>`,
    `<div class="sub">faultline ${esc(result.version)} · ${result.inputs.length} input${result.inputs.length === 1 ? '' : 's'} · ${esc(timeSummary(result, fmt, lay))}</div>`,
    `<div class="badges">${SEVERITY_ORDER.map((s) => `<span class="badge sev-${s}${counts[s] ? '' : ' zero'}">${formatCount(counts[s])} ${s}${counts[s] === 1 || s === 'info' ? '' : 's'}</span>`).join('')}</div>`,
    triedNotice(result),
    redactionNotice(result),
    detectorFailures(result),
    '</header>',
    summarySection(result, fmt),
    notesSection(result, opts.notes),
    '<section id="inputs"><h2>Inputs</h2>',
    inputsTable(result, fmt),
    notesList(result, fmt, lay),
    '</section>',
    triedSection(result),
    '<section id="timeline" class="timeline"><h2>Timeline</h2>',
    '<div class="toolbar" hidden data-js><button type="button" data-z="in" title="zoom in (+)">+ Zoom in</button><button type="button" data-z="out" title="zoom out (-)">− Zoom out</button>' +
      '<button type="button" data-z="left" title="pan left">◀</button><button type="button" data-z="right" title="pan right">▶</button><button type="button" data-z="reset" title="show all (0)">Reset</button>' +
      '<span>Showing <span id="fl-view"></span></span><span class="hint">drag to pan · drag on the axis to zoom to a range · Ctrl+wheel or double-click to zoom · click a finding</span></div>',
    hasTimeline(result) ? `<div class="svgwrap">${main.svg}</div>` : '<p class="sub">No timeline: no input gave events with times.</p>',
    ...folds.map(
      (f) => `<details class="fold" id="${esc(f.panel.id)}"><summary><b>${esc(f.panel.title)}</b> <span class="sub">— ${esc(f.panel.summary)}</span></summary><div class="svgwrap">${f.svg}</div></details>`,
    ),
    legend(),
    '</section>',
    '<section id="findings"><h2>Findings</h2>',
    () => findingsTable(result, fmt, evidenceIndex(result, lay), batch),
    '</section>',
    `<footer>Made by faultline ${esc(result.version)}. This file is self-contained: it loads nothing from the network. Times ${esc(clockSentence(fmt))}.</footer>`,
    '</main>',
    '<div id="fl-card" role="tooltip"></div>',
    `<script type="application/json" id="fl-data">${jsonForScript(data)}</script>`,
    // The whole result, as --format json gives it, for tools that read a report file back
    // (a data block: not run, so the CSP's script hashes do not concern it; '<' is escaped).
    () => jsonScript('faultline-result', resultForJson(result), batch),
  ];

  yield pageHead(title, CSS, SCRIPT);
  for (const [i, part] of body.entries()) {
    if (i) yield '\n';
    if (typeof part === 'string') yield part;
    else yield* part();
  }
  yield pageTail(SCRIPT);
}

/** Findings a piece of the findings table or of the result's JSON holds. */
const HTML_BATCH = 64;

/** `<script type="application/json" id=…>${jsonForScript(value)}</script>`, its long arrays a batch at a time. */
function* jsonScript(id: string, value: Record<string, unknown>, batch: number): Generator<string> {
  yield `<script type="application/json" id="${id}">`;
  for (const piece of compactJsonChunks(value, batch)) yield escapeJsonForScript(piece);
  yield '</script>';
}

/** Notes for the postmortem (serve): on the analysis, and on findings with a link to the finding's row. */
function notesSection(result: RunResult, notes: ReportNotes | undefined): string {
  if (!notes) return '';
  const item = (n: { text: string; created: string }) => `<li>${esc(n.text)} <span class="sub">${esc(n.created.slice(0, 16).replace('T', ' '))} UTC</span></li>`;
  const parts: string[] = [];
  if (notes.analysis.length) parts.push(`<ul class="notes">${notes.analysis.map(item).join('')}</ul>`);
  result.findings.forEach((f, i) => {
    const list = notes.findings[f.id];
    if (list?.length) parts.push(`<p>On <a href="#finding-${i}">${esc(f.title)}</a> <span class="sub mono">${esc(f.id)}</span>:</p><ul class="notes">${list.map(item).join('')}</ul>`);
  });
  return parts.length ? `<section id="notes"><h2>Notes</h2>${parts.join('')}</section>` : '';
}

/** A line at the top pointing to what did not work, so a wrong port shows even when no detector fired. */
function triedNotice(result: RunResult): string {
  const s = troubleSentence(result);
  return s ? `<div class="notice tried"><a href="#tried">${esc(s)}</a>: see what each process or client tried.</div>` : '';
}

/** Rows of the "what was tried" tables across all inputs: a case of many inputs stays a page, not a dump (the JSON has all that was kept). */
const TRIED_ROWS_SHOWN = 400;

/**
 * Per input, what each process or client tried: failures first, in red and marked ✗, so a
 * wrong port reads at a glance even where no detector fired. All text is trace text: escaped.
 */
function triedSection(result: RunResult): string {
  const views = triedViews(result);
  if (views.length === 0) return '';
  let budget = TRIED_ROWS_SHOWN;
  let hidden = 0;
  const parts: string[] = [];
  for (const v of views) {
    const rows: string[] = [];
    for (const a of v.by) {
      const shown = a.rows.slice(0, Math.max(0, budget));
      budget -= shown.length;
      hidden += a.rows.length - shown.length;
      if (shown.length === 0) continue;
      const more = a.moreRows ? `<div class="sub">… ${a.moreRows.toLocaleString('en')} more (the JSON report lists what was kept)</div>` : '';
      const env = a.env.length ? `<div class="env">env ${a.env.map((e) => `<code>${esc(e)}</code>`).join(' ')}${a.moreEnv ? ` <span class="sub">+${a.moreEnv} more</span>` : ''}</div>` : '';
      const who = `<td rowspan="${shown.length}" class="who"><b>${esc(a.who)}</b>${a.command ? `<div><code>${esc(a.command)}</code></div>` : ''}${env}${more}</td>`;
      shown.forEach((r, i) => {
        rows.push(
          `<tr${r.troubled ? ' class="bad"' : ''}>${i === 0 ? who : ''}<td class="mark">${r.troubled ? '✗' : '✓'}</td>` +
            `<td>${r.kind === 'name' ? '<span class="sub">name</span> ' : ''}<code>${esc(r.what)}</code></td><td class="oc">${esc(r.outcome)}</td><td>${esc(r.detail)}</td></tr>`,
        );
      });
    }
    if (rows.length === 0 && !v.moreBy) continue;
    const moreBy = v.moreBy ? `<p class="sub">… ${v.moreBy.toLocaleString('en')} more ${v.input.format === 'strace' ? 'processes' : 'clients'} (the JSON report lists what was kept)</p>` : '';
    parts.push(
      `<h3><code>${esc(v.input.path)}</code></h3>` +
        (rows.length ? `<table class="tried"><thead><tr><th>Process or client</th><th></th><th>Destination or name</th><th>Outcome</th><th>Details</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '') +
        moreBy,
    );
  }
  if (hidden) parts.push(`<p class="sub">… ${hidden.toLocaleString('en')} more rows not shown here (the JSON report lists what was kept).</p>`);
  return `<section id="tried"><h2>${esc(TRIED_HEADING)}</h2><p class="sub">${esc(TRIED_INTRO)}</p>${parts.join('')}</section>`;
}

function hasTimeline(result: RunResult): boolean {
  return result.lanes.length > 0 || result.findings.some((f) => f.start !== null);
}

function clockSentence(fmt: TimeFormatter): string {
  if (fmt.kind === 'absolute') return `are wall-clock times in ${fmt.timezone}; the axis also shows seconds from the start of the timeline`;
  if (fmt.kind === 'time-of-day') return 'are times of day (the inputs carry no date); the axis also shows seconds from the start of the timeline';
  return 'are seconds on the inputs\' own relative clock (no wall-clock time was available)';
}

function timeSummary(result: RunResult, fmt: TimeFormatter, lay: Layout): string {
  let lo = Infinity;
  let hi = -Infinity;
  // Inputs on their own clock (strace -r, no times) say nothing about the wall-clock span.
  const anyAbsolute = result.inputs.some((i) => result.clocks[i.path]?.absolute);
  for (const i of result.inputs) {
    if (anyAbsolute && !result.clocks[i.path]?.absolute) continue;
    const off = result.clocks[i.path]?.offset ?? 0;
    if (typeof i.first_t === 'number') lo = Math.min(lo, i.first_t + off);
    if (typeof i.last_t === 'number') hi = Math.max(hi, i.last_t + off);
  }
  if (!Number.isFinite(lo)) {
    lo = lay.t0;
    hi = lay.t0 + lay.span;
  }
  return `${fmt.format(lo)} → ${fmt.format(hi)} (${formatDuration(hi - lo)})${fmt.kind === 'absolute' ? ` ${fmt.timezone}` : ''}`;
}

function redactionNotice(result: RunResult): string {
  return result.redacted
    ? '<div class="notice redacted"><b>Secrets redacted.</b> Values of Authorization, Proxy-Authorization, Cookie and Set-Cookie headers and secret-looking URL parameters (token, key, password, secret, sig, auth…) are shown as <code>[REDACTED]</code>. Run with <code>--no-redact</code> to keep them.</div>'
    : '<div class="notice unredacted"><b>Not redacted.</b> This report was made with <code>--no-redact</code> and may contain credentials (Authorization, Cookie, tokens in URLs). Do not share it as it is.</div>';
}

function detectorFailures(result: RunResult): string {
  if (!result.detector_failures.length) return '';
  return `<div class="notice fail"><b>Some detectors failed</b>; their findings are missing:<ul class="notes">${result.detector_failures
    .map((d) => `<li><code>${esc(d.detector)}</code>: ${esc(d.error)}</li>`)
    .join('')}</ul></div>`;
}

function inputsTable(result: RunResult, fmt: TimeFormatter): string {
  const rows = result.inputs.map((i) => {
    const off = result.clocks[i.path]?.offset ?? 0;
    const span =
      typeof i.first_t === 'number' && typeof i.last_t === 'number'
        ? `${esc(fmt.format(i.first_t + off))} → ${esc(fmt.format(i.last_t + off))}<br><span class="sub">${esc(formatDuration(i.last_t - i.first_t))}</span>`
        : '<span class="sub">no times</span>';
    return (
      `<tr><td><code>${esc(i.path)}</code>${i.notes?.length ? `<div class="sub">${i.notes.map(esc).join('<br>')}</div>` : ''}</td>` +
      `<td>${esc(i.format)}</td>` +
      `<td class="st-${esc(i.status)}">${esc(i.status)}${i.error ? `<div>${esc(i.error_code ? `${i.error_code}: ` : '')}${esc(i.error)}</div>` : ''}</td>` +
      `<td class="num">${esc(formatBytes(i.bytes))}</td>` +
      `<td class="num">${i.events.toLocaleString('en')}</td>` +
      `<td>${span}</td>` +
      `<td>${esc(clockNote(result, i.path))}</td>` +
      `<td>${warningsCell(i)}</td></tr>`
    );
  });
  return `<table class="inputs"><thead><tr><th>Input</th><th>Format</th><th>Status</th><th>Size</th><th>Events</th><th>Time span</th><th>Clock</th><th>Warnings</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function warningsCell(i: InputInfo): string {
  const n = i.warnings.length + (i.warnings_dropped ?? 0);
  if (n === 0) return '<span class="sub">none</span>';
  return `<details><summary>${n.toLocaleString('en')} warning${n === 1 ? '' : 's'}</summary><ul class="notes">${i.warnings.map((w) => `<li><code>${esc(w)}</code></li>`).join('')}${
    i.warnings_dropped ? `<li>… and ${i.warnings_dropped.toLocaleString('en')} more not kept</li>` : ''
  }</ul></details>`;
}

function notesList(result: RunResult, fmt: TimeFormatter, lay: Layout): string {
  const notes: string[] = [];
  notes.push(`Times ${clockSentence(fmt)}.`);
  const a = result.assumptions;
  const bits = [`time zone ${a.timezone}`];
  if (a.date) bits.push(`date ${a.date} for time-of-day inputs`);
  bits.push(`findings from different inputs within ${formatDuration(a.join_window)} may be joined as one event`);
  notes.push(`Assumed: ${bits.join('; ')}.`);
  if (result.min_severity) notes.push(`Only findings of severity ${result.min_severity} or above are listed.`);
  notes.push(...lay.notes);
  if (lay.laneNotes.length) {
    notes.push(
      `${lay.laneNotes.length.toLocaleString('en')} lane${lay.laneNotes.length === 1 ? ' is' : 's are'} drawn aggregated (marked ≋): short spans merged into bars, a shaded strip for all events, the rest on hover. ` +
        `Drawn: ${lay.drawn.lanes.toLocaleString('en')} lanes, ${lay.drawn.spans.toLocaleString('en')} spans, ${lay.drawn.markers.toLocaleString('en')} markers.`,
    );
  }
  const laneNotes = lay.laneNotes.slice(0, LANE_NOTES_SHOWN).map((n) => `<li>${esc(n)}</li>`);
  if (lay.laneNotes.length > LANE_NOTES_SHOWN) laneNotes.push(`<li>… and ${lay.laneNotes.length - LANE_NOTES_SHOWN} more aggregated lanes</li>`);
  const perLane = laneNotes.length ? `<details class="sub"><summary>What was aggregated, lane by lane</summary><ul class="notes">${laneNotes.join('')}</ul></details>` : '';
  return `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>${perLane}`;
}

function legend(): string {
  const sw = (shape: string) => `<svg width="22" height="12" aria-hidden="true">${shape}</svg>`;
  const items = [
    ...Object.entries(SPAN_COLORS).map(
      ([k, c]) => `<span>${sw(`<rect class="k-${k}" fill="${c.fill}" stroke="${c.stroke}" x="1" y="2" width="20" height="8"/>`)} ${k === 'merged' ? 'merged short spans' : k}</span>`,
    ),
    ...Object.entries(MARKER_COLORS)
      .filter(([k]) => k !== 'gap')
      .map(([k, c]) => `<span>${sw(`<line class="m k-${k}" stroke="${c}" x1="11" x2="11" y1="1" y2="11" stroke-width="2.5"/>`)} ${k}</span>`),
    `<span>${sw(`<rect class="d" fill="${DENSITY_COLOR}" x="1" y="4" width="20" height="4" fill-opacity="0.6"/>`)} activity (all events)</span>`,
    ...SEVERITY_ORDER.map((s) => `<span>${sw(`<rect class="fb sev-${s}" fill="${SEVERITY_COLORS[s]}" stroke="${SEVERITY_COLORS[s]}" x="1" y="1" width="20" height="10" fill-opacity="0.25"/>`)} ${s} finding</span>`),
  ];
  return `<div class="legend sub">${items.join(' ')}</div>`;
}

/**
 * A busy run opens with its findings grouped by detector and server; a clean
 * run says what it checked, so "no findings" is not read as "did not understand".
 */
function summarySection(result: RunResult, fmt: TimeFormatter): string {
  if (result.findings.length === 0) {
    const items = result.inputs
      .filter((i) => i.status === 'read' || i.status === 'partial')
      .map((i) => {
        const u = unseen(i);
        return `<li><code>${esc(i.path)}</code> (${esc(i.format)}): ${esc(inputChecked(i, result.lanes).join(', '))}${u ? `<div class="sub">${esc(u)}</div>` : ''}${i.status === 'partial' ? '<div class="st-partial">read only in part: see its warnings</div>' : ''}</li>`;
      });
    return `<section id="summary"><h2>No findings</h2><p>What was checked:</p><ul class="checked">${items.join('')}</ul></section>`;
  }
  if (!isBusy(result)) return '';
  const rows = summaryGroups(result.findings).map((g) => {
    const sev = SEVERITY_ORDER.filter((s) => g.counts[s] > 0).map((s) => `${formatCount(g.counts[s])} ${s}`).join(', ');
    const first = g.findings[0];
    return (
      `<tr><td><span class="sevtag sev-${esc(g.severity)}">${esc(g.severity)}</span></td><td class="num"><b>${g.findings.length.toLocaleString('en')}</b><div class="sub">${esc(sev)}</div></td>` +
      `<td><code>${esc(g.detector)}</code></td><td>${g.folded ? esc(groupWhere(g)) : g.where ? `<code>${esc(g.where)}</code>` : ''}</td><td>${esc(groupWhen(g, fmt))}</td>` +
      `<td><a href="#finding-${first}">${esc(g.title)}</a>${g.otherTitles ? ` <span class="sub">and ${formatCount(g.otherTitles)} other title${g.otherTitles === 1 ? '' : 's'}</span>` : ''}</td></tr>`
    );
  });
  return `<section id="summary"><h2>Summary</h2><p class="sub">${result.findings.length.toLocaleString('en')} findings grouped by detector and by the server or endpoint they concern.</p><table class="groups"><thead><tr><th>Severity</th><th>Findings</th><th>Detector</th><th>Server or endpoint</th><th>When</th><th>Title</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

const FINDINGS_HEAD = '<thead><tr><th>Severity</th><th>Detector</th><th>Title</th><th>Subject</th><th>Time</th><th>Inputs</th></tr></thead>';

/** Where each evidence item sits on the timeline: its time and its lane's row, by input and packet or line. */
type EvidenceIndex = Map<string, { t: number; row?: number }>;

function evidenceKey(input: string, e: { line?: number; packet?: number }): string | undefined {
  if (e.packet !== undefined) return `${input}\u0000p${e.packet}`;
  if (e.line !== undefined) return `${input}\u0000l${e.line}`;
  return undefined;
}

function evidenceIndex(result: RunResult, lay: Layout): EvidenceIndex {
  const index: EvidenceIndex = new Map();
  const wanted = new Set<string>();
  for (const f of result.findings) for (const e of f.evidence) {
    const k = evidenceKey(e.input, e);
    if (k) wanted.add(k);
  }
  const note = (input: string, at: { line?: number; packet?: number }, t: number, row: number | undefined) => {
    const k = evidenceKey(input, at);
    if (k && wanted.has(k) && !index.has(k) && Number.isFinite(t)) index.set(k, { t, row });
  };
  const off = (input: string) => result.clocks[input]?.offset ?? 0;
  for (const l of result.lanes) {
    const row = lay.rowOfLane.get(l.id);
    for (const m of l.markers) note(l.input, m, m.t + off(l.input), row);
    for (const sp of l.spans) note(l.input, sp, sp.start + off(l.input), row);
  }
  return index;
}

/**
 * The findings table, a batch of findings at a time: the table of those shown, then a closed
 * group per kind of info finding in a busy run. Each finding's rows are made in the findings'
 * order, those shown first: only a shown finding counts towards the ones whose evidence is inline.
 */
function* findingsTable(result: RunResult, fmt: TimeFormatter, where: EvidenceIndex, batch: number): Generator<string> {
  if (!result.findings.length) {
    yield '<p>No findings.</p>';
    return;
  }
  const open = result.findings.length <= OPEN_EVIDENCE_UP_TO;
  const indexOfId = new Map(result.findings.map((f, i) => [f.id, i]));
  // in a busy run, info findings collapse under their group (one closed <details> each)
  const infoGroups: FindingGroup[] = isBusy(result)
    ? groupFindings(result.findings)
        .map((g) => ({ ...g, findings: g.findings.filter((i) => result.findings[i].severity === 'info') }))
        .filter((g) => g.findings.length > 0)
    : [];
  const collapsed = new Set(infoGroups.flatMap((g) => g.findings));
  let inline = 0;
  const body = (i: number): string => {
    const f = result.findings[i];
    const time =
      f.start === null
        ? '<span class="sub">no time</span>'
        : `${esc(fmt.format(f.start))}${f.end !== null && f.end !== f.start ? `<br><span class="sub">for ${esc(formatDuration(f.end - f.start))}</span>` : ''}`;
    const row =
      `<tr class="row" tabindex="0" title="show on the timeline"><td><span class="sevtag sev-${esc(f.severity)}">${esc(f.severity)}</span><div class="sub mono">${esc(f.id)}</div></td>` +
      `<td><code>${esc(f.detector)}</code></td>` +
      `<td class="title">${esc(f.title)}</td>` +
      `<td>${esc(formatSubject(f.subject))}</td>` +
      `<td class="time">${time}</td>` +
      `<td>${citedInputs(f).map((p) => `<code>${esc(p)}</code>`).join('<br>')}</td></tr>`;
    const block = evidenceBlock(f, indexOfId, fmt, where);
    // collapsed findings are info findings, which never count: the count is the same made in this order
    const lazy = result.findings.length > INLINE_EVIDENCE_UP_TO && (f.severity === 'info' || ++inline > INLINE_EVIDENCE_UP_TO);
    const ev = `<tr class="ev"><td colspan="6"><details${open && f.severity !== 'info' ? ' open' : ''}><summary>Evidence (${f.evidence.length}) and details</summary>${lazy ? `<template>${block}</template>` : block}</details></td></tr>`;
    return `<tbody class="finding sev-${esc(f.severity)}" id="finding-${i}" data-f="${i}">${row}${ev}</tbody>`;
  };
  function* bodies(indexes: Iterable<number>): Generator<string> {
    let rows: string[] = [];
    for (const i of indexes) {
      rows.push(body(i));
      if (rows.length >= batch) {
        yield rows.join('');
        rows = [];
      }
    }
    if (rows.length) yield rows.join('');
  }
  if (collapsed.size < result.findings.length) {
    const listed = [...result.findings.keys()].filter((i) => !collapsed.has(i));
    yield `<table class="findings" id="findings-table">${FINDINGS_HEAD}`;
    yield* bodies(listed.slice(0, ROWS_SHOWN));
    yield '</table>';
    if (listed.length > ROWS_SHOWN) {
      yield moreRowsNotice(listed.length);
      for (let at = ROWS_SHOWN; at < listed.length; at += ROWS_PER_PIECE) {
        yield '<template class="more-rows">';
        yield* bodies(listed.slice(at, at + ROWS_PER_PIECE));
        yield '</template>';
      }
    }
  }
  for (const g of infoGroups) {
    yield (
      `<details class="group sev-info"><summary><span class="sevtag sev-info">info</span> <b>${g.findings.length.toLocaleString('en')} × <code>${esc(g.detector)}</code></b>${g.where ? ` on <code>${esc(g.where)}</code>` : ''} — ${esc(result.findings[g.findings[0]].title)}${g.findings.length > 1 ? ' …' : ''}</summary>` +
      `<template><table class="findings">${FINDINGS_HEAD}`
    );
    yield* bodies(g.findings);
    yield '</table></template></details>';
  }
}

/** What a reader of a long findings table is told, and the buttons that bring the rest in (shown by the script). */
function moreRowsNotice(listed: number): string {
  const rest = listed - ROWS_SHOWN;
  return (
    `<div class="notice more-rows" data-listed="${listed}"><span class="more-say">The first ${formatCount(ROWS_SHOWN)} of ${formatCount(listed)} findings are listed.` +
    ` The other ${formatCount(rest)} are in this file and come in with the buttons, or when one is selected on the timeline` +
    ` (without script: in the report's JSON, or <code>faultline analyze --format json</code>).</span>` +
    ` <span class="more-buttons" hidden data-js><button type="button" data-more="1">Show ${formatCount(Math.min(ROWS_PER_PIECE, rest))} more</button>` +
    ` <button type="button" data-more="all">Show all ${formatCount(listed)}</button></span></div>`
  );
}

function evidenceBlock(f: Finding, indexOfId: Map<string, number>, fmt: TimeFormatter, index: EvidenceIndex): string {
  const parts: string[] = [];
  if (f.explanation) parts.push(`<p class="explain">${esc(f.explanation)}</p>`);
  parts.push(
    `<ol>${f.evidence
      .map((e) => {
        const loc = evidenceLocation(e);
        const k = evidenceKey(e.input, e);
        const at = k ? index.get(k) : undefined;
        const label = `<b>${esc(e.input)}</b>${loc ? ` · ${esc(loc)}` : ''}`;
        // a link to the lane the evidence sits on; a packet says how to find it in Wireshark
        const link = at?.row !== undefined ? `<a href="#row-${at.row}" data-row="${at.row}"${e.packet !== undefined ? ` title="frame.number == ${e.packet}"` : ''}>${label}</a>` : label;
        const time = at ? ` <span class="sub mono">${esc(fmt.format(at.t))}</span>` : '';
        return `<li><div class="where">${link}${time}</div>${e.text !== undefined ? `<pre>${esc(e.text)}</pre>` : ''}</li>`;
      })
      .join('')}</ol>`,
  );
  const filter = typeof f.details.wireshark_filter === 'string' ? f.details.wireshark_filter : undefined;
  if (filter) parts.push(`<div class="ws">Wireshark filter: <code>${esc(filter)}</code><button type="button" class="copy" hidden data-js data-copy="${esc(filter)}">Copy</button></div>`);
  const packets = [...new Set(f.evidence.map((e) => e.packet).filter((p): p is number => p !== undefined))];
  if (packets.length) {
    const pf = `frame.number in {${packets.join(' ')}}`;
    parts.push(`<div class="ws">Packets ${esc(packets.join(', '))}: <code>${esc(pf)}</code><button type="button" class="copy" hidden data-js data-copy="${esc(pf)}">Copy</button></div>`);
  }
  const fs = facts(f.details);
  // one element per fact (its value; the label is text): a <dl> of dt/dd doubled the page's elements
  if (fs.length) {
    parts.push(
      `<p class="facts">${fs
        .map((x) => `${esc(x.label)}: ${x.hint ? `<abbr title="${esc(x.hint)}">${esc(cut(x.value))}</abbr>` : `<b>${esc(cut(x.value))}</b>`}`)
        .join(' · ')}</p>`,
    );
  }
  if (f.related?.length) {
    parts.push(
      `<div class="sub">Related: ${f.related
        .map((id) => {
          const i = indexOfId.get(id);
          return i === undefined ? esc(id) : `<a href="#finding-${i}">${esc(id)}</a>`;
        })
        .join(', ')}</div>`,
    );
  }
  return parts.join('');
}

const MAX_DETAIL_CHARS = 4000;
function cut(s: string): string {
  return s.length > MAX_DETAIL_CHARS ? s.slice(0, MAX_DETAIL_CHARS) + '…' : s;
}
