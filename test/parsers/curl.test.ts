import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffCurl } from '../../parsers/curl/index.js';
import { corpusDir, hasCorpus, repoRoot, samplesDir } from '../helpers/paths.js';
import { lenientJson, sizeValue } from '../../parsers/curl/text.js';
import { canonicalVar } from '../../parsers/curl/vars.js';
import { lines, parseText, tracedUpload, WAITED_1S_THEN_200 } from './curl-helpers.js';

const VERBOSE_GET = lines(
  '*   Trying 127.0.0.1:8080...',
  '* Connected to localhost (127.0.0.1) port 8080 (#0)',
  '> GET /api/orders HTTP/1.1',
  '> Host: localhost:8080',
  '> User-Agent: curl/7.88.1',
  '> Accept: */*',
  '> ',
  '< HTTP/1.1 200 OK',
  '< Content-Type: application/json',
  '< Content-Length: 20000',
  '< ',
  '{ [4000 bytes data]',
  '* Recv failure: Connection reset by peer',
  '* Closing connection 0',
  'curl: (56) Recv failure: Connection reset by peer',
);

describe('sniffCurl tells the curl formats apart by content', () => {
  const cases: Array<[string, string, string | null]> = [
    ['verbose -v stderr', VERBOSE_GET, 'curl-verbose'],
    ['--trace-ascii', lines('== Info:   Trying 127.0.0.1:80...', '=> Send header, 78 bytes (0x4e)', '0000: GET / HTTP/1.1', '<= Recv header, 17 bytes (0x11)', '0000: HTTP/1.1 200 OK'), 'curl-trace'],
    ['--trace-ascii --trace-time --trace-ids', lines('23:07:00.011000 [0-0] == Info: Connected to x (1.2.3.4) port 80 (#0)', '23:07:00.030000 [0-0] <= Recv header, 15 bytes (0xf)', '0000: Server: nginx'), 'curl-trace'],
    ['-w text block', lines('time_namelookup: 0.001', 'time_connect: 0.002', 'time_total: 0.3', 'http_code: 200'), 'curl-writeout'],
    ['-w name=value', lines('time_total=0.25', 'http_code=200', 'size_download=10'), 'curl-writeout'],
    ['%{json}', '{"http_code":200,"time_total":0.1,"url_effective":"http://x/"}\n', 'curl-json'],
    ['CSV loop', lines('url_effective,http_code,time_total', 'http://x/,200,0.1'), 'curl-csv'],
    ['Guzzle log', lines('[2026-11-23 10:00:00] app.ERROR: cURL error 56: Recv failure: Connection reset by peer (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)'), 'app-log'],
    ['curl one-liner', 'curl: (52) Empty reply from server\n', 'app-log'],
  ];
  it.each(cases)('%s', (_name, text, want) => {
    expect(sniffCurl(text)?.format ?? null).toBe(want);
  });

  const refused: Array<[string, string]> = [
    [
      'an strace log of curl (it quotes curl: (56) in write(2))',
      lines(
        '12345 connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '12345 recvfrom(3, 0x7ffd, 102400, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer)',
        '12345 write(2, "curl: (56) Recv failure: Connection reset by peer\\n", 50) = 50',
        '12345 +++ exited with 56 +++',
      ),
    ],
    ['a pcap (binary)', Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]).toString('latin1')],
    [
      'a README with a fenced curl -v example',
      lines('# Orders API', '', 'Call it like this:', '', '```', '$ curl -v http://localhost:8080/api', '*   Trying 127.0.0.1:8080...', '* Connected to localhost (127.0.0.1) port 8080 (#0)', '> GET /api HTTP/1.1', '```', '', '## Errors', '', 'Some prose about curl: (7) errors.'),
    ],
    ['prose', lines('The quick brown fox jumps over the lazy dog.', 'Nothing to see here.')],
    ['an nginx access log', lines('127.0.0.1 - - [23/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.88.1"')],
    ['empty', ''],
  ];
  it.each(refused)('refuses %s', (_name, text) => {
    expect(sniffCurl(text)).toBeNull();
  });

  it('gives a score in (0, 1]', () => {
    const s = sniffCurl(VERBOSE_GET)!;
    expect(s.score).toBeGreaterThan(0.3);
    expect(s.score).toBeLessThanOrEqual(1);
  });
});

