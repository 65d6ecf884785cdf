import { describe, expect, it } from 'vitest';
import { HalfStream, MAX_PENDING_BYTES, type StreamSink } from '../../src/analysis/tcp/reassembly.js';
import { seqAdd, seqDiff, seqLt } from '../../src/analysis/tcp/seq.js';
import type { Pkt } from '../../src/analysis/tcp/packet.js';
import { MAX_EXCHANGES_KEPT } from '../../src/analysis/tcp/connection.js';
import { MAX_QUIET_CONNECTIONS } from '../../src/analysis/tcp/index.js';
import { analyseScribbled, Cap, GET, OK } from './tcp-fixtures.js';

const at = (frame: number): Pkt => ({ frame, t: frame, byteOffset: 0, from: { ip: 'a', port: 1 }, to: { ip: 'b', port: 2 }, flags: 0, seq: 0, ack: 0, len: 0 });

/** Records what a direction delivers: bytes as text, gaps as [n], the FIN as |FIN. */
function recorder(): { sink: StreamSink; out: () => string } {
  let s = '';
  return {
    sink: {
      data: (_h, b) => (s += Buffer.from(b).toString('latin1')),
      gap: (_h, n, cause) => (s += cause === 'snaplen' ? `[${n} cut]` : `[${n}]`),
      fin: () => (s += '|FIN'),
    },
    out: () => s,
  };
}

interface In {
  seq: number;
  data?: string;
  fin?: boolean;
  caplen?: number;
  /** the peer acknowledges this sequence number */
  acked?: number;
}

interface Case {
  name: string;
  syn?: number;
  in: In[];
  flush?: boolean;
  want: string;
  counts?: Partial<Record<'retransmissions' | 'overlaps' | 'outOfOrder' | 'gapBytes' | 'bytes', number>>;
}

const W = 0xffffffff;

const cases: Case[] = [
  { name: 'in order', syn: 100, in: [{ seq: 101, data: 'abc' }, { seq: 104, data: 'def' }], want: 'abcdef', counts: { bytes: 6 } },
  { name: 'reorder', syn: 100, in: [{ seq: 104, data: 'def' }, { seq: 107, data: 'ghi' }, { seq: 101, data: 'abc' }], want: 'abcdefghi', counts: { outOfOrder: 2 } },
  { name: 'retransmission', syn: 100, in: [{ seq: 101, data: 'abc' }, { seq: 101, data: 'abc' }, { seq: 104, data: 'def' }], want: 'abcdef', counts: { retransmissions: 1 } },
  { name: 'retransmission of a buffered segment', syn: 100, in: [{ seq: 104, data: 'def' }, { seq: 104, data: 'def' }, { seq: 101, data: 'abc' }], want: 'abcdef', counts: { retransmissions: 1, outOfOrder: 1 } },
  { name: 'overlap trimmed', syn: 100, in: [{ seq: 101, data: 'abcd' }, { seq: 103, data: 'cdef' }], want: 'abcdef', counts: { overlaps: 1 } },
  { name: 'overlap of a buffered segment', syn: 100, in: [{ seq: 103, data: 'cdef' }, { seq: 101, data: 'abcd' }], want: 'abcdef', counts: { overlaps: 1 } },
  { name: 'sequence wrap', syn: W - 1, in: [{ seq: W, data: 'ab' }, { seq: 1, data: 'cd' }], want: 'abcd' },
  { name: 'sequence wrap, reordered', syn: W - 3, in: [{ seq: 0, data: 'de' }, { seq: W - 2, data: 'abc' }], want: 'abcde', counts: { outOfOrder: 1 } },
  { name: 'missing SYN: starts at the first segment', in: [{ seq: 5000, data: 'abc' }, { seq: 5003, data: 'def' }], want: 'abcdef' },
  { name: 'hole at the end of the capture is a gap', syn: 100, in: [{ seq: 101, data: 'abc' }, { seq: 110, data: 'xyz' }], flush: true, want: 'abc[6]xyz', counts: { gapBytes: 6 } },
  { name: 'hole the peer acknowledged is a gap at once', syn: 100, in: [{ seq: 101, data: 'abc' }, { seq: 0, acked: 110 }, { seq: 110, data: 'xyz' }], want: 'abc[6]xyz', counts: { gapBytes: 6 } },
  { name: 'ack of the FIN is no hole', syn: 100, in: [{ seq: 101, data: 'abc', fin: true }, { seq: 0, acked: 105 }], want: 'abc|FIN', counts: { gapBytes: 0 } },
  { name: 'snaplen cut', syn: 100, in: [{ seq: 101, data: 'abcdef', caplen: 2 }, { seq: 107, data: 'gh' }], want: 'ab[4 cut]gh', counts: { gapBytes: 4, bytes: 8 } },
  { name: 'FIN out of order waits for the data', syn: 100, in: [{ seq: 104, fin: true }, { seq: 101, data: 'abc' }], want: 'abc|FIN' },
  { name: 'data after FIN is a retransmission', syn: 100, in: [{ seq: 101, data: 'abc', fin: true }, { seq: 101, data: 'abc' }], want: 'abc|FIN', counts: { retransmissions: 1 } },
];

