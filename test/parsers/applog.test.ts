import { describe, expect, it } from 'vitest';
import { findErrorLine, matchWording } from '../../parsers/curl/errors.js';
import { parseStamp } from '../../parsers/curl/timestamps.js';
import { lines, parseText } from './curl-helpers.js';

describe('curl error lines in application logs, older and newer wordings', () => {
  // [line, code, wording id, errno]
  const cases: Array<[string, number, string | undefined, number | undefined]> = [
    ['curl: (56) Recv failure: Connection reset by peer', 56, 'recv-failure', undefined],
    ['curl: (56) Failure when receiving data from the peer', 56, 'failure-receiving', undefined],
    ['curl: (56) OpenSSL SSL_read: Connection reset by peer, errno 104', 56, 'openssl-ssl_read', 104],
    ['curl: (56) OpenSSL SSL_read: SSL_ERROR_SYSCALL, errno 104', 56, 'openssl-ssl_read-syscall', 104],
    ['curl: (56) OpenSSL SSL_read: error:0A000126:SSL routines::unexpected eof while reading, errno 0', 56, 'openssl-ssl_read-unexpected-eof', 0],
    ['curl: (56) LibreSSL SSL_read: SSL_ERROR_SYSCALL, errno 60', 56, 'openssl-ssl_read-syscall', 60],
    ['curl: (56) OpenSSL SSL_read: Conexão fechada pela outra ponta, errno 104', 56, 'openssl-ssl_read', 104],
    ['curl: (56) Recv failure: 连接被对方重设', 56, 'recv-failure', undefined],
    ['curl: (56) Unexpected EOF', 56, 'unexpected-eof', undefined],
    ['SSL read: error:00000000:lib(0):func(0):reason(0), errno 104', 56, 'ssl-read-old', 104],
    ['OpenSSL SSL_read: Connection was reset, errno 10054', 56, 'openssl-ssl_read', 10054],
    ['SSL read: error:00000000:lib(0):func(0):reason(0), errno 104 (Code 56)', 56, 'ssl-read-old', 104],
    ["cURL error 56: Recv failure: Connection reset by peer (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)", 56, 'recv-failure', undefined],
    ["Next exception 'GuzzleHttp\\Exception\\RequestException' with message 'cURL error 56: TCP connection reset by peer' in /srv/vendor/x.php:51", 56, 'nss-tcp-reset', undefined],
    ["cURL error 56: Received HTTP code 417 from proxy after CONNECT (see http://curl.haxx.se/libcurl/c/libcurl-errors.html)", 56, 'proxy-connect-status', undefined],
    ['== Info: GnuTLS recv error (-54): Error in the pull function.', 56, 'gnutls-recv', undefined],
    ['Failure when receiving data from the peer', 56, 'failure-receiving', undefined],
    ['curl: (35) Recv failure: Connection reset by peer', 35, 'recv-failure', undefined],
    ['curl: (18) transfer closed with 1729112674 bytes remaining to read', 18, 'transfer-closed-remaining', undefined],
    ["pycurl.error: (18, 'transfer closed with 1265259864 bytes remaining to read')", 18, 'transfer-closed-remaining', undefined],
    ['cURL error 18: transfer closed with outstanding read data remaining', 18, 'transfer-closed-outstanding', undefined],
    ['curl: (52) Empty reply from server', 52, 'empty-reply', undefined],
    ['libcurl failed to PUT *url*: Server returned nothing (no headers, no data).', 52, 'empty-reply', undefined],
    ['curl: (92) HTTP/2 stream 1 was not closed cleanly: INTERNAL_ERROR (err 2)', 92, 'http2-stream-not-closed', undefined],
    ["'cURL Error: HTTP/2 stream 0 was not closed cleanly: Unknown error code (err 1)'", 92, 'http2-stream-not-closed', undefined],
    ['curl error: curl: (28) Operation timed out after 2000 milliseconds with 0 bytes received', 28, 'operation-timed-out', undefined],
    ['60: AssertionError: CURL ERROR 56:  curl: (56) OpenSSL SSL_read: Connection reset by peer, errno 104', 56, 'openssl-ssl_read', 104],
    ['payments: failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://h/x http_code=200', 56, 'recv-failure', undefined],
    ['Curl error #7: Failed to connect to localhost port 1: Connection refused', 7, 'failed-to-connect', undefined],
    ['curl_error: Could not resolve host: api.example', 6, 'could-not-resolve-host', undefined],
    ['##############                                      10.2%curl: (56) OpenSSL SSL_read: SSL_ERROR_SYSCALL, errno 0', 56, 'openssl-ssl_read-syscall', 0],
  ];
  it.each(cases)('%s', (line, code, wording, errno) => {
    const e = findErrorLine(line);
    expect(e?.code).toBe(code);
    expect(e?.wording).toBe(wording);
    expect(e?.errno).toBe(errno);
  });

  const notErrors = [
    'GET /api/orders 200 12ms',
    'write(2, "curl: (56) Recv failure: Connection reset by peer\\n", 50) = 50',
    'We talked about the recv failure in the meeting.',
    'curl: unknown --write-out variable: \'curl_version\'',
  ];
  it.each(notErrors)('is no curl error: %s', (line) => {
    expect(findErrorLine(line)).toBeUndefined();
  });

  it('knows the wording without a code', () => {
    expect(matchWording('Send failure: Broken pipe')?.code).toBe(55);
    expect(matchWording('Operation timed out after 1501 milliseconds with 1000 out of 20000 bytes received')?.code).toBe(28);
    expect(matchWording('Hello')).toBeUndefined();
  });
});