describe('curl -v', () => {
  it('reads a reset mid-body: request, status, Content-Length, error, evidence lines', async () => {
    const { transfers, summary } = await parseText(VERBOSE_GET);
    expect(transfers).toHaveLength(1);
    const t = transfers[0];
    expect(t).toMatchObject({
      source: 'verbose',
      method: 'GET',
      url: 'http://localhost:8080/api/orders',
      host: 'localhost',
      remote: { ip: '127.0.0.1', port: 8080 },
      connectionId: 0,
      curlVersion: '7.88.1',
      httpStatus: 200,
      contentLength: 20000,
      bytesReceivedAtLeast: 4000,
      exitCode: 56,
      exitCodeSource: 'curl',
      wording: 'recv-failure',
      closed: 'closed',
    });
    expect(t.bytesReceived).toBeUndefined();
    expect(t.evidence.request.line).toBe(3);
    expect(t.evidence.status.line).toBe(8);
    expect(t.evidence.error).toMatchObject({ line: 15, text: 'curl: (56) Recv failure: Connection reset by peer' });
    expect(t.evidence.errorInfo.line).toBe(13);
    expect(summary.clock).toBe('none');
  });

  it('splits several transfers and carries endpoints across a reused connection', async () => {
    const { transfers } = await parseText(
      lines(
        '*   Trying 127.0.0.1:8080...',
        '* Connected to localhost (127.0.0.1) port 8080 (#0)',
        '> GET /a HTTP/1.1',
        '> Host: localhost:8080',
        '> ',
        '< HTTP/1.1 200 OK',
        '< Content-Length: 2',
        '< ',
        '* Connection #0 to host localhost left intact',
        '* Re-using existing connection #0 with host localhost',
        '> GET /b HTTP/1.1',
        '> Host: localhost:8080',
        '> ',
        '< HTTP/1.1 404 Not Found',
        '< Content-Length: 0',
        '< ',
        '* Connection #0 to host localhost left intact',
      ),
    );
    expect(transfers.map((t) => [t.url, t.httpStatus, t.reused ?? false, t.remote?.port, t.closed])).toEqual([
      ['http://localhost:8080/a', 200, false, 8080, 'intact'],
      ['http://localhost:8080/b', 404, true, 8080, 'intact'],
    ]);
  });

  it('takes the local port from curl 8 `Established connection … from … port` lines', async () => {
    const { transfers } = await parseText(
      lines(
        '* Host localhost:8080 was resolved.',
        '* IPv4: 127.0.0.1',
        '*   Trying 127.0.0.1:8080...',
        '* Established connection to localhost (127.0.0.1 port 8080) from 127.0.0.1 port 51234',
        '> GET / HTTP/1.1',
        '> Host: localhost:8080',
        '>',
        '* Request completely sent off',
        '* Empty reply from server',
        '* shutting down connection #0',
        'curl: (52) Empty reply from server',
      ),
    );
    expect(transfers[0]).toMatchObject({ local: { ip: '127.0.0.1', port: 51234 }, remote: { ip: '127.0.0.1', port: 8080 }, exitCode: 52 });
  });

  it('reads curl 8 wordings: a refused connect names both ends; `shutting down connection`', async () => {
    const { transfers } = await parseText(
      lines(
        '* Host localhost:1 was resolved.',
        '*   Trying [::1]:1...',
        '* connect to ::1 port 1 from ::1 port 49630 failed: Connection refused',
        '* Failed to connect to localhost port 1 after 0 ms: Could not connect to server',
        '* shutting down connection #0',
        'curl: (7) Failed to connect to localhost port 1 after 0 ms: Could not connect to server',
      ),
    );
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ exitCode: 7, remote: { ip: '::1', port: 1 }, local: { ip: '::1', port: 49630 }, closed: 'closed', connectionId: 0 });
  });

  it('reads Expect: 100-continue: 100 then body, or curl giving up', async () => {
    const got = await parseText(
      lines('> PUT /u HTTP/1.1', '> Host: h', '> Expect: 100-continue', '> Content-Length: 14', '> ', '< HTTP/1.1 100 Continue', '* Done waiting for 100-continue', '< HTTP/1.1 200 OK', '< '),
      'curl-verbose',
    );
    expect(got.transfers[0].expect100).toMatchObject({ sent: true, got100: true, doneWaiting: true, gaveUp: false });
    expect(got.transfers[0].statuses).toEqual([100, 200]);
    const gave = await parseText(
      lines('> POST / HTTP/1.1', '> Host: h', '> Content-Length: 200', '> Expect: 100-continue', '> ', '* Done waiting for 100-continue', '< HTTP/1.1 404 Not Found', '< '),
      'curl-verbose',
    );
    expect(gave.transfers[0].expect100).toMatchObject({ sent: true, doneWaiting: true, gaveUp: true });
    expect(gave.transfers[0].expect100?.got100).toBeFalsy();
  });

  it('reads -v --trace-time times, even after a progress meter with no newline', async () => {
    const { transfers, summary } = await parseText(
      lines(
        '  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     002:55:51.662762 *   Trying 127.0.0.1:46839...',
        '02:55:51.663433 * Connected to 127.0.0.1 (127.0.0.1) port 46839 (#0)',
        '02:55:51.663498 > GET /x HTTP/1.1',
        '02:55:51.663498 > Host: 127.0.0.1:46839',
        '02:55:51.663498 > ',
        '02:55:51.664101 < HTTP/1.1 200 OK',
        '02:55:51.664216 < ',
      ),
    );
    expect(summary.clock).toBe('time-of-day');
    expect(transfers[0].t).toBeCloseTo(2 * 3600 + 55 * 60 + 51.662762, 6);
    expect(transfers[0].evidence.status.t).toBeCloseTo(2 * 3600 + 55 * 60 + 51.664101, 6);
    expect(transfers[0].remote).toEqual({ ip: '127.0.0.1', port: 46839 });
  });

  it('reads markdown-mangled pastes (`- ` for `* `, every line quoted with `> `)', async () => {
    const { transfers } = await parseText(
      lines(
        '> Connected to localhost (127.0.0.1) port 80 (#0)',
        '> POST /rupload HTTP/1.1',
        '> Host: localhost',
        '> Content-Length: 262144',
        '> ',
        '> HTTP/1.1 201 Created',
        '> Content-Length: 17',
        '> ',
        '> Send failure: Connection reset by peer',
        '> Closing connection #0',
      ),
      'curl-verbose',
    );
    expect(transfers[0]).toMatchObject({ method: 'POST', httpStatus: 201, contentLength: 17, exitCode: 55, exitCodeSource: 'wording' });
  });

  it('reads libcurl verbose from PHP, where only the request line has `> `', async () => {
    const { transfers, diag } = await parseText(
      lines('* Connected to api.example (52.58.150.155) port 443 (#0)', '> POST /oauth/token HTTP/1.1', 'Host: api.example', 'User-Agent: Cronofy PHP 0.15.0', 'Content-Length: 10', ''),
      'curl-verbose',
    );
    expect(transfers[0]).toMatchObject({ url: 'https://api.example/oauth/token', requestContentLength: 10, upload: true });
    expect(diag.warnings).toEqual([]);
  });

  it('reads HTTP/2 pseudo-headers and an IPv6 peer', async () => {
    const { transfers } = await parseText(
      lines(
        '*   Trying [2001:db8::1]:443...',
        '* Connected to h.example (2001:db8::1) port 443',
        '* [HTTP/2] [1] OPENED stream for https://h.example/x',
        '* [HTTP/2] [1] [:method: GET]',
        '* [HTTP/2] [1] [user-agent: curl/8.7.1]',
        '> GET /x HTTP/2',
        '> Host: h.example',
        '>',
        '< HTTP/2 200',
        'curl: (92) HTTP/2 stream 1 was not closed cleanly: INTERNAL_ERROR (err 2)',
      ),
    );
    expect(transfers[0]).toMatchObject({ url: 'https://h.example/x', remote: { ip: '2001:db8::1', port: 443 }, curlVersion: '8.7.1', httpVersion: '2', exitCode: 92 });
  });

  it('warns with the line number for lines it cannot place', async () => {
    const { diag } = await parseText(lines('* Connected to h (1.2.3.4) port 80 (#0)', '> GET / HTTP/1.1', '> ', 'hello world body text'), 'curl-verbose');
    expect(diag.warnings).toEqual([expect.stringMatching(/^line 4: not curl output/)]);
  });

  it('gives the same transfers whatever the chunking', async () => {
    const whole = await parseText(VERBOSE_GET, 'curl-verbose');
    const tiny = await parseText(VERBOSE_GET, 'curl-verbose', 7);
    expect(tiny.transfers).toEqual(whole.transfers);
    expect(tiny.summary.bytes).toBe(Buffer.byteLength(VERBOSE_GET));
  });

  it('cuts a line longer than 64 KiB with a warning and goes on', async () => {
    const { transfers, diag } = await parseText(`${'x'.repeat(70_000)}\n${VERBOSE_GET}`, 'curl-verbose', 4096);
    expect(diag.warnings[0]).toMatch(/^line 1 \(byte 0\): line longer than 64 KiB/);
    expect(transfers[0].exitCode).toBe(56);
  });
});

