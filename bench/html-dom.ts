/**
 * Opens an HTML report in chromium and prints what a reader's browser holds
 * after load: DOM elements, file size, time to load.
 *
 *   node dist/bench/html-dom.js report.html [screenshot.png [css-selector-to-scroll-to]]
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const file = process.argv[2];
const shot = process.argv[3];
const scrollTo = process.argv[4];
if (!file) {
  process.stderr.write('usage: html-dom.js report.html [screenshot.png]\n');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const t = performance.now();
  await page.goto(`file://${path.resolve(file)}`, { waitUntil: 'load' });
  const loadMs = performance.now() - t;
  const elements = await page.evaluate('document.getElementsByTagName("*").length') as number;
  if (scrollTo) await page.locator(scrollTo).first().scrollIntoViewIfNeeded();
  if (shot) await page.screenshot({ path: shot, fullPage: false });
  process.stdout.write(JSON.stringify({ file, bytes: statSync(file).size, elements, loadMs: Math.round(loadMs), errors }) + '\n');
} finally {
  await browser.close();
}
