import { createHash } from 'node:crypto';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { esc, jsonForScript } from '../../reports/html/escape.js';
import { renderHtml } from '../../reports/html/index.js';
import { loadRenderer } from '../../reports/index.js';
import type { RunResult } from '../../src/model/index.js';
import { HOSTILE, hostile, large, mergedIncident, SMALL_CASES } from './fixtures.js';

function dom(html: string) {
  return parseHTML(html).document;
}

function inlineScript(html: string): string {
  const m = /<script>([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no inline script');
  return m[1];
}

function inlineStyle(html: string): string {
  return /<style>([\s\S]*?)<\/style>/.exec(html)![1];
}

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

describe('escaping', () => {
  it.each([
    ['markup', '<script>x</script>', '&lt;script&gt;x&lt;/script&gt;'],
    ['attribute breakers', `" onload='x'`, '&quot; onload=&#39;x&#39;'],
    ['ampersands', 'a&b', 'a&amp;b'],
    ['control characters', 'a\u0000b\u001bc\td', 'a\ufffdb\ufffdc\td'],
    ['plain text unchanged', 'read(3, "x", 1) = 1', 'read(3, &quot;x&quot;, 1) = 1'],
  ])('esc: %s', (_n, input, want) => {
    expect(esc(input)).toBe(want);
  });

  it('writes JSON that cannot close its script block', () => {
    const s = jsonForScript({ a: '</script><script>alert(1)</script>', b: '<!--' });
    expect(s).not.toMatch(/[<>]/);
    expect(JSON.parse(s)).toEqual({ a: '</script><script>alert(1)</script>', b: '<!--' });
  });
});

describe('HTML report', () => {
  it.each(Object.entries(SMALL_CASES))('%s: one self-contained file with no external resource', (_n, make) => {
    const html = renderHtml(make(), {});
    const doc = dom(html);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const e of Array.from(doc.querySelectorAll('[src]'))) throw new Error(`src attribute on <${e.tagName}>`);
    for (const e of Array.from(doc.querySelectorAll('link'))) throw new Error(`<link> ${e.outerHTML}`);
    for (const a of Array.from(doc.querySelectorAll('[href]'))) expect(a.getAttribute('href')).toMatch(/^#/);
    expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:|\/\/)/i);
    // the only URLs are namespace names and trace text (escaped, as text)
    expect(doc.querySelectorAll('svg.tl').length).toBeGreaterThan(0);
  });

  it('allows its own inline script and style by hash and nothing else', () => {
    const html = renderHtml(mergedIncident(), {});
    const doc = dom(html);
    const csp: string = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    const directives = Object.fromEntries(csp.split(';').map((d: string) => d.trim().split(/\s+/)).map(([k, ...v]: string[]) => [k, v.join(' ')]));
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).toBe(sha(inlineScript(html)));
    expect(directives['style-src']).toBe(sha(inlineStyle(html)));
    expect(csp).not.toContain('unsafe');
    // the CSP meta comes before anything it governs
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(doc.querySelectorAll('[style]').length).toBe(0);
  });

  it('shows hostile trace text as text and gives it no way to run', () => {
    const html = renderHtml(hostile(), {});
    const doc = dom(html);
    const scripts = Array.from(doc.querySelectorAll('script'));
    expect(scripts.map((s) => s.getAttribute('type'))).toEqual(['application/json', 'application/json', null]);
    expect(doc.querySelectorAll('img, iframe, object, embed, style').length).toBe(1); // our one <style>
    for (const e of Array.from(doc.querySelectorAll('*'))) {
      for (const a of Array.from(e.attributes as ArrayLike<{ name: string }>)) expect(a.name.startsWith('on'), `${e.tagName} ${a.name}`).toBe(false);
    }
    const text = doc.body.textContent ?? '';
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.img);
    expect(html).not.toContain(HOSTILE.script);
    expect(html).not.toContain(HOSTILE.img);
    expect(html).not.toContain(HOSTILE.svg);
    const data = JSON.parse(doc.getElementById('fl-data')!.textContent!);
    expect(data.findings).toHaveLength(1);
  });

  it('lists every finding with its evidence, readable without script', () => {
    const r = mergedIncident();
    const doc = dom(renderHtml(r, {}));
    const bodies = Array.from(doc.querySelectorAll('tbody.finding'));
    expect(bodies).toHaveLength(r.findings.length);
    r.findings.forEach((f, i) => {
      const b = bodies[i];
      expect(b.querySelector('td.title')!.textContent).toBe(f.title);
      expect(b.textContent).toContain(f.id);
      const pres = Array.from(b.querySelectorAll('pre')).map((p) => p.textContent);
      expect(pres).toEqual(f.evidence.map((e) => e.text));
      expect(b.querySelector('details')!.hasAttribute('open')).toBe(true);
    });
    expect(bodies[0].querySelector('.ws code')!.textContent).toBe(r.findings[0].details.wireshark_filter);
    expect(bodies[0].textContent).toContain('frame.number in {40}');
    // the timeline is static SVG: spans, markers, finding bands with hover titles
    expect(doc.querySelectorAll('svg.tl rect.s').length).toBe(r.lanes.reduce((n, l) => n + l.spans.length, 0));
    expect(doc.querySelectorAll('svg.tl line.m').length).toBe(r.lanes.reduce((n, l) => n + l.markers.length, 0));
    expect(doc.querySelectorAll('svg.tl rect.fb').length).toBe(r.findings.reduce((n, f) => n + (f.lanes?.length ?? 0), 0));
    // hover texts of timed elements are attributes (the page's card shows them): no <title> element each
    expect(doc.querySelector('rect.s > title')).toBeNull();
    expect(doc.querySelector('rect.s')!.getAttribute('data-tip')).toMatch(/ → /);
  });

  it('hides the controls that need the script until the script shows them', () => {
    const doc = dom(renderHtml(mergedIncident(), {}));
    const needJs = Array.from(doc.querySelectorAll('.toolbar, button.copy'));
    expect(needJs.length).toBeGreaterThan(1);
    for (const e of needJs) expect(e.hasAttribute('hidden')).toBe(true);
  });

  it('ties each finding to the rows of its lanes in the page data', () => {
    const r = mergedIncident();
    const doc = dom(renderHtml(r, {}));
    const data = JSON.parse(doc.getElementById('fl-data')!.textContent!) as { findings: { rows: number[]; s: number; e: number }[]; span: number };
    data.findings.forEach((f, i) => {
      expect(f.rows).toHaveLength(r.findings[i].lanes!.length);
      for (const k of f.rows) expect(doc.getElementById(`row-${k}`)).not.toBeNull();
      expect(f.s).toBeGreaterThan(0);
      expect(f.e).toBeLessThan(data.span);
    });
  });

  it.each([
    [true, 'Secrets redacted.'],
    [false, 'Not redacted.'],
  ])('says whether secrets were redacted (redacted: %s)', (redacted, words) => {
    const r: RunResult = { ...mergedIncident(), redacted };
    expect(dom(renderHtml(r, {})).querySelector('.notice')!.textContent).toContain(words);
  });

  it('lists the inputs with format, size, time span and clock', () => {
    const doc = dom(renderHtml(mergedIncident(), {}));
    const rows = Array.from(doc.querySelectorAll('table.inputs tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent));
    expect(rows).toHaveLength(3);
    expect(rows[0].slice(0, 5)).toEqual(['capture/reset.pcap', 'pcap', 'read', '68.6 KiB', '46']);
    expect(rows[0][5]).toContain('2026-11-23 02:13:20.200000 → 2026-11-23 02:13:21.800000');
    expect(rows[0][6]).toBe('epoch timestamps');
  });

  it('renders a run where nothing could be read', () => {
    const r: RunResult = {
      ...mergedIncident(),
      inputs: [{ path: 'missing.pcap', format: 'unknown', status: 'error', error: 'no such file', error_code: 'E_NOT_FOUND', events: 0, clock: 'none', warnings: [] }],
      findings: [],
      lanes: [],
      clocks: {},
    };
    const doc = dom(renderHtml(r, {}));
    expect(doc.querySelector('#timeline')!.textContent).toContain('No timeline');
    expect(doc.querySelector('#findings')!.textContent).toContain('No findings.');
    expect(doc.querySelector('table.inputs td.st-error')!.textContent).toBe('errorE_NOT_FOUND: no such file');
  });

  it('is loaded lazily through the report registry', async () => {
    const render = await loadRenderer('html');
    expect(render).toBe(renderHtml);
  });

  it('keeps a 100,000-event, 5,000-lane report small and says what it folded and aggregated', () => {
    const r = large(100_000, 5000, { kind: 'connection' });
    const html = renderHtml(r, {});
    expect(html.length).toBeLessThan(10_000_000);
    const doc = dom(html);
    expect(doc.querySelectorAll('details.fold').length).toBe(7);
    expect(doc.querySelector('#inputs ul.notes')!.textContent).toContain('5,000 lanes: the 12 lanes that carry findings are shown first');
    expect(doc.querySelectorAll('tbody.finding')).toHaveLength(12);
  });
});