describe('curl --trace / --trace-ascii', () => {
  it('joins --trace-ascii rows that wrap at 64 columns back into one header line', async () => {
    const longUa = 'curl/7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19';
    const req = `POST /upload HTTP/1.1\r\nUser-Agent: ${longUa}\r\nExpect: 100-continue\r\n\r\n`;
    const rows: string[] = [];
    let off = 0;
    for (const l of req.split('\r\n').slice(0, -1)) {
      let rest = l;
      do {
        const piece = rest.slice(0, 64);
        rows.push(`${off.toString(16).padStart(4, '0')}: ${piece}`);
        off += piece.length;
        rest = rest.slice(64);
      } while (rest.length);
      off += 2;
    }
    const { transfers } = await parseText(lines(`=> Send header, ${req.length} bytes (0x${req.length.toString(16)})`, ...rows), 'curl-trace');
    expect(transfers[0].userAgent).toBe(longUa);
    expect(transfers[0].expect100?.sent).toBe(true);
    expect(transfers[0].method).toBe('POST');
  });

  it('decodes --trace hex dumps of request and response heads', async () => {
    const hex = (s: string) => {
      const b = Buffer.from(s, 'latin1');
      const out: string[] = [];
      for (let i = 0; i < b.length; i += 16) {
        const row = b.subarray(i, i + 16);
        const h = [...row].map((x) => x.toString(16).padStart(2, '0') + ' ').join('').padEnd(48, ' ');
        out.push(`${i.toString(16).padStart(4, '0')}: ${h}${row.toString('latin1').replace(/[^\x20-\x7e]/g, '.')}`);
      }
      return out;
    };
    const req = 'GET /data HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/7.24.0\r\n\r\n';
    const { transfers } = await parseText(
      lines(
        '== Info: Connected to example.test (10.0.0.5) port 80 (#0)',
        `=> Send header, ${req.length} bytes (0x${req.length.toString(16)})`,
        ...hex(req),
        '<= Recv header, 17 bytes (0x11)',
        ...hex('HTTP/1.1 200 OK\r\n'),
        '<= Recv header, 20 bytes (0x14)',
        ...hex('Content-Length: 50\r\n'),
        '<= Recv header, 2 bytes (0x2)',
        ...hex('\r\n'),
        '<= Recv data, 30 bytes (0x1e)',
        ...hex('x'.repeat(30)),
        '== Info: transfer closed with 20 bytes remaining to read',
        '== Info: Closing connection 0',
      ),
    );
    expect(transfers[0]).toMatchObject({
      url: 'http://example.test/data',
      curlVersion: '7.24.0',
      httpStatus: 200,
      contentLength: 50,
      bytesReceived: 30,
      bytesRemaining: 20,
      exitCode: 18,
      exitCodeSource: 'wording',
    });
  });

  it('times the 100-continue wait from --trace-time lines', async () => {
    const { transfers, summary } = await parseText(
      tracedUpload(WAITED_1S_THEN_200),
    );
    expect(summary.clock).toBe('time-of-day');
    const e = transfers[0].expect100!;
    expect(e.tSent).toBeCloseTo(36000.0001, 6);
    expect(e.tDoneWaiting).toBeCloseTo(36001.001, 6);
    expect(e.tBody).toBeCloseTo(36001.0012, 6);
    expect(e.gaveUp).toBe(true);
    expect(transfers[0].bytesSent).toBe(5);
  });

  it('keeps interleaved --trace-ids transfers apart', async () => {
    const { transfers } = await parseText(
      lines(
        '10:00:00.000000 [0-0] == Info: Connected to a (10.0.0.1) port 80 (#0)',
        '10:00:00.000001 [1-1] == Info: Connected to b (10.0.0.2) port 80 (#1)',
        '10:00:00.000002 [0-0] => Send header, 16 bytes (0x10)',
        '0000: GET /a HTTP/1.1',
        '10:00:00.000003 [1-1] => Send header, 16 bytes (0x10)',
        '0000: GET /b HTTP/1.1',
        '10:00:00.100000 [1-1] * Recv failure: Connection reset by peer',
        '10:00:00.200000 [0-0] <= Recv header, 17 bytes (0x11)',
        '0000: HTTP/1.1 200 OK',
      ),
    );
    const byHost = Object.fromEntries(transfers.map((t) => [t.remote?.ip, t]));
    expect(byHost['10.0.0.1']).toMatchObject({ httpStatus: 200, traceId: '0' });
    expect(byHost['10.0.0.1'].exitCode).toBeUndefined();
    expect(byHost['10.0.0.2']).toMatchObject({ exitCode: 56, traceId: '1' });
  });
});

