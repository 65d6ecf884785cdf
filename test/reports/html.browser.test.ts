/**
 * The HTML report in a real browser (Debian's chromium, headless, driven by
 * playwright-core): no console errors (CSP violations included), no network
 * request, every finding in the table, clicking a row highlights its lane,
 * zoom changes the visible span, hostile trace text runs nothing.
 * Screenshots go to test-artifacts/reports/ (git-ignored) to be looked at.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html/index.js';
import type { RunResult } from '../../src/model/index.js';
import { HOSTILE, large, SMALL_CASES } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/reports');
/** full-page screenshots are slow; the other cases get the first screen */
const FULL_PAGE_SHOTS = new Set(['merged-incident', 'hostile']);

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
  url: string;
}

/**
 * One page for the whole file (a new page costs more than a navigation):
 * each open() writes the report, resets the records and navigates.
 */
let shared: Opened | undefined;

async function open(browser: Browser, name: string, result: RunResult): Promise<Opened> {
  const file = path.join(ARTIFACTS, `${name}.html`);
  writeFileSync(file, renderHtml(result, {}));
  const url = pathToFileURL(file).href;
  if (!shared) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const o: Opened = { page, errors: [], requests: [], dialogs: [], url };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') o.errors.push(m.text());
    });
    page.on('pageerror', (e) => o.errors.push(String(e)));
    page.on('request', (r) => o.requests.push(r.url()));
    page.on('dialog', (d) => {
      o.dialogs.push(d.message());
      void d.dismiss();
    });
    shared = o;
  }
  shared.errors.length = 0;
  shared.requests.length = 0;
  shared.dialogs.length = 0;
  shared.url = url;
  await shared.page.goto(url, { waitUntil: 'load' });
  return shared;
}

async function view(page: Page): Promise<[number, number]> {
  const v = await page.evaluate<string | null>('document.documentElement.getAttribute("data-view")');
  const [a, b] = (v ?? '').split(' ').map(Number);
  return [a, b];
}

