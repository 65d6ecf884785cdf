/**
 * The real curl outputs made on this machine: samples/curl (ours) and the
 * curl files of samples/incidents (one transfer per folder, made with its
 * capture and strace). Each is read as its format and yields the finding its
 * scenario is about.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/detectors/index.js';
import type { FindingDraft } from '../../src/model/index.js';
import { samplesDir } from '../helpers/paths.js';
import { modelOf, parseFile, runOf } from './curl-helpers.js';
import { readFileSync } from 'node:fs';

async function findings(file: string): Promise<FindingDraft[]> {
  const { model } = await modelOf(readFileSync(file, 'utf8'), path.basename(file));
  const run = runOf([{ path: path.basename(file), model }]);
  return DETECTORS.flatMap((d) => d.detect(run));
}
const ids = (fs: FindingDraft[]) => fs.map((f) => `${f.detector}:${f.severity}`).sort();

const ours = path.join(samplesDir, 'curl');
describe.skipIf(!existsSync(path.join(ours, 'writeout-blocks.txt')))('samples/curl', () => {
  it('writeout-blocks.txt: five -w blocks, each stderr line on its own block', async () => {
    const { transfers, format } = await parseFile(path.join(ours, 'writeout-blocks.txt'));
    expect(format).toBe('curl-writeout');
    expect(transfers.map((t) => t.exitCode)).toEqual([0, 18, 56, 52, 0]);
    expect(transfers[1].evidence.errorInfo?.text).toMatch(/^curl: \(18\)/);
    expect(transfers.every((t) => t.local?.port && t.remote?.port)).toBe(true);
    expect(ids(await findings(path.join(ours, 'writeout-blocks.txt')))).toEqual([
      'curl-error-56:error',
      'empty-reply:warning',
      'expect-100-continue:info',
      'truncated-response:error',
    ]);
  });

  it('loop.csv: rows with the script’s epoch time', async () => {
    const { transfers, format, summary } = await parseFile(path.join(ours, 'loop.csv'));
    expect(format).toBe('curl-csv');
    expect(summary.clock).toBe('epoch');
    expect(transfers.map((t) => t.exitCode)).toEqual([0, 0, 18, 56, 0]);
    expect(transfers.every((t) => typeof t.t === 'number' && t.t > 1.7e9)).toBe(true);
    expect(ids(await findings(path.join(ours, 'loop.csv')))).toEqual(['curl-error-56:error', 'expect-100-continue:info', 'truncated-response:error']);
  });

  it('json-multi.jsonl: three transfers, the second on a reused connection', async () => {
    const { transfers, format } = await parseFile(path.join(ours, 'json-multi.jsonl'));
    expect(format).toBe('curl-json');
    expect(transfers.map((t) => [t.exitCode, t.reused ?? false])).toEqual([
      [0, false],
      [0, true],
      [56, false],
    ]);
    expect(transfers[2]).toMatchObject({ sizeDownload: 7000, curlVersion: '7.88.1' });
  });

  it('trace-hex.txt: hex dump decoded, 100 Continue timed', async () => {
    const { transfers, format, summary } = await parseFile(path.join(ours, 'trace-hex.txt'));
    expect(format).toBe('curl-trace');
    expect(summary.clock).toBe('time-of-day');
    expect(transfers[0]).toMatchObject({ method: 'POST', httpStatus: 200, curlVersion: '7.88.1', expect100: { sent: true, got100: true }, bytesSent: 65536 });
    const [f] = await findings(path.join(ours, 'trace-hex.txt'));
    expect(f).toMatchObject({ detector: 'expect-100-continue', severity: 'info', details: { outcome: 'got-100' } });
    expect(f.details.wait_seconds as number).toBeLessThan(0.2);
  });

  it('verbose-tracetime-reuse.txt: two timed transfers on one connection, the second reset', async () => {
    const { transfers, summary } = await parseFile(path.join(ours, 'verbose-tracetime-reuse.txt'));
    expect(summary.clock).toBe('time-of-day');
    expect(transfers.map((t) => [t.httpStatus, t.exitCode, t.reused ?? false, t.remote?.port !== undefined])).toEqual([
      [200, undefined, false, true],
      [200, 56, true, true],
    ]);
    expect(transfers[1].t).not.toBeNull();
    expect(ids(await findings(path.join(ours, 'verbose-tracetime-reuse.txt')))).toEqual(['curl-error-56:error', 'truncated-response:error']);
  });

  it('refused-verbose.txt: exit 7', async () => {
    // issue 13: a refused connect is connect-failed's (an error), no longer the catch-all's
    expect(ids(await findings(path.join(ours, 'refused-verbose.txt')))).toEqual(['connect-failed:error']);
  });

  it.skipIf(!existsSync(path.join(ours, 'php-errors.log')))('php-errors.log: 56, 52, 18 and 7 with URLs and PHP time stamps', async () => {
    const { transfers, summary } = await parseFile(path.join(ours, 'php-errors.log'));
    expect(summary.clock).toBe('epoch');
    expect(transfers.map((t) => t.exitCode)).toEqual([56, 52, 18, 7]);
    expect(transfers.every((t) => t.url?.startsWith('http://127.0.0.1:'))).toBe(true);
    expect(ids(await findings(path.join(ours, 'php-errors.log')))).toEqual(['connect-failed:error', 'curl-error-56:error', 'empty-reply:warning', 'truncated-response:error']);
  });
});

const incidents = path.join(samplesDir, 'incidents');
/** What each incident folder is about, by name prefix: the detector its curl files must report. */
const SCENARIO: Array<[RegExp, string | null]> = [
  [/^(?:php-)?reset-|^tls-reset/, 'curl-error-56'],
  [/^empty-reply/, 'empty-reply'],
  [/^(?:short-body|chunked-no-last)/, 'truncated-response'],
  [/^expect-/, 'expect-100-continue'],
  [/^slow-timeout/, 'curl-error'],
  [/^(?:chunked-200|close-delimited|keepalive|hostile|secrets)/, null],
];
const CURL_FILES = /^(?:curl-verbose\.txt|curl-trace\.txt|curl-w\.txt|curl\.json|curl-stderr\.txt|app\.log)$/;

describe.skipIf(!existsSync(incidents))('samples/incidents: curl files', () => {
  const folders = existsSync(incidents) ? readdirSync(incidents).filter((d) => !d.includes('.') && !d.startsWith('incident-')) : [];
  for (const d of folders) {
    const scenario = SCENARIO.find(([re]) => re.test(d));
    if (!scenario) continue;
    const files = readdirSync(path.join(incidents, d)).filter((f) => CURL_FILES.test(f));
    for (const f of files) {
      it(`${d}/${f}: ${scenario[1] ?? 'no failure'}`, async () => {
        const file = path.join(incidents, d, f);
        const { transfers } = await parseFile(file);
        expect(transfers.length).toBeGreaterThan(0);
        const found = new Set((await findings(file)).map((x) => x.detector));
        if (scenario[1] === null) {
          for (const id of ['curl-error-56', 'truncated-response', 'empty-reply', 'curl-error']) expect(found.has(id)).toBe(false);
        } else if (scenario[1] === 'expect-100-continue' && /answered|417/.test(d) && /curl-w|curl\.json/.test(f)) {
          // -w timers show no wait when the 100 came or a final status did: nothing to report from them
          expect(found.has('curl-error-56')).toBe(false);
        } else expect(found.has(scenario[1])).toBe(true);
      });
    }
  }
});