describe('curl -w text, %{json} and CSV', () => {
  it('splits blocks where a variable repeats and keeps unknown variables', async () => {
    const { transfers } = await parseText(
      lines('my_label: checkout', 'http_code: 200', 'time_total: 0.5', 'my_label: refund', 'http_code: 500', 'time_total: 1.5'),
      'curl-writeout',
    );
    expect(transfers.map((t) => [t.httpStatus, t.timings?.total, t.vars?.my_label])).toEqual([
      [200, 0.5, 'checkout'],
      [500, 1.5, 'refund'],
    ]);
  });

  const numberCases: Array<[string, string, number, RegExp | null]> = [
    ['plain seconds', 'time_total: 0.236153', 0.236153, null],
    ['unit suffix', 'time_total:  0.075210s', 0.07521, null],
    ['curl 7.74.0 integer microseconds', 'Total Time:             60246', 0.060246, /microseconds/],
    ['locale decimal comma', 'Time total: 3400,892467', 3400.892467, /commas/],
  ];
  it.each(numberCases)('reads time values: %s', async (_n, line, want, note) => {
    const { transfers } = await parseText(lines('time_namelookup: 0', line), 'curl-writeout');
    expect(transfers[0].timings?.total).toBeCloseTo(want, 6);
    if (note) expect(transfers[0].timingNotes?.join(' ')).toMatch(note);
  });

  it('undoes curl 7.55 timer wraps of 2^32 µs (curl/curl#1830)', async () => {
    const { transfers } = await parseText(lines('time_namelookup: 0.004182', 'time_connect: 4295.046898', 'time_total: 4295.122458'), 'curl-writeout');
    expect(transfers[0].timings?.connect).toBeCloseTo(0.079602, 5);
    expect(transfers[0].timingNotes?.[0]).toMatch(/wrapped/);
  });

  it('puts curl’s stderr line printed before a -w block on that block', async () => {
    const { transfers } = await parseText(
      lines('http_code: 200', 'exitcode: 0', '', 'curl: (18) transfer closed with 14000 bytes remaining to read', 'http_code: 200', 'exitcode: 18', 'errormsg: transfer closed with 14000 bytes remaining to read'),
      'curl-writeout',
    );
    expect(transfers).toHaveLength(2);
    expect(transfers[1]).toMatchObject({ exitCode: 18, bytesRemaining: 14000 });
    expect(transfers[1].evidence.errorInfo.line).toBe(4);
  });

  it('reads a PHP print_r(curl_getinfo()) dump', async () => {
    const { transfers } = await parseText(lines('Array', '(', '    [url] => http://x.test/a', '    [http_code] => 0', '    [total_time] => 0.013403', '    [primary_ip] => 10.1.1.1', '    [primary_port] => 80', '    [local_port] => 36376', ')'), 'curl-writeout');
    expect(transfers[0]).toMatchObject({ url: 'http://x.test/a', remote: { ip: '10.1.1.1', port: 80 }, local: { port: 36376 } });
    expect(transfers[0].httpStatus).toBeUndefined();
  });

  it('reads %{json} lines of different curl versions, keeping unknown keys', async () => {
    const { transfers } = await parseText(
      lines(
        '{"http_code":200,"http_connect":000,"remote_port":%HTTPPORT,"exitcode":0,"time_total":0.5,"url_effective":"http://h/x","brand_new_key":7}',
        '{"url_effective":"http://h/y","http_code":000,"exitcode":56,"errormsg":"Recv failure: Connection reset by peer","local_ip":"127.0.0.1","local_port":4000,"remote_ip":"127.0.0.1","remote_port":80,"curl_version":"libcurl/7.88.1 OpenSSL/3.0.19"}',
      ),
      'curl-json',
    );
    expect(transfers[0]).toMatchObject({ httpStatus: 200, exitCode: 0, vars: { brand_new_key: 7 } });
    expect(transfers[1]).toMatchObject({ exitCode: 56, wording: 'recv-failure', local: { ip: '127.0.0.1', port: 4000 }, curlVersion: '7.88.1' });
    expect(transfers[1].httpStatus).toBeUndefined();
  });

  it('reads a pretty-printed JSON dump of the same variables', async () => {
    const { transfers } = await parseText(lines('{', '  "total_time": 0.001906,', '  "effective_url": "http://localhost:2112/x.json",', '  "return_code": "recv_error"', '}'), 'curl-json');
    expect(transfers[0]).toMatchObject({ exitCode: 56, url: 'http://localhost:2112/x.json', line: 1 });
    expect(transfers[0].evidence['var:return_code'].line).toBe(4);
  });

  it('reads CSV with csv-parse, streaming, with stray stderr lines and a bad row', async () => {
    const csv = lines(
      'start,url_effective,http_code,exitcode,time_pretransfer,time_starttransfer,size_upload',
      '1795402551.17,http://h/a,200,0,0.001,0.002,0',
      'curl: (7) Failed to connect to h port 1 after 0 ms: Couldn\'t connect to server',
      '1795402552.5,http://h/b,000,56,0.001,0,0',
      '1795402553.5,http://h/c,200,0,0.0001,1.0002,65536',
    );
    const { transfers, summary } = await parseText(csv, 'curl-csv', 11);
    expect(transfers.map((t) => [t.source, t.url, t.exitCode])).toEqual([
      ['csv', 'http://h/a', 0],
      ['log', undefined, 7],
      ['csv', 'http://h/b', 56],
      ['csv', 'http://h/c', 0],
    ]);
    expect(transfers[0].t).toBeCloseTo(1795402551.17, 2);
    expect(transfers[3]).toMatchObject({ upload: true, sizeUpload: 65536 });
    expect(summary.clock).toBe('epoch');
  });

  it('keeps the rows before a broken quote and warns where it was (csv-parse reads an unclosed quote to the end)', async () => {
    const { transfers, diag } = await parseText('url_effective,http_code,exitcode\nhttp://h/a,200,0\n"http://h/b,500\nhttp://h/c,200,56\n', 'curl-csv');
    expect(transfers.map((t) => t.url)).toEqual(['http://h/a']);
    expect(diag.warnings).toEqual([expect.stringMatching(/^line \d+: CSV row not readable: Quote Not Closed/)]);
  });

  it('reads semicolon CSV', async () => {
    const { transfers } = await parseText(lines('url_effective;http_code;time_total', 'http://h/;503;0,25'), 'curl-csv');
    expect(transfers[0]).toMatchObject({ httpStatus: 503, timings: { total: 0.25 } });
  });
});