describe.skipIf(!existsSync(CHROMIUM))('HTML report in chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each(Object.entries(SMALL_CASES))('%s: loads with no error and no request, every finding listed', async (name, make) => {
    const result = make();
    const o = await open(browser, name, result);
    try {
      const titles = await o.page.locator('tbody.finding td.title').allTextContents();
      expect(titles).toEqual(result.findings.map((f) => f.title));
      expect(await o.page.locator('svg.tl').first().isVisible()).toBe(true);
      expect(await o.page.locator('#fl-view').textContent()).toMatch(/ s – .* shown$/);
      await o.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: FULL_PAGE_SHOTS.has(name) });
      expect(o.errors).toEqual([]);
      expect(o.requests).toEqual([o.url]);
      expect(o.dialogs).toEqual([]);
    } finally {
      await o.page.mouse.move(0, 0);
    }
  });

  it('clicking a finding highlights its lanes and zooms to its time', async () => {
    const result = SMALL_CASES['merged-incident']();
    const o = await open(browser, 'merged-incident-selected', result);
    try {
      const before = await view(o.page);
      await o.page.locator('#finding-0 tr.row td.title').click();
      const highlighted = await o.page.locator('svg.tl rect.row.hl').count();
      expect(highlighted).toBe(result.findings[0].lanes!.length);
      expect(await o.page.locator('svg.tl text.ll.hl').count()).toBe(highlighted);
      expect(await o.page.locator('svg.tl rect.fb.sel').count()).toBe(highlighted);
      expect(await o.page.locator('#finding-0.sel').count()).toBe(1);
      const after = await view(o.page);
      expect(after[1] - after[0]).toBeLessThan(before[1] - before[0]);
      // the selected finding's time is inside the view
      const f = await o.page.evaluate<{ s: number; e: number }>('JSON.parse(document.getElementById("fl-data").textContent).findings[0]');
      expect(f.s).toBeGreaterThanOrEqual(after[0]);
      expect(f.e).toBeLessThanOrEqual(after[1]);
      await o.page.screenshot({ path: path.join(ARTIFACTS, 'merged-incident-selected.png'), fullPage: false });
      // another row moves the highlight (from the keyboard too)
      await o.page.locator('#finding-1 tr.row').focus();
      await o.page.keyboard.press('Enter');
      expect(await o.page.locator('svg.tl rect.row.hl').count()).toBe(result.findings[1].lanes!.length);
      expect(await o.page.locator('#finding-0.sel').count()).toBe(0);
      expect(o.errors).toEqual([]);
    } finally {
      await o.page.mouse.move(0, 0);
    }
  });

  it('zooms and pans: buttons, keyboard, ctrl+wheel, drag on the axis; reset shows all again', async () => {
    const o = await open(browser, 'zoom', SMALL_CASES['strace-stop-continue']());
    try {
      const [a0, b0] = await view(o.page);
      await o.page.locator('button[data-z="in"]').click();
      const [a1, b1] = await view(o.page);
      expect(b1 - a1).toBeCloseTo((b0 - a0) / 2, 6);
      await o.page.locator('button[data-z="right"]').click();
      const [a2] = await view(o.page);
      expect(a2).toBeGreaterThan(a1);
      await o.page.keyboard.press('0');
      expect(await view(o.page)).toEqual([a0, b0]);
      // ctrl+wheel over the plot zooms around the pointer
      const box = (await o.page.locator('#tl-main').boundingBox())!;
      await o.page.mouse.move(box.x + 700, box.y + 120);
      await o.page.keyboard.down('Control');
      await o.page.mouse.wheel(0, -300);
      await o.page.keyboard.up('Control');
      const [a3, b3] = await view(o.page);
      expect(b3 - a3).toBeLessThan(b0 - a0);
      // drag across the axis zooms to that range
      await o.page.keyboard.press('0');
      await o.page.mouse.move(box.x + 400, box.y + 20);
      await o.page.mouse.down();
      await o.page.mouse.move(box.x + 600, box.y + 20, { steps: 5 });
      await o.page.mouse.up();
      const [a4, b4] = await view(o.page);
      expect(b4 - a4).toBeLessThan((b0 - a0) / 3);
      const ticks = await o.page.locator('#tl-main g.axis text.tick:not(.wall)').allTextContents();
      expect(ticks.length).toBeGreaterThan(3);
      await o.page.screenshot({ path: path.join(ARTIFACTS, 'zoomed.png') });
      expect(o.errors).toEqual([]);
    } finally {
      await o.page.mouse.move(0, 0);
    }
  });

  it('shows a hover card with the span\'s details', async () => {
    const o = await open(browser, 'hover', SMALL_CASES['strace-stop-continue']());
    try {
      await o.page.locator('svg.tl rect.s.k-stop').hover();
      const card = o.page.locator('#fl-card');
      expect(await card.isVisible()).toBe(true);
      expect(await card.textContent()).toContain('stopped by SIGSTOP from pid 4300');
      await o.page.screenshot({ path: path.join(ARTIFACTS, 'hover.png') });
    } finally {
      await o.page.mouse.move(0, 0);
    }
  });

  it('runs nothing from a hostile capture, even when its text is hovered and clicked', async () => {
    const o = await open(browser, 'hostile-interactive', SMALL_CASES.hostile());
    try {
      await o.page.locator('svg.tl rect.s').first().hover();
      expect(await o.page.locator('#fl-card').textContent()).toContain(HOSTILE.script);
      await o.page.locator('#finding-0 tr.row td.title').click();
      // copying the (hostile) Wireshark filter goes to the clipboard or selects the text; it runs nothing
      await o.page.locator('#finding-0 button.copy').first().click();
      await o.page.locator('svg.tl text.ll').first().hover();
      await o.page.waitForTimeout(100);
      expect(await o.page.evaluate<string>('typeof window.__pwned')).toBe('undefined');
      expect(await o.page.locator('img').count()).toBe(0);
      expect(await o.page.locator('body').isVisible()).toBe(true);
      expect(o.dialogs).toEqual([]);
      expect(o.errors).toEqual([]);
      expect(o.requests).toEqual([o.url]);
    } finally {
      await o.page.mouse.move(0, 0);
    }
  });

  it('opens a 100,000-event, 5,000-lane report with under 20,000 elements; folded groups expand', async () => {
    const o = await open(browser, 'connections-100k', large(100_000, 5000, { kind: 'connection' }));
    try {
      // what the browser holds, not how fast this loaded machine opened it
      expect(await o.page.evaluate<number>('document.getElementsByTagName("*").length')).toBeLessThan(20_000);
      const folds = o.page.locator('details.fold');
      expect(await folds.count()).toBe(7);
      await folds.first().locator('summary').click();
      expect(await folds.first().locator('svg.tl').isVisible()).toBe(true);
      await o.page.locator('button[data-z="in"]').click();
      await o.page.screenshot({ path: path.join(ARTIFACTS, 'connections-100k.png') });
      expect(o.errors).toEqual([]);
      expect(o.requests).toEqual([o.url]);
    } finally {
      await o.page.mouse.move(0, 0);
    }
  });
});
