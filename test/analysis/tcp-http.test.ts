import { describe, expect, it } from 'vitest';
import type { HttpExchange, TcpConnection } from '../../src/model/index.js';
import { sniffPayload } from '../../src/analysis/tcp/connection.js';
import { sniOf } from '../../src/analysis/tcp/tls.js';
import { Cap, GET, OK, type Flow } from './tcp-fixtures.js';

function one(build: (f: Flow) => void): TcpConnection {
  const cap = new Cap();
  build(cap.flow().handshake());
  const { model } = cap.analyse();
  expect(model.connections).toHaveLength(1);
  return model.connections[0];
}

const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n';

/** split a string into n-byte pieces */
const pieces = (s: string, n: number) => Array.from({ length: Math.ceil(s.length / n) }, (_, i) => s.slice(i * n, i * n + n));

interface Case {
  name: string;
  build: (f: Flow) => void;
  want: Partial<Record<keyof HttpExchange, unknown>>[];
  protocol?: string;
}

const cases: Case[] = [
  {
    name: 'response framed by Content-Length',
    build: (f) => f.c(GET()).s(OK('hello')).close(),
    want: [{ method: 'GET', target: '/', end: 'complete', response: { status: 200, body: { framing: 'content-length', expected: 5, seen: 5, complete: true } } }],
  },
  {
    name: 'chunked response with extensions and trailers',
    build: (f) => f.c(GET()).s(CHUNKED).close(),
    want: [{ end: 'complete', response: { body: { framing: 'chunked', seen: 11, lastChunkSeen: true, complete: true } } }],
  },
  {
    name: 'chunked response split every 3 bytes',
    build: (f) => {
      f.c(GET());
      for (const p of pieces(CHUNKED, 3)) f.s(p);
      f.close();
    },
    want: [{ end: 'complete', response: { body: { seen: 11, lastChunkSeen: true, complete: true } } }],
  },
  {
    name: 'close-delimited body ends with the server FIN',
    build: (f) => f.c(GET()).s('HTTP/1.0 200 OK\r\nServer: x\r\n\r\n0123456789').fin('s').fin('c'),
    want: [{ end: 'complete', response: { body: { framing: 'close', seen: 10, complete: true } } }],
  },
  {
    name: 'HEAD, 204 and 304 have no body (pipelined on one connection)',
    build: (f) =>
      f
        .c('HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n' + GET('/n') + GET('/m'))
        .s('HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n')
        .close(),
    want: [
      { method: 'HEAD', end: 'complete', response: { status: 200, body: { framing: 'none', seen: 0 } } },
      { target: '/n', end: 'complete', response: { status: 204, body: { framing: 'none' } } },
      { target: '/m', end: 'complete', response: { status: 304, body: { framing: 'none' } } },
    ],
  },
  {
    name: 'interim 100 Continue stays on the exchange it answers',
    build: (f) =>
      f
        .c('POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n')
        .s('HTTP/1.1 100 Continue\r\n\r\n', { dt: 0.01 })
        .c('data', { dt: 0.01 })
        .s(OK('ok'), { dt: 0.01 })
        .close(),
    want: [
      {
        method: 'POST',
        headers: { expect: '100-continue', contentLength: '4' },
        interim: [{ status: 100 }],
        continueAt: { frame: 5 },
        requestBody: { framing: 'content-length', expected: 4, seen: 4, complete: true },
        response: { status: 200 },
        end: 'complete',
      },
    ],
  },
  {
    name: 'two 100 Continue before the final response',
    build: (f) => f.c('POST /up HTTP/1.1\r\nContent-Length: 2\r\n\r\nab').s('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n').s(OK('')).close(),
    want: [{ interim: [{ status: 100 }, { status: 100 }], response: { status: 200 }, end: 'complete' }],
  },
  {
    name: 'pipelined requests in one segment, responses in one segment',
    build: (f) => f.c(GET('/1') + GET('/2') + GET('/3')).s(OK('a') + OK('bb') + OK('ccc')).close(),
    want: [1, 2, 3].map((n) => ({ n, target: `/${n}`, end: 'complete', response: { body: { seen: n } } })),
  },
  {
    name: 'keep-alive: exchanges one after another',
    build: (f) => f.c(GET('/1')).s(OK('a')).c(GET('/2')).s(OK('bb')).close(),
    want: [{ target: '/1' }, { target: '/2' }],
  },
  {
    name: 'request body by chunked encoding',
    build: (f) => f.c('POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n').s(OK('k')).close(),
    want: [{ requestBody: { framing: 'chunked', seen: 3, lastChunkSeen: true, complete: true }, end: 'complete' }],
  },
  {
    name: 'header terminator split across segments',
    build: (f) => f.c('GET / HTTP/1.1\r\nHost: a\r\n\r').c('\n').s('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n').s('\r\nok').close(),
    want: [{ end: 'complete', response: { status: 200, body: { seen: 2 } } }],
  },
  {
    name: 'request line arriving in two segments',
    build: (f) => f.c('GE').c('T /slow HTTP/1.1\r\nHost: a\r\n\r\n').s(OK('x')).close(),
    want: [{ target: '/slow', end: 'complete' }],
  },
  {
    name: 'folded (obs-fold) header lines',
    build: (f) => f.c('GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n').s('HTTP/1.1 200 OK\r\nContent-Type: text/plain;\r\n charset=utf-8\r\nContent-Length: 1\r\n\r\nx').close(),
    want: [{ end: 'complete', response: { headers: { contentType: 'text/plain; charset=utf-8' }, body: { seen: 1 } } }],
  },
  {
    name: 'capture ends mid-body',
    build: (f) => f.c(GET()).s('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'),
    want: [{ end: 'capture-end', response: { body: { seen: 10, expected: 100, complete: false } } }],
  },
  {
    name: 'lost segment inside a Content-Length body: counted, still in step for the next exchange',
    build: (f) => {
      f.c(GET('/1'));
      const head = 'HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n';
      f.s(head + '0123456789');
      f.next.s += 10; // ten body bytes never captured
      f.s('0123456789');
      f.ack('c');
      f.c(GET('/2')).s(OK('ok')).close();
    },
    want: [
      { target: '/1', end: 'complete', gapped: true, response: { body: { seen: 20, missing: 10, complete: true } } },
      { target: '/2', end: 'complete', response: { body: { seen: 2 } } },
    ],
  },
  {
    name: 'snaplen-cut body bytes are missing, not seen',
    build: (f) => f.c(GET()).s(OK('0123456789'), { caplen: 45 }).close(),
    want: [{ gapped: true, end: 'complete', response: { body: { expected: 10, complete: true } } }],
  },
  {
    name: '101 Switching Protocols: what follows is not HTTP',
    build: (f) => f.c(GET('/ws', 'Upgrade: websocket\r\nConnection: Upgrade\r\n')).s('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n').c('\x81\x05hello').s('\x81\x02hi').close(),
    want: [{ response: { status: 101 }, end: 'complete' }],
  },
  {
    name: 'HTTP/1.0 request without Host',
    build: (f) => f.c('GET /old HTTP/1.0\r\n\r\n').s('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx').fin('s').fin('c'),
    want: [{ version: '1.0', headers: {}, end: 'complete' }],
  },
];

