/**
 * Reads curl text through CurlTextParser as the parser's reader drives it, with or without the
 * byte-level path (`quick`): the tests of that path compare both ways on the same bytes.
 */
import type { CurlFormat } from '../../parsers/curl/index.js';
import { readLines } from '../../parsers/curl/lines.js';
import { CurlTextParser } from '../../parsers/curl/text.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { reusedChunks, wholeChunk } from './chunks.js';

export interface CurlTextRead {
  transfers: CurlTransfer[];
  lines: number;
  clock: string;
  warnings: unknown[];
  notes: string[];
  /** the numbers of the lines the byte-level path took */
  quick: number[];
}

/**
 * `bytes` read as `format`, the first `keep` transfers kept in full; `chunk`: read in chunks of
 * that size into reused buffers (as files are read), else in one chunk.
 */
export async function readCurlText(bytes: Buffer, format: CurlFormat, quick: boolean, keep: number, chunk?: number): Promise<CurlTextRead> {
  const diag = new Diagnostics();
  const transfers: CurlTransfer[] = [];
  const p = new CurlTextParser(format, diag, (t) => transfers.push(t), () => transfers.length < keep);
  const taken: number[] = [];
  const offer = (buf: Buffer, from: number, to: number, n: number) => {
    const ok = p.quick(buf, from, to, n);
    if (ok) taken.push(n);
    return ok;
  };
  await readLines(chunk ? reusedChunks(bytes, chunk) : wholeChunk(bytes), (l, n, at, cut) => p.line(l, n, at, cut), undefined, quick ? offer : undefined);
  p.end();
  return { transfers, lines: p.lines, clock: p.clock, warnings: diag.warnings, notes: diag.notes, quick: taken };
}

/** One `curl -v` transfer as curl 7.88 prints it, with `head` and `tail` around its response head. */
export function curlVerbose(port: number, opts: { head?: string[]; tail?: string[]; eol?: string } = {}): string {
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
