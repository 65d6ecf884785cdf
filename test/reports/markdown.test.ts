import { describe, expect, it } from 'vitest';
import { code, renderMarkdown, text } from '../../reports/markdown.js';
import { HOSTILE, hostile, mergedIncident, relativeOnly, resetCapture, straceStopContinue } from './fixtures.js';

describe('markdown summary', () => {
  it('lists the inputs, a table row per finding and a paragraph per error finding', () => {
    const r = mergedIncident();
    const md = renderMarkdown(r, {});
    expect(md).toMatch(/^# faultline: 2 findings \(2 error, 0 warning, 0 info\)/);
    const inputRows = md.split('\n').filter((l) => r.inputs.some((i) => l.startsWith(`| \`${i.path}\``)));
    expect(inputRows).toHaveLength(3);
    for (const f of r.findings) expect(md).toContain(`| ${f.id} | **error** |`);
    expect(md.match(/^### /gm)).toHaveLength(2);
    // the merged finding cites all three inputs, each evidence line in a code span
    for (const e of r.findings[0].evidence) expect(md).toContain(`- \`${e.input}\``);
    expect(md).toContain('`900 1795400001.800200 recvfrom(');
    expect(md).toContain('Wireshark filter: `tcp.stream eq 1');
    expect(md).toContain('Packets: `frame.number in {40}`');
  });

  it('writes warnings in the table but no paragraph for them', () => {
    const md = renderMarkdown(straceStopContinue(), {});
    expect(md).toContain('| F1 | warning |');
    expect(md).not.toContain('### F1');
    expect(md).toContain('### F2: nanosleep');
  });

  it('says whether secrets were redacted', () => {
    const r = resetCapture();
    expect(renderMarkdown(r, {})).toContain('Secrets redacted');
    expect(renderMarkdown({ ...r, redacted: false }, {})).toContain('**Not redacted**');
  });

  it('keeps every table row the same width whatever the trace text holds', () => {
    const md = renderMarkdown(hostile(), {});
    const rows = md.split('\n').filter((l) => l.startsWith('| F1 |'));
    expect(rows).toHaveLength(1);
    // unescaped pipes split cells: count pipes not preceded by a backslash
    const cells = rows[0].split(/(?<!\\)\|/).length - 2;
    expect(cells).toBe(7);
  });

  it('lets no HTML from a trace through', () => {
    const md = renderMarkdown(hostile(), {});
    const outsideCode = md.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/(?<!\\)<(script|img|svg|style)/i);
    // the title line: every '<' escaped
    // inside code spans it is shown as written, which is literal text in every Markdown renderer
    expect(md).toContain(`\\<script>window.\\_\\_pwned=1\\</script>`);
    expect(md).toContain(HOSTILE.script.slice(0, 8));
  });

  it('shows relative times when the run has no wall clock', () => {
    const md = renderMarkdown(relativeOnly(), {});
    expect(md).toContain('Times: seconds on the inputs');
    expect(md).toContain('At 0.5 s');
  });
});

describe('markdown escaping', () => {
  it.each([
    ['pipes', 'a|b', 'a\\|b'],
    ['emphasis and links', '*x* _y_ [z](http://e)', '\\*x\\* \\_y\\_ \\[z\\](http://e)'],
    ['html', '<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert(1)>'],
    ['strikethrough and code', '~~a~~ `b`', '\\~\\~a\\~\\~ \\`b\\`'],
    ['line breaks', 'a\nb\r\nc', 'a b c'],
    ['plain text alone', '127.0.0.1:80->10.0.0.1:5 & 8.1 KiB', '127.0.0.1:80->10.0.0.1:5 & 8.1 KiB'],
  ])('text escapes %s', (_n, input, want) => {
    expect(text(input)).toBe(want);
  });

  it.each([
    ['plain', 'read(3)', false, '`read(3)`'],
    ['backticks inside', 'a`b', false, '``a`b``'],
    ['leading backtick', '`x', false, '`` `x ``'],
    ['pipes in a table', 'a|b', true, '`a\\|b`'],
    ['line breaks', 'a\r\nb', false, '`a ↵ b`'],
    ['empty', '', false, '` `'],
  ])('code span: %s', (_n, input, inTable, want) => {
    expect(code(input, inTable)).toBe(want);
  });
});