describe('helpers', () => {
  it.each([
    ['114k', 116736],
    ['192M', 192 * 1024 * 1024],
    ['12.0M', 12 * 1024 * 1024],
    ['0', 0],
  ])('progress meter size %s', (s, n) => expect(sizeValue(s)).toBe(n));

  it.each([
    ['time_total', 'time_total'],
    ['Lookup Time', 'time_namelookup'],
    ['Start-transfer Time', 'time_starttransfer'],
    ['Time total', 'time_total'],
    ['total_time', 'time_total'],
    ['%{http_code}', 'http_code'],
    ['url.host', 'url.host'],
    ['Favourite colour', undefined],
  ])('canonical variable name of %s', (raw, want) => expect(canonicalVar(raw)).toBe(want));

  it('repairs curl 7.76.0 JSON (`"http_connect":000`) and test-suite placeholders', () => {
    expect(lenientJson('{"http_connect":000,"remote_port":%HTTPPORT,"x":1}')).toEqual({ http_connect: 0, remote_port: '%HTTPPORT', x: 1 });
    expect(lenientJson('{"a":"b","cut')).toEqual({ a: 'b' });
  });
});

describe.skipIf(!hasCorpus)('sniffCurl on the other corpora and the repo’s non-curl samples', () => {
  const walk = (d: string): string[] =>
    existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])) : [];
  const files = [
    ...walk(path.join(corpusDir, 'strace')),
    ...walk(path.join(corpusDir, 'pcap')),
    ...walk(samplesDir).filter((f) => /\.(strace|pcap|pcapng|gz|md|mjs|sh)$/.test(f) || /strace/.test(path.basename(f))),
  ];
  it.each(files.map((f) => [path.relative(repoRoot, f), f]))('does not claim %s', (_rel, f) => {
    expect(sniffCurl(readFileSync(f).subarray(0, 65536).toString('utf8'))).toBeNull();
  });
});
