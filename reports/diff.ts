/**
 * Rendering a comparison of two incidents (src/diff's DiffResult, passed as
 * plain data so reports/ stays free of the diff's code): text for a
 * terminal, and one self-contained HTML page with the two sides next to each
 * other. Nothing from a trace is ever markup: every string is escaped, and
 * control characters are shown as escapes so a crafted log cannot drive a
 * terminal.
 */
import { visible as visibleText } from '../src/model/index.js';
import type { DiffReport, Phases } from '../src/model/index.js';
import { formatDuration } from './format.js';

/** What is rendered: the model's `DiffReport` (src/diff builds it). */
export type DiffView = DiffReport;

type PhaseView = Phases & { input: string; at: string };

/** Control characters as visible escapes (`\x1b`, `\u202e`): the model's one helper, line breaks kept (callers lay out lines). */
export function visible(s: string): string {
  return visibleText(s, { keepNewlines: true });
}

function ord(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

function who(program: string, role: number, pid: number | null): string {
  return `${program || 'process'} (${ord(role + 1)}${pid !== null ? `, pid ${pid}` : ''})`;
}

function pidOf(pid: number | null): string {
  return pid === null ? 'the traced process' : `pid ${pid}`;
}

function phases(p: PhaseView | undefined): string {
  if (!p) return '—';
  const parts: string[] = [];
  if (p.connect !== undefined) parts.push(`connect ${formatDuration(p.connect)}`);
  if (p.ttfb !== undefined) parts.push(`TTFB ${formatDuration(p.ttfb)}`);
  if (p.transfer !== undefined) parts.push(`transfer ${formatDuration(p.transfer)}`);
  if (p.total !== undefined) parts.push(`total ${formatDuration(p.total)}`);
  parts.push(`ended ${p.end}`);
  return parts.join(', ');
}

export function renderDiffText(d: DiffView): string {
  const out: string[] = [];
  out.push(`faultline diff`, `  A: ${visible(d.a.name)} (${d.a.inputs.length} inputs, ${d.a.findings} findings)`, `  B: ${visible(d.b.name)} (${d.b.inputs.length} inputs, ${d.b.findings} findings)`, '');
  out.push(`Findings: ${d.findings.only_a.length} only in A, ${d.findings.only_b.length} only in B, ${d.findings.both.length} in both`);
  for (const [label, list] of [
    ['only in A', d.findings.only_a],
    ['only in B', d.findings.only_b],
    ['in both', d.findings.both],
  ] as const) {
    if (!list.length) continue;
    out.push(`  ${label}:`);
    for (const f of list) out.push(`    ${f.severity.padEnd(7)} ${f.detector}  ${visible(f.title)}${f.a.length + f.b.length > 2 ? `  (A ×${f.a.length}, B ×${f.b.length})` : ''}`);
  }
  out.push('');
  if (d.threads.length || d.unmatched_threads.length) {
    out.push('Processes:');
    for (const t of d.threads) {
      const head = `  ${visible(who(t.program, t.role, t.a.pid))} in A vs ${pidOf(t.b.pid)} in B: `;
      if (t.identical) {
        out.push(`${head}the same ${t.a.calls} calls`);
        continue;
      }
      out.push(
        head +
          (t.too_different
            ? `too different to align (more than the alignment's limit of edits); shown from where they part`
            : `part ways in ${t.hunks} place${t.hunks === 1 ? '' : 's'} (${t.distance} calls differ of ${t.a.calls} / ${t.b.calls})`),
      );
      t.divergences.forEach((f, k) => {
      out.push(`    ${k === 0 ? 'first divergence' : `divergence ${k + 1}`}:`);
      for (const c of f.before) out.push(`        ${visible(c.text)}`);
      for (const c of f.only_a) out.push(`    A - ${visible(`line ${c.line}: ${c.text}`)}`);
      if (f.only_a_more) out.push(`    A - … ${f.only_a_more} more`);
      if (!f.only_a.length) out.push('    A - (nothing here)');
      for (const c of f.only_b) out.push(`    B + ${visible(`line ${c.line}: ${c.text}`)}`);
      if (f.only_b_more) out.push(`    B + … ${f.only_b_more} more`);
      if (!f.only_b.length) out.push('    B + (nothing here)');
      for (const c of f.after_a) out.push(`        ${visible(c.text)}`);
      });
      if (t.hunks > t.divergences.length) out.push(`    … ${t.hunks - t.divergences.length} more divergences`);
    }
    for (const u of d.unmatched_threads) out.push(`  only in ${u.side.toUpperCase()}: ${visible(who(u.program, 0, u.pid))} (${visible(u.input)})`);
    out.push('');
  }
  if (d.requests.length) {
    out.push('Requests (phases side by side):');
    for (const r of d.requests) {
      out.push(`  ${visible(r.key)}${r.n ? ` #${r.n + 1}` : ''} [${r.source}]`);
      out.push(`    A: ${visible(phases(r.a))}`);
      out.push(`    B: ${visible(phases(r.b))}`);
    }
    out.push('');
  }
  return out.join('\n');
}

function esc(s: string): string {
  return visible(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderDiffHtml(d: DiffView): string {
  const css = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f6f8fa}.a{background:#ffebe9}.b{background:#dafbe1}.ctx{color:#57606a}code,pre{font:12px/1.4 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;margin:0}
.sev-error{color:#cf222e;font-weight:600}.sev-warning{color:#9a6700}.sev-info{color:#57606a}.cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}.muted{color:#57606a}`;
  const out: string[] = [];
  out.push(
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>faultline diff: ${esc(d.a.name)} vs ${esc(d.b.name)}</title><style>${css}</style></head><body>`,
    `<h1>faultline diff</h1><div class="cols"><div><b>A</b>: <code>${esc(d.a.name)}</code> — ${d.a.inputs.length} inputs, ${d.a.findings} findings</div><div><b>B</b>: <code>${esc(d.b.name)}</code> — ${d.b.inputs.length} inputs, ${d.b.findings} findings</div></div>`,
  );
  out.push(`<h2>Findings</h2><table><tr><th>Where</th><th>Severity</th><th>Detector</th><th>Title</th></tr>`);
  for (const [label, cls, list] of [
    ['only in A', 'a', d.findings.only_a],
    ['only in B', 'b', d.findings.only_b],
    ['in both', '', d.findings.both],
  ] as const) {
    for (const f of list) out.push(`<tr class="${cls}"><td>${label}</td><td class="sev-${esc(f.severity)}">${esc(f.severity)}</td><td><code>${esc(f.detector)}</code></td><td>${esc(f.title)}</td></tr>`);
  }
  if (!d.findings.only_a.length && !d.findings.only_b.length && !d.findings.both.length) out.push('<tr><td colspan="4" class="muted">No findings on either side.</td></tr>');
  out.push('</table>');
  if (d.threads.length) {
    out.push('<h2>Processes: where the calls part ways</h2>');
    for (const t of d.threads) {
      out.push(`<h3>${esc(who(t.program, t.role, null))}: ${pidOf(t.a.pid)} (A) vs ${pidOf(t.b.pid)} (B)</h3>`);
      if (t.identical) {
        out.push(`<p class="muted">The same ${t.a.calls} calls.</p>`);
        continue;
      }
      out.push(`<p>${t.too_different ? 'Too different to align; shown from where they part.' : `Part ways in ${t.hunks} place${t.hunks === 1 ? '' : 's'} (${t.distance} calls differ of ${t.a.calls} / ${t.b.calls}). The first:`}</p>`);
      const cell = (c: { line: number; text: string }[], more: number, cls: string): string =>
        c.length ? c.map((x) => `<div class="${cls}"><code>${x.line}: ${esc(x.text)}</code></div>`).join('') + (more ? `<div class="muted">… ${more} more</div>` : '') : '<div class="muted">(nothing here)</div>';
      for (const f of t.divergences) {
        out.push('<table><tr><th>A</th><th>B</th></tr>');
        out.push(`<tr><td>${cell(f.before, 0, 'ctx')}</td><td>${cell(f.before_b, 0, 'ctx')}</td></tr>`);
        out.push(`<tr><td>${cell(f.only_a, f.only_a_more, 'a')}</td><td>${cell(f.only_b, f.only_b_more, 'b')}</td></tr>`);
        out.push(`<tr><td>${cell(f.after_a, 0, 'ctx')}</td><td>${cell(f.after_b, 0, 'ctx')}</td></tr></table>`);
      }
      if (t.hunks > t.divergences.length) out.push(`<p class="muted">… ${t.hunks - t.divergences.length} more divergences</p>`);
    }
  }
  if (d.unmatched_threads.length) {
    out.push('<p>On one side only: ' + d.unmatched_threads.map((u) => `${u.side.toUpperCase()}: <code>${esc(who(u.program, 0, u.pid))}</code>`).join('; ') + '</p>');
  }
  if (d.requests.length) {
    out.push('<h2>Requests: phases side by side</h2><table><tr><th>Request</th><th>A</th><th>B</th></tr>');
    for (const r of d.requests) out.push(`<tr><td><code>${esc(r.key)}</code>${r.n ? ` #${r.n + 1}` : ''} <span class="muted">${esc(r.source)}</span></td><td>${esc(phases(r.a))}</td><td>${esc(phases(r.b))}</td></tr>`);
    out.push('</table>');
  }
  out.push('</body></html>');
  return out.join('\n');
}