describe('timestamps before log lines', () => {
  const cases: Array<[string, number, 'epoch' | 'time-of-day', string]> = [
    ['2022-11-04T23:27:51.7477050Z + curl …', Date.UTC(2022, 10, 4, 23, 27, 51) / 1000 + 0.747705, 'epoch', '+ curl …'],
    ['2026-11-23T10:00:00+01:00 msg', Date.UTC(2026, 10, 23, 9, 0, 0) / 1000, 'epoch', 'msg'],
    ['[2026-11-23 10:00:00] app.ERROR: x', Date.UTC(2026, 10, 23, 10, 0, 0) / 1000, 'epoch', 'app.ERROR: x'],
    ['[23-Nov-2026 10:00:00 UTC] PHP Warning', Date.UTC(2026, 10, 23, 10, 0, 0) / 1000, 'epoch', 'PHP Warning'],
    ['[23-Nov-2026 10:00:00 Europe/Berlin] x', Date.UTC(2026, 10, 23, 9, 0, 0) / 1000, 'epoch', 'x'],
    ['Nov 23 10:00:00 web1 php-fpm[123]: curl: (7) x', 36000, 'time-of-day', 'curl: (7) x'],
    ['02:55:51.662762 * Trying', 2 * 3600 + 55 * 60 + 51.662762, 'time-of-day', '* Trying'],
  ];
  it.each(cases)('%s', (line, t, kind, rest) => {
    const s = parseStamp(line)!;
    expect(s.t).toBeCloseTo(t, 5);
    expect(s.kind).toBe(kind);
    expect(s.rest).toBe(rest);
  });
});

describe('app-log input', () => {
  it('makes one transfer per error line, with the line’s time and the facts logged beside it', async () => {
    const { transfers, summary, diag } = await parseText(
      lines(
        '[23-Nov-2026 02:47:24 UTC] orders: GET http://127.0.0.1:38023/api/orders/reset-mid-body',
        '[23-Nov-2026 02:47:24 UTC] orders: request failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://127.0.0.1:38023/api/orders/reset-mid-body http_code=200 size_download=7000 total_time=0.113 local_port=48474',
        '[23-Nov-2026 02:47:25 UTC] orders: all good',
        '[23-Nov-2026 02:47:26 UTC] GuzzleHttp\\Exception\\RequestException: cURL error 28: Operation timed out after 1000 milliseconds with 0 bytes received (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for https://pay.example/v1/charge',
      ),
    );
    expect(summary.clock).toBe('epoch');
    expect(transfers).toHaveLength(2);
    expect(transfers[0]).toMatchObject({
      source: 'log',
      exitCode: 56,
      exitCodeSource: 'log',
      errorMessage: 'Recv failure: Connection reset by peer',
      url: 'http://127.0.0.1:38023/api/orders/reset-mid-body',
      httpStatus: 200,
      sizeDownload: 7000,
      local: { port: 48474 },
      t: Date.UTC(2026, 10, 23, 2, 47, 24) / 1000,
      line: 2,
    });
    expect(transfers[1]).toMatchObject({ exitCode: 28, url: 'https://pay.example/v1/charge', timeoutAfterMs: 1000, bytesReceived: 0 });
    // other log lines are passed over silently, with a count
    expect(diag.warnings).toEqual([]);
    expect(diag.notes.join(' ')).toMatch(/2 log lines without a curl error/);
  });

  it('reads a JSON log record’s message and time', async () => {
    const { transfers } = await parseText(
      '{"reqId":"x","level":2,"time":"2025-04-29T13:15:19+00:00","message":"Error: cURL error 26: client read function EOF fail (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for http://backend:23000/load","userAgent":"--"}\n',
      'app-log',
    );
    expect(transfers[0]).toMatchObject({ exitCode: 26, url: 'http://backend:23000/load', t: Date.UTC(2025, 3, 29, 13, 15, 19) / 1000 });
  });

  it('takes the progress meter just before a one-line error as bytes received', async () => {
    const { transfers } = await parseText(
      lines(' 29 2335M   29  686M    0     0   180k      0  3:41:07  1:04:57  2:36:10  186k', 'curl: (18) transfer closed with 1729112674 bytes remaining to read'),
      'app-log',
    );
    expect(transfers[0]).toMatchObject({ exitCode: 18, progressReceived: 686 * 1024 * 1024, bytesRemaining: 1729112674 });
  });
});

describe('app-log echoes', () => {
  it('takes a follow-up line about the same failure as evidence of the same event, not a second transfer', async () => {
    const { transfers } = await parseText(
      lines(
        '[23-Nov-2026 02:55:54 UTC] payment: provider call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" http_code=200 size_download=7000',
        '[23-Nov-2026 02:55:54 UTC] PHP Warning:  payment left in state PENDING after cURL error 56: Recv failure: Connection reset by peer',
        '[23-Nov-2026 02:56:30 UTC] payment: provider call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" http_code=0 size_download=0',
      ),
    );
    expect(transfers).toHaveLength(2);
    expect(transfers[0].evidence['repeat:2']?.line).toBe(2);
    expect(transfers[1].line).toBe(3);
  });

  it('keeps retries that name their URL apart', async () => {
    const { transfers } = await parseText(
      lines('cURL error 28: Operation timed out (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for https://a.example/x', 'cURL error 28: Operation timed out (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for https://a.example/x'),
    );
    expect(transfers).toHaveLength(2);
  });
});
