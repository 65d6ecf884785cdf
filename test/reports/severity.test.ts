/**
 * Issue 15: "severities are written one way" — the lower-case word (error,
 * warning, info) in every report, errors in bold where Markdown has bold; no
 * report capitalises or upper-cases it by itself.
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { renderCsv } from '../../reports/csv.js';
import { renderHtml } from '../../reports/html/index.js';
import { CSS } from '../../reports/html/client.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { renderPostmortem } from '../../reports/postmortem.js';
import { renderText } from '../../reports/text.js';
import path from 'node:path';
import { analyze } from '../../src/pipeline/index.js';
import { repoRoot } from '../helpers/paths.js';

describe('severities are written one way', () => {
  it('as the lower-case word in text, Markdown, the postmortem draft, CSV and HTML', async () => {
    // real samples giving errors, warnings and info findings
    const r = await analyze(['incidents/expect-100-withheld', 'incidents/reset-mid-body', 'strace/failures/connect-refused-retried.strace'].map((p) => path.join(repoRoot, 'samples', p)), { timezone: 'UTC' });
    const severities = new Set(r.findings.map((f) => f.severity));
    expect(severities).toEqual(new Set(['error', 'warning', 'info']));
    const text = renderText(r, {});
    const md = renderMarkdown(r, {});
    const pm = renderPostmortem(r, {});
    const csv = renderCsv(r, {});
    const doc = parseHTML(renderHtml(r, {})).document;
    for (const out of [text, md, pm, csv]) expect(out).not.toMatch(/\b(ERROR|WARNING|INFO|Error|Warning|Info)\b(?! [a-z])/);
    expect(pm).toMatch(/Severity (\*\*error\*\*|warning|info), from /);
    expect(new Set(Array.from(doc.querySelectorAll('.sevtag')).map((e) => e.textContent))).toEqual(severities);
    // and the page does not restyle the word into capitals
    expect(CSS).not.toMatch(/\.sevtag\{[^}]*text-transform/);
  });
});
