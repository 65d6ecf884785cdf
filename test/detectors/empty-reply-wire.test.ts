import { describe, expect, it } from 'vitest';
import { fromWire } from '../../src/detectors/empty-reply/wire.js';
import { CONN, GET, incident, KEY1, only, runOfFile, runWith } from '../analysis/tcp-wire-fixtures.js';

describe('empty-reply on the wire: the server closes (FIN) before any response byte', () => {
  it('reports the FIN with the request and the time it waited', () => {
    const d = only(fromWire(runWith((f) => f.c(GET('/e')).fin('s', { dt: 0.25 }).fin('c'))));
    expect(d).toMatchObject({
      detector: 'empty-reply',
      severity: 'warning',
      subject: { connection: CONN, url: 'http://example.test/e' },
      details: { fin_frame: 5, request_complete: true },
      join: { method: 'GET', bytesReceived: 0, host: 'example.test' },
      eventKeys: [KEY1],
    });
    expect(d.details.request_to_close_ms).toBeCloseTo(250, 3);
    expect(d.evidence.map((e) => e.packet)).toEqual([4, 5]);
  });

  const negatives: [string, Parameters<typeof runWith>[0]][] = [
    ['a RST before any byte (curl 56, not 52)', (f) => f.c(GET()).rst('s')],
    ['a FIN after part of a response (truncated, not empty)', (f) => f.c(GET()).s('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab').fin('s')],
    ['a FIN inside the status line (bytes did arrive)', (f) => f.c(GET()).s('HTTP/1.0 200 OK\nServer: x\r\n').fin('s')],
    ['the client closing first, then the server', (f) => f.c(GET()).fin('c', { dt: 3 }).fin('s')],
    ['a FIN on an idle connection after a complete exchange', (f) => f.c(GET()).s('HTTP/1.1 204 No Content\r\n\r\n').fin('s', { dt: 5 })],
    ['a response the capture lost (a hole, then the FIN)', (f) => {
      f.c(GET());
      f.next.s += 500;
      f.fin('s');
    }],
  ];
  it.each(negatives)('does not report %s', (_name, build) => {
    expect(fromWire(runWith(build))).toEqual([]);
  });

  it('finds the real empty reply and nothing in a normal exchange', async () => {
    const e = incident('empty-reply');
    const ok = incident('keepalive-200');
    if (e) expect(only(fromWire(await runOfFile(e))).join?.method).toBe('GET');
    if (ok) expect(fromWire(await runOfFile(ok))).toEqual([]);
  });
});
