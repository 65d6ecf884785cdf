/**
 * Every file of the public curl corpus (../shared/corpus/curl, beside the
 * project) is read without a crash, and shows the facts it is known to show
 * (see its SOURCES.md): the 56s in their wordings, the 100-continue waits,
 * 18/52/92, the -w number misprints. Skipped where the corpus is absent.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/detectors/index.js';
import type { CurlTransfer } from '../../src/model/index.js';
import { corpusDir, hasCorpus } from '../helpers/paths.js';
import { parseFile, runOf } from './curl-helpers.js';
import { CurlAnalysis } from '../../src/analysis/curl/index.js';
import { createReadStream, readFileSync } from 'node:fs';
import { parseCurl, sniffCurl } from '../../parsers/curl/index.js';
import { Diagnostics, type FindingDraft } from '../../src/model/index.js';

const dir = path.join(corpusDir, 'curl');

interface Known {
  format: string;
  /** checks on the transfers read */
  check?: (ts: CurlTransfer[]) => void;
  /** detector ids expected, with counts */
  findings: Record<string, number>;
}

const codes = (ts: CurlTransfer[]) => ts.map((t) => t.exitCode).filter((c) => c !== undefined);

const KNOWN: Record<string, Known> = {
  '01-curl1016-trace-ascii-proxy-connect-recv-failure.txt': {
    format: 'curl-trace',
    check: (ts) => expect(ts[0]).toMatchObject({ method: 'CONNECT', curlVersion: '7.38.0', exitCode: 56, exitCodeSource: 'wording', proxyConnectStatus: 0 }),
    findings: { 'curl-error-56': 1 },
  },
  '02-curl10914-v-transfer-closed-18-progress-interleaved.txt': {
    format: 'curl-verbose',
    check: (ts) => expect(ts[0]).toMatchObject({ exitCode: 18, contentLength: 202326795, bytesRemaining: 199589115, curlVersion: '8.0.1' }),
    findings: { 'truncated-response': 1 },
  },
  '03-wttrin905-v-empty-reply-52-curl821.txt': {
    format: 'curl-verbose',
    check: (ts) => expect(ts[0]).toMatchObject({ exitCode: 52, remote: { ip: '5.9.243.187', port: 80 }, host: 'wttr.in' }),
    findings: { 'empty-reply': 1 },
  },
  '04-cpphttplib349-v-expect100-timeout-then-404-curl729.txt': {
    format: 'curl-verbose',
    check: (ts) => expect(ts[0]).toMatchObject({ httpStatus: 404, expect100: { sent: true, gaveUp: true } }),
    findings: { 'expect-100-continue': 1 },
  },
  '05-async-h1-pr110-v-put-expect-100-continue-curl7641.txt': {
    format: 'curl-verbose',
    check: (ts) => {
      expect(ts).toHaveLength(2);
      expect(ts[0]).toMatchObject({ method: 'PUT', statuses: [100, 200], expect100: { got100: true, gaveUp: false } });
      expect(ts[1].expect100).toBeUndefined();
      expect(ts[1].bytesSent).toBe(14);
    },
    findings: { 'expect-100-continue': 1 },
  },
  '06-curl953-nc-view-of-1MB-post-expect-then-56.txt': {
    format: 'app-log',
    check: (ts) => expect(ts[0]).toMatchObject({ exitCode: 56, expect100: { sent: true }, requestContentLength: 1048576 }),
    findings: { 'curl-error-56': 1, 'expect-100-continue': 1 },
  },
  '07-curl6142-v-openssl-sslread-reset-errno54-excerpt.txt': {
    format: 'curl-verbose',
    check: (ts) => expect(ts[0]).toMatchObject({ remote: { ip: '115.182.200.10', port: 443 } }),
    findings: {},
  },
  '08-curl10997-v-openssl3-unexpected-eof-excerpt.txt': {
    format: 'curl-verbose',
    check: (ts) => expect(ts[0]).toMatchObject({ remote: { ip: '2001:2030:21:187::170e', port: 443 }, httpVersion: '2' }),
    findings: {},
  },
  '09-curl5138-progress-then-openssl111e-unexpected-eof.txt': {
    format: 'app-log',
    check: (ts) => expect(ts[0]).toMatchObject({ exitCode: 56, wording: 'openssl-ssl_read-unexpected-eof', errno: 0, progressReceived: 114 * 1024 }),
    findings: { 'curl-error-56': 1 },
  },
  '10-writeout-number-format-anomalies-774-microseconds-and-locale-comma.txt': {
    format: 'curl-writeout',
    check: (ts) => {
      expect(ts[0].timings?.total).toBeCloseTo(0.060246, 6);
      expect(ts[0].timings?.namelookup).toBeCloseTo(0.006887, 6);
      expect(ts[1].timings?.total).toBeCloseTo(3400.892467, 6);
    },
    findings: {},
  },
  '11-curl1830-curlformat-output-bogus-4295s.txt': {
    format: 'curl-writeout',
    check: (ts) => {
      expect(ts).toHaveLength(2);
      expect(ts[0].timings?.total).toBeCloseTo(0.155162, 5);
      expect(ts[0].timingNotes?.[0]).toMatch(/wrapped/);
      expect(ts[1].timingNotes).toBeUndefined();
    },
    findings: {},
  },
  '12-php-guzzle-curl-error-log-lines.txt': {
    format: 'app-log',
    check: (ts) => {
      expect(codes(ts)).toEqual([56, 56, 56, 56, 56, 56, 26, 18, 56]);
      expect(ts.filter((t) => t.errno === 104)).toHaveLength(3);
      expect(ts[6].url).toBe('http://context_chat_backend:23000/loadSources');
    },
    findings: { 'curl-error-56': 7, 'truncated-response': 1, 'curl-error': 1 },
  },
  '13-php-getinfo-print_r-and-binding-dumps.txt': {
    format: 'curl-writeout',
    check: (ts) => {
      const getinfo = ts.find((t) => t.source === 'writeout')!;
      expect(getinfo).toMatchObject({ local: { ip: '10.0.27.188', port: 36376 }, sizeUpload: 52 });
      expect(getinfo.httpStatus).toBeUndefined();
      expect(ts.find((t) => t.source === 'json')).toMatchObject({ exitCode: 56, url: 'http://localhost:2112/event_template/1551110/resource/105136.json' });
    },
    findings: { 'curl-error-56': 2 },
  },
  '14-trace-ids-trace-time-trace-config-8x.txt': {
    format: 'curl-trace',
    check: (ts) => expect(ts[0]).toMatchObject({ traceId: '0', t: 23 * 3600 + 7 * 60 + 0.03 }),
    findings: {},
  },
  '15-cronofy81-php-libcurl-default-verbose-stderr.txt': {
    format: 'curl-verbose',
    check: (ts) => expect(ts[0]).toMatchObject({ method: 'POST', url: 'https://api-de.cronofy.com/oauth/token', userAgent: 'Cronofy PHP 0.15.0' }),
    findings: {},
  },
  '16-mattermost21679-v-progress-meter-and-data-lines-excerpt.txt': {
    format: 'curl-verbose',
    check: (ts) => {
      expect(ts[0]).toMatchObject({ remote: { ip: '127.0.0.1', port: 8065 } });
      // TLS records before the request are not body bytes
      expect(ts[0].bytesReceivedAtLeast).toBeUndefined();
    },
    findings: {},
  },
  '17-error-one-liners-various-versions-backends-locales.txt': {
    format: 'app-log',
    check: (ts) => {
      expect(codes(ts)).toEqual([56, 56, 56, 56, 56, 56, 56, 56, 56, 35, 56, 35, 35, 92, 92, 92, 92, 56, 16, 28, 18, 18, 52, 58, 56]);
      // localized strerror texts: the code and errno decide
      expect(ts[1]).toMatchObject({ errno: 104, errnoName: 'ECONNRESET (Linux)' });
      expect(ts[2]).toMatchObject({ exitCode: 56, wording: 'recv-failure' });
      expect(ts[3]).toMatchObject({ errno: 60, errnoName: 'ETIMEDOUT (macOS/BSD)' });
      expect(ts[5]).toMatchObject({ errno: 10054, exitCodeSource: 'wording' });
      // the CI log's progress meter (ISO-stamped) before the error gives the bytes received
      expect(ts[0].progressReceived).toBe(12 * 1024 * 1024);
    },
    findings: { 'curl-error-56': 12, 'truncated-response': 2, 'empty-reply': 1, 'curl-error': 10 },
  },
  '18-apiary-curl-trace-parser-post-tracefile-curl7240.txt': {
    format: 'curl-trace',
    check: (ts) =>
      expect(ts[0]).toMatchObject({
        method: 'POST',
        url: 'http://curltraceparser.apiary.io/shopping-cart',
        httpStatus: 201,
        contentLength: 50,
        bytesReceived: 50,
        bytesSent: 39,
        curlVersion: '7.24.0',
      }),
    findings: {},
  },
  '19-curl-test970-writeout-json-expected-by-version.txt': {
    format: 'curl-json',
    check: (ts) => {
      expect(ts).toHaveLength(4);
      expect(ts.every((t) => t.httpStatus === 200 && t.sizeDownload === 445)).toBe(true);
      expect(ts[2].vars?.http_connect).toBe(0); // "http_connect":000 of 7.76.0
    },
    findings: {},
  },
  '20-curl11669-writeout-large-post-starttransfer-is-expect-wait.txt': {
    format: 'curl-writeout',
    check: (ts) => expect(ts[0]).toMatchObject({ upload: true, timings: { pretransfer: 0.017484, starttransfer: 1.01867 } }),
    findings: { 'expect-100-continue': 1 },
  },
  '21-markdown-mangled-old-curl-verbose-nginx-upload-module.txt': {
    format: 'curl-verbose',
    check: (ts) => {
      expect(ts[0]).toMatchObject({ curlVersion: '7.15.1', httpStatus: 201, expect100: { sent: true, finalFirst: true } });
      expect(ts[1]).toMatchObject({ httpStatus: 201, exitCode: 55, wording: 'send-failure' });
    },
    findings: { 'expect-100-continue': 1, 'curl-error': 1 },
  },
  '22-chevonair-blog-v-curl871-http2-modern-excerpt.txt': {
    format: 'curl-verbose',
    check: (ts) => expect(ts[0]).toMatchObject({ url: 'https://dev.chevonair.com/', curlVersion: '8.7.1', httpStatus: 200, httpVersion: '2' }),
    findings: {},
  },
};

