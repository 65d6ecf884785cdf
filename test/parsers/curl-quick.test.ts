/**
 * The byte-level reading of lean transfers' lines (CurlTextParser.quick, offered by readLines
 * before a line is decoded) must give what decoding every line gives: the same transfers, the
 * same summary, the same warnings and notes, on every real curl output we have and on the
 * shapes each fast path must decline or read with care (CRLF, a CR inside a line, a last line
 * without its newline, binary junk, UTF-8 split across chunks, over-long lines, near misses).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffCurl, type CurlFormat } from '../../parsers/curl/index.js';
import { curlVerbose, readCurlText, type CurlTextRead } from '../helpers/curl-text.js';
import { filesUnder } from '../helpers/files.js';
import { corpusDir, samplesDir } from '../helpers/paths.js';

type Read = CurlTextRead;
/** What parseCurl does for a text format, with the byte-level path on or off (test/helpers/curl-text.ts). */
const read = readCurlText;

async function same(bytes: Buffer, format: CurlFormat, keep: number, chunk?: number): Promise<Read> {
  const slow = await read(bytes, format, false, keep, chunk);
  const fast = await read(bytes, format, true, keep, chunk);
  expect(slow.quick).toEqual([]);
  expect({ ...fast, quick: [] }).toEqual(slow);
  return fast;
}

function curlFiles(): string[] {
  const dirs = [path.join(samplesDir, 'curl'), path.join(samplesDir, 'incidents'), path.join(corpusDir, 'curl')].filter((d) => existsSync(d));
  return dirs
    .flatMap((d) => filesUnder(d, (name) => !/\.(pcapng?|strace|md|sh|py|gz|tar|zip)$/.test(name)))
    .filter((f) => statSync(f).size < 4 << 20 && sniffCurl(readFileSync(f).subarray(0, 65536).toString('utf8')) !== null);
}

