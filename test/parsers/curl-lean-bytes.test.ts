/**
 * The byte reader (CurlTextParser.quick) reads some values of a `curl -v` transfer from their
 * bytes where they are plain (a lean transfer's Host header, any Content-Length), and decodes
 * them where they are not: either way a transfer gets what the decoded line gives.
 */
import { describe, expect, it } from 'vitest';
import { parseCurl } from '../../parsers/curl/index.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { chunksOf } from './curl-helpers.js';

function transfer(host: string, contentLength: string): string {
  return [
    '*   Trying 10.0.0.1:8080...',
    '* Connected to h (10.0.0.1) port 8080 (#0)',
    '> GET /x HTTP/1.1',
    `> Host: ${host}`,
    '> User-Agent: curl/8.0.1',
    '> ',
    '< HTTP/1.1 200 OK',
    `< Content-Length: ${contentLength}`,
    '< ',
    '{ [5 bytes data]',
    '* Connection #0 to host h left intact',
  ].join('\n');
}

const HOSTS = ['api.test', 'api.test:8443', 'API.Test:80', '[::1]:8080', '127.0.0.1:50909', ':80', 'a.test:', 'h\u00e9.test', 'api.test  ', 'x:y:1'];
const LENGTHS = ['20000', '0', ' 7 ', '0012', '1234567890123456789', '12a', '', '+5', '1e3', '-1', '\u00a0 9'];

async function read(text: string, lean: boolean): Promise<CurlTransfer[]> {
  const out: CurlTransfer[] = [];
  await parseCurl('curl-verbose', chunksOf(Buffer.from(text, 'utf8')), { path: 'x', diag: new Diagnostics() }, (t) => out.push(t), { wanted: () => !lean });
  return out;
}

describe('values the byte reader reads from bytes', () => {
  it('a lean transfer has the host and content length of its full form, plain or not', async () => {
    const cases: Array<[string, string]> = [];
    for (const h of HOSTS) for (const l of LENGTHS.slice(0, 3)) cases.push([h, l]);
    for (const l of LENGTHS) cases.push(['api.test', l]);
    const text = cases.map(([h, l]) => transfer(h, l)).join('\n') + '\n';
    const full = await read(text, false);
    const lean = await read(text, true);
    expect(full).toHaveLength(cases.length);
    expect(lean.map((t) => [t.host, t.contentLength])).toEqual(full.map((t) => [t.host, t.contentLength]));
  });

  it('reads Content-Length as Number() reads the trimmed value', async () => {
    const text = LENGTHS.map((l) => transfer('api.test', l)).join('\n') + '\n';
    const full = await read(text, false);
    expect(full.map((t) => t.contentLength)).toEqual(
      LENGTHS.map((l) => {
        const n = Number(l.trim());
        return Number.isFinite(n) && n >= 0 ? n : undefined;
      }),
    );
  });

  it('takes a lean transfer’s host from a plain Host header as the decoded one gives it', async () => {
    const text = HOSTS.map((h) => transfer(h, '1')).join('\n') + '\n';
    const lean = await read(text, true);
    expect(lean.map((t) => t.host)).toEqual(['api.test', 'api.test', 'api.test', '::1', '127.0.0.1', 'h', 'a.test:', 'h\u00e9.test', 'api.test', 'x:y']);
  });
});
