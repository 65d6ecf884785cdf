/**
 * curl-error-56 works out which layer failed (recvKind) once per run of transfers that say the same
 * (a log of failures prints one message on every line): each finding must still say what recvKind
 * says of its own transfer, whatever the transfers before it said.
 */
import { describe, expect, it } from 'vitest';
import { recvKind, type CurlDetails } from '../../src/analysis/curl/index.js';
import { fromCurl } from '../../src/detectors/curl-error-56/curl.js';
import type { CurlModel, CurlTransfer } from '../../src/model/index.js';
import { runOf } from '../parsers/curl-helpers.js';

describe('curl-error-56 failure kinds along a run of transfers', () => {
  it('are each transfer\'s own, where neighbours share the message but not the errno, wording, info lines or proxy status', () => {
    const messages = ['Recv failure: Connection reset by peer', 'OpenSSL SSL_read: SSL_ERROR_SYSCALL, errno 0', 'Failure when receiving data from the peer', 'Received HTTP code 0 from proxy after CONNECT'];
    const errnos = [undefined, 104, 110, 0, 10060];
    const wordings = [undefined, 'proxy-connect-status', 'recv-failure'];
    const infos = [undefined, undefined, undefined, undefined, ['Connection timed out'], ['OpenSSL SSL_read: unexpected eof while reading']];
    const proxies = [undefined, 0, 407];
    let seed = 11;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return xs[(seed >>> 8) % xs.length];
    };
    const transfers: CurlTransfer[] = [];
    for (let i = 0; i < 3000; i++) {
      const t: CurlTransfer = { line: i + 1, t: null, source: 'log', evidence: {}, exitCode: 56, n: i + 1, url: `http://h${i}.test/` };
      // runs of alike transfers, broken by one field at a time
      const prev = transfers[i - 1];
      const change = pick([0, 0, 0, 1, 2, 3, 4, 5]);
      t.errorMessage = change === 1 || !prev ? pick(messages) : prev.errorMessage;
      const errno = change === 2 || !prev ? pick(errnos) : prev.errno;
      if (errno !== undefined) t.errno = errno;
      const wording = change === 3 || !prev ? pick(wordings) : prev.wording;
      if (wording !== undefined) t.wording = wording;
      const info = change === 4 || !prev ? pick(infos) : prev.infoErrors;
      if (info !== undefined) t.infoErrors = info.slice();
      const proxy = change === 5 || !prev ? pick(proxies) : prev.proxyConnectStatus;
      if (proxy !== undefined) t.proxyConnectStatus = proxy;
      transfers.push(t);
    }
    const model: CurlModel = { kind: 'curl', transfers, lanes: [], clock: 'none', stats: {} };
    const drafts = fromCurl(runOf([{ path: 'app.log', model }]));
    expect(drafts).toHaveLength(transfers.length);
    const kinds = drafts.map((d) => (d.details as CurlDetails & { failure: string }).failure);
    expect(kinds).toEqual(transfers.map((t) => recvKind(t)));
    expect(new Set(kinds).size).toBe(5);
    expect(drafts.map((d) => d.explanation)).toEqual(drafts.map((d, i) => fromCurl(runOf([{ path: 'app.log', model: { ...model, transfers: [transfers[i]] } }]))[0].explanation));
  });
});