describe('one direction reassembled in sequence order', () => {
  it.each(cases)('$name', (c) => {
    const r = recorder();
    const h = new HalfStream(0, r.sink);
    if (c.syn !== undefined) h.syn(c.syn);
    c.in.forEach((s, i) => {
      if (s.acked !== undefined) return h.acked(s.acked, at(i + 1));
      const data = Buffer.from(s.data ?? '', 'latin1');
      h.segment(s.seq, s.caplen !== undefined ? data.subarray(0, s.caplen) : data, data.length, !!s.fin, at(i + 1));
    });
    if (c.flush) h.flush();
    expect(r.out()).toBe(c.want);
    for (const [k, v] of Object.entries(c.counts ?? {})) expect(h[k as keyof typeof c.counts & keyof HalfStream], k).toBe(v);
  });

  it('turns the oldest hole into a gap when buffered data outgrows its cap', () => {
    const r = recorder();
    const h = new HalfStream(0, r.sink);
    h.syn(0);
    const seg = Buffer.alloc(60000, 0x62);
    // a hole of 10 bytes, then more out-of-order data than the cap holds
    for (let i = 0; i * seg.length <= MAX_PENDING_BYTES; i++) h.segment(11 + i * seg.length, seg, seg.length, false, at(i + 1));
    expect(r.out().startsWith('[10]b')).toBe(true);
    expect(h.gapBytes).toBe(10);
  });
});

describe('sequence arithmetic', () => {
  it.each([
    [10, 20, 10],
    [W, 0, 1],
    [W - 5, 4, 10],
    [4, W - 5, -10],
  ])('distance from %d to %d is %d', (a, b, d) => expect(seqDiff(a, b)).toBe(d));
  it('adds across the wrap', () => expect(seqAdd(W, 2)).toBe(1));
  it('orders across the wrap', () => expect(seqLt(W, 3)).toBe(true));
});

describe('connections', () => {
  const table: { name: string; build: (cap: Cap) => void; want: Record<string, unknown> }[] = [
    {
      name: 'normal open and FIN close (SF)',
      build: (cap) => cap.flow().handshake().c(GET()).s(OK('hi')).close(),
      want: { state: 'SF', history: 'ShADdFf', closedBy: { how: 'fin', side: 'orig' } },
    },
    { name: 'SYN unanswered (S0)', build: (cap) => cap.flow().c('', { flags: 0x02 }), want: { state: 'S0', history: 'S' } },
    {
      name: 'SYN answered by RST (REJ)',
      build: (cap) => cap.flow().c('', { flags: 0x02 }).rst('s'),
      want: { state: 'REJ', history: 'Sr', closedBy: { how: 'rst', side: 'resp' } },
    },
    {
      name: 'early RST from the server after the request (RSTR)',
      build: (cap) => cap.flow().handshake().c(GET()).rst('s'),
      want: { state: 'RSTR', history: 'ShADr', origBytes: GET().length, respBytes: 0 },
    },
    { name: 'client aborts (RSTO)', build: (cap) => cap.flow().handshake().c(GET()).rst('c'), want: { state: 'RSTO' } },
    { name: 'established, never closed (S1)', build: (cap) => cap.flow().handshake().c(GET()), want: { state: 'S1' } },
    { name: 'server closed only (S3)', build: (cap) => cap.flow().handshake().c(GET()).fin('s'), want: { state: 'S3' } },
    {
      name: 'missing SYN: mid-stream, server first, roles flipped by content (OTH)',
      build: (cap) => {
        const f = cap.flow({ client: '10.0.0.2', cport: 8080, server: '10.0.0.1', sport: 50000 });
        f.c(OK('hi')).s(GET('/next')).c(OK('yo'));
      },
      want: { state: 'OTH', key: '10.0.0.1:50000->10.0.0.2:8080', orig: { ip: '10.0.0.1', port: 50000 } },
    },
    {
      name: 'no handshake and not HTTP: the well-known port is the server',
      build: (cap) => cap.flow({ client: '10.0.0.2', cport: 22, server: '10.0.0.1', sport: 50000 }).c('SSH-2.0-OpenSSH_9.2\r\n'),
      want: { state: 'OTH', protocol: 'unknown', orig: { ip: '10.0.0.1', port: 50000 }, resp: { ip: '10.0.0.2', port: 22 }, history: 'd^' },
    },
    {
      name: 'SYN-ACK first: its receiver is the originator',
      build: (cap) => cap.flow({ client: '10.0.0.2', cport: 8080, server: '10.0.0.1', sport: 50000 }).c('', { flags: 0x12 }),
      want: { orig: { ip: '10.0.0.1', port: 50000 }, history: 'h' },
    },
  ];
  it.each(table)('$name', ({ build, want }) => {
    const cap = new Cap();
    build(cap);
    const { model } = cap.analyse();
    expect(model.connections).toHaveLength(1);
    expect(model.connections[0]).toMatchObject(want);
  });

  it('starts a new connection when a closed 4-tuple sees a new SYN', () => {
    const cap = new Cap();
    cap.flow().handshake().c(GET('/a')).s(OK('a')).close();
    cap.flow({ cisn: 90000, sisn: 70000 }).handshake().c(GET('/b')).s(OK('b')).close();
    const { model } = cap.analyse();
    expect(model.connections.map((c) => c.key)).toEqual(['10.0.0.1:50000->10.0.0.2:8080', '10.0.0.1:50000->10.0.0.2:8080#2']);
    expect(model.connections.map((c) => c.exchanges[0].target)).toEqual(['/a', '/b']);
    expect(new Set(model.lanes.map((l) => l.id)).size).toBe(2);
  });

  it('keeps nothing of the reader buffer: payloads scribbled after add() do not change the result', () => {
    const cap = new Cap();
    cap.flow().handshake().c(GET('/x').slice(0, 10)).c(GET('/x').slice(10)).s(OK('hello').slice(0, 20), { dt: 0.05 }).s(OK('hello').slice(20)).close();
    const m = analyseScribbled(cap.events);
    const ex = m.connections[0].exchanges[0];
    expect(ex).toMatchObject({ method: 'GET', target: '/x', end: 'complete', response: { status: 200, body: { seen: 5, expected: 5, complete: true } } });
  });

  it('draws one lane per connection with its SYN, FIN and spans', () => {
    const cap = new Cap();
    cap.flow().handshake().c(GET('/x')).s(OK('hello'), { dt: 0.2 }).close();
    const { model } = cap.analyse();
    const lane = model.lanes[0];
    expect(lane).toMatchObject({ id: 'test.pcap#conn:10.0.0.1:50000->10.0.0.2:8080', kind: 'connection', group: '10.0.0.2:8080' });
    expect(lane.spans.map((s) => s.kind).sort()).toEqual(['connection', 'request', 'response', 'wait']);
    expect(lane.markers.map((m) => m.kind)).toEqual(['syn', 'fin', 'fin']);
  });

  it('counts frames that are not TCP', () => {
    const cap = new Cap();
    cap.events.push({ kind: 'other', frame: { frame: 1, t: 1, what: 'udp' } }, { kind: 'other', frame: { frame: 2, t: 2, what: 'udp' } });
    cap.frame = 2;
    cap.flow().handshake();
    expect(cap.analyse().model.frameCounts).toEqual({ udp: 2, tcp: 3 });
  });
});

