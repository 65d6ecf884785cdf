/**
 * Every transfer the curl reader hands out has the same keys in the same order, whatever its
 * lines said and in whatever order they said it (blankTransfer in parsers/curl/builder.ts): the
 * fields it was not told are there, undefined. Transfers built up field by field took one hidden
 * class per order of their facts, and every access to a transfer's field went megamorphic.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplesDir } from '../helpers/paths.js';
import { lines, parseFile, parseText } from './curl-helpers.js';

/** The distinct key lists of `ts`, each joined. */
function keyLists(ts: object[]): Set<string> {
  return new Set(ts.map((t) => Object.keys(t).join(',')));
}

describe('a curl transfer’s keys', () => {
  it('are the same for a success, a failure, a reused connection and a 100-continue upload', async () => {
    const { transfers } = await parseText(
      lines(
        '*   Trying 127.0.0.1:8080...',
        '* Connected to a.test (127.0.0.1) port 8080 (#0)',
        '> GET /x HTTP/1.1',
        '> Host: a.test:8080',
        '> User-Agent: curl/7.88.1',
        '> ',
        '< HTTP/1.1 200 OK',
        '< Content-Length: 2',
        '< ',
        '{ [2 bytes data]',
        '* Connection #0 to host a.test left intact',
        '* Re-using existing connection #0 with host a.test',
        '> POST /up HTTP/1.1',
        '> Host: a.test:8080',
        '> Expect: 100-continue',
        '> Content-Length: 10',
        '> ',
        '< HTTP/1.1 100 Continue',
        '} [10 bytes data]',
        '< HTTP/1.1 500 Oops',
        '< ',
        '* Closing connection 0',
        '*   Trying 127.0.0.1:9090...',
        '* Connected to b.test (127.0.0.1) port 9090 (#1)',
        '> GET /y HTTP/1.1',
        '> Host: b.test:9090',
        '> ',
        '* Recv failure: Connection reset by peer',
        '* Closing connection 1',
        'curl: (56) Recv failure: Connection reset by peer',
      ),
    );
    expect(transfers.map((t) => [t.httpStatus, t.exitCode, t.reused])).toEqual([
      [200, undefined, undefined],
      [500, undefined, true],
      [undefined, 56, undefined],
    ]);
    expect(keyLists(transfers).size).toBe(1);
    // what a transfer was not told reads as absent
    expect(JSON.parse(JSON.stringify(transfers[2]))).not.toHaveProperty('httpStatus');
  });

  const ours = path.join(samplesDir, 'curl');
  describe.skipIf(!existsSync(ours))('samples/curl', () => {
    const files = existsSync(ours) ? readdirSync(ours).filter((f) => !/\.(md|sh)$/.test(f) && !f.startsWith('refused-both')) : [];
    for (const f of files) {
      it(`${f}: one key list for every transfer`, async () => {
        const { transfers } = await parseFile(path.join(ours, f));
        expect(transfers.length).toBeGreaterThan(0);
        expect([...keyLists(transfers)]).toHaveLength(1);
      });
    }
  });
});
