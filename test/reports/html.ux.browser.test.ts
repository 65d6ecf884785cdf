/**
 * The HTML report as a reader meets it (issue 15, issue 9 item 17): a busy
 * run's page stays under 20,000 elements, opens on the incident, labels its
 * finding bars, links evidence to its lane with its time, and brings
 * collapsed evidence in when a finding is selected. Chromium, headless.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html/index.js';
import { LaneBuilder, type RunResult } from '../../src/model/index.js';
import { busyRun } from './busy.js';
import { large, mergedIncident, T0 } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/reports');

/** A big capture's shape: thousands of busy connection lanes and hundreds of findings on them. */
function bigAndBusy(): RunResult {
  const r = large(200_000, 3000, { kind: 'connection' });
  const busy = busyRun();
  const laneIds = r.lanes.map((l) => l.id);
  busy.findings.forEach((f, i) => {
    f.lanes = [laneIds[(i * 7) % laneIds.length]];
    f.evidence = f.evidence.map((e) => ({ ...e, input: r.inputs[0].path }));
    f.start = T0 + (i % 60);
    f.details = { connection_state: 'RSTR', history: 'ShADdr', wait_ms: 12.5, body_bytes_expected: 4061, reset_frame: 1562 };
  });
  r.findings = busy.findings;
  return r;
}

/** An app log stamped to the second, far from a capture's precisely timed reset. */
function coarseAndPrecise(): RunResult {
  const r = mergedIncident();
  const app = new LaneBuilder('app.log#main', 'app.log', 'transfer', 'app.log', 'app');
  app.tick(T0 - 40);
  app.marker({ t: T0 - 40, kind: 'error', label: 'cURL error 56: Recv failure', line: 3 });
  app.marker({ t: T0 - 30, kind: 'error', label: 'cURL error 56: Recv failure', line: 4 });
  app.marker({ t: T0 - 20, kind: 'error', label: 'cURL error 56: Recv failure', line: 5 });
  r.lanes.push(app.build());
  r.inputs.push({ path: 'app.log', format: 'app-log', status: 'read', events: 3, clock: 'epoch', warnings: [], first_t: T0 - 40, last_t: T0 - 20 });
  r.clocks['app.log'] = { offset: 0, absolute: true };
  r.findings.push({ id: 'F9', detector: 'curl-error', severity: 'warning', title: 'cURL error 56 in the app log', start: T0 - 40, end: null, subject: {}, evidence: [{ input: 'app.log', line: 3 }], details: {}, lanes: ['app.log#main'] });
  return r;
}

/** A log of many failures: `n` error findings, one per transfer, each on the lane of the capture it came from. */
function manyErrors(n: number): RunResult {
  const r = large(1_000, 50, { kind: 'connection' });
  const laneIds = r.lanes.map((l) => l.id);
  const one = busyRun().findings.find((f) => f.severity === 'error')!;
  r.findings = Array.from({ length: n }, (_, i) => ({
    ...one,
    evidence: one.evidence.map((e) => ({ ...e, input: r.inputs[0].path })),
    id: `E${i}`,
    title: `Receive failed: connection reset by the peer from http://svc${i}.test/orders (curl error 56)`,
    start: T0 + (i % 60) + i / 1e5,
    lanes: [laneIds[(i * 7) % laneIds.length]],
    related: i === 0 ? [`E${n - 1}`] : undefined,
  }));
  return r;
}