describe('HTTP/1.x exchanges recognised by content', () => {
  it.each(cases)('$name', ({ build, want }) => {
    const c = one(build);
    expect(c.protocol).toBe('http');
    expect(c.exchanges).toHaveLength(want.length);
    want.forEach((w, i) => expect(c.exchanges[i]).toMatchObject(w));
  });

  it('measures time to first byte from the end of the request', () => {
    const c = one((f) => f.c('POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\n').c('abc', { dt: 0.5 }).s(OK('k'), { dt: 0.25 }).close());
    expect(c.exchanges[0].ttfb).toBeCloseTo(0.25, 6);
  });

  it('measures time to first byte from the headers when the final status came before the body (417)', () => {
    const c = one((f) => f.c('POST /p HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n').s('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n', { dt: 0.04 }).close());
    expect(c.exchanges[0]).toMatchObject({ response: { status: 417 }, requestBody: { seen: 0, complete: false } });
    expect(c.exchanges[0].ttfb).toBeCloseTo(0.04, 6);
  });

  it('keeps a response whose request was not captured', () => {
    const cap = new Cap();
    cap.flow().c(OK('abc'), { flags: 0x18 }); // no handshake, server side first as the flow's "client"
    const { model } = cap.analyse();
    expect(model.connections[0].exchanges[0]).toMatchObject({ requestSeen: false, response: { status: 200 } });
  });

  it('follows responses again after a protocol violation, which names its packet and byte and is no warning (issue 9.2)', () => {
    const cap = new Cap();
    const f = cap.flow().handshake().c('GET /a HTTP/1.1\r\nHost: a\r\n\r\n').s('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n');
    f.s('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    f.c(GET('/b')).s(OK('x')).close();
    const { model, diag } = cap.analyse();
    const ex = model.connections[0].exchanges;
    // the stray status line after the bad chunk answers nothing we saw: kept as a response without its request
    expect(ex.map((e) => [e.target, e.requestSeen, e.end])).toEqual([
      ['/a', true, 'violation'],
      [undefined, false, 'complete'],
      ['/b', true, 'complete'],
    ]);
    expect(ex[0].gapped).toBeUndefined();
    expect(ex[0].violation).toMatchObject({ side: 'resp', what: 'bad chunk size line "ZZZ"', streamOffset: 47, at: { frame: 5 }, fatal: true });
    expect(diag.warnings).toEqual([]);
  });
});

describe('not HTTP is not parsed as HTTP', () => {
  const TLS_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00]);
  const TLS_APP = (n: number) => Buffer.concat([Buffer.from([0x17, 0x03, 0x03, n >> 8, n & 0xff]), Buffer.alloc(n, 7)]);
  const table: { name: string; build: (f: Flow) => void; protocol: string; check?: (c: TcpConnection) => void }[] = [
    {
      name: 'TLS by its record layer',
      build: (f) => f.c(TLS_HELLO).s(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x02, 0x02, 0x00])).c(TLS_APP(40)).c(TLS_APP(30)).s(TLS_APP(100)).rst('s'),
      protocol: 'tls',
      check: (c) => expect(c.tls).toMatchObject({ handshake: true, appDataOrig: 2, appDataResp: 1, alerts: [] }),
    },
    {
      name: 'TLS plaintext alert before encryption',
      build: (f) => f.c(TLS_HELLO).s(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])).close(),
      protocol: 'tls',
      check: (c) => expect(c.tls?.alerts).toMatchObject([{ side: 'resp', encrypted: false, level: 2, description: 40 }]),
    },
    { name: 'HTTP/2 prior knowledge preface', build: (f) => f.c('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00').s('\x00\x00\x00\x04\x00\x00\x00\x00\x00').close(), protocol: 'http2' },
    { name: 'SSH banner', build: (f) => f.s('SSH-2.0-OpenSSH_9.2\r\n').c('SSH-2.0-client\r\n').close(), protocol: 'unknown' },
    { name: 'binary on port 80', build: (f) => f.c(Buffer.from([0, 1, 2, 3, 0xff, 10, 9])).s('HTTP/1.1 200 OK\r\n\r\n').close(), protocol: 'unknown' },
    { name: 'a line that only looks like a request', build: (f) => f.c('HELLO world\r\n').s('hi\r\n').close(), protocol: 'unknown' },
  ];
  it.each(table)('$name', ({ build, protocol, check }) => {
    const c = one(build);
    expect(c.protocol).toBe(protocol);
    expect(c.exchanges).toEqual([]);
    check?.(c);
  });
});

