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
import { readLines } from '../../parsers/curl/lines.js';
import { CurlTextParser } from '../../parsers/curl/text.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { reusedChunks, wholeChunk } from '../helpers/chunks.js';
import { filesUnder } from '../helpers/files.js';
import { corpusDir, samplesDir } from '../helpers/paths.js';

interface Read {
  transfers: CurlTransfer[];
  lines: number;
  clock: string;
  warnings: unknown[];
  notes: string[];
  /** lines the byte-level path took */
  quick: number;
}

/**
 * What parseCurl does for a text format, with the byte-level path on or off; `keep`: transfers
 * begun while fewer than this many were emitted are built in full (CurlAnalysis' caps in small).
 */
async function read(bytes: Buffer, format: CurlFormat, quick: boolean, keep: number, chunk?: number): Promise<Read> {
  const diag = new Diagnostics();
  const transfers: CurlTransfer[] = [];
  const p = new CurlTextParser(format, diag, (t) => transfers.push(t), () => transfers.length < keep);
  let taken = 0;
  const offer = (buf: Buffer, from: number, to: number, n: number) => {
    const ok = p.quick(buf, from, to, n);
    if (ok) taken++;
    return ok;
  };
  await readLines(chunk ? reusedChunks(bytes, chunk) : wholeChunk(bytes), (l, n, at, cut) => p.line(l, n, at, cut), undefined, quick ? offer : undefined);
  p.end();
  return { transfers, lines: p.lines, clock: p.clock, warnings: diag.warnings, notes: diag.notes, quick: taken };
}

async function same(bytes: Buffer, format: CurlFormat, keep: number, chunk?: number): Promise<Read> {
  const slow = await read(bytes, format, false, keep, chunk);
  const fast = await read(bytes, format, true, keep, chunk);
  expect(slow.quick).toBe(0);
  expect({ ...fast, quick: 0 }).toEqual(slow);
  return fast;
}