describe.skipIf(!existsSync(CHROMIUM))('HTML report: what a reader meets', () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, r: RunResult): Promise<string> {
    const file = path.join(ARTIFACTS, `${name}.html`);
    writeFileSync(file, renderHtml(r, {}));
    errors.length = 0;
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return file;
  }
  const elements = () => page.evaluate<number>('document.getElementsByTagName("*").length');
  const view = async () => ((await page.evaluate<string | null>('document.documentElement.getAttribute("data-view")')) ?? '').split(' ').map(Number);

  it('a big, busy capture: under 20,000 elements and 10 MB, summary first, info findings collapsed', async () => {
    const file = await open('big-busy', bigAndBusy());
    expect(await elements()).toBeLessThan(20_000);
    expect(statSync(file).size).toBeLessThan(10_000_000);
    expect(await page.locator('#summary table.groups tbody tr').count()).toBe(3);
    expect(await page.locator('details.group').count()).toBe(1);
    expect(await page.locator('details.group tbody.finding').count()).toBe(0); // in a <template> until opened
    await page.screenshot({ path: path.join(ARTIFACTS, 'big-busy.png') });
    expect(errors).toEqual([]);
  });

  it('selecting a collapsed info finding on the timeline brings its row and evidence in', async () => {
    const r = bigAndBusy();
    await open('big-busy', r);
    const info = r.findings.findIndex((f) => f.severity === 'info');
    await page.evaluate(`document.querySelector('svg [data-f="${info}"]').dispatchEvent(new MouseEvent('click', { bubbles: true }))`);
    const body = page.locator(`#finding-${info}`);
    expect(await body.count()).toBe(1);
    expect(await body.locator('p.facts').textContent()).toMatch(/Connection state: RSTR · History: ShADdr · Waited: 12\.5 ms · Body bytes expected: 4,061 bytes \(4 KiB\) · Reset: packet 1562/);
    expect(await body.locator('abbr').first().getAttribute('title')).toMatch(/responder \(server\) aborted it with a RST/);
    expect(errors).toEqual([]);
  });

  it('a long findings table lists its first 500 rows; the rest come in, in order, by button, selection or link', async () => {
    const r = manyErrors(1_600);
    await open('many-errors', r);
    const listed = () => page.locator('#findings-table tbody.finding').count();
    expect(await listed()).toBe(500);
    expect(await page.locator('div.more-rows .more-say').textContent()).toMatch(/^The first 500 of 1,600 findings are listed\./);
    await page.locator('button[data-more="1"]').click();
    expect(await listed()).toBe(1000);
    expect(await page.locator('div.more-rows .more-say').textContent()).toBe('1,000 of 1,600 findings are listed.');
    expect(await page.locator('button[data-more="1"]').textContent()).toBe('Show 500 more');
    // a row brought in works as one listed from the start: clicking it selects its finding
    await page.locator('#finding-700 tr.row').click();
    expect(await page.locator('#finding-700.sel').count()).toBe(1);
    // selecting a finding on the timeline whose row still waits brings the pieces up to it
    await page.evaluate(`document.querySelector('svg [data-f="1200"]').dispatchEvent(new MouseEvent('click', { bubbles: true }))`);
    expect(await listed()).toBe(1500);
    expect(await page.locator('#finding-1200.sel details[open]').count()).toBe(1);
    // a link to a waiting finding (E0's related E1599) brings it in before the browser follows it
    await page.locator('#finding-0 tr.ev summary').click();
    await page.locator('#finding-0 a[href="#finding-1599"]').click();
    expect(await listed()).toBe(1600);
    expect(await page.evaluate<string>('location.hash')).toBe('#finding-1599');
    expect(await page.locator('div.more-rows').count()).toBe(0);
    const order = await page.evaluate<number[]>('[...document.querySelectorAll("#findings-table tbody.finding")].map((b) => +b.dataset.f)');
    expect(order).toEqual([...order.keys()]);
    expect(errors).toEqual([]);
  });

  it('"Show all" lists every finding of a long table at once', async () => {
    await open('many-errors', manyErrors(700));
    await page.locator('button[data-more="all"]').click();
    expect(await page.locator('#findings-table tbody.finding').count()).toBe(700);
    expect(await page.locator('template.more-rows').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('finding bars carry labels; evidence shows its time and links to its lane', async () => {
    const r = mergedIncident();
    await open('labels', r);
    const labels = page.locator('svg.tl text.fl[visibility="visible"]');
    expect(await labels.count()).toBeGreaterThan(0);
    expect(r.findings.map((f) => f.title.slice(0, 20))).toContain(((await labels.first().textContent()) ?? '').slice(0, 20));
    const link = page.locator('#finding-0 .where a[href^="#row-"]').first();
    expect(await link.count()).toBe(1);
    expect(await page.locator('#finding-0 .where .mono').first().textContent()).toMatch(/^2026-11-23 02:13:\d\d\.\d{6}$/);
    const row = (await link.getAttribute('href'))!.slice(1);
    expect(await page.locator(`svg.tl rect#${row}`).count()).toBe(1);
  });

  it('opens on the precisely timed incident; a whole-second app-log time is drawn as its second', async () => {
    const r = coarseAndPrecise();
    await open('coarse', r);
    const data = JSON.parse((await page.locator('#fl-data').textContent())!) as { span: number; findings: { s: number | null }[] };
    const [a, b] = await view();
    expect(b - a).toBeLessThan(data.span * 0.5);
    for (const f of data.findings.slice(0, -1)) if (f.s !== null) expect(f.s).toBeGreaterThanOrEqual(a);
    const iv = page.locator('svg.tl rect.m.iv');
    expect(await iv.count()).toBe(3);
    expect(await iv.first().getAttribute('data-tip')).toMatch(/to the second/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'coarse.png') });
    await page.locator('button[data-z="reset"]').click();
    const [a2, b2] = await view();
    expect(b2 - a2).toBeCloseTo(data.span, 6);
    expect(errors).toEqual([]);
  });
});