describe('a capture that joins a connection mid-stream', () => {
  it('passes over the end of a message and follows the keep-alive exchanges after it', () => {
    const cap = new Cap();
    const f = cap.flow();
    f.s('tail of a body that started before the capture').c(GET('/next')).s(OK('hello')).c(GET('/last')).s(OK('!'));
    const c = cap.analyse().model.connections[0];
    expect(c.protocol).toBe('http');
    expect(c.orig).toEqual({ ip: '10.0.0.1', port: 50000 });
    expect(c.exchanges.map((e) => [e.target, e.end])).toEqual([
      ['/next', 'complete'],
      ['/last', 'complete'],
    ]);
  });

  it('still calls a mid-stream connection unknown when no message ever starts', () => {
    const cap = new Cap();
    cap.flow().s('body bytes only').s('more body').fin('s');
    expect(cap.analyse().model.connections[0].protocol).toBe('unknown');
  });
});

describe('TLS ClientHello', () => {
  const name = Buffer.from('api.example.test');
  const sniExt = Buffer.concat([Buffer.from([0, 0, 0, name.length + 5, 0, name.length + 3, 0, 0, name.length]), name]);
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0, 0, 2, 0x13, 0x01, 1, 0]), Buffer.from([0, sniExt.length]), sniExt]);
  const hello = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  const record = Buffer.concat([Buffer.from([0x16, 3, 1, hello.length >> 8, hello.length & 0xff]), hello]);

  it('gives its server name, also when the record is split across segments', () => {
    const c = one((f) => f.c(record.subarray(0, 20)).c(record.subarray(20)).close());
    expect(c.protocol).toBe('tls');
    expect(c.tls?.sni).toBe('api.example.test');
  });

  it('has none when the client sent no server_name', () => {
    expect(sniOf(Buffer.concat([Buffer.from([1, 0, 0, 38, 3, 3]), Buffer.alloc(32), Buffer.from([0, 0, 0, 0])]))).toBeUndefined();
  });
});

