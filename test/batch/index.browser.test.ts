/**
 * index.html in a real browser (Debian's chromium, headless, driven by
 * playwright-core): no console error (CSP violations included), no request
 * but the page itself, nothing from a trace runs, and the filters and the
 * sorting do what they say.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverOf } from '../../src/batch/index-page.js';
import { runBatch, type BatchOutcome } from '../../src/batch/index.js';
import type { Finding } from '../../src/model/index.js';
import { PoolRunner } from '../../src/runner/pool.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/batch');
const HOSTILE_CASE = `"><img src=x onerror=alert(1)>`;

let root: string;
let out: string;
let outcome: BatchOutcome;
let findings: (Finding & { case: string })[];

describe.skipIf(!existsSync(CHROMIUM))('index.html in chromium', () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'fl-index-'));
    const inputs = path.join(root, 'in');
    out = path.join(root, 'out');
    for (const n of ['reset-mid-body', 'short-body', 'incident-all', 'empty-reply', 'reset-before-reply'])
      cpSync(path.join(samplesDir, 'incidents', n), path.join(inputs, n), { recursive: true });
    // a case whose name, URLs and error texts are markup: it must read as text and run nothing
    mkdirSync(path.join(inputs, HOSTILE_CASE), { recursive: true });
    const log = readFileSync(path.join(samplesDir, 'curl/php-errors.log'), 'utf8')
      .replaceAll('/orders/reset-before-reply', '/<script>alert(2)</script>')
      .replaceAll('Empty reply from server', `Empty reply <img src=y onerror=alert(3)>`);
    writeFileSync(path.join(inputs, HOSTILE_CASE, 'php-errors.log'), log);
    writeFileSync(path.join(inputs, 'broken.zip'), 'not a zip\n');
    const runner = new PoolRunner({ jobs: 2 });
    try {
      outcome = await runBatch({ inputs: [inputs], out, runner, flags: { tz: ['UTC'] } });
    } finally {
      await runner.close();
    }
    findings = readFileSync(path.join(out, 'findings.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const visible = (table: string) => page.locator(`#${table} tbody tr:not([hidden])`).count();

  it('loads with no error, no request and nothing from a trace running', async () => {
    expect(outcome.records).toHaveLength(7);
    expect(findings.length).toBeGreaterThan(8);
    await page.screenshot({ path: path.join(ARTIFACTS, 'index.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(path.join(out, 'index.html')).href]);
    expect(dialogs).toEqual([]);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2); // the data block and our own
    expect(await page.locator('#cases tbody tr').count()).toBe(7);
    expect(await page.locator('#cases td.name', { hasText: HOSTILE_CASE }).count()).toBe(1);
    expect(await page.locator('#findings td', { hasText: '<script>alert(2)</script>' }).count()).toBeGreaterThan(0);
    expect(await page.locator('#case-count').textContent()).toBe('7 of 7 cases');
  });

  it('links each case to its report', async () => {
    const hrefs = await page.locator('#cases td.name a:not(.sub)').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(outcome.records.filter((r) => r.report_html).map((r) => r.report_html));
    for (const h of hrefs) expect(existsSync(path.join(out, h!))).toBe(true);
  });

  it('filters the findings of every case by detector, severity, server, URL and case', async () => {
    expect(await visible('findings')).toBe(findings.length);
    await page.selectOption('#f-detector', 'curl-error-56');
    const c56 = findings.filter((f) => f.detector === 'curl-error-56');
    expect(await visible('findings')).toBe(c56.length);
    // "every case with a curl 56 from this server" is one more click: the server in a row
    const server = serverOf(c56.find((f) => serverOf(f))!);
    await page.locator('#findings tbody tr:not([hidden]) button.pick[data-pick="server"]', { hasText: server }).first().click();
    expect(await page.inputValue('#f-server')).toBe(server);
    const both = c56.filter((f) => serverOf(f) === server);
    expect(await visible('findings')).toBe(both.length);
    expect(await page.locator('#f-count').textContent()).toBe(
      `${both.length} finding${both.length === 1 ? '' : 's'} in ${new Set(both.map((f) => f.case)).size} case${new Set(both.map((f) => f.case)).size === 1 ? '' : 's'}`,
    );
    await page.click('#f-clear');
    expect(await visible('findings')).toBe(findings.length);

    await page.selectOption('#f-severity', 'warning');
    expect(await visible('findings')).toBe(findings.filter((f) => f.severity === 'warning').length);
    await page.click('#f-clear');
    await page.fill('#f-url', 'short-body');
    expect(await visible('findings')).toBe(findings.filter((f) => (f.subject.url ?? '').includes('short-body')).length);
    await page.click('#f-clear');
    await page.fill('#f-case', 'img');
    expect(await visible('findings')).toBe(findings.filter((f) => f.case === HOSTILE_CASE).length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'index-filtered.png'), fullPage: false });
    await page.click('#f-clear');
  });

  it('filters cases by name and status, and sorts by a column', async () => {
    await page.selectOption('#case-status', 'failed');
    expect(await visible('cases')).toBe(1);
    expect(await page.locator('#cases tbody tr:not([hidden]) td.name').textContent()).toBe('broken.zip');
    await page.selectOption('#case-status', '');
    await page.fill('#case-q', 'reset');
    expect(await visible('cases')).toBe(2);
    await page.fill('#case-q', '');

    await page.click('#cases th[data-k="findings"]');
    await page.click('#cases th[data-k="findings"]');
    expect(await page.getAttribute('#cases th[data-k="findings"]', 'aria-sort')).toBe('descending');
    const most = [...outcome.records].sort((a, b) => b.findings - a.findings)[0];
    expect(await page.locator('#cases tbody tr td.name').first().textContent()).toContain(most.name);
    await page.click('#cases th[data-k="name"]');
    const names = await page.locator('#cases tbody tr td.name').allTextContents();
    expect(names.map((n) => n.replace(/ json$/, ''))).toEqual(outcome.records.map((r) => r.name).sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
    expect(errors).toEqual([]);
  });
});
