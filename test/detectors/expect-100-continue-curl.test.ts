import { describe, expect, it } from 'vitest';
import { fromCurl } from '../../src/detectors/expect-100-continue/curl.js';
import { detectText, lines, tracedUpload as traced } from '../parsers/curl-helpers.js';

describe('expect-100-continue from curl output', () => {
  const cases: Array<[string, string, string, string, number | undefined]> = [
    ['100 came quickly', traced(['10:00:00.002100 <= Recv header, 25 bytes (0x19)', '0000: HTTP/1.1 100 Continue', '10:00:00.002200 => Send data, 5 bytes (0x5)', '10:00:00.004000 <= Recv header, 17 bytes (0x11)', '0000: HTTP/1.1 200 OK']), 'info', 'got-100', 0.002],
    ['100 came after half a second', traced(['10:00:00.500100 <= Recv header, 25 bytes (0x19)', '0000: HTTP/1.1 100 Continue', '10:00:00.600000 <= Recv header, 17 bytes (0x11)', '0000: HTTP/1.1 200 OK']), 'warning', 'got-100', 0.5],
    ['curl gave up after 1 s', traced(['10:00:01.000100 == Info: Done waiting for 100-continue', '10:00:01.000200 => Send data, 5 bytes (0x5)', '10:00:01.003000 <= Recv header, 17 bytes (0x11)', '0000: HTTP/1.1 200 OK']), 'warning', 'gave-up', 1.0],
    ['417 before any 100', traced(['10:00:00.003100 <= Recv header, 36 bytes (0x24)', '0000: HTTP/1.1 417 Expectation Failed']), 'warning', 'final-first', 0.003],
    ['the upload then failed', traced(['10:00:00.100100 == Info: Recv failure: Connection reset by peer', 'curl: (56) Recv failure: Connection reset by peer']), 'error', 'failed', undefined],
  ];
  it.each(cases)('%s', async (_n, text, severity, outcome, wait) => {
    const fs = await detectText(fromCurl, text);
    expect(fs).toHaveLength(1);
    expect(fs[0].severity).toBe(severity);
    expect(fs[0].details.outcome).toBe(outcome);
    if (wait === undefined) expect(fs[0].details.wait_seconds).toBeUndefined();
    else expect(fs[0].details.wait_seconds as number).toBeCloseTo(wait, 3);
    expect(fs[0].evidence.some((e) => e.text === '002f: Expect: 100-continue')).toBe(true);
    expect(fs[0].start).toBeCloseTo(36000.0001, 6);
    expect(fs[0].join).toMatchObject({ method: 'POST', server: { ip: '127.0.0.1', port: 80 } });
  });

  it('reads -v without times: curl giving up is a warning, a 100 an info', async () => {
    const gave = await detectText(fromCurl, lines('> POST / HTTP/1.1', '> Host: localhost:8003', '> Expect: 100-continue', '> ', '* Done waiting for 100-continue', '< HTTP/1.1 404 Not Found', '< '));
    expect(gave[0]).toMatchObject({ severity: 'warning', details: { outcome: 'gave-up', done_waiting: true, got100: false } });
    expect(gave[0].explanation).toMatch(/Expect:/);
    const got = await detectText(fromCurl, lines('> PUT / HTTP/1.1', '> Host: h', '> Expect: 100-continue', '> ', '< HTTP/1.1 100 Continue', '* Done waiting for 100-continue', '< HTTP/1.1 200 OK', '< '));
    expect(got[0]).toMatchObject({ severity: 'info', details: { outcome: 'got-100' } });
  });

  const writeout: Array<[string, string, string | null]> = [
    ['curl 7.88.1 known from %{json}', '{"url_effective":"http://h/up","method":"POST","size_upload":65536,"http_code":200,"exitcode":0,"time_pretransfer":0.000147,"time_starttransfer":1.000816,"curl_version":"libcurl/7.88.1 OpenSSL/3.0.19"}', 'warning'],
    ['version unknown', 'time_pretransfer: 0.017484\ntime_starttransfer: 1.018670\nsize_upload: 134000000', 'info'],
    ['curl 8.5.0: starttransfer is the first response byte', '{"url_effective":"http://h/up","size_upload":65536,"time_pretransfer":0.0001,"time_starttransfer":1.0002,"curl_version":"libcurl/8.5.0"}', null],
    ['no upload', '{"url_effective":"http://h/","size_upload":0,"time_pretransfer":0.0001,"time_starttransfer":1.0002,"curl_version":"libcurl/7.88.1"}', null],
    ['a gap far from the timeout', '{"url_effective":"http://h/up","size_upload":65536,"time_pretransfer":0.0001,"time_starttransfer":0.5,"curl_version":"libcurl/7.88.1"}', null],
  ];
  it.each(writeout)('reads the pre-8.3 -w timers: %s', async (_n, text, severity) => {
    const fs = await detectText(fromCurl, `${text}\n`);
    if (severity === null) expect(fs).toEqual([]);
    else {
      expect(fs).toHaveLength(1);
      expect(fs[0].severity).toBe(severity);
      expect(fs[0].details.wait_seconds as number).toBeGreaterThan(0.8);
      expect(fs[0].evidence.length).toBeGreaterThan(0);
    }
  });

  it('does not report a request without Expect', async () => {
    expect(await detectText(fromCurl, lines('> POST / HTTP/1.1', '> Host: h', '> Content-Length: 5', '> ', '< HTTP/1.1 200 OK', '< '))).toEqual([]);
  });
});

describe('expect-100-continue -w heuristic and the command line', () => {
  it('infers nothing when the command switched Expect off', async () => {
    const on = await detectText(fromCurl, lines('$ curl -s --data-binary @big -w "time_pretransfer: %{time_pretransfer}\\ntime_starttransfer: %{time_starttransfer}\\n" http://h/up', 'time_pretransfer: 0.017484', 'time_starttransfer: 1.018670'));
    expect(on).toHaveLength(1);
    expect(on[0].evidence[0]).toMatchObject({ line: 1, text: expect.stringMatching(/^\$ curl -s --data-binary/) });
    const off = await detectText(fromCurl, lines("$ curl -s --data-binary @big -H 'Expect:' -w '…' http://h/up", 'time_pretransfer: 0.017484', 'time_starttransfer: 1.018670'));
    expect(off).toEqual([]);
  });
});