describe('what the first bytes of a direction say', () => {
  const table: [string, string | Buffer, boolean, string | undefined][] = [
    ['a request line', 'GET / HTTP/1.1\r\n', false, 'request'],
    ['a request line still arriving', 'POST /upl', false, undefined],
    ['a status line', 'HTTP/1.1 200 OK\r\n', false, 'response'],
    ['the start of a status line', 'HTTP/', false, undefined],
    ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', false, 'http2'],
    ['a TLS record', Buffer.from([0x16, 3, 1, 0, 5]), false, 'tls'],
    ['an SSH banner', 'SSH-2.0-x\r\n', false, 'unknown'],
    ['HTTP/0.9 (no version)', 'GET /\r\n', false, 'unknown'],
    ['a partial line at the end of the capture', 'GET /x HT', true, 'unknown'],
  ];
  it.each(table)('%s', (_name, bytes, final, want) => {
    expect(sniffPayload(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, final)).toBe(want);
  });
});

describe('pairing after a hole in the responses (issue 9.3)', () => {
  it('a client that waits for each answer: the response found after the hole answers the newest request sent before it; the skipped ones are uncertain, not unanswered', () => {
    const cap = new Cap();
    const f = cap.flow().handshake();
    const body = 'x'.repeat(3000);
    const resp = OK(body);
    f.c(GET('/1')).s(resp.slice(0, 1000));
    // lost by the capture: the rest of /1's answer, all of /2's and all of /3's (the client got them and asked on)
    f.next.s += resp.length - 1000;
    f.ack('c').c(GET('/2'));
    f.next.s += resp.length;
    f.ack('c').c(GET('/3'));
    f.next.s += resp.length;
    f.ack('c').c(GET('/4')).s(resp).ack('c').close();
    const { model } = cap.analyse();
    const ex = model.connections[0].exchanges;
    expect(ex.map((e) => [e.target, e.end, !!e.gapped, e.response?.body.seen])).toEqual([
      ['/1', 'complete', true, 1000 - (resp.length - body.length)],
      ['/2', 'gap', true, undefined],
      ['/3', 'gap', true, undefined],
      ['/4', 'complete', false, 3000],
    ]);
  });
});
