/** One result, whatever the report (issue 8): the HTML carries the --format json result whole. */
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html/index.js';
import { renderJson } from '../../reports/json.js';
import { analyze } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';
import { hostile } from './fixtures.js';

function embedded(html: string): unknown {
  const el = parseHTML(html).document.getElementById('faultline-result');
  if (!el) throw new Error('no embedded result');
  expect(el.getAttribute('type')).toBe('application/json');
  return JSON.parse(el.textContent ?? '');
}

describe('the HTML report embeds the result', () => {
  it('equals the --format json output of the same run (a real incident, joined views and all)', async () => {
    const r = await analyze([path.join(samplesDir, 'incidents/incident-all')], { timezone: 'UTC' });
    expect(r.lanes.length).toBeGreaterThan(0);
    expect(embedded(renderHtml(r, {}))).toEqual(JSON.parse(renderJson(r, {})));
  });

  it('keeps trace text from closing the block: no "<" inside it, and the text still reads back', () => {
    const r = hostile();
    const html = renderHtml(r, {});
    const block = /<script type="application\/json" id="faultline-result">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(block).not.toContain('<');
    expect(JSON.stringify(r.findings)).toContain('</script>');
    expect(embedded(html)).toEqual(JSON.parse(renderJson(r, {})));
  });
});
