/**
 * What CurlAnalysis keeps of a transfer reads as the parser's transfer did (every field, every
 * evidence entry, every variable), in objects of its own: the parser's transfer, evidence
 * object, records and arrays are not kept (V8 would learn from them to allocate the parser's
 * objects in the old generation). Evidence entries, which nothing changes, may be the parser's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCurl, sniffCurl } from '../../parsers/curl/index.js';
import { CurlAnalysis, MAX_NOTABLE_TRANSFERS } from '../../src/analysis/curl/index.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { samplesDir } from '../helpers/paths.js';
import { chunksOf, lines, tracedUpload, WAITED_1S_THEN_200 } from '../parsers/curl-helpers.js';

/** The parser's transfers and what CurlAnalysis keeps of them, side by side (every transfer is kept below the caps). */
async function keptBeside(text: string): Promise<{ parsed: CurlTransfer[]; kept: CurlTransfer[] }> {
  const format = sniffCurl(text)?.format;
  if (!format) throw new Error('not sniffed as curl output');
  const diag = new Diagnostics();
  const a = new CurlAnalysis({ path: 'x', diag });
  const parsed: CurlTransfer[] = [];
  const summary = await parseCurl(format, chunksOf(text), { path: 'x', diag }, (t) => {
    a.add(t);
    parsed.push(t);
  });
  return { parsed, kept: a.finish(summary).transfers };
}

/** The objects reachable from `v`, the evidence entries left out (found by `path`). */
function objectsOf(v: unknown, out = new Map<object, string>(), at = 't'): Map<object, string> {
  if (typeof v !== 'object' || v === null) return out;
  out.set(v, at);
  if (/^t\.evidence\.[^.]+$/.test(at)) return out;
  for (const [k, x] of Object.entries(v)) objectsOf(x, out, `${at}.${k}`);
  return out;
}

function expectKeptAsParsed(parsed: CurlTransfer[], kept: CurlTransfer[]): void {
  expect(kept.length).toBe(parsed.length);
  for (let i = 0; i < kept.length; i++) {
    // the same keys in the same order, the same values (undefined ones included), the same prototypes
    expect(kept[i]).toStrictEqual(parsed[i]);
    expect(Object.keys(kept[i])).toEqual(Object.keys(parsed[i]));
    expect(Object.keys(kept[i].evidence)).toEqual(Object.keys(parsed[i].evidence));
    if (parsed[i].vars) expect(Object.keys(kept[i].vars!)).toEqual(Object.keys(parsed[i].vars!));
    // no object of the parser's is kept but its evidence entries
    const mine = objectsOf(kept[i]);
    for (const [o, where] of objectsOf(parsed[i])) if (!/^t\.evidence\.[^.]+$/.test(where)) expect(mine.has(o), where).toBe(false);
  }
}

describe('a kept curl transfer', () => {
  it('reads as the parser’s %{json} transfer, in objects of its own', async () => {
    const { parsed, kept } = await keptBeside(
      lines(
        '{"url_effective":"http://a.test/x","method":"GET","http_code":200,"exitcode":0,"remote_ip":"127.0.0.1","remote_port":8080,"local_ip":"127.0.0.1","local_port":40000,"time_namelookup":0.00002,"time_connect":0.0045,"time_pretransfer":0.005,"time_starttransfer":0.0168,"time_total":0.0178,"size_download":3000,"http_version":"1.1","__proto__":"x"}',
        '{"url_effective":"http://b.test/y","http_code":0,"exitcode":56,"errormsg":"Recv failure: Connection reset by peer","time_total":0.2,"remote_ip":"127.0.0.1","remote_port":8080}',
      ),
    );
    expect(parsed.map((t) => t.exitCode)).toEqual([0, 56]);
    expect(Object.keys(parsed[0].evidence).length).toBeGreaterThan(6);
    expectKeptAsParsed(parsed, kept);
    expect(Object.hasOwn(kept[0].vars!, '__proto__')).toBe(Object.hasOwn(parsed[0].vars!, '__proto__'));
  });

  it('reads as the parser’s app-log transfer: an error line with its variables and time', async () => {
    const { parsed, kept } = await keptBeside(
      lines(
        '[23-Nov-2026 02:00:00 UTC] payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://svc0.internal.test:10000/orders/0 http_code=0 size_download=0 total_time=0.102140 local_port=40000',
        '[23-Nov-2026 02:00:01 UTC] PHP Warning: cURL error 28: Operation timed out after 5001 milliseconds with 0 bytes received',
      ),
    );
    expect(parsed.map((t) => t.exitCode)).toEqual([56, 28]);
    expect(parsed[0].evidence.error?.t).toBeTypeOf('number');
    expectKeptAsParsed(parsed, kept);
  });

  it('reads as the parser’s -v and --trace-time transfers (headers, statuses, 100-continue)', async () => {
    const { parsed, kept } = await keptBeside(
      tracedUpload([
        ...WAITED_1S_THEN_200,
        '10:00:01.004000 == Info: Connection #0 to host h left intact',
      ]),
    );
    expect(parsed[0].expect100?.sent).toBe(true);
    expectKeptAsParsed(parsed, kept);
  });

  const ours = path.join(samplesDir, 'curl');
  describe.skipIf(!existsSync(ours))('samples/curl', () => {
    const files = existsSync(ours) ? readdirSync(ours).filter((f) => !/\.(md|sh)$/.test(f) && !f.startsWith('refused-both')) : [];
    for (const f of files) {
      it(`${f}: every kept transfer reads as the parser’s`, async () => {
        const { parsed, kept } = await keptBeside(readFileSync(path.join(ours, f), 'utf8'));
        expect(parsed.length).toBeGreaterThan(0);
        expectKeptAsParsed(parsed, kept);
      });
    }
  });

  it('still counts what the cap drops', () => {
    const a = new CurlAnalysis({ path: 'x', diag: new Diagnostics() });
    const failed = (i: number): CurlTransfer => ({ line: i, t: null, source: 'log', exitCode: 56, evidence: { error: { line: i, text: `curl: (56) ${i}` } }, vars: { n: i } });
    for (let i = 1; i <= MAX_NOTABLE_TRANSFERS + 7; i++) a.add(failed(i));
    const m = a.finish({ events: 0, bytes: 0, clock: 'none', firstT: null, lastT: null });
    expect(m.transfers.length).toBe(MAX_NOTABLE_TRANSFERS);
    expect(m.transfersDropped).toBe(7);
    expect(m.stats?.curl_transfers).toBe(MAX_NOTABLE_TRANSFERS + 7);
    expect(m.transfers.at(-1)).toStrictEqual({ ...failed(MAX_NOTABLE_TRANSFERS), n: MAX_NOTABLE_TRANSFERS });
  });
});