describe('bounded memory', () => {
  it('keeps at most MAX_EXCHANGES_KEPT uneventful exchanges per connection, counts the rest, keeps every eventful one', () => {
    const cap = new Cap();
    const f = cap.flow().handshake();
    for (let i = 0; i < MAX_EXCHANGES_KEPT + 50; i++) f.c(GET(`/${i}`)).s(OK('k'));
    f.c('POST /late HTTP/1.1\r\nContent-Length: 1\r\nExpect: 100-continue\r\n\r\n').s('HTTP/1.1 100 Continue\r\n\r\n').c('x').s(OK('done')).close();
    const c = cap.analyse().model.connections[0];
    expect(c.exchanges).toHaveLength(MAX_EXCHANGES_KEPT + 1);
    expect(c.exchangesDropped).toBe(50);
    expect(c.exchanges.at(-1)).toMatchObject({ target: '/late', n: MAX_EXCHANGES_KEPT + 51 });
  });
});

describe('big captures of healthy traffic stay flat in memory', () => {
  it('sums quiet connections beyond MAX_QUIET_CONNECTIONS, keeps every eventful one, in order', () => {
    const cap = new Cap();
    for (let i = 0; i < MAX_QUIET_CONNECTIONS + 100; i++) cap.flow({ cport: 10000 + i }).handshake().c(GET()).s(OK('ok')).close();
    cap.flow({ cport: 9000 }).handshake().c(GET('/boom')).rst('s');
    const { model } = cap.analyse();
    expect(model.connections).toHaveLength(MAX_QUIET_CONNECTIONS + 1);
    expect(model.lanes).toHaveLength(MAX_QUIET_CONNECTIONS + 1);
    expect(model.summarized).toEqual({ connections: 100, exchanges: 100, origBytes: 100 * GET().length, respBytes: 100 * OK('ok').length });
    expect(model.connections.at(-1)).toMatchObject({ state: 'RSTR', exchanges: [{ target: '/boom', end: 'rst' }] });
  });

  it('attributes the last ACK after a close to its connection, not to a new one', () => {
    const cap = new Cap();
    const f = cap.flow().handshake().c(GET()).s(OK('ok')).fin('c').fin('s');
    f.ack('c', { dt: 2 });
    expect(cap.analyse().model.connections).toHaveLength(1);
  });
});
