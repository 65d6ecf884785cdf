/**
 * The JSON, text, CSV, Markdown and HTML reports in pieces (what the CLI writes as it renders): joined, the pieces are
 * the whole report byte for byte, however small the batches, wherever they fall.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/index.js';
import { loadChunkedRenderer, loadRenderer, REPORT_FORMATS } from '../../reports/index.js';
import { compactJsonChunks, renderJsonChunks } from '../../reports/json.js';
import { renderHtmlChunks } from '../../reports/html/index.js';
import { renderTextChunks } from '../../reports/text.js';
import { renderMarkdownChunks } from '../../reports/markdown.js';
import { renderCsvChunks } from '../../reports/csv.js';
import { busyRun, cleanRun } from './busy.js';
import { hostile, straceStopContinue } from './fixtures.js';

/** A busy run whose inputs are many too (two long top-level arrays), with warnings and trace text that JSON and CSV escape. */
function longInputs(): RunResult {
  const r = busyRun();
  const first = r.inputs[0];
  for (let i = 0; i < 9; i++) r.inputs.push({ ...first, path: `capture/more-${i} "quoted"\n\u2028.pcap`, warnings: [`packet ${i}: \u0000 bad`] });
  r.warnings = ['clock "a" and \\ b disagree'];
  r.findings[3].details = { nested: { list: [1, null, 'x'], none: undefined }, text: '\t\r\n</script>' };
  r.findings[5].title = '=HYPERLINK("x")';
  r.findings[6].explanation = 'a "quote", a comma\nand a line break';
  return r;
}

const results: [string, () => RunResult][] = [
  ['busy', busyRun],
  ['long inputs', longInputs],
  ['clean', cleanRun],
  ['hostile', hostile],
  ['strace', straceStopContinue],
];

describe('the JSON report in pieces', () => {
  for (const [name, make] of results) {
    it(`is JSON.stringify's text joined, in batches of 1, 2, 7 and 1000 (${name})`, () => {
      const r = make();
      const whole = JSON.stringify({ ...r, lanes: undefined }, null, 2) + '\n';
      for (const batch of [1, 2, 7, 1000]) expect([...renderJsonChunks(r, {}, batch)].join(''), `batch ${batch}`).toBe(whole);
    });
  }

  it('comes in several pieces when the findings outnumber a batch', () => {
    const pieces = [...renderJsonChunks(busyRun(), {}, 50)];
    expect(pieces.length).toBeGreaterThan(6);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(pieces.join('').length / 4);
  });
});

describe('compact JSON in pieces (the HTML report\'s copy of the result)', () => {
  for (const [name, make] of results) {
    it(`is JSON.stringify's text joined, in batches of 1, 2, 7 and 1000 (${name})`, () => {
      const doc = { ...make(), lanes: undefined, fn: () => 1 } as unknown as Record<string, unknown>;
      for (const batch of [1, 2, 7, 1000]) expect([...compactJsonChunks(doc, batch)].join(''), `batch ${batch}`).toBe(JSON.stringify(doc));
    });
  }

  it('writes an object with no member as JSON.stringify does', () => {
    expect([...compactJsonChunks({ gone: undefined }, 1)].join('')).toBe('{}');
  });
});

describe('the text report in pieces', () => {
  for (const [name, make] of results) {
    for (const color of [false, true]) {
      it(`joins to the whole report, every 1, 3 and 50 lines (${name}${color ? ', in colour' : ''})`, () => {
        const r = make();
        const whole = [...renderTextChunks(r, { color }, Infinity)];
        expect(whole).toHaveLength(1);
        for (const lines of [1, 3, 50]) {
          const pieces = [...renderTextChunks(r, { color }, lines)];
          expect(pieces.join(''), `every ${lines} lines`).toBe(whole[0]);
          expect(pieces.every((p) => p.endsWith('\n'))).toBe(true);
        }
      });
    }
  }
});

describe('the Markdown summary in pieces', () => {
  for (const [name, make] of results) {
    it(`joins to the whole summary, every 1, 2, 5 and 40 lines (${name})`, () => {
      const r = make();
      const whole = [...renderMarkdownChunks(r, {}, Infinity)];
      expect(whole).toHaveLength(1);
      for (const lines of [1, 2, 5, 40]) expect([...renderMarkdownChunks(r, {}, lines)].join(''), `every ${lines} lines`).toBe(whole[0]);
    });
  }

  it('comes in several pieces for a busy run, none ending inside a run of blank lines', () => {
    const pieces = [...renderMarkdownChunks(busyRun(), {}, 5)];
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces.slice(0, -1)) expect(p).toMatch(/\S$/);
  });
});

describe('the CSV in pieces', () => {
  for (const [name, make] of results) {
    it(`joins to the whole CSV, in batches of 1, 2 and 7 rows (${name})`, () => {
      const r = make();
      const whole = [...renderCsvChunks(r, {}, Infinity)];
      expect(whole).toHaveLength(1);
      for (const batch of [1, 2, 7]) expect([...renderCsvChunks(r, {}, batch)].join(''), `batch ${batch}`).toBe(whole[0]);
    });
  }
});

describe('the HTML report in pieces', () => {
  for (const [name, make] of results) {
    it(`joins to the same page in batches of 1, 7 and 100 findings (${name})`, () => {
      const r = make();
      const whole = [...renderHtmlChunks(r, {}, Infinity)].join('');
      for (const batch of [1, 7, 100]) expect([...renderHtmlChunks(r, {}, batch)].join(''), `batch ${batch}`).toBe(whole);
    });
  }
});

describe('loadChunkedRenderer', () => {
  it('gives every format, joined, as its renderer gives it', async () => {
    const r = busyRun();
    for (const format of REPORT_FORMATS) {
      const pieces: string[] = [];
      for await (const p of (await loadChunkedRenderer(format))(r, {})) pieces.push(p);
      expect(pieces.join(''), format).toBe(await (await loadRenderer(format))(r, {}));
    }
  });
});
