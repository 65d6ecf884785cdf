/**
 * The diff page in a real browser (Debian's chromium, headless): no console
 * error, no request besides the file itself, both sides shown. The
 * screenshot goes to test-artifacts/diff/ to be looked at.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderDiffHtml } from '../../reports/diff.js';
import { diffRuns } from '../../src/diff/index.js';
import { buildSpec } from '../../src/pipeline/index.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/diff');

describe.skipIf(!existsSync(CHROMIUM))('diff page in chromium', () => {
  it('shows the two sides, runs nothing from the traces and asks the network for nothing', async () => {
    const a = path.join(samplesDir, 'strace/stopcont-restart.strace');
    const b = path.join(samplesDir, 'strace/stopcont-handler-eintr.strace');
    const d = await diffRuns({ name: a, spec: await buildSpec([a], { tz: ['UTC'] }) }, { name: b, spec: await buildSpec([b], { tz: ['UTC'] }) });
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'sleeper.html');
    writeFileSync(file, renderDiffHtml(d));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      expect(await page.locator('tr.a td', { hasText: 'process-stopped' }).count()).toBe(1);
      expect(await page.locator('tr.b td', { hasText: 'sigcont-no-restart' }).count()).toBe(1);
      expect(await page.locator('div.a code', { hasText: 'restart_syscall' }).count()).toBe(1);
      expect(await page.locator('div.b code', { hasText: 'rt_sigreturn' }).count()).toBe(1);
      await page.screenshot({ path: path.join(ARTIFACTS, 'sleeper.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
    } finally {
      await browser.close();
    }
  });
});
