import { describe, expect, it } from 'vitest';
import { fromCurl } from '../../src/detectors/empty-reply/curl.js';
import { detectText, lines } from '../parsers/curl-helpers.js';

describe('empty-reply from curl output', () => {
  it('reports exit 52 as a warning with no response bytes', async () => {
    const fs = await detectText(
      fromCurl,
      lines('*   Trying 5.9.243.187:80...', '* Connected to wttr.in (5.9.243.187) port 80', '> GET / HTTP/1.1', '> Host: wttr.in', '>', '* Empty reply from server', '* Closing connection', 'curl: (52) Empty reply from server'),
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      detector: 'empty-reply',
      severity: 'warning',
      subject: { url: 'http://wttr.in/' },
      join: { server: { ip: '5.9.243.187', port: 80 }, bytesReceived: 0, method: 'GET' },
    });
    expect(fs[0].evidence.map((e) => e.line)).toEqual([3, 6, 7, 8]);
    expect(fs[0].explanation).toMatch(/without sending a single byte/);
  });

  it.each([
    ['libcurl wording without a code', 'libcurl failed to PUT *url*: Server returned nothing (no headers, no data).', 1],
    ['PHP curl_errno', '[23-Nov-2026 02:55:51 UTC] failed: curl_errno=52 curl_error="Empty reply from server" url=http://h/e', 1],
    ['a reset (56)', 'curl: (56) Recv failure: Connection reset by peer', 0],
    ['a timeout (28)', 'curl: (28) Operation timed out after 1000 milliseconds with 0 bytes received', 0],
  ])('%s', async (_n, line, n) => {
    expect(await detectText(fromCurl, `${line}\n`)).toHaveLength(n);
  });
});
