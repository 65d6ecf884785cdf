import { describe, expect, it } from 'vitest';
import { fromWire } from '../../src/detectors/truncated-response/wire.js';
import { CONN, GET, incident, KEY1, only, runOfFile, runWith } from '../analysis/tcp-wire-fixtures.js';

const HEAD100 = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n';

describe('truncated-response on the wire: a body shorter than its framing, then the server closed or reset', () => {
  const positives: [string, Parameters<typeof runWith>[0], Record<string, unknown>][] = [
    ['Content-Length not reached, then FIN (a 200 that tshark shows as normal)', (f) => f.c(GET()).s(HEAD100 + 'x'.repeat(40)).fin('s'), { framing: 'content-length', body_bytes_received: 40, body_bytes_expected: 100, body_bytes_missing: 60, ended_by: 'fin' }],
    ['Content-Length not reached, then RST', (f) => f.c(GET()).s(HEAD100 + 'x'.repeat(40)).rst('s'), { ended_by: 'rst', body_bytes_missing: 60 }],
    ['chunked without its last chunk, then FIN', (f) => f.c(GET()).s(CHUNKED).fin('s'), { framing: 'chunked', body_bytes_received: 5, last_chunk_seen: false, ended_by: 'fin' }],
  ];
  it.each(positives)('reports %s', (_name, build, details) => {
    const d = only(fromWire(runWith(build)));
    expect(d).toMatchObject({ detector: 'truncated-response', severity: 'error', subject: { connection: CONN }, details, eventKeys: [KEY1], join: { status: 200 } });
    expect(d.evidence.map((e) => e.packet)).toEqual([4, 5, 6]);
  });

  const negatives: [string, Parameters<typeof runWith>[0]][] = [
    ['a capture that ends mid-body (incomplete-in-capture)', (f) => f.c(GET()).s(HEAD100 + 'x'.repeat(40))],
    ['a body with bytes missing from the capture, then FIN', (f) => {
      f.c(GET()).s(HEAD100 + 'x'.repeat(40));
      f.next.s += 30;
      f.s('x'.repeat(10)).fin('s');
    }],
    ['a close-delimited body ended by FIN (that is its framing)', (f) => f.c(GET()).s('HTTP/1.0 200 OK\r\n\r\nabc').fin('s')],
    ['a complete body', (f) => f.c(GET()).s(HEAD100 + 'x'.repeat(100)).fin('s')],
    ['the client giving up first (a timeout: curl 28)', (f) => f.c(GET()).s(HEAD100 + 'x'.repeat(40)).fin('c', { dt: 10 }).fin('s')],
    ['a HEAD response with Content-Length', (f) => f.c('HEAD / HTTP/1.1\r\n\r\n').s(HEAD100).fin('s')],
  ];
  it.each(negatives)('does not report %s', (_name, build) => {
    expect(fromWire(runWith(build))).toEqual([]);
  });

  const real: [string, number | null, number][] = [
    ['short-body', 6000, 20000],
    ['reset-mid-body', 7000, 20000],
    ['chunked-no-last', 3000, -1],
    ['slow-timeout', null, 0],
    ['capture-ends-mid-body', null, 0],
    ['snaplen-cut', null, 0],
    ['keepalive-200', null, 0],
  ];
  it.each(real)('on the real capture %s', async (name, received, expected) => {
    const file = incident(name);
    if (!file) return;
    const fs = fromWire(await runOfFile(file));
    if (received === null) return expect(fs).toEqual([]);
    const d = only(fs);
    expect(d.details.body_bytes_received).toBe(received);
    if (expected > 0) expect(d.details.body_bytes_expected).toBe(expected);
  });
});
