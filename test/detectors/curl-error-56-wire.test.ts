import { describe, expect, it } from 'vitest';
import { fromWire } from '../../src/detectors/curl-error-56/wire.js';
import { fromWire as truncated } from '../../src/detectors/truncated-response/wire.js';
import { Cap, CONN, GET, incident, KEY1, only, OK, runOfFile, runWith, T0 } from '../analysis/tcp-wire-fixtures.js';

const TLS_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00]);
const TLS_APP = Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x10]), Buffer.alloc(16, 1)]);
const TLS_ALERT = Buffer.concat([Buffer.from([0x15, 0x03, 0x03, 0x00, 0x1a]), Buffer.alloc(26, 2)]);

describe('curl-error-56 on the wire: the server resets while a response is awaited or arriving', () => {
  it('reports a reset in the middle of a body, with the bytes received and the frames that prove it', () => {
    const run = runWith((f) => f.c(GET('/pay')).s('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(30), { dt: 0.1 }).rst('s', { dt: 0.05 }));
    const d = only(fromWire(run));
    expect(d).toMatchObject({
      detector: 'curl-error-56',
      severity: 'error',
      input: 'test.pcap',
      subject: { connection: CONN, url: 'http://example.test/pay' },
      details: {
        wireshark_filter: 'tcp.port == 50000 && tcp.port == 8080 && ip.addr == 10.0.0.1 && ip.addr == 10.0.0.2',
        phase: 'response',
        body_bytes_received: 30,
        body_bytes_expected: 100,
        reset_frame: 6,
      },
      join: { client: { ip: '10.0.0.1', port: 50000 }, server: { ip: '10.0.0.2', port: 8080 }, host: 'example.test', method: 'GET', status: 200, bytesReceived: 30 },
      eventKeys: [KEY1],
      lanes: [`test.pcap#conn:${CONN}`],
    });
    expect(d.details.request_to_reset_ms).toBeCloseTo(150, 3);
    expect(d.join?.t).toBeCloseTo(T0 + 0.004 + 0.15, 6); // 3 handshake frames and the request 1 ms apart
    expect(d.evidence.map((e) => e.packet)).toEqual([4, 5, 6]);
    expect(d.evidence[0].text).toBe(`10.0.0.1:50000 → 10.0.0.2:8080 [PSH, ACK] Seq=1 Ack=1 Len=${GET('/pay').length} GET /pay HTTP/1.1`);
    expect(d.evidence[2].text).toMatch(/^10\.0\.0\.2:8080 → 10\.0\.0\.1:50000 \[RST, ACK\]/);
  });

  it('names it together with truncated-response by the same event key', () => {
    const run = runWith((f) => f.c(GET()).s('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nxx').rst('s'));
    expect(only(fromWire(run)).eventKeys).toEqual(only(truncated(run)).eventKeys);
  });

  const phases: [string, Parameters<typeof runWith>[0], string][] = [
    ['before any response byte', (f) => f.c(GET()).rst('s', { dt: 2 }), 'awaiting-response'],
    ['while the request body is still being sent', (f) => f.c('POST /up HTTP/1.1\r\nContent-Length: 1000\r\n\r\n' + 'a'.repeat(100)).rst('s'), 'request'],
    ['after a 100 Continue, before the final response', (f) => f.c('POST /up HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n').s('HTTP/1.1 100 Continue\r\n\r\n').c('ab').rst('s'), 'response'],
  ];
  it.each(phases)('reports a reset %s', (_name, build, phase) => {
    expect(only(fromWire(runWith(build))).details.phase).toBe(phase);
  });

  const negatives: [string, Parameters<typeof runWith>[0]][] = [
    ['a RST on an idle keep-alive connection after its exchange completed', (f) => f.c(GET()).s(OK('done')).rst('s', { dt: 5 })],
    ['a client reset (the client gave up)', (f) => f.c(GET()).s('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nxx').rst('c')],
    ['a clean FIN before any response byte (that is empty-reply)', (f) => f.c(GET()).fin('s')],
    ['a server reset of a connection that never carried a request', (f) => f.rst('s')],
  ];
  it.each(negatives)('does not report %s', (_name, build) => {
    expect(fromWire(runWith(build))).toEqual([]);
  });
});

describe('curl-error-56 on TLS: the payload is encrypted, the reset is not', () => {
  it('reports a server RST after client application data and before any alert', () => {
    const d = only(fromWire(runWith((f) => f.c(TLS_HELLO).s(TLS_HELLO).c(TLS_APP).rst('s', { dt: 0.3 }))));
    expect(d).toMatchObject({ severity: 'error', subject: { connection: CONN }, details: { encrypted: true }, eventKeys: [`test.pcap#conn:${CONN}#tls`] });
    expect(d.details.note).toMatch(/encrypted/);
    expect(d.details.first_request_data_to_reset_ms).toBeCloseTo(300, 3);
  });
  const negatives: [string, Parameters<typeof runWith>[0]][] = [
    ['a RST after an alert (close_notify)', (f) => f.c(TLS_HELLO).s(TLS_HELLO).c(TLS_APP).s(TLS_ALERT).rst('s')],
    ['a RST during the handshake (no application data yet)', (f) => f.c(TLS_HELLO).rst('s')],
    ['a client RST', (f) => f.c(TLS_HELLO).s(TLS_HELLO).c(TLS_APP).rst('c')],
  ];
  it.each(negatives)('does not report %s', (_name, build) => {
    expect(fromWire(runWith(build))).toEqual([]);
  });
});

describe('on real captures', () => {
  const cases: [string, number | null][] = [
    ['reset-mid-body', 7000],
    ['reset-before-reply', 0],
    ['tls-reset', null],
    ['idle-reset-after-exchange', -1],
    ['keepalive-200', -1],
  ];
  it.each(cases)('%s', async (name, bytes) => {
    const file = incident(name);
    if (!file) return;
    const fs = fromWire(await runOfFile(file));
    if (bytes === -1) return expect(fs).toEqual([]);
    const d = only(fs);
    if (bytes === null) expect(d.details.encrypted).toBe(true);
    else expect(d.join?.bytesReceived).toBe(bytes);
  });
});

describe('IPv6 connections', () => {
  it('are named with brackets and filtered by ipv6.addr', () => {
    const cap = new Cap();
    cap.flow({ client: '2001:db8::1', server: '2001:db8::2' }).handshake().c(GET()).rst('s');
    const d = only(fromWire(cap.run()));
    expect(d.subject.connection).toBe('[2001:db8::1]:50000->[2001:db8::2]:8080');
    expect(d.details.wireshark_filter).toBe('tcp.port == 50000 && tcp.port == 8080 && ipv6.addr == 2001:db8::1 && ipv6.addr == 2001:db8::2');
    expect(d.eventKeys).toEqual(['test.pcap#conn:[2001:db8::1]:50000->[2001:db8::2]:8080#exchange:1']);
  });
});