/** One `curl -v` transfer as curl 7.88 prints it, with `head` and `tail` around its response head. */
function verbose(port: number, opts: { head?: string[]; tail?: string[]; eol?: string } = {}): string {
  const eol = opts.eol ?? '\n';
  return [
    '*   Trying 127.0.0.1:' + port + '...',
    `* Connected to 127.0.0.1 (127.0.0.1) port ${port} (#0)`,
    '> GET /x HTTP/1.1',
    `> Host: 127.0.0.1:${port}`,
    '> User-Agent: curl/7.88.1',
    '> Accept: */*',
    '> ',
    '< HTTP/1.1 200 OK',
    ...(opts.head ?? ['< Date: Mon, 23 Nov 2026 02:56:07 GMT', '< Content-Length: 20000']),
    '< ',
    '{ [4000 bytes data]',
    ...(opts.tail ?? ['* Recv failure: Connection reset by peer', '* Closing connection 0', 'curl: (56) Recv failure: Connection reset by peer']),
  ].join(eol) + eol;
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
      for (const keep of [0, 1, Infinity]) taken += (await same(bytes, format, keep)).quick;
      await same(bytes, format, 0, 61);
    }
    expect(taken).toBeGreaterThan(300);
  });

  it('take the head, body and TLS lines of a lean transfer, and nothing of a full one', async () => {
    const text = Buffer.from(verbose(1001) + verbose(1002, { tail: ['* TLSv1.3 (IN), TLS alert, close notify (256):', '* Connection #0 to host 127.0.0.1 left intact'] }));
    const lean = await same(text, 'curl-verbose', 0);
    // of each: `> Accept`, `> `, status, Date, `< `, the data line; the second's TLS line
    expect(lean.quick).toBe(13);
    expect((await same(text, 'curl-verbose', Infinity)).quick).toBe(0);
    expect(lean.transfers.map((t) => [t.httpStatus, t.httpVersion, t.contentLength, t.bytesReceivedAtLeast, t.exitCode, t.endLine])).toEqual([
      [200, '1.1', 20000, 4000, 56, 15],
      [200, '1.1', 20000, 4000, undefined, 29],
    ]);
  });

  const cases: Array<{ name: string; text: string; quick?: number }> = [
    { name: 'CRLF line ends', text: verbose(1, { eol: '\r\n' }), quick: 6 },
    { name: 'a CR inside a header line (split as the progress meter is)', text: verbose(2, { head: ['< Date: x\r< Content-Length: 5'] }), quick: 5 },
    { name: 'a CR inside a status line', text: verbose(3).replace('< HTTP/1.1 200 OK', '< HTTP/1.1 100 Continue\r< HTTP/1.1 200 OK'), quick: 5 },
    { name: 'the last line without its newline', text: verbose(4).replace(/\n$/, '') + '\n< X-Late: 1', quick: 6 },
    { name: 'a data line as the truncated last line', text: verbose(5, { tail: ['{ [12 bytes data]'] }).replace(/\n$/, ''), quick: 6 },
    { name: 'binary junk in header values', text: verbose(6, { head: ['< X-Junk: \u0000\u00ff\ufffd\u0007', '< Content-Length: 20000'] }), quick: 6 },
    { name: 'binary junk in a header name', text: verbose(7, { head: ['< X-\u00ffJunk: 1', '< Content-Length: 20000'] }), quick: 5 },
    { name: 'a space before the colon of Content-Length', text: verbose(8, { head: ['< Content-Length : 7'] }), quick: 5 },
    { name: 'Content-Length in any case', text: verbose(9, { head: ['< CONTENT-LENGTH: 7', '< content-length: 8'] }), quick: 5 },
    { name: 'the request headers requestHeader reads', text: verbose(10).replace('> Accept: */*', '> EXPECT: 100-continue\n> Transfer-Encoding: chunked\n> Content-length: 3'), quick: 5 },
    { name: 'a header after the request head is over', text: verbose(11).replace('< HTTP/1.1 200 OK', '> X-After: 1\n< HTTP/1.1 200 OK'), quick: 6 },
    { name: 'status lines of other forms', text: verbose(12).replace('< HTTP/1.1 200 OK', '< HTTP/2 200\n< HTTP/1.x 200 OK\n< HTTP/1.1 2000\n< HTTP/1.1 20\n< HTTP/1.1 200_\n< HTTP/3 404 \n< HTTP/9.9 200\n< HTTP/1.1  200'), quick: 7 },
    { name: 'status 000', text: verbose(13).replace('< HTTP/1.1 200 OK', '< HTTP/1.0 000 nothing'), quick: 5 },
    { name: 'data lines of other forms', text: verbose(14, { tail: ['{ [12 bytes data] ', '{ [1234567890123456 bytes data]', '{ [123456789012345 bytes data]', '} [0 bytes data]', '{ [ bytes data]', '{  [1 bytes data]', '{', '{ [1 byte data]'] }), quick: 8 },
    { name: 'TLS chatter and its near misses', text: verbose(15, { tail: ['*  TLSv1.2 (OUT), TLS handshake', '*\tTLS x', '* TL', '* TLs x', '*TLS x', '* TLS'] }), quick: 8 },
    { name: 'blank head ends of odd forms', text: verbose(16).replace('> \n', '>\n').replace('< \n', '<  \n'), quick: 5 },
    { name: 'a header name that is not a token', text: verbose(17, { head: ['< X Y: 1', '< :empty', '< X-Y', '< Content-Length: 1'] }), quick: 5 },
  ];
  for (const c of cases) {
    it(`read ${c.name} as the decoded line reads it`, async () => {
      const bytes = Buffer.from(c.text, 'latin1');
      const r = await same(bytes, 'curl-verbose', 0);
      if (c.quick !== undefined) expect(r.quick).toBe(c.quick);
      for (const chunk of [1, 7, 64]) await same(bytes, 'curl-verbose', 0, chunk);
    });
  }

  it('decode a line whose UTF-8 is split across chunks, and read the rest from bytes', async () => {
    const bytes = Buffer.from(verbose(20, { head: ['< X-Name: caf\u00e9 \u2603 \ud83d\ude00', '< Content-Length: 20000'] }), 'utf8');
    for (let chunk = 3; chunk < 80; chunk += 7) await same(bytes, 'curl-verbose', 0, chunk);
  });

  it('decode a line longer than 64 KiB (cut) instead of reading it', async () => {
    const long = '< X-Long: ' + 'a'.repeat(70_000);
    const r = await same(Buffer.from(verbose(21, { head: [long, '< Content-Length: 20000'] })), 'curl-verbose', 0);
    expect(r.warnings).toHaveLength(1);
    expect(r.quick).toBe(5);
  });

  it('leave pretty-printed JSON and --trace blocks to the decoded reader', async () => {
    const text = verbose(22) + '{\n"http_code": 200,\n"exitcode": 0\n}\n' + verbose(23);
    expect((await same(Buffer.from(text), 'curl-verbose', 0)).quick).toBe(12);
  });
});
