/**
 * A line that begins in one chunk and ends in the next is offered to the byte-level path
 * (CurlTextParser.quick) as the lines inside a chunk are, and read as decoding it reads it:
 * read the long way, each such line (one a chunk) took paths its neighbours never take, and the
 * code optimised on those was thrown away and compiled again (readLines' straddler).
 */
import { describe, expect, it } from 'vitest';
import type { CurlFormat } from '../../parsers/curl/index.js';
import { curlVerbose, readCurlText } from '../helpers/curl-text.js';

/** The lines the byte-level path took, read in chunks of `chunk`, after checking that the transfers are the decoded reading's. */
async function taken(text: string, format: CurlFormat, chunk: number): Promise<number[]> {
  const bytes = Buffer.from(text, 'latin1');
  let quick: number[] | undefined;
  for (const keep of [0, 1, Infinity]) {
    const slow = await readCurlText(bytes, format, false, keep, chunk);
    const fast = await readCurlText(bytes, format, true, keep, chunk);
    expect({ ...fast, quick: [] }).toEqual(slow);
    quick = fast.quick;
  }
  return quick!;
}

const JSON_LINE = (n: number): string =>
  `{"url_effective":"http://127.0.0.1:8080/a","http_code":200,"exitcode":${n % 2 === 0 ? 0 : 56},"errormsg":${n % 2 === 0 ? 'null' : '"Recv failure: Connection reset by peer"'},"time_total":0.0${n}7765,"remote_ip":"127.0.0.1","remote_port":8080,"local_port":${40000 + n},"size_download":12}`;

describe('lines that straddle chunks', () => {
  it('are read from their bytes in a %{json} file, as every line after the first is', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => JSON_LINE(i));
    const text = lines.join('\n') + '\n';
    // chunks of 100 bytes: every line (~230 bytes) straddles two or three chunks
    expect(await taken(text, 'curl-json', 100)).toEqual(lines.slice(1).map((_, i) => i + 2));
    // and with CRLF ends
    expect(await taken(lines.join('\r\n') + '\r\n', 'curl-json', 100)).toEqual(lines.slice(1).map((_, i) => i + 2));
  });

  it('are read from their bytes in a curl -v output, as the same lines inside a chunk are', async () => {
    const text = [50909, 50910, 50911].map((port) => curlVerbose(port, { head: ['< Content-Length: 20000'] })).join('');
    const lines = text.split('\n').slice(0, -1);
    const whole = await taken(text, 'curl-verbose', 1 << 20);
    // chunks of 7 bytes: most lines straddle; each is taken as in one chunk
    expect(await taken(text, 'curl-verbose', 7)).toEqual(whole);
    expect(whole.length).toBeGreaterThan(lines.length / 2);
  });

  it('are decoded where they hold a CR of their own or were cut', async () => {
    const lines = [JSON_LINE(0), JSON_LINE(1).replace('"http_code":200', '"http_code":\r200'), JSON_LINE(2)];
    expect(await taken(lines.join('\n') + '\n', 'curl-json', 100)).not.toContain(2);
  });
});
