import { describe, expect, it } from 'vitest';
import { parseCurl, sniffCurl } from '../../parsers/curl/index.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';

async function* chunks(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text);
}

async function read(text: string, timezone?: string) {
  const diag = new Diagnostics();
  const out: CurlTransfer[] = [];
  const s = await parseCurl('app-log', chunks(text), { path: 'app.log', diag, timezone }, (t) => out.push(t));
  return { out, s, diag };
}

const LINE = '[2026-11-23 02:55:54] payment.ERROR: cURL error 56: Recv failure: Connection reset by peer (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)\n';

describe('application logs: zones and sniffing', () => {
  it('reads a date without a zone in the --tz zone, and says so', async () => {
    const berlin = await read(LINE, 'Europe/Berlin');
    expect(berlin.out[0].t).toBe(Date.UTC(2026, 10, 23, 1, 55, 54) / 1000);
    expect(berlin.diag.notes.join(' ')).toMatch(/read in Europe\/Berlin/);
    const utc = await read(LINE);
    expect(utc.out[0].t).toBe(Date.UTC(2026, 10, 23, 2, 55, 54) / 1000);
    expect(utc.diag.notes.join(' ')).toMatch(/read as UTC/);
  });

  it('keeps a zone the line names, whatever --tz says', async () => {
    const r = await read('[23-Nov-2026 02:55:54 UTC] PHP Warning: curl_errno=56 curl_error="Recv failure: Connection reset by peer"\n', 'Europe/Berlin');
    expect(r.out[0].t).toBe(Date.UTC(2026, 10, 23, 2, 55, 54) / 1000);
  });

  it('takes a dated log whose first curl error lies past the sniffed head for an app log, weakly', () => {
    const head = Array.from({ length: 50 }, (_, i) => `[2026-11-23 02:55:${String(i % 60).padStart(2, '0')}] app.INFO: request handled in 12 ms\n`).join('');
    const r = sniffCurl(head);
    expect(r).toEqual({ format: 'app-log', score: 0.32 });
    expect(sniffCurl('# Notes\n\nWe restarted the pods at 10:02.\n')).toBeNull();
  });
});
