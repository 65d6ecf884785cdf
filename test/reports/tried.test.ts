/**
 * "What each process or client tried" in the text, Markdown and HTML reports
 * (issue 13): a destination never reached reads at a glance, failures first,
 * even in a run where no detector fired; trace text in it stays text.
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import type { InputInfo, RunResult, TriedBy } from '../../src/model/index.js';
import { renderText } from '../../reports/text.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { renderHtml } from '../../reports/html/index.js';
import { renderJson } from '../../reports/json.js';
import { renderPostmortem } from '../../reports/postmortem.js';
import { SHOWN_ITEMS } from '../../reports/tried.js';
import { HOSTILE, hostile } from './fixtures.js';

const productpage: TriedBy = {
  pid: 41,
  parent: 1,
  program: '/usr/local/bin/productpage',
  command: 'productpage --listen :9080',
  env: { REVIEWS_HOSTNAME: 'reviews', REVIEWS_PORT: '9081' },
  destinations: [
    { to: '10.0.0.8:9080', transport: 'tcp', attempts: 4, connected: 4, outcome: 'connected', first_t: 1, line: 10 },
    { to: '10.0.0.9:9081', transport: 'tcp', attempts: 3, connected: 0, failures: { ECONNREFUSED: 3 }, outcome: 'failed', first_t: 2, line: 20 },
  ],
  lookups: [{ name: 'reviews', types: ['A'], queries: 1, outcome: 'answered', server: '10.96.0.10:53' }],
};

/** A run in which no detector fired: the summary is all that shows the wrong port. */
function quietRun(by: TriedBy[] = [productpage], by_dropped?: number): RunResult {
  const input: InputInfo = { path: 'productpage.strace', format: 'strace', status: 'read', events: 100, clock: 'epoch', warnings: [], tried: { by, ...(by_dropped ? { by_dropped } : {}) } };
  return {
    tool: 'faultline',
    version: '0.1.0',
    inputs: [input],
    findings: [],
    detector_failures: [],
    clocks: { [input.path]: { offset: 0, absolute: true } },
    lanes: [],
    assumptions: { timezone: 'UTC', join_window: 2 },
    redacted: true,
  };
}

