/**
 * findErrorLine given the head of the PHP error line it read before (ErrorLineHead): a line that
 * begins with that head is answered without the patterns. The answer must be the one the patterns
 * give, whatever follows the head and whatever the line before was: checked here against a reader
 * without memo or head, on lines made of PHP heads and tails built to be near misses (the words of
 * the other forms, quotes, escapes, line terminators, separators, a second curl_errno).
 */
import { describe, expect, it } from 'vitest';
import { findErrorLine, type CleanedMessage, type ErrorLineHead } from '../../parsers/curl/errors.js';
import { rng } from '../helpers/rng.js';

const HEADS = [
  'payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer"',
  'payments: upstream call failed: curl_errno=7 curl_error="Failed to connect to db port 5432: Connection refused"',
  'worker: CURL_ERRNO: 28 Curl_Error: \'Operation timed out after 3000 milliseconds with 0 bytes received\'',
  'x curl_error="Recv failure: Connection reset by peer" curl_errno=56',
  'curl errno 56 - curl_error="Recv \\"quoted\\" failure"',
  'app: curl_error: "SSL_read: unexpected eof" curl_errno (35)',
  'pre curlish curl_errno=52 curl_error="Empty reply from server"',
  'a curl_error="x" b curl_error="y" curl_errno=56',
  'php: curl_errno=56   curl_error="Recv failure: Connection reset by peer"',
  'php: curl_errno=56 -  curl_error="transfer closed with 12 bytes remaining to read"',
];

const PIECES = [
  ' url=http://svc1.internal.test:10001/orders/1',
  ' http_code=0',
  ' total_time=0.102140',
  ' curl: (7) Failed to connect',
  ' cURL error 28: Operation timed out',
  ' pycurl.error: (6, "Could not resolve host")',
  ' (Code 35)',
  ' curl_error="other message"',
  " curl_error='single'",
  ' curl_errno=18',
  ' "',
  "'",
  '\\',
  '\u2028',
  '\u2029',
  '\n',
  '\r',
  ' - ',
  ': ',
  ')',
  '   ',
  'curl',
  'CURL',
  ' caf\u00e9 \u0130',
  '',
];

function tail(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

describe('findErrorLine with the head of the line before', () => {
  it('answers every line as the patterns alone do', () => {
    const r = rng(8);
    let headed = 0;
    for (let round = 0; round < 40; round++) {
      // one reader per round, as a parser has: its memo and its head
      const memo = new Map<string, CleanedMessage>();
      const last: ErrorLineHead = { head: undefined, err: undefined };
      let base = HEADS[0];
      for (let i = 0; i < 60; i++) {
        // a log's lines of one kind come in runs
        if (r() < 0.2) base = HEADS[Math.floor(r() * HEADS.length)];
        // most lines continue a head; some change it or break it before its end
        const cut = r() < 0.15 ? Math.floor(r() * base.length) : base.length;
        const line = base.slice(0, cut) + tail(r);
        if (last.head !== undefined && line.startsWith(last.head)) headed++;
        expect(findErrorLine(line, memo, last), JSON.stringify(line)).toEqual(findErrorLine(line));
      }
    }
    // the head was there to be taken on many lines (the test would prove nothing otherwise)
    expect(headed).toBeGreaterThan(500);
  });

  it('makes no head where a pattern could begin before its match', () => {
    const last: ErrorLineHead = { head: undefined, err: undefined };
    findErrorLine('see CURL docs: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=x', new Map(), last);
    expect(last.head).toBeUndefined();
    findErrorLine('curl_error=x curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=x', new Map(), last);
    expect(last.head).toBeUndefined();
    findErrorLine('p: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=x', new Map(), last);
    expect(last.head).toBe('p: curl_errno=56 curl_error="Recv failure: Connection reset by peer"');
  });
});
