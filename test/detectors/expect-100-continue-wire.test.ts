import { describe, expect, it } from 'vitest';
import { fromWire, SLOW_100_CONTINUE } from '../../src/detectors/expect-100-continue/wire.js';
import { CONN, incident, KEY1, OK, only, runOfFile, runWith } from '../analysis/tcp-wire-fixtures.js';
import type { Flow } from '../analysis/tcp-fixtures.js';

const POST = 'POST /upload HTTP/1.1\r\nHost: api.test\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

interface Case {
  name: string;
  build: (f: Flow) => void;
  severity: string;
  endedBy: string;
  wait: number; /* ms */
}

const cases: Case[] = [
  { name: '100 Continue came quickly', build: (f) => f.c(POST).s(CONTINUE, { dt: 0.01 }).c('body', { dt: 0.001 }).s(OK('ok')).close(), severity: 'info', endedBy: '100-continue', wait: 11 },
  { name: '100 Continue came slowly (≥ 200 ms)', build: (f) => f.c(POST).s(CONTINUE, { dt: 0.3 }).c('body', { dt: 0.001 }).s(OK('ok')).close(), severity: 'warning', endedBy: '100-continue', wait: 301 },
  { name: 'no 100: the client gave up and sent the body after 1 s', build: (f) => f.c(POST).c('body', { dt: 1 }).s(OK('ok')).close(), severity: 'warning', endedBy: 'client-timeout', wait: 1000 },
  { name: 'a final 417 came first, no body sent', build: (f) => f.c(POST).s('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n', { dt: 0.02 }).close(), severity: 'warning', endedBy: 'final-status', wait: 20 },
  { name: '100 came, then the server reset mid-response', build: (f) => f.c(POST).s(CONTINUE, { dt: 0.01 }).c('body', { dt: 0.001 }).s('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nabc').rst('s'), severity: 'error', endedBy: '100-continue', wait: 11 },
  { name: 'no answer, the server closed', build: (f) => f.c(POST).fin('s', { dt: 0.5 }), severity: 'error', endedBy: 'close', wait: 500 },
  { name: 'no answer before the capture ended', build: (f) => f.c(POST).ack('s', { dt: 0.05 }), severity: 'warning', endedBy: 'capture-end', wait: 50 /* to the connection's last frame */ },
];

describe('expect-100-continue on the wire: how long the body waited, and what ended the wait', () => {
  it.each(cases)('$name: $severity', ({ build, severity, endedBy, wait }) => {
    const d = only(fromWire(runWith(build)));
    expect(d).toMatchObject({ detector: 'expect-100-continue', severity, subject: { connection: CONN, url: 'http://api.test/upload' }, details: { ended_by: endedBy, expect: '100-continue' }, eventKeys: [KEY1] });
    expect(d.details.wait_ms as number).toBeCloseTo(wait, 3);
  });

  it('says when the wait matches curl’s 1 s timeout', () => {
    const d = only(fromWire(runWith(cases[2].build)));
    expect(d.details.client_timeout_note).toMatch(/1 s/);
    expect(d.details.body_bytes_sent).toBe(4);
  });

  it('cites the request, the 100 and the body', () => {
    const d = only(fromWire(runWith(cases[0].build)));
    expect(d.evidence.map((e) => e.packet)).toEqual([4, 5, 6, 7]);
    expect(d.evidence[1].text).toMatch(/HTTP\/1\.1 100 Continue$/);
  });

  it('does not report a request without Expect', () => {
    expect(fromWire(runWith((f) => f.c('POST /p HTTP/1.1\r\nContent-Length: 1\r\n\r\nx').s(OK('k')).close()))).toEqual([]);
  });

  it('keeps its threshold in seconds', () => expect(SLOW_100_CONTINUE).toBe(0.2));

  const real: [string, string, string][] = [
    ['expect-100-answered', 'info', '100-continue'],
    ['expect-100-withheld', 'warning', 'client-timeout'],
    ['expect-417', 'warning', 'final-status'],
  ];
  it.each(real)('on the real capture %s: %s, ended by %s', async (name, severity, endedBy) => {
    const file = incident(name);
    if (!file) return;
    const d = only(fromWire(await runOfFile(file)));
    expect(d.severity).toBe(severity);
    expect(d.details.ended_by).toBe(endedBy);
  });
});