describe('what each process or client tried, in every report', () => {
  it('text: the failed destination leads, marked, with the environment that named it', () => {
    const t = renderText(quietRun(), {});
    const lines = t.split('\n');
    const head = lines.findIndex((l) => l.startsWith('What each process or client tried'));
    expect(head).toBeGreaterThan(0);
    expect(lines.slice(head + 1, head + 7).map((l) => l.trimEnd())).toEqual([
      '  productpage.strace',
      '    productpage (pid 41, parent 1): productpage --listen :9080',
      '      env REVIEWS_HOSTNAME=reviews REVIEWS_PORT=9081',
      '      ✗ 10.0.0.9:9081 (tcp)  never connected (3 attempts: ECONNREFUSED ×3)',
      '      ✓ 10.0.0.8:9080 (tcp)  connected (4 attempts)',
      '      ✓ name reviews (A)     answered (1 query to 10.96.0.10:53)',
    ]);
  });

  it('says at the top of every report how many destinations or names did not work, when some did not', () => {
    expect(renderText(quietRun(), {}).split('\n')[1]).toBe('1 destination or name did not answer or could not be reached: see below.');
    expect(renderMarkdown(quietRun(), {})).toContain('**1 destination or name did not answer or could not be reached**: see [What each process or client tried](#what-each-process-or-client-tried).');
    const { document } = parseHTML(renderHtml(quietRun(), {}));
    expect(document.querySelector('header .notice.tried a[href="#tried"]')?.textContent).toBe('1 destination or name did not answer or could not be reached');
    const healthy: TriedBy = { ...productpage, destinations: productpage.destinations.slice(0, 1) };
    expect(renderText(quietRun([healthy]), {}).split('\n')[1]).toBe('');
    expect(parseHTML(renderHtml(quietRun([healthy]), {})).document.querySelector('.notice.tried')).toBeNull();
  });

  it('markdown: one table per input, the failure in bold', () => {
    const md = renderMarkdown(quietRun(), {});
    expect(md).toContain('## What each process or client tried');
    expect(md).toContain('| productpage (pid 41, parent 1)<br>`productpage --listen :9080`<br>env `REVIEWS_HOSTNAME=reviews` `REVIEWS_PORT=9081` | ✗ | `10.0.0.9:9081 (tcp)` | **never connected** | 3 attempts: ECONNREFUSED ×3 |');
  });

  it('html: a section whose first row is the failure, in a row marked bad', () => {
    const { document } = parseHTML(renderHtml(quietRun(), {}));
    const rows = Array.from(document.querySelectorAll('#tried table.tried tbody tr'));
    expect(rows.map((r) => [r.classList.contains('bad'), r.querySelector('td.oc')?.textContent])).toEqual([
      [true, 'never connected'],
      [false, 'connected'],
      [false, 'answered'],
    ]);
    expect(document.querySelector('#tried td.who')?.textContent).toContain('REVIEWS_PORT=9081');
  });

  it('postmortem draft: a run without findings still names the port never reached, and the variable behind it', () => {
    const pm = renderPostmortem(quietRun(), {});
    expect(pm).toContain('faultline found no failure in these inputs');
    expect(pm).toContain(
      '- productpage (pid 41, parent 1) → `10.0.0.9:9081 (tcp)`: never connected (3 attempts: ECONNREFUSED ×3); its environment named `REVIEWS_HOSTNAME=reviews`, `REVIEWS_PORT=9081` — in `productpage.strace`',
    );
    // what worked is left to the full report
    expect(pm).not.toContain('10.0.0.8:9080');
  });

  it('json: the summary is on the input, as the schema has it', () => {
    const j = JSON.parse(renderJson(quietRun(), {}));
    expect(j.inputs[0].tried.by[0].destinations[1]).toMatchObject({ to: '10.0.0.9:9081', outcome: 'failed' });
  });

  it('lists a bounded number of rows and says how many more there are', () => {
    const many: TriedBy = {
      pid: 2,
      destinations: Array.from({ length: 20 }, (_, i) => ({ to: `10.0.0.1:${i + 1}`, attempts: 1, connected: 1, outcome: 'connected' as const, first_t: i })),
      destinations_dropped: 3,
      lookups: Array.from({ length: 20 }, (_, i) => ({ name: `n${i}.example`, queries: 1, outcome: 'answered' })),
    };
    const t = renderText(quietRun([many], 4), {});
    expect(t.split('\n').filter((l) => /^ {6}✓ /.test(l))).toHaveLength(SHOWN_ITEMS * 2);
    expect(t).toContain(`… ${40 - SHOWN_ITEMS * 2 + 3} more (--format json lists what was kept)`);
    expect(t).toContain('… 4 more processes');
  });

  it('keeps trace text inert: escaped in HTML, code spans in Markdown', () => {
    const r = hostile();
    const html = renderHtml(r, {});
    const { document } = parseHTML(html);
    const section = document.getElementById('tried')!;
    expect(section.textContent).toContain(HOSTILE.script);
    expect(section.textContent).toContain(HOSTILE.attr);
    expect(section.querySelectorAll('script, img, style, svg').length).toBe(0);
    for (const e of Array.from(section.querySelectorAll('*'))) for (const a of Array.from(e.attributes as ArrayLike<{ name: string }>)) expect(a.name.startsWith('on')).toBe(false);
    const md = renderMarkdown(r, {});
    const part = md.slice(md.indexOf('## What each'), md.indexOf('\n## ', md.indexOf('## What each') + 5));
    // every piece of trace text sits inside a code span or is escaped: no raw tag opens outside one
    const outsideCode = part.replace(/(`+)[^]*?\1/g, '');
    expect(outsideCode).not.toMatch(/(?<!\\)<(script|img|svg|style)/);
  });
});
