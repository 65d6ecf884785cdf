/**
 * The real loopback captures in samples/wire (made by samples/wire/make-wire.sh):
 * a CONNECT proxy, servers breaking HTTP on purpose, loss made with editcap,
 * refused and dropped connections, DNS to a resolver of our own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/detectors/index.js';
import type { FindingDraft } from '../../src/model/index.js';
import { samplesDir } from '../helpers/paths.js';
import { runOf } from './tcp-fixtures.js';
import { analyseFile } from './tcp-reference-helpers.js';

const wire = (name: string) => path.join(samplesDir, 'wire', `${name}.pcap`);

async function read(name: string) {
  const file = wire(name);
  const { model, diag } = await analyseFile(file);
  const findings: FindingDraft[] = DETECTORS.flatMap((d) => d.detect(runOf(file, model)));
  const exchanges = model.connections.flatMap((c) => c.exchanges.map((e) => ({ c, e })));
  return { model, diag, findings, exchanges, of: (id: string) => findings.filter((f) => f.detector === id) };
}

describe.skipIf(!existsSync(wire('connect-tunnel')))('real captures in samples/wire', () => {
  describe('CONNECT through a proxy (issue 9.1)', () => {
    it('reads the proxy’s 200, then follows the tunnel as a tunnel, not HTTP', async () => {
      const { model, findings } = await read('connect-tunnel');
      const proxied = model.connections.find((c) => c.exchanges[0]?.method === 'CONNECT')!;
      expect(proxied.exchanges).toHaveLength(1);
      expect(proxied.exchanges[0]).toMatchObject({ end: 'complete', response: { status: 200, reason: 'Connection Established' } });
      expect(proxied.tunnel).toMatchObject({ target: expect.stringMatching(/^127\.0\.0\.1:\d+$/), protocol: 'opaque' });
      expect(proxied.tunnel!.origBytes).toBeGreaterThan(0);
      expect(proxied.tunnel!.respBytes).toBeGreaterThan(0);
      expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    });

    it('a CONNECT answered 200 then closed is no empty reply', async () => {
      const { exchanges, of } = await read('connect-close-200');
      expect(exchanges.map(({ e }) => [e.method, e.response?.status, e.end])).toEqual([['CONNECT', 200, 'complete']]);
      expect(of('empty-reply')).toEqual([]);
    });

    it('a capture that ends inside the tunnel does not say the CONNECT had no response', async () => {
      const { of } = await read('connect-capture-ends-in-tunnel');
      expect(of('incomplete-in-capture').map((f) => f.title)).toEqual([expect.stringMatching(/^Capture ended during GET \/hold/)]);
    });

    it('names each refusal: 403, 407, 400, 502', async () => {
      const { of } = await read('connect-refused');
      expect(of('proxy-refused').map((f) => [f.severity, f.title])).toEqual([
        ['error', 'Proxy refused CONNECT deny-403.test:443: 403 Forbidden'],
        ['error', 'Proxy refused CONNECT auth-407.test:443: 407 Proxy Authentication Required'],
        ['error', 'Proxy refused CONNECT bad-400.test:443: 400 Bad Request'],
        ['error', 'Proxy refused CONNECT gw-502.test:443: 502 Bad Gateway'],
      ]);
      expect(of('empty-reply')).toEqual([]);
    });
  });

  describe('a parse failure is not capture loss (issue 9.2)', () => {
    it('reports each violation with its packet and byte, never incomplete-in-capture, and leaves the input unwarned', async () => {
      const { diag, of, exchanges } = await read('http-violations');
      expect(diag.warnings).toEqual([]);
      expect(of('incomplete-in-capture')).toEqual([]);
      const v = of('http-violation');
      expect(v.map((f) => [f.details.violation, f.details.read_on])).toEqual([
        ['bad chunk size line "zz"', false],
        ['Content-Length "18446744073709551615" is not a length', false],
        ['Content-Length "-1" is not a length', false],
        ['Transfer-Encoding "chunked, identity" does not end in chunked: the body runs to the connection\'s close (RFC 9112 §6.3)', true],
        ['not an HTTP/1.x status line: "HTTP/1.0 2XX OK"', false],
      ]);
      for (const f of v) {
        expect(f.details.packet).toBeGreaterThan(0);
        expect(typeof f.details.stream_offset).toBe('number');
        expect(f.evidence.some((e) => e.packet === f.details.packet)).toBe(true);
      }
      // the bad chunk size comes after the 47-byte header block
      expect(v[0].details.stream_offset).toBe(47);
      // read as peers read them: leading zeros are digits, a lower-case protocol name is accepted
      const byTarget = new Map(exchanges.map(({ e }) => [e.target, e]));
      expect(byTarget.get('/cl-zeros')).toMatchObject({ end: 'complete', response: { body: { framing: 'content-length', expected: 5, seen: 5 } } });
      expect(byTarget.get('/lower')).toMatchObject({ end: 'complete', response: { status: 200, line: 'http/1.1 200 OK' } });
      expect(byTarget.get('/lower')!.violation).toBeUndefined();
    });
  });

  describe('pairing after a gap on keep-alive (issue 9.3)', () => {
    it('pipelined: the lost segment held the end of one response and the start of the next; the third is found mid-segment and paired right', async () => {
      const whole = await read('keepalive-gap');
      expect(whole.exchanges.map(({ e }) => [e.target, e.end])).toEqual([
        ['/size/5000', 'complete'],
        ['/size/3000', 'complete'],
        ['/size/2000', 'complete'],
      ]);
      const { exchanges, of } = await read('keepalive-gap-lost');
      expect(exchanges.map(({ e }) => [e.target, e.response?.body.expected, e.end, !!e.gapped])).toEqual([
        ['/size/5000', 5000, 'complete', true],
        ['/size/3000', undefined, 'gap', true],
        ['/size/2000', 2000, 'complete', false],
      ]);
      expect(of('empty-reply')).toEqual([]);
      expect(of('incomplete-in-capture').map((f) => f.subject.url?.replace(/.*\//, ''))).toEqual(['5000', '3000']);
    });

    it('sequential: a lost response start marks that exchange only', async () => {
      const { exchanges, of } = await read('keepalive-seq-lost');
      expect(exchanges.map(({ e }) => [e.target, e.end, !!e.gapped])).toEqual([
        ['/size/5000', 'complete', false],
        ['/size/3000', 'gap', true],
        ['/size/2000', 'complete', false],
      ]);
      expect(of('empty-reply')).toEqual([]);
    });
  });

  it('a malformed request line answered 400 keeps the answer as evidence (issue 9.4)', async () => {
    const { model, of } = await read('bad-request-400');
    expect(model.connections[0].protocol).toBe('http');
    const [ex] = model.connections[0].exchanges;
    expect(ex).toMatchObject({ requestSeen: true, requestLine: 'HELLO THERE this is not http', response: { status: 400 }, end: 'complete', violation: { side: 'orig', streamOffset: 0 } });
    const [f] = of('http-violation');
    expect(f.title).toBe('HTTP request breaks the protocol in the malformed request "HELLO THERE this is not http": not an HTTP/1.x request line: "HELLO THERE this is not http"');
    expect(f.evidence.length).toBeGreaterThanOrEqual(2);
  });

  describe('connect-failed from the wire (issue 13)', () => {
    it('a refused port and SYNs dropped by a full backlog, one finding each, with the destinations in the model', async () => {
      const { model, of } = await read('connect-failed');
      const f = of('connect-failed');
      expect(f.map((x) => [x.severity, x.details.outcome, x.details.syns_sent])).toEqual([
        ['error', 'refused', 1],
        ['error', 'unanswered', 4],
      ]);
      expect(f[0].subject.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(f[0].evidence).toHaveLength(2);
      const dest = model.clients![0].destinations;
      expect(dest.map((d) => [d.protocol, d.attempts, d.outcome])).toEqual([
        ['tcp', 1, 'refused'],
        ['tcp', 2, 'partly'],
      ]);
    });
  });

  describe('DNS over UDP and TCP, and dns-failed (issue 13)', () => {
    it('a resolver that never answers: both lookups fail, the UDP one retried', async () => {
      const { model, of } = await read('dns-silent');
      expect(model.dns!.queries.map((q) => [q.transport, q.name, q.type, q.attempts, q.answer])).toEqual([
        ['udp', 'service-udp.example.test', 'A', 2, undefined],
        ['tcp', 'service-tcp.example.test', 'A', 1, undefined],
      ]);
      expect(of('dns-failed').map((f) => [f.severity, f.subject.name, f.details.outcome])).toEqual([
        ['warning', 'service-udp.example.test', 'no-answer'],
        ['warning', 'service-tcp.example.test', 'no-answer'],
      ]);
      expect(model.clients![0].lookups.map((l) => [l.name, l.outcome])).toEqual([
        ['service-udp.example.test', 'no-answer'],
        ['service-tcp.example.test', 'no-answer'],
      ]);
    });

    it('NXDOMAIN over UDP and TCP, with the rcode on each answer', async () => {
      const { model, of } = await read('dns-nxdomain');
      expect(model.dns!.queries.map((q) => [q.transport, q.answer?.rcode, q.answer?.rcodeName])).toEqual([
        ['udp', 3, 'NXDOMAIN'],
        ['tcp', 3, 'NXDOMAIN'],
      ]);
      expect(of('dns-failed').map((f) => f.title)).toEqual([
        'DNS lookup of service-udp.example.test failed: NXDOMAIN from 127.0.0.1:53',
        'DNS lookup of service-tcp.example.test failed: NXDOMAIN from 127.0.0.1:53',
      ]);
      const tcp53 = model.clients![0].destinations.find((d) => d.protocol === 'tcp' && d.port === 53);
      expect(tcp53).toMatchObject({ attempts: 1, connected: 1 });
    });
  });
});
