/**
 * Failures an application logged beyond CurlAnalysis' cap of notable transfers are only counted
 * (parseCurl's `wanted` false: the reader makes what counting them and telling echoes need). An
 * analysis told what it wants must come to the same model, notes, warnings and clock as one whose
 * reader builds every transfer in full and drops the ones beyond the caps: lowered caps here, on
 * randomised logs of every error line form, echoes, pairs and clocks the reader knows.
 */
import { describe, expect, it } from 'vitest';
import { parseCurl } from '../../parsers/curl/index.js';
import { CurlAnalysis, type CurlCaps } from '../../src/analysis/curl/index.js';
import { Diagnostics } from '../../src/model/index.js';
import { chunksOf } from './curl-helpers.js';

async function model(text: string, caps: CurlCaps, hinted: boolean) {
  const diag = new Diagnostics();
  const a = new CurlAnalysis({ path: 'app.log', diag }, caps);
  let emitted = 0;
  const summary = await parseCurl('app-log', chunksOf(text, 4096), { path: 'app.log', diag, timezone: 'UTC' }, (t) => {
    emitted++;
    a.add(t);
  }, hinted ? { wanted: (failed, ok) => a.wanted(failed, ok) } : {});
  return { model: a.finish(summary), summary, emitted, notes: diag.notes, warnings: diag.warnings };
}

/** A log of `n` lines drawn from the forms below by a seeded generator. */
function randomLog(n: number, seed: number): string {
  const pick = <T>(xs: readonly T[]): T => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return xs[(seed >>> 8) % xs.length];
  };
  const messages = [
    'Recv failure: Connection reset by peer',
    'OpenSSL SSL_read: Connection reset by peer, errno 104',
    'Operation timed out after 3001 milliseconds with 1200 out of 20000 bytes received',
    'Operation timed out after 5000 milliseconds with 0 bytes received',
    'transfer closed with 14000 bytes remaining to read',
    "Failed to connect to 127.0.0.1 port 46263 after 0 ms: Couldn't connect to server",
    'Empty reply from server',
  ];
  const codeOf = (m: string) => (m.startsWith('Recv') || m.startsWith('OpenSSL') ? 56 : m.startsWith('Operation') ? 28 : m.startsWith('transfer') ? 18 : m.startsWith('Failed') ? 7 : 52);
  const pairsAfter = [
    '',
    ' http_code=0 size_download=0 total_time=0.102140 local_port=40001',
    ' http_code=200 size_download=7000 content_length_download=20000 total_time=0.113',
    ' Download_Content_Length=4000 size_download=10',
    ' remote_ip=10.0.0.7 remote_port=443 local_port=51000',
    ' start_time=1795402608.25 total_time=0.5',
    ' time=2026-11-23T02:00:09Z',
    ' status=500 errormsg="something else"',
    ' content_length=12 lengthy=1',
  ];
  const out: string[] = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    // the clock goes on mostly, stands still sometimes (echoes within ECHO_WINDOW), jumps at times
    s += pick([0, 0, 1, 1, 1, 2, 5]);
    const stamp = pick([`[23-Nov-2026 02:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')} UTC] `, `[23-Nov-2026 02:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')} UTC] `, '']);
    const m = pick(messages);
    const code = codeOf(m);
    const url = `http://svc${i % 13}.internal.test:${10000 + (i % 7)}/orders/${i}`;
    const line = pick([
      () => `${stamp}payments: upstream call failed: curl_errno=${code} curl_error="${m}" url=${url}${pick(pairsAfter)}`,
      () => `${stamp}payments: upstream call failed: curl_errno=${code} curl_error="${m}"${pick(pairsAfter)}`,
      () => `${stamp}app.ERROR: cURL error ${code}: ${m} (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${url}`,
      // an echo: the same failure again without its URL (isEcho)
      () => `${stamp}app.WARNING: cURL error ${code}: ${m}`,
      () => `${stamp}app.WARNING: cURL error ${code}: ${m}${pick(pairsAfter)}`,
      () => `${stamp}curl: (${code}) ${m}`,
      () => `${stamp}worker: pycurl.error: (${code}, '${m}')`,
      () => `${stamp}payments: upstream call failed: curl_errno=0 curl_error="" url=${url}${pick(pairsAfter)}`,
      () => `${stamp}payments: upstream call ok: url=${url} http_code=200 size_download=3000 total_time=0.102140`,
      () => `${stamp}payments: request done in 12 ms`,
    ])();
    // a command line names the URL of the error lines in the 200 lines after it (standalone): now and then
    if (i % 700 === 350) out.push(`$ curl -sS -X POST ${url}`);
    out.push(line);
  }
  return out.join('\n') + '\n';
}

describe('failures counted beyond the cap (standalone, parseCurl wanted false)', () => {
  it('give the same model, notes, warnings and clock as failures built in full and dropped', async () => {
    let counted = 0;
    for (const [seed, n, caps] of [
      [1, 3000, { notable: 40, ok: 30 }],
      [2, 3000, { notable: 400, ok: 5 }],
      [3, 2000, { notable: 0, ok: 0 }],
      [4, 4000, { notable: 1500, ok: 100 }],
      [5, 3000, { notable: 10, ok: 3000 }],
    ] as const) {
      const text = randomLog(n, seed);
      const full = await model(text, caps, false);
      const hinted = await model(text, caps, true);
      expect(hinted, `seed ${seed}`).toEqual(full);
      counted += full.model.transfersDropped ?? 0;
    }
    expect(counted).toBeGreaterThan(5000);
  });

  it('a log of 2,000 failures with a cap of 1,000, the bench shape: counts, clock and notes', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => {
      const s = String(i % 60).padStart(2, '0');
      const m = String(Math.floor(i / 60) % 60).padStart(2, '0');
      return `[23-Nov-2026 02:${m}:${s} UTC] payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://svc${i}.internal.test:${10000 + i}/orders/${i} http_code=0 size_download=0 total_time=0.102140 local_port=${40000 + i}`;
    });
    const text = lines.join('\n') + '\n';
    const caps = { notable: 1000, ok: 500 };
    const full = await model(text, caps, false);
    const hinted = await model(text, caps, true);
    expect(hinted).toEqual(full);
    expect(hinted.model.stats).toEqual({ curl_transfers: 2000, failed_transfers: 1000 });
    expect(hinted.model.transfers).toHaveLength(1000);
    expect(hinted.notes).toContain('1000 failed or notable transfers beyond 1000 were counted, not kept');
    expect([hinted.summary.firstT, hinted.summary.lastT]).toEqual([Date.UTC(2026, 10, 23, 2) / 1000, Date.UTC(2026, 10, 23, 2, 33, 19) / 1000]);
  });
});
