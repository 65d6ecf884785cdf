import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/index.js';
import { renderCsv } from '../../reports/csv.js';
import { renderHtml } from '../../reports/html/index.js';
import { renderJson } from '../../reports/json.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { renderPostmortem } from '../../reports/postmortem.js';
import { renderText } from '../../reports/text.js';
import { groupFindings, SUMMARY_GROUPS, summaryGroups } from '../../reports/summary.js';
import { busyRun, cleanRun } from './busy.js';
import { mergedIncident, T0 } from './fixtures.js';

describe('a busy run opens with its findings grouped by detector and server', () => {
  it('groups 47 resets from one server into one line with their time range', () => {
    const groups = groupFindings(busyRun().findings);
    expect(groups[0]).toMatchObject({ detector: 'curl-error-56', where: '10.1.0.2:8080', severity: 'error' });
    expect(groups[0].findings).toHaveLength(47);
    expect(groups.map((g) => g.detector)).toEqual(['curl-error-56', 'truncated-response', 'idle-close']);
  });

  it('text: a summary line per group, and info findings only counted there', () => {
    const out = renderText(busyRun(), {});
    expect(out).toMatch(/^Summary, by detector and server:$/m);
    expect(out).toMatch(/^error {6}47 × curl-error-56 on 10\.1\.0\.2:8080 between 02:15:20 and 02:22:14$/m);
    expect(out).toMatch(/^ {8}47 error: "Server reset the connection while the response was awaited"$/m);
    expect(out).toMatch(/^info {6}250 × idle-close on 10\.1\.0\.4:443/m);
    expect(out).toMatch(/250 info findings are counted above only/);
    expect(out).not.toMatch(/^info {4}Idle connection closed/m);
    expect(out.match(/^error {3}Server reset/gm)).toHaveLength(47);
  });

  it('Markdown: a summary table, and the findings table without the info crowd', () => {
    const md = renderMarkdown(busyRun(), {});
    expect(md).toMatch(/## Summary/);
    expect(md).toMatch(/\| \*\*error\*\* \| 47 \(47 error\) \| `curl-error-56` \| `10\.1\.0\.2:8080` \| between 02:15:20 and 02:22:14 \|/);
    expect(md).toMatch(/250 info findings are counted in this summary only/);
    const findingRows = md.split('\n').filter((l) => /^\| F\d+ \|/.test(l));
    expect(findingRows).toHaveLength(52);
  });

  it('HTML: a summary table, and info findings collapsed under their group', () => {
    const html = renderHtml(busyRun(), {});
    expect(html).toMatch(/<section id="summary">/);
    expect(html).toMatch(/47 resets? .*10\.1\.0\.2:8080|curl-error-56<\/code>[^]*10\.1\.0\.2:8080/);
    expect(html).toMatch(/<details class="group sev-info"/);
  });

  it('a small run has no summary', () => {
    expect(renderText(mergedIncident(), {})).not.toMatch(/Summary/);
    expect(renderMarkdown(mergedIncident(), {})).not.toMatch(/## Summary/);
  });
});

describe('a summary of failures on many servers stays a summary', () => {
  /** 100 failed calls, each to a host of its own (a log of calls to per-tenant hosts), and 3 truncations on one server */
  function manyServers(): RunResult {
    const r = busyRun();
    const p = 'app/php-errors.log';
    r.findings = [];
    for (let i = 0; i < 100; i++) {
      r.findings.push({
        id: `F${i + 1}`,
        detector: 'curl-error-56',
        severity: 'error',
        title: `Receive failed: connection reset by the peer from http://svc${i}.internal.test/orders (curl error 56)`,
        start: T0 + i,
        end: T0 + i,
        subject: { url: `http://svc${i}.internal.test/orders` },
        evidence: [{ input: p, line: i + 1 }],
        details: {},
      });
    }
    for (let i = 0; i < 3; i++) {
      r.findings.push({ id: `T${i}`, detector: 'truncated-response', severity: 'warning', title: 'Response body shorter than its Content-Length', start: T0 + 200 + i, end: null, subject: { url: 'http://cdn.internal.test/a' }, evidence: [{ input: p, line: 200 + i }], details: {} });
    }
    return r;
  }

  it(`names the first ${SUMMARY_GROUPS} groups, then tells the rest in one row per detector, every finding in one row`, () => {
    const r = manyServers();
    const rows = summaryGroups(r.findings);
    expect(groupFindings(r.findings)).toHaveLength(101);
    // the 100 errors come first (severity), one server each: 30 named, 70 in one row; the warnings'
    // one group, alone of its detector past the 30, is kept as it is
    expect(rows).toHaveLength(SUMMARY_GROUPS + 2);
    const [folded, warning] = rows.slice(SUMMARY_GROUPS);
    expect(folded).toMatchObject({ detector: 'curl-error-56', where: '', folded: 70, severity: 'error', counts: { error: 70, warning: 0, info: 0 }, otherTitles: 69 });
    expect(folded.title).toBe(r.findings[30].title);
    expect([folded.first, folded.last]).toEqual([T0 + 30, T0 + 99]);
    expect(warning).toEqual(groupFindings(r.findings)[100]);
    expect(warning.folded).toBeUndefined();
    const all = rows.flatMap((g) => g.findings).sort((a, b) => a - b);
    expect(all).toEqual([...r.findings.keys()]);
  });

  it('text, Markdown and HTML say how many servers the last row stands for', () => {
    const r = manyServers();
    const text = renderText(r, {});
    expect(text).toMatch(/^error {6}70 × curl-error-56 on 70 more servers between \d\d:\d\d:\d\d and \d\d:\d\d:\d\d$/m);
    expect(text).toMatch(/^warning {5}3 × truncated-response on cdn\.internal\.test between/m);
    expect(text.match(/^\S+ +\d+ × /gm)).toHaveLength(SUMMARY_GROUPS + 2);
    expect(renderMarkdown(r, {})).toMatch(/\| \*\*error\*\* \| 70 \(70 error\) \| `curl-error-56` \| 70 more servers \| between /);
    const html = renderHtml(r, {});
    const summary = html.slice(html.indexOf('<section id="summary">'), html.indexOf('</section>', html.indexOf('<section id="summary">')));
    expect(summary.match(/<tr>/g)).toHaveLength(SUMMARY_GROUPS + 3); // the head's row and the rows
    expect(summary).toMatch(/<td>70 more servers<\/td>/);
  });

  it('a folded row names its kinds of place: servers, processes and inputs, each counted', () => {
    const r = manyServers();
    // the same detector's findings about processes (a finding without a URL but a pid) and one about an input alone
    for (let i = 0; i < 12; i++) {
      r.findings.push({ ...r.findings[0], id: `P${i}`, subject: { pid: 4000 + i }, start: T0 + 300 + i, end: T0 + 300 + i });
    }
    r.findings.push({ ...r.findings[0], id: 'I0', subject: {}, evidence: [{ input: 'app/other.log', line: 1 }], start: T0 + 400, end: T0 + 400 });
    // and one finding whose input is named as a process would be: its own place, not pid 4000's
    r.findings.push({ ...r.findings[0], id: 'I1', subject: {}, evidence: [{ input: 'pid 4000', line: 1 }], start: T0 + 401, end: T0 + 401 });
    const folded = summaryGroups(r.findings).find((g) => g.folded);
    expect(folded).toMatchObject({ detector: 'curl-error-56', folded: 84, foldedKinds: { server: 70, process: 12, input: 2 } });
    expect(renderText(r, {})).toMatch(/^error +84 × curl-error-56 on 70 more servers and 12 more processes and 2 more inputs between\b/m);
    r.findings = r.findings.filter((f) => f.id !== 'I1');
    expect(renderMarkdown(r, {})).toMatch(/\| 70 more servers and 12 more processes and 1 more input \|/);
  });

  it('counts in thousands as the HTML does, so a line never says 1170 beside 1,170', () => {
    const r = manyServers();
    const first = r.findings[0];
    r.findings = Array.from({ length: 1200 }, (_, i) => ({ ...first, id: `F${i}`, title: `Receive failed from http://svc${i}.internal.test/orders (curl error 56)`, subject: { url: `http://svc${i}.internal.test/orders` }, start: T0 + i, end: T0 + i }));
    const text = renderText(r, {});
    expect(text).toMatch(/^faultline \S+: 1,200 findings \(1,200 error, 0 warning, 0 info\)/);
    expect(text).toMatch(/^error +1,170 × curl-error-56 on 1,170 more servers between/m);
    const md = renderMarkdown(r, {});
    expect(md).toMatch(/^# faultline: 1,200 findings \(1,200 error, 0 warning, 0 info\)$/m);
    expect(md).toMatch(/\| 1,170 \(1,170 error\) \| `curl-error-56` \| 1,170 more servers \|/);
    const html = renderHtml(r, {});
    expect(html).toMatch(/<title>faultline report — 1,200 findings, 1,200 errors<\/title>/);
    expect(html).toMatch(/<span class="badge sev-error">1,200 errors<\/span>/);
    expect(html).toMatch(/<b>1,170<\/b><div class="sub">1,170 error<\/div>/);
    expect(html).toMatch(/<span class="sub">and 1,169 other titles<\/span>/);
    expect(text).toMatch(/and\s+1,169 other titles/);
    expect(md).toMatch(/\(and 1,169 other titles\)/);
  });

  it(`lists every group while there are ${SUMMARY_GROUPS} or fewer`, () => {
    const r = manyServers();
    r.findings = r.findings.slice(71);
    expect(groupFindings(r.findings)).toHaveLength(SUMMARY_GROUPS);
    expect(summaryGroups(r.findings)).toEqual(groupFindings(r.findings));
  });
});

describe('a clean run says what it checked', () => {
  it('text: per input the stats of the result, and what a snaplen kept from view', () => {
    const out = renderText(cleanRun(), {});
    expect(out).toMatch(/^No findings\. Checked:$/m);
    expect(out).toMatch(/capture\/ok\.pcap \(pcap\): 120 packets, 4 TCP connections, 9 HTTP exchanges, 1 TLS connection/);
    expect(out).toMatch(/worker\.strace \(strace\): 300 lines, 3 threads, 297 syscalls/);
    expect(out).toMatch(/40 of 120 frames were cut by the snaplen/);
  });

  it('Markdown and HTML say the same', () => {
    const md = renderMarkdown(cleanRun(), {});
    expect(md).toMatch(/4 TCP connections, 9 HTTP exchanges/);
    expect(md).toMatch(/40 of 120 frames were cut by the snaplen/);
    const html = renderHtml(cleanRun(), {});
    expect(html).toMatch(/4 TCP connections, 9 HTTP exchanges/);
    expect(html).toMatch(/40 of 120 frames were cut by the snaplen/);
  });

  it('without stats, counts what the input says it read', () => {
    const r = cleanRun();
    delete r.inputs[1].stats;
    expect(renderText(r, {})).toMatch(/worker\.strace \(strace\): 300 lines/);
  });
});

describe('text evidence: wrapped, never cut', () => {
  const long = `recvfrom(5, "${'x'.repeat(200)}", 65536, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer) <0.000123>`;
  function withEvidence(n: number): RunResult {
    const r = mergedIncident();
    r.findings = [r.findings[0]];
    r.findings[0].evidence = Array.from({ length: n }, (_, i) => ({ input: 'a.strace', line: i + 1, text: i === 0 ? long : `line ${i + 1}` }));
    return r;
  }

  it('keeps the end of a long line (the strace duration) and no line passes 100 columns', () => {
    const out = renderText(withEvidence(1), {});
    expect(out).toContain('<0.000123>');
    for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
  });

  it('shows 6 evidence lines by default, a number when asked, and every line with --evidence all', () => {
    expect(renderText(withEvidence(10), {})).toMatch(/> … 4 more \(--evidence all shows every line\)/);
    expect(renderText(withEvidence(10), { evidence: 2 })).toMatch(/> … 8 more/);
    const all = renderText(withEvidence(10), { evidence: 'all' });
    expect(all).toMatch(/a\.strace:10 {2}line 10/);
    expect(all).not.toMatch(/more \(--evidence/);
  });
});

describe('control characters from a trace never reach the terminal', () => {
  function hostileControls(): RunResult {
    const r = mergedIncident();
    const f = r.findings[0];
    f.title = 'reset \x1b]0;pwned\x07 \x1b[2J';
    f.explanation = 'see \x1b]8;;http://evil\x1b\\here\x1b]8;;\x1b\\';
    f.evidence[0].text = 'GET /\x1b[31mred\x1b[0m HTTP/1.1';
    r.inputs[0].path = 'evil\x1b]0;t\x07.txt';
    f.evidence[0].input = r.inputs[0].path;
    r.inputs[0].warnings = ['line 3: \x07bell'];
    return r;
  }
  it.each([
    ['text', (r: RunResult) => renderText(r, {})],
    ['text in colour', (r: RunResult) => renderText(r, { color: true }).replace(/\x1b\[(?:1;)?3[136]m|\x1b\[0m/g, '')],
    ['Markdown', (r: RunResult) => renderMarkdown(r, {})],
    ['CSV', (r: RunResult) => renderCsv(r, {})],
    ['the postmortem draft', (r: RunResult) => renderPostmortem(r, {})],
  ])('%s shows them escaped', (_name, render) => {
    const out = render(hostileControls());
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(out).toMatch(/\\{1,2}x1b\\?\]0;pwned\\{1,2}x07/);
  });
});

describe('CSV', () => {
  it('has the explanation column', () => {
    const r = mergedIncident();
    r.findings[0].explanation = 'The server reset the connection, so curl gave up.';
    const rows = parse(renderCsv(r, {}), { columns: true }) as Record<string, string>[];
    expect(rows[0].explanation).toBe('The server reset the connection, so curl gave up.');
  });
});

describe('no renderer throws on a time (issue 9 item 5)', () => {
  it.each([
    ['an epoch beyond what a Date holds', 1e20],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('%s', (_name, t) => {
    const r = mergedIncident();
    r.findings[0].start = t;
    r.findings[0].end = t;
    r.inputs[0].first_t = t;
    r.inputs[0].last_t = t;
    if (r.lanes[0]?.spans[0]) r.lanes[0].spans[0].start = t;
    for (const render of [renderText, renderMarkdown, renderCsv, renderJson, renderHtml, renderPostmortem]) expect(() => render(r, {})).not.toThrow();
  });

  it('a far epoch reads as seconds since 1970, not a thrown RangeError', () => {
    const r = mergedIncident();
    r.findings[0].start = 99999999999999999999.999999;
    expect(renderText(r, {})).toMatch(/1e\+20 s since 1970|100000000000000000000 s since 1970/);
  });
  void T0;
});
