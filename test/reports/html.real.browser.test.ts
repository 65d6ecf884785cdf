/**
 * HTML reports made by the whole pipeline from the real samples in samples/
 * (strace of a stop/continue, a reset capture, a 100-continue wait, one
 * incident's files together, secrets), opened in chromium. The hostile-headers
 * sample is not here: none of its text reaches a finding or a lane label, so
 * the hostile fixture in html.browser.test.ts is the real test of escaping.
 * Screenshots: test-artifacts/reports/real-*.png.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html/index.js';
import { loadRenderer, REPORT_FORMATS } from '../../reports/index.js';
import { redactResult } from '../../src/model/index.js';
import { analyze } from '../../src/pipeline/index.js';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/reports');
const sample = (p: string) => path.join('samples', p);

const CASES: [string, string[]][] = [
  ['real-strace-stop-continue', [sample('strace/stopcont-threads.strace')]],
  ['real-reset-capture', [sample('incidents/reset-mid-body/capture.pcap')]],
  ['real-expect-100', [sample('incidents/expect-100-withheld/capture.pcap')]],
  ['real-incident-reset-mid-body', [sample('incidents/reset-mid-body')]],
];

const have = existsSync(CHROMIUM) && CASES.every(([, paths]) => paths.every((p) => existsSync(path.join(repoRoot, p))));

/** The secret values in samples/incidents/secrets (made up for the sample). */
const SECRETS = ['tok-SECRET-8f3a1c', 'key-SECRET-77d0', 'sk_live_SECRET_4eC39HqLyjWDarjtT1', 'SESSION-SECRET-5f2c9a'];

describe.skipIf(!have)('HTML reports from real samples in chromium', () => {
  let browser: Browser;
  let page: Page;
  const seen = { errors: [] as string[], requests: [] as string[], dialogs: [] as string[] };
  const cwd = process.cwd();

  beforeAll(async () => {
    // paths in the reports read as given: relative to the repository
    process.chdir(repoRoot);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') seen.errors.push(m.text());
    });
    page.on('pageerror', (e) => seen.errors.push(String(e)));
    page.on('request', (r) => seen.requests.push(r.url()));
    page.on('dialog', (d) => {
      seen.dialogs.push(d.message());
      void d.dismiss();
    });
  }, 30_000);
  afterAll(async () => {
    process.chdir(cwd);
    await browser?.close();
  });

  async function openReport(name: string, html: string): Promise<string> {
    const file = path.join(ARTIFACTS, `${name}.html`);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    seen.errors.length = 0;
    seen.requests.length = 0;
    seen.dialogs.length = 0;
    await page.goto(url, { waitUntil: 'load' });
    return url;
  }

  const view = async (): Promise<number> => {
    const v = (await page.evaluate<string | null>('document.documentElement.getAttribute("data-view")')) ?? '';
    const [a, b] = v.split(' ').map(Number);
    return b - a;
  };

  it.each(CASES)('%s: every finding listed, its row highlights its lanes, zoom works, nothing loaded or run', async (name, paths) => {
    const result = await analyze(paths);
    const url = await openReport(name, renderHtml(result, {}));
    expect(await page.locator('tbody.finding td.title').allTextContents()).toEqual(result.findings.map((f) => f.title));
    expect(await page.locator('svg.tl rect.row').count()).toBe(result.lanes.length);
    const full = await view();
    await page.locator('button[data-z="in"]').click();
    expect(await view()).toBeCloseTo(full / 2, 6);
    await page.locator('button[data-z="reset"]').click();
    // full-page shots are slow: only the richest page gets one
    const rich = name.includes('incident');
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: rich });
    for (let i = 0; i < result.findings.length; i++) {
      // the evidence of merged findings cites every input it came from
      const cited = await page.locator(`#finding-${i} .where b`).allTextContents();
      expect(cited).toEqual(result.findings[i].evidence.map((e) => e.input));
      await page.locator(`#finding-${i} tr.row td.title`).click();
      const rows = await page.evaluate<number>(`JSON.parse(document.getElementById("fl-data").textContent).findings[${i}].rows.length`);
      expect(await page.locator('svg.tl rect.row.hl').count()).toBe(rows);
      if (result.findings[i].lanes?.length) expect(rows).toBeGreaterThan(0);
    }
    if (rich) await page.screenshot({ path: path.join(ARTIFACTS, `${name}-selected.png`) });
    expect(await page.evaluate<string>('typeof window.__pwned')).toBe('undefined');
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([url]);
    expect(seen.dialogs).toEqual([]);
  });

  it.skipIf(!existsSync(path.join(repoRoot, 'samples/incidents/secrets')))('keeps the secrets sample\'s credentials out of every format, and shows them only with redaction off', async () => {
    // one analysis (they are slow), redacted here as the pipeline does by default
    const raw = await analyze([sample('incidents/secrets')], { redact: false });
    const redacted = redactResult(raw);
    expect(SECRETS.some((s) => JSON.stringify(raw).includes(s))).toBe(true);
    for (const format of REPORT_FORMATS) {
      const out = await (await loadRenderer(format))(redacted, {});
      for (const s of SECRETS) expect(out, `${format} holds ${s}`).not.toContain(s);
    }
    await openReport('real-secrets', renderHtml(redacted, {}));
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('Secrets redacted.');
    for (const s of SECRETS) expect(text).not.toContain(s);
    await page.screenshot({ path: path.join(ARTIFACTS, 'real-secrets.png') });
  });
});