async function findingsOf(file: string): Promise<FindingDraft[]> {
  const name = path.basename(file);
  const s = sniffCurl(readFileSync(file).subarray(0, 65536).toString('utf8'))!;
  const diag = new Diagnostics();
  const a = new CurlAnalysis({ path: name, diag });
  const summary = await parseCurl(s.format, createReadStream(file), { path: name, diag }, (t) => a.add(t));
  const run = runOf([{ path: name, model: a.finish(summary) }]);
  return DETECTORS.flatMap((d) => d.detect(run));
}

describe.skipIf(!hasCorpus)('the public curl corpus', () => {
  const files = hasCorpus ? readdirSync(dir).filter((f) => f.endsWith('.txt')) : [];

  it('has a known-facts entry for every file', () => {
    expect(files.sort()).toEqual(Object.keys(KNOWN).sort());
  });

  for (const f of Object.keys(KNOWN)) {
    const k = KNOWN[f];
    it(`${f}: read as ${k.format}, facts and findings as known`, async () => {
      const file = path.join(dir, f);
      const { transfers, format } = await parseFile(file);
      expect(format).toBe(k.format);
      expect(transfers.length).toBeGreaterThan(0);
      k.check?.(transfers);
      const found: Record<string, number> = {};
      for (const d of await findingsOf(file)) found[d.detector] = (found[d.detector] ?? 0) + 1;
      expect(found).toEqual(k.findings);
    });
  }
});
