/**
 * The page in a real browser (Debian's chromium, headless, playwright-core):
 * upload two sample files, watch the report appear, add a note to a finding,
 * open the analysis from the list and see the note — with no console error
 * and no request leaving loopback. Screenshots go to test-artifacts/serve/
 * (git-ignored) to be looked at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolRunner } from '../../src/runner/pool.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';
import { start, type Running } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/serve');

describe.skipIf(!existsSync(CHROMIUM))('the serve page in chromium', () => {
  let browser: Browser;
  let s: Running;
  let page: Page;
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    s = await start({ runner: new PoolRunner({ jobs: 2 }) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('uploads two files, shows the report, keeps a note on a finding, and shows it again from the list', async () => {
    const dir = path.join(samplesDir, 'incidents/reset-mid-body');
    await page.goto(`${s.url}/`);
    await page.locator('#files').setInputFiles([path.join(dir, 'capture.pcap'), path.join(dir, 'curl-verbose.txt')]);
    await expect.poll(() => page.locator('#chosen li').count(), { timeout: 30_000 }).toBe(2);
    await page.fill('#name', 'reset mid body <b>drill</b>');
    await page.screenshot({ path: path.join(ARTIFACTS, 'page-chosen.png') });
    await page.click('#upload-btn');

    // the analysis view: progress, then the findings and the report
    await page.waitForURL(/#\/a\/[A-Za-z0-9_-]{22}$/);
    const id = page.url().split('/').pop()!;
    await page.locator('#a-done').waitFor({ state: 'visible' });
    expect(await page.textContent('#a-name')).toBe('reset mid body <b>drill</b>');
    const rows = page.locator('#a-findings tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const report = page.frameLocator('#a-report');
    await report.locator('#findings').waitFor();
    expect(await report.locator('h1').textContent()).toMatch(/finding/);

    // a note on the first finding
    const first = rows.first();
    const findingId = await first.getAttribute('data-finding');
    await first.locator('textarea').fill('root cause: the upstream reset mid-body (ticket OPS-42)');
    await first.locator('button[type=submit]').click();
    await expect.poll(() => first.locator('ul.notes li').count(), { timeout: 30_000 }).toBe(1);
    await report.locator('#notes').waitFor();
    expect(await report.locator('#notes').textContent()).toContain('ticket OPS-42');
    await page.fill('#a-note-text', 'drill: nothing was lost');
    await page.click('#a-note-form button');
    await expect.poll(() => page.locator('#a-notes li').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await report.locator('#notes').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toContain('nothing was lost');
    await page.screenshot({ path: path.join(ARTIFACTS, 'analysis.png'), fullPage: true });

    // back to the list, search, open it again
    await page.click('text=← All analyses');
    await page.locator(`#list tr[data-id="${id}"]`).waitFor();
    await page.fill('#search', 'DRILL');
    await expect.poll(() => page.locator('#list tbody tr').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator(`#list tr[data-id="${id}"] td`).nth(3).textContent()).toMatch(/\d+ error/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'list.png') });
    await page.click(`#list tr[data-id="${id}"] a.open`);
    await page.locator('#a-done').waitFor({ state: 'visible' });
    const again = page.locator(`#a-findings tr[data-finding="${findingId}"] ul.notes li`);
    await expect.poll(() => again.count(), { timeout: 30_000 }).toBe(1);
    expect(await again.textContent()).toContain('root cause: the upstream reset mid-body (ticket OPS-42)');
    expect(await page.locator('#a-notes li').textContent()).toContain('drill: nothing was lost');

    // the report on its own
    const alone = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    alone.on('console', (m) => {
      if (m.type() === 'error') errors.push(`report: ${m.text()}`);
    });
    alone.on('request', (r) => requests.push(r.url()));
    await alone.goto(`${s.url}/a/${id}`);
    expect(await alone.locator('#notes').textContent()).toContain('ticket OPS-42');
    await alone.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
    await alone.close();

    expect(errors).toEqual([]);
    const origin = new URL(s.url).origin;
    expect(requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
  }, 120_000);
});