describe('lines of lean transfers read from their bytes', () => {
  it('give what decoding every line gives, on every real curl output, lean, full and mixed', async () => {
    const files = curlFiles();
    expect(files.length).toBeGreaterThan(20);
    let taken = 0;
    for (const f of files) {
      const bytes = readFileSync(f);
      const format = sniffCurl(bytes.subarray(0, 65536).toString('utf8'))!.format;
      if (format === 'curl-csv') continue; // read record by record, not line by line
      for (const keep of [0, 1, Infinity]) taken += (await same(bytes, format, keep)).quick.length;
      await same(bytes, format, 0, 61);
    }
    expect(taken).toBeGreaterThan(300);
  });

  it('take the lines of lean and full transfers alike, and not their error lines', async () => {
    const text = Buffer.from(curlVerbose(1001) + curlVerbose(1002, { tail: ['* TLSv1.3 (IN), TLS alert, close notify (256):', '* Connection #0 to host 127.0.0.1 left intact'] }));
    const lean = await same(text, 'curl-verbose', 0);
    // of each: the info lines that begin and end it, the request line, its headers, `> `, the response
    // head, the data line; the second's TLS line. Not the error lines.
    expect(lean.quick).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    // the same of full transfers, which keep their header lines and evidence
    const full = await same(text, 'curl-verbose', Infinity);
    expect(full.quick).toEqual(lean.quick);
    expect(full.transfers[0].responseHeaders).toEqual(['Date: Mon, 23 Nov 2026 02:56:07 GMT', 'Content-Length: 20000']);
    expect(full.transfers[0].evidence.status).toEqual({ line: 8, text: '< HTTP/1.1 200 OK' });
    expect(lean.transfers.map((t) => [t.httpStatus, t.httpVersion, t.contentLength, t.bytesReceivedAtLeast, t.exitCode, t.endLine])).toEqual([
      [200, '1.1', 20000, 4000, 56, 15],
      [200, '1.1', 20000, 4000, undefined, 29],
    ]);
  });

  /** `takes`: lines the byte-level path must take; `declines`: lines it must leave to the decoder. */
  const cases: Array<{ name: string; text: string; takes?: string[]; declines?: string[] }> = [
    { name: 'CRLF line ends', text: curlVerbose(1, { eol: '\r\n' }), takes: ['> GET /x HTTP/1.1', '< HTTP/1.1 200 OK', '< Content-Length: 20000', '{ [4000 bytes data]'] },
    { name: 'a CR inside a header line (split as the progress meter is)', text: curlVerbose(2, { head: ['< Date: x\r< Content-Length: 5'] }), declines: ['< Date: x\r< Content-Length: 5'] },
    { name: 'a CR inside a status line', text: curlVerbose(3).replace('< HTTP/1.1 200 OK', '< HTTP/1.1 100 Continue\r< HTTP/1.1 200 OK'), declines: ['< HTTP/1.1 100 Continue\r< HTTP/1.1 200 OK'] },
    { name: 'CRs before the line end', text: curlVerbose(4).replace('< Date: Mon, 23 Nov 2026 02:56:07 GMT', '< Date: x\r\r'), declines: ['< Date: x\r'] },
    { name: 'the last line without its newline', text: curlVerbose(5).replace(/\n$/, '') + '\n< X-Late: 1', declines: ['< X-Late: 1'] },
    { name: 'a data line as the truncated last line', text: curlVerbose(6, { tail: ['{ [12 bytes data]'] }).replace(/\n$/, ''), takes: ['{ [4000 bytes data]'], declines: ['{ [12 bytes data]'] },
    { name: 'binary junk in header values', text: curlVerbose(7, { head: ['< X-Junk: \u0000\u00ff\u00fd\u0007', '< Content-Length: \u00ff\u0000'] }), takes: ['< X-Junk: \u0000\u00ff\u00fd\u0007', '< Content-Length: \u00ff\u0000'] },
    { name: 'binary junk in a header name', text: curlVerbose(8, { head: ['< X-\u00ffJunk: 1', '< Content-Length: 20000'] }), declines: ['< X-\u00ffJunk: 1'] },
    { name: 'a space before the colon of Content-Length', text: curlVerbose(9, { head: ['< Content-Length : 7'] }), declines: ['< Content-Length : 7'] },
    { name: 'Content-Length in any case', text: curlVerbose(10, { head: ['< CONTENT-LENGTH: 7', '< content-length: 8'] }), takes: ['< CONTENT-LENGTH: 7', '< content-length: 8'] },
    {
      name: 'request header values as requestHeader reads them',
      text: curlVerbose(11).replace('> Accept: */*', '> host:   Example.TEST:8080  \n> USER-AGENT: libcurl/8.5.0 \u00a0\n> Expect:100-CONTINUE\n> content-length: 0x10\n> Transfer-Encoding: gzip, chunked'),
      takes: ['> host:   Example.TEST:8080  ', '> Expect:100-CONTINUE', '> content-length: 0x10', '> Transfer-Encoding: gzip, chunked'],
    },
    { name: 'response Content-Length values', text: curlVerbose(12, { head: ['< Content-Length:  12 ', '< content-length: 1e3', '< CONTENT-LENGTH: -1', '< Content-Length: ', '< Content-Length: \u00a07'] }) },
    { name: 'Content-Length of an interim response', text: curlVerbose(13).replace('< HTTP/1.1 200 OK', '< HTTP/1.1 100 Continue\n< Content-Length: 5\n< \n< HTTP/1.1 200 OK'), takes: ['< HTTP/1.1 100 Continue', '< Content-Length: 5'] },
    { name: 'a header after the request head is over', text: curlVerbose(14).replace('< HTTP/1.1 200 OK', '> X-After: 1\n< HTTP/1.1 200 OK'), declines: ['> X-After: 1'] },
    {
      name: 'status lines of other forms',
      text: curlVerbose(15).replace('< HTTP/1.1 200 OK', '< HTTP/2 200\n< HTTP/1.x 200 OK\n< HTTP/1.1 2000\n< HTTP/1.1 20\n< HTTP/1.1 200_\n< HTTP/3 404 \n< HTTP/9.9 200\n< HTTP/1.1  200\n< HTTP/1.0 000 none'),
      takes: ['< HTTP/2 200', '< HTTP/3 404 '],
      declines: ['< HTTP/1.x 200 OK', '< HTTP/1.1 2000', '< HTTP/1.1 20', '< HTTP/1.1 200_', '< HTTP/9.9 200', '< HTTP/1.1  200', '< HTTP/1.0 000 none'],
    },
    {
      name: 'request lines of other forms',
      text: ['GET /x HTTP/1.x', 'GET /caf\u00e9 HTTP/1.1', 'PROPFIND /x HTTP/2', 'GET /x', 'GET  /x HTTP/1.1', 'FETCH /x HTTP/1.1', 'GET /x HTTP/1.1 ', 'GET /x HTTP/9.9', 'get /x HTTP/1.1', 'GET /x HTTP/1.1 x']
        .map((r, i) => curlVerbose(16 + i).replace('> GET /x HTTP/1.1', `> ${r}`))
        .join(''),
      takes: ['> PROPFIND /x HTTP/2', '> GET /x'],
      declines: ['> GET /x HTTP/1.x', '> GET /caf\u00e9 HTTP/1.1', '> GET  /x HTTP/1.1', '> FETCH /x HTTP/1.1', '> GET /x HTTP/1.1 ', '> GET /x HTTP/9.9', '> get /x HTTP/1.1', '> GET /x HTTP/1.1 x'],
    },
    { name: 'a second request line in one transfer', text: curlVerbose(30).replace('< HTTP/1.1 200 OK', '> POST /y HTTP/1.1\n< HTTP/1.1 200 OK'), declines: ['> POST /y HTTP/1.1'] },
    {
      name: 'data lines of other forms',
      text: curlVerbose(31, { tail: ['{ [12 bytes data] ', '{ [1234567890123456 bytes data]', '{ [123456789012345 bytes data]', '} [0 bytes data]', '{ [ bytes data]', '{  [1 bytes data]', '{', '{ [1 byte data]'] }),
      takes: ['{ [123456789012345 bytes data]', '} [0 bytes data]'],
      declines: ['{ [12 bytes data] ', '{ [1234567890123456 bytes data]', '{ [ bytes data]', '{  [1 bytes data]', '{', '{ [1 byte data]'],
    },
    {
      name: 'TLS chatter and its near misses',
      text: curlVerbose(32, { tail: ['*  TLSv1.2 (OUT), TLS handshake', '*\tTLS x', '* TL', '* TLs x', '*TLS x', '* TLS'] }),
      takes: ['*  TLSv1.2 (OUT), TLS handshake', '* TLS'],
      declines: ['*\tTLS x', '* TL', '* TLs x', '*TLS x'],
    },
    { name: 'blank head ends of odd forms', text: curlVerbose(33).replace('> \n', '>\n').replace('< \n', '<  \n'), takes: ['>'], declines: ['<  '] },
    {
      name: 'the info lines that begin and end transfers, and their near misses',
      text:
        curlVerbose(40, { tail: ['* Closing connection #-1.', '* Connection #7 to host h left intact'] }) +
        curlVerbose(42, { tail: ['* Connection #123456789012345678901 to host h left intact', '* Closing connection -0'] }) +
        curlVerbose(41, { tail: ['* Closing connection #7 x', '* Closing connection', '* Closing connection ', '* Connection #7 to host  left intact', '* Connection #x to host h left intact', '* Connection #7 to host h\u00e9 left intact'] }) +
        ['*   Trying 10.0.0.1...', '*   Trying 10.0.0.1...x', '*   Trying 10.0.0.1....', '*   Trying 10.0.0.1... connected', '*   Trying ::1:8080...', '*   Trying [::1]:8080...', '*   Trying 10.0.0.1\u2026', '*   Trying 10.0.0.1:80...x', '*   Trying 10.0.0.1:...', '*   Trying 10.0.0.1.:80...']
          .map((l) => `${l}\n* Connected to h (10.0.0.1) port 80 (#3)\n> GET / HTTP/1.1\n`)
          .join('') +
        ['* Connected to h () port 443', '* Connected to h (10.0.0.1) port 80 (#x)', '* Connected to H\u00e9 (10.0.0.1) port 80', '* Connected to h (10.0.0.1)  port 80', '* Connected to h (1\u00e9) port 80', '* Connected to h(10.0.0.1) port 80', '* Connected to h (10.0.0.1) port 80 (#12345678901234567)']
          .map((l) => `*   Trying 10.0.0.2:81...\n${l}\n> GET / HTTP/1.1\n`)
          .join(''),
      takes: ['* Closing connection #-1.', '* Connection #7 to host h left intact', '* Connection #123456789012345678901 to host h left intact', '* Closing connection -0', '*   Trying 10.0.0.1...', '*   Trying 10.0.0.1... connected', '*   Trying 10.0.0.1:80...x', '* Connected to h () port 443', '* Connected to h (10.0.0.1) port 80 (#x)'],
      declines: [
        '* Closing connection #7 x', '* Closing connection ', '* Connection #7 to host  left intact', '* Connection #x to host h left intact', '* Connection #7 to host h\u00e9 left intact',
        '*   Trying 10.0.0.1...x', '*   Trying 10.0.0.1....', '*   Trying ::1:8080...', '*   Trying [::1]:8080...', '*   Trying 10.0.0.1\u2026', '*   Trying 10.0.0.1:...', '*   Trying 10.0.0.1.:80...',
        '* Connected to H\u00e9 (10.0.0.1) port 80', '* Connected to h (10.0.0.1)  port 80', '* Connected to h (1\u00e9) port 80', '* Connected to h(10.0.0.1) port 80',
      ],
    },
    {
      name: 'header lines a full transfer keeps cut or trimmed',
      text: curlVerbose(43, { head: [`< X-Long: ${'a'.repeat(3000)}`, '< X-Trail: v \t', '< Content-Length: 20000 \u00a0'] }).replace('> Accept: */*', `> X-Long: ${'b'.repeat(3000)}  `),
      takes: ['< X-Trail: v \t', '< Content-Length: 20000 \u00a0'],
    },
    {
      name: 'connections re-used, and near misses of the line',
      text:
        curlVerbose(50, { tail: ['* Connection #0 to host 127.0.0.1 left intact'] }) +
        [
          '* Re-using existing connection #0 with host 127.0.0.1',
          '* Re-using existing connection #0 with host h x',
          '* Re-using existing connection #7 with host h',
          '* Re-using existing connection #1234567890123456789 with host h',
          '* Re-using existing connection! (#0) with host 127.0.0.1',
          '* Re-using existing connection #0 with proxy p',
          '* Re-using existing HTTP connection #0 with host h',
          '* Re-using existing connection #0 with host h\u00e9',
          '* Re-using existing connection #0 with host ',
          '* Re-using existing connection # with host h',
          '* Re-using existing connection #0 with host h\u000bx',
          '* Re-using existing connection #0 with  host h',
        ]
          .map((l) => `${l}\n> GET /y HTTP/1.1\n> Host: h\n> \n< HTTP/1.1 200 OK\n< \n* Connection #0 to host 127.0.0.1 left intact\n`)
          .join(''),
      takes: ['* Re-using existing connection #0 with host 127.0.0.1', '* Re-using existing connection #0 with host h x', '* Re-using existing connection #7 with host h', '* Re-using existing connection #1234567890123456789 with host h'],
      declines: [
        '* Re-using existing connection! (#0) with host 127.0.0.1', '* Re-using existing connection #0 with proxy p', '* Re-using existing HTTP connection #0 with host h', '* Re-using existing connection #0 with host h\u00e9',
        '* Re-using existing connection #0 with host ', '* Re-using existing connection # with host h', '* Re-using existing connection #0 with host h\u000bx', '* Re-using existing connection #0 with  host h',
      ],
    },
    {
      name: 'request headers without their `> ` (a PHP libcurl head), and lines of that shape elsewhere',
      text:
        ['*   Trying 127.0.0.1:51...', '* Connected to 127.0.0.1 (127.0.0.1) port 51 (#0)', '> POST /v1/pay HTTP/1.1', 'Host: 127.0.0.1:51', 'user-AGENT: curl/7.88.1 ', 'Accept: */*', 'X_Under-1: v',
          'Expect: 100-continue', 'Content-Length: 5', 'transfer-encoding: chunked', 'X-Val: caf\u00e9', 'Empty:', 'H\u00e9: x', 'X Y: 1', 'curl: (56) Recv failure: Connection reset by peer', '',
          '< HTTP/1.1 200 OK', '< Content-Length: 3', '< ', 'Late: header', 'curl: (18) transfer closed with 3 bytes remaining to read'].join('\r\n') + '\r\n' +
        curlVerbose(52).replace('> Accept: */*\n', '> Accept: */*\nX-Bare: 1\n'),
      takes: ['Host: 127.0.0.1:51', 'user-AGENT: curl/7.88.1 ', 'Accept: */*', 'X_Under-1: v', 'Expect: 100-continue', 'Content-Length: 5', 'transfer-encoding: chunked', 'X-Val: caf\u00e9', 'Empty:', 'curl: (56) Recv failure: Connection reset by peer', 'X-Bare: 1'],
      declines: ['H\u00e9: x', 'X Y: 1', 'Late: header'],
    },
    { name: 'header names that are not tokens', text: curlVerbose(34, { head: ['< X Y: 1', '< :empty', '< X-Y', '< Content-Length: 1'] }), declines: ['< X Y: 1', '< :empty', '< X-Y'] },
  ];
  for (const c of cases) {
    it(`read ${c.name} as the decoded line reads it`, async () => {
      const bytes = Buffer.from(c.text, 'latin1');
      await same(bytes, 'curl-verbose', Infinity);
      const r = await same(bytes, 'curl-verbose', 0);
      const lines = c.text.split('\n').map((l) => l.replace(/\r$/, ''));
      const taken = r.quick.map((n) => lines[n - 1]);
      for (const l of c.takes ?? []) expect(taken, l).toContain(l);
      for (const l of c.declines ?? []) expect(taken, l).not.toContain(l);
      for (const chunk of [1, 7, 64]) await same(bytes, 'curl-verbose', 0, chunk);
    });
  }

  it('recall repeated error, wait and chatter lines by their bytes once decoded, in any format', async () => {
    const tail = [
      '* We are completely uploaded and fine',
      '*  subject: CN=localhost',
      '* Done waiting for 100-continue',
      '* using HTTP/1.x',
      '*',
      '* Recv failure: Connection reset by peer',
      '* Closing connection 0',
      'curl: (56) Recv failure: Connection reset by peer',
    ];
    const text = [1, 2, 3].map((i) => curlVerbose(50 + i, { tail })).join('');
    const lines = text.split('\n');
    for (const format of ['curl-verbose', 'curl-trace', 'curl-writeout', 'app-log'] as const) {
      for (const keep of [0, 1, Infinity]) {
        const r = await same(Buffer.from(text), format, keep);
        const perLine = (l: string) => r.quick.filter((n) => lines[n - 1] === l).length;
        // decoded the first time, read from the bytes the second and third
        for (const l of tail.filter((l) => l !== '* Closing connection 0' && (format !== 'app-log' || !l.startsWith('curl:')))) expect(perLine(l), `${format} ${l}`).toBe(2);
        // an application log's rules for lines that start with a letter depend on what came before: no curl line recalled there
        if (format === 'app-log') expect(perLine('curl: (56) Recv failure: Connection reset by peer')).toBe(0);
      }
    }
  });

  it('leave a recalled line to the decoder where what came before changes what it means', async () => {
    const err = 'curl: (56) Recv failure: Connection reset by peer';
    // a request head printed bare (libcurl in PHP): `curl: …` there has the shape of one of its headers
    const text = curlVerbose(60) + curlVerbose(61) + '* Connected to h (10.0.0.1) port 80 (#3)\nGET /bare HTTP/1.1\n' + err + '\n\n' + curlVerbose(62);
    const lines = text.split('\n');
    for (const keep of [0, Infinity]) {
      const r = await same(Buffer.from(text), 'curl-verbose', keep);
      const at = lines.map((l, i) => (l === err ? i + 1 : 0)).filter((n) => n > 0);
      expect(at).toHaveLength(4);
      // the third, in the bare head, is not recalled as an error: it is read from its bytes as the header the decoder makes of it
      expect(at.map((n) => r.quick.includes(n))).toEqual([false, true, true, true]);
      // found by its request line's number: a lean transfer (keep 0) is only counted, its URL not derived
      const request = lines.indexOf('GET /bare HTTP/1.1') + 1;
      const bare = r.transfers.find((t) => t.line <= request && request <= (t.endLine ?? t.line));
      // it began at its `* Connected to` line and took the `curl: …` after its request line as a header
      expect([bare?.line, bare?.endLine]).toEqual([request - 1, request + 1]);
      expect(bare).toBeDefined();
      expect(bare!.exitCode).toBeUndefined();
    }
  });

  it('decode a line whose UTF-8 is split across chunks, and read the rest from bytes', async () => {
    const bytes = Buffer.from(curlVerbose(20, { head: ['< X-Name: caf\u00e9 \u2603 \ud83d\ude00', '< Content-Length: 20000'] }), 'utf8');
    for (let chunk = 3; chunk < 80; chunk += 7) await same(bytes, 'curl-verbose', 0, chunk);
  });

  it('decode a line longer than 64 KiB (cut) instead of reading it', async () => {
    const long = '< X-Long: ' + 'a'.repeat(70_000);
    const r = await same(Buffer.from(curlVerbose(21, { head: [long, '< Content-Length: 20000'] })), 'curl-verbose', 0);
    expect(r.warnings).toHaveLength(1);
    expect(r.quick).not.toContain(9);
    expect(r.quick).toContain(10);
  });

  it('leave the lines of a pretty-printed JSON object to the decoded reader', async () => {
    const text = curlVerbose(22) + '{\n"http_code": 200,\n"exitcode": 0\n}\n' + curlVerbose(23);
    const r = await same(Buffer.from(text), 'curl-verbose', 0);
    expect(r.quick).toContain(12); // the data line before the object
    expect(r.quick).toContain(22); // the request line after it
    expect(r.quick.filter((n) => n >= 16 && n <= 19)).toEqual([]);
  });
});
