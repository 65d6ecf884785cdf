import { describe, expect, it } from 'vitest';
import { fromCurl } from '../../src/detectors/truncated-response/curl.js';
import { detectText, lines } from '../parsers/curl-helpers.js';

describe('truncated-response from curl output', () => {
  it('reports exit 18 with the bytes curl said were missing', async () => {
    const fs = await detectText(
      fromCurl,
      lines('> GET /short-body HTTP/1.1', '> Host: 127.0.0.1:41369', '> ', '< HTTP/1.1 200 OK', '< Content-Length: 20000', '< ', '{ [6000 bytes data]', '* transfer closed with 14000 bytes remaining to read', '* Closing connection 0', 'curl: (18) transfer closed with 14000 bytes remaining to read'),
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      severity: 'error',
      details: { framing: 'content-length', expected_bytes: 20000, received_bytes: 6000, missing_bytes: 14000, exit_code: 18 },
      join: { bytesReceived: 6000, status: 200 },
    });
    expect(fs[0].title).toBe('Response body cut short from http://127.0.0.1:41369/short-body: 6000 of 20000 bytes received (14000 bytes missing)');
    expect(fs[0].evidence.map((e) => e.line)).toEqual([1, 4, 5, 7, 8, 10]);
  });

  it('reports a receive failure (56) after the head of a Content-Length body', async () => {
    const fs = await detectText(fromCurl, lines('> GET /x HTTP/1.1', '> Host: h', '> ', '< HTTP/1.1 200 OK', '< Content-Length: 20000', '< ', '{ [4000 bytes data]', 'curl: (56) Recv failure: Connection reset by peer'));
    expect(fs).toHaveLength(1);
    expect(fs[0].details).toMatchObject({ exit_code: 56, bytes_received_at_least: 4000 });
    expect(fs[0].explanation).toMatch(/curl error 56/);
  });

  it.each([
    ['exit 18 from a Guzzle log (chunked)', 'cURL error 18: transfer closed with outstanding read data remaining', 1],
    ['exit 18 in %{json}', '{"url_effective":"http://h/c","http_code":200,"exitcode":18,"errormsg":"transfer closed with outstanding read data remaining","size_download":3000}', 1],
    ['56 before any response', lines('> GET /x HTTP/1.1', '> Host: h', '> ', 'curl: (56) Recv failure: Connection reset by peer'), 0],
    ['56 on a HEAD request', lines('> HEAD /x HTTP/1.1', '> Host: h', '> ', '< HTTP/1.1 200 OK', '< Content-Length: 20000', '< ', 'curl: (56) Recv failure: Connection reset by peer'), 0],
    ['a complete transfer', lines('> GET /x HTTP/1.1', '> Host: h', '> ', '< HTTP/1.1 200 OK', '< Content-Length: 5', '< ', '{ [5 bytes data]', '* Connection #0 to host h left intact'), 0],
    ['56 with -w only (no length known)', '{"url_effective":"http://h/c","http_code":200,"exitcode":56,"errormsg":"Recv failure: Connection reset by peer","size_download":7000}', 0],
  ])('%s', async (_n, text, n) => {
    expect(await detectText(fromCurl, text.endsWith('\n') ? text : `${text}\n`)).toHaveLength(n);
  });
});
