import { describe, expect, it } from 'vitest';
import { AddressCache, formatV6 } from '../../parsers/pcap/addr.js';
import { sniffCapture } from '../../parsers/pcap/index.js';
import { TCP_ACK, TCP_PSH, TCP_SYN } from '../../src/model/index.js';
import { cat, ether, fragHeader, ipv4, ipv6, loopHdr, Ng, nullHdr, parse, pcap, sll, sll2, tcp, u8, v6bytes } from '../fixtures/pcap/build.js';

const SEG = tcp({ sport: 40000, dport: 8080, seq: 0xfffffff0, flags: TCP_PSH | TCP_ACK, payload: 'GET / HTTP/1.1\r\n\r\n' });
const V4 = ipv4(SEG, { src: '192.168.1.10', dst: '10.1.2.3' });
const V6 = ipv6(SEG, { src: 'fe80::1', dst: '2001:db8::a:0:0:2' });

describe('link types: each frame shape yields the same TCP segment', () => {
  const cases: Array<{ name: string; linktype: number; frame: Uint8Array; v6?: boolean }> = [
    { name: 'Ethernet', linktype: 1, frame: ether(0x0800, V4) },
    { name: 'Ethernet, 802.1Q tag', linktype: 1, frame: ether(0x0800, V4, [[0x8100, 10]]) },
    { name: 'Ethernet, QinQ 0x88a8 + 0x8100', linktype: 1, frame: ether(0x0800, V4, [[0x88a8, 100], [0x8100, 10]]) },
    { name: 'Ethernet, old QinQ 0x9100', linktype: 1, frame: ether(0x0800, V4, [[0x9100, 100], [0x8100, 10]]) },
    { name: 'Ethernet, IPv6', linktype: 1, frame: ether(0x86dd, V6), v6: true },
    { name: 'Linux SLL', linktype: 113, frame: sll(0x0800, V4) },
    { name: 'Linux SLL2', linktype: 276, frame: sll2(0x86dd, V6), v6: true },
    { name: 'RAW (101), IPv4', linktype: 101, frame: V4 },
    { name: 'RAW (101), IPv6', linktype: 101, frame: V6, v6: true },
    { name: 'DLT_RAW value 12 in an old file', linktype: 12, frame: V4 },
    { name: 'OpenBSD DLT_RAW value 14', linktype: 14, frame: V6, v6: true },
    { name: 'IPV4 (228)', linktype: 228, frame: V4 },
    { name: 'IPV6 (229)', linktype: 229, frame: V6, v6: true },
    { name: 'NULL, little-endian AF_INET', linktype: 0, frame: nullHdr(2, true, V4) },
    { name: 'NULL, big-endian AF_INET', linktype: 0, frame: nullHdr(2, false, V4) },
    { name: 'NULL, AF_INET6 = 24 (NetBSD/OpenBSD)', linktype: 0, frame: nullHdr(24, true, V6), v6: true },
    { name: 'NULL, AF_INET6 = 28 (FreeBSD)', linktype: 0, frame: nullHdr(28, true, V6), v6: true },
    { name: 'NULL, AF_INET6 = 30 (Darwin), big-endian host', linktype: 0, frame: nullHdr(30, false, V6), v6: true },
    { name: 'LOOP, AF_INET (network order)', linktype: 108, frame: loopHdr(2, V4) },
    { name: 'LOOP, AF_INET6 = 24', linktype: 108, frame: loopHdr(24, V6), v6: true },
  ];
  it.each(cases)('$name', async ({ linktype, frame, v6 }) => {
    const r = await parse(pcap({ linktype }, [{ sec: 1700000000, frac: 250000, data: frame }]));
    expect(r.warnings).toEqual([]);
    expect(r.tcp).toHaveLength(1);
    const s = r.tcp[0];
    expect(s).toMatchObject({
      frame: 1,
      t: 1700000000.25,
      sport: 40000,
      dport: 8080,
      seq: 0xfffffff0,
      flags: TCP_PSH | TCP_ACK,
      payload: 'GET / HTTP/1.1\r\n\r\n',
      payloadLen: 18,
      byteOffset: 24,
      ipVersion: v6 ? 6 : 4,
    });
    expect([s.src, s.dst]).toEqual(v6 ? ['fe80::1', '2001:db8::a:0:0:2'] : ['192.168.1.10', '10.1.2.3']);
  });

  it('counts an unknown link type as other and warns once for it', async () => {
    const r = await parse(pcap({ linktype: 147 }, [1, 2, 3].map((i) => ({ sec: i, frac: 0, data: u8(1, 2, 3) }))));
    expect(r.other.map((o) => o.what)).toEqual(['linktype-147', 'linktype-147', 'linktype-147']);
    expect(r.warnings.filter((w) => w.includes('link type 147'))).toHaveLength(1);
  });

  it('names non-TCP frames by what they are', async () => {
    const frames = [ether(0x0806, Buffer.alloc(28)), ether(0x0800, ipv4(Buffer.alloc(8), { proto: 17 })), ether(0x86dd, ipv6(Buffer.alloc(8), { nh: 58 })), ether(0x88cc, Buffer.alloc(20)), ether(0x0800, ipv4(Buffer.alloc(8), { proto: 89 }))];
    const r = await parse(pcap({}, frames.map((data, i) => ({ sec: i, frac: 0, data }))));
    expect(r.other.map((o) => o.what)).toEqual(['arp', 'udp', 'ipv6-icmp', 'ethertype-0x88cc', 'ip-proto-89']);
  });
});

describe('classic pcap header variants', () => {
  const frame = ether(0x0800, V4);
  it.each([
    { name: 'little-endian, µs', o: { le: true }, frac: 123456, t: 1700000000.123456 },
    { name: 'big-endian, µs', o: { le: false }, frac: 123456, t: 1700000000.123456 },
    { name: 'little-endian, ns', o: { le: true, nano: true }, frac: 123456789, t: 1700000000.123456789 },
    { name: 'big-endian, ns', o: { le: false, nano: true }, frac: 123456789, t: 1700000000.123456789 },
    { name: 'modified (Kuznetzov) magic, 24-byte record headers', o: { modified: true }, frac: 5, t: 1700000000.000005 },
  ])('$name', async ({ o, frac, t }) => {
    const r = await parse(pcap(o, [{ sec: 1700000000, frac, data: frame }, { sec: 1700000001, frac, data: frame }]));
    expect(r.summary.format).toBe('pcap');
    expect(r.summary.clock).toBe('epoch');
    expect(r.tcp.map((s) => s.t)).toEqual([t, t + 1]);
    expect(r.summary).toMatchObject({ events: 2, firstT: t, lastT: t + 1 });
  });

  it('reads the link type under FCS bits in the link-type field', async () => {
    const r = await parse(pcap({ linktypeField: 0x14000001 }, [{ sec: 1, frac: 0, data: cat(ether(0x0800, V4), u8(0xde, 0xad, 0xbe, 0xef)) }]));
    expect(r.tcp).toHaveLength(1);
    expect(r.tcp[0].payloadLen).toBe(18);
    expect(r.warnings).toEqual([]);
  });

  it('sniffs pcap, pcapng and nothing else', () => {
    expect(sniffCapture(pcap({ le: false }, []))).toBe('pcap');
    expect(sniffCapture(pcap({ nano: true }, []))).toBe('pcap');
    expect(sniffCapture(new Ng(false).shb())).toBe('pcapng');
    expect(sniffCapture(Buffer.from('GET / HTTP/1.1\r\n'))).toBeNull();
    expect(sniffCapture(u8(0xd4, 0xc3))).toBeNull();
  });
});

describe('pcapng', () => {
  const frame = ether(0x0800, V4);
  for (const le of [true, false]) {
    it(`reads EPB, SPB and the obsolete PB and skips NRB/ISB/DSB/unknown blocks (${le ? 'little' : 'big'}-endian)`, async () => {
      const ng = new Ng(le);
      const file = cat(
        ng.shb(),
        ng.nrb(),
        ng.idb(1, 0),
        ng.epb(0, 1700000000_000000n, frame),
        ng.isb(0),
        ng.dsb(),
        ng.block(0x8000_0001, u8(1, 2, 3, 4)),
        ng.block(7, u8(0, 0, 0, 0)),
        ng.spb(frame),
        ng.pb(0, 1700000002_000000n, frame),
      );
      const r = await parse(file);
      expect(r.warnings).toEqual([]);
      expect(r.summary.format).toBe('pcapng');
      expect(r.tcp.map((s) => [s.frame, s.t])).toEqual([
        [1, 1700000000],
        [2, 1700000000], // an SPB has no time: the previous packet's stands in
        [3, 1700000002],
      ]);
    });
  }

  it('applies each interface its own if_tsresol (powers of 10 and of 2) and if_tsoffset', async () => {
    const ng = new Ng();
    const file = cat(
      ng.shb(),
      ng.idb(1, 0), // default µs
      ng.idb(1, 0, { tsresol: 9 }), // ns
      ng.idb(1, 0, { tsresol: 0x80 | 20 }), // 2^-20 s
      ng.idb(101, 0, { tsresol: 3, tsoffset: 1_600_000_000n }), // ms since the offset
      ng.epb(0, 1700000000_500000n, frame),
      ng.epb(1, 1700000000_250000000n, frame),
      ng.epb(2, BigInt(1700000000) * 2n ** 20n + 2n ** 19n, frame),
      ng.epb(3, 100_000_125n, V4),
    );
    const r = await parse(file);
    expect(r.warnings).toEqual([]);
    expect(r.tcp.map((s) => s.t)).toEqual([1700000000.5, 1700000000.25, 1700000000.5, 1600100000.125]);
  });

  it('numbers frames across sections, resets interfaces per section, follows each section`s byte order', async () => {
    const a = new Ng(true);
    const b = new Ng(false);
    const file = cat(
      a.shb(),
      a.idb(1, 0, { tsresol: 9 }),
      a.epb(0, 1_000_000_000n, frame),
      b.shb(),
      b.idb(113, 0),
      b.epb(0, 2_000_000n, sll(0x0800, V4)),
      b.custom(),
      a.shb(),
      a.idb(101, 0),
      a.epb(0, 3_000_000n, V4),
      a.custom(false),
    );
    const r = await parse(file);
    expect(r.warnings).toEqual([]);
    expect(r.tcp.map((s) => [s.frame, s.t])).toEqual([
      [1, 1],
      [2, 2],
      [4, 3],
    ]);
    // Wireshark lists custom blocks as frames: so do we, to keep its numbering.
    expect(r.other.map((o) => [o.frame, o.what])).toEqual([
      [3, 'pcapng-custom-block'],
      [5, 'pcapng-custom-block'],
    ]);
    expect(r.summary.events).toBe(5);
  });

  it('cuts an SPB to interface 0`s snaplen and keeps the on-wire length', async () => {
    const ng = new Ng();
    const r = await parse(cat(ng.shb(), ng.idb(1, 60), ng.spb(frame.subarray(0, 60), frame.length)));
    expect(r.tcp).toHaveLength(1);
    expect(r.tcp[0].payloadLen).toBe(18);
    expect(r.tcp[0].payload.length).toBe(60 - 14 - 20 - 20);
  });
});

describe('snaplen cuts', () => {
  it('keeps the on-wire payload length when the capture cut the payload', async () => {
    const data = ether(0x0800, V4);
    const r = await parse(pcap({ snaplen: 64 }, [{ sec: 1, frac: 0, data: data.subarray(0, 64), len: data.length }]));
    expect(r.tcp[0].payloadLen).toBe(18);
    expect(r.tcp[0].payload).toBe('GET / HTTP'); // 64 - 54 header bytes
    expect(r.warnings).toEqual([]);
    expect(r.notes.join('\n')).toMatch(/1 frames cut by the snaplen/);
  });

  it('emits a segment whose options were cut, with an empty payload', async () => {
    const seg = tcp({ options: Buffer.alloc(12, 1), payload: 'hello' });
    const data = ether(0x0800, ipv4(seg));
    const r = await parse(pcap({ snaplen: 40 + 14 }, [{ sec: 1, frac: 0, data: data.subarray(0, 54), len: data.length }]));
    expect(r.tcp).toHaveLength(1);
    expect(r.tcp[0]).toMatchObject({ payload: '', payloadLen: 5 });
  });

  it.each([
    { name: 'inside the Ethernet header', cut: 10, msg: /frame cut inside the Ethernet header \(10 of 14 bytes captured\)/ },
    { name: 'inside the IPv4 header', cut: 20, msg: /frame cut inside the IPv4 header/ },
    { name: 'inside the TCP header', cut: 44, msg: /frame cut inside the TCP header \(10 of 20/ },
  ])('flags a frame cut $name and goes on', async ({ cut, msg }) => {
    const data = ether(0x0800, V4);
    const r = await parse(pcap({ snaplen: cut }, [{ sec: 1, frac: 0, data: data.subarray(0, cut), len: data.length }, { sec: 2, frac: 0, data: data.subarray(0, cut), len: data.length }]));
    expect(r.other.map((o) => o.what)).toEqual(['truncated', 'truncated']);
    expect(r.warnings[0]).toMatch(msg);
    expect(r.warnings[0]).toMatch(/^packet 1 \(byte 24\)/);
  });

  it('uses the frame length when segmentation offload left an IPv4 total length of 0', async () => {
    const data = ether(0x0800, ipv4(SEG, { totalLen: 0 }));
    const r = await parse(pcap({}, [{ sec: 1, frac: 0, data }]));
    expect(r.tcp[0].payloadLen).toBe(18);
  });

  it('ignores Ethernet padding after a short IP packet', async () => {
    const small = ipv4(tcp({ flags: TCP_ACK }));
    const data = cat(ether(0x0800, small), Buffer.alloc(6));
    const r = await parse(pcap({}, [{ sec: 1, frac: 0, data }]));
    expect(r.tcp[0]).toMatchObject({ payloadLen: 0, payload: '' });
  });
});

describe('IPv4 options and fragments', () => {
  it('skips IPv4 options', async () => {
    const data = ether(0x0800, ipv4(SEG, { options: u8(0x94, 4, 0, 0) }));
    const r = await parse(pcap({}, [{ sec: 1, frac: 0, data }]));
    expect(r.tcp[0]).toMatchObject({ payloadLen: 18, sport: 40000 });
  });

  it('reassembles a datagram whose TCP header only arrives in a later fragment, out of order', async () => {
    const seg = tcp({ sport: 1234, dport: 80, payload: 'x'.repeat(40) }); // 60 bytes
    const parts = [
      { off: 0, data: seg.subarray(0, 8), mf: true },
      { off: 16, data: seg.subarray(16), mf: false },
      { off: 8, data: seg.subarray(8, 16), mf: true },
    ];
    const recs = parts.map((p, i) => ({ sec: 10 + i, frac: 0, data: ether(0x0800, ipv4(p.data, { id: 77, mf: p.mf, fragOff: p.off })) }));
    const r = await parse(pcap({}, recs));
    expect(r.other.map((o) => [o.frame, o.what])).toEqual([
      [1, 'fragment'],
      [2, 'fragment'],
    ]);
    expect(r.tcp).toHaveLength(1);
    expect(r.tcp[0]).toMatchObject({ frame: 3, sport: 1234, dport: 80, payloadLen: 40, payload: 'x'.repeat(40), t: 12 });
    expect(r.notes.join('\n')).toMatch(/1 fragmented IP datagrams reassembled/);
  });

  it('never decodes a lone non-first fragment as TCP, and says the datagram was not rebuilt', async () => {
    const junk = tcp({ sport: 9999, payload: 'not a header here' });
    const r = await parse(pcap({}, [{ sec: 1, frac: 0, data: ether(0x0800, ipv4(junk, { id: 5, fragOff: 1480 })) }]));
    expect(r.tcp).toEqual([]);
    expect(r.other.map((o) => o.what)).toEqual(['fragment']);
    expect(r.warnings.join('\n')).toMatch(/1 fragmented IP datagrams could not be reassembled/);
  });
});

describe('IPv6 extension headers', () => {
  it.each([
    { name: 'hop-by-hop', ext: [{ type: 0 }] },
    { name: 'routing + destination options', ext: [{ type: 43, body: Buffer.alloc(14) }, { type: 60 }] },
    { name: 'AH', ext: [{ type: 51, body: Buffer.alloc(10) }] },
    { name: 'atomic fragment', ext: [fragHeader(0, false, 9)] },
    { name: 'hop-by-hop, dest options, atomic fragment', ext: [{ type: 0 }, { type: 60 }, fragHeader(0, false, 9)] },
  ])('walks $name to the TCP header', async ({ ext }) => {
    const r = await parse(pcap({}, [{ sec: 1, frac: 0, data: ether(0x86dd, ipv6(SEG, { ext })) }]));
    expect(r.warnings).toEqual([]);
    expect(r.tcp[0]).toMatchObject({ sport: 40000, payloadLen: 18, payload: 'GET / HTTP/1.1\r\n\r\n', ipVersion: 6 });
  });

  it('reassembles IPv6 fragments', async () => {
    const seg = tcp({ sport: 5555, payload: 'y'.repeat(30) }); // 50 bytes
    const a = ether(0x86dd, ipv6(seg.subarray(0, 24), { ext: [fragHeader(0, true, 42)] }));
    const b = ether(0x86dd, ipv6(seg.subarray(24), { ext: [fragHeader(24, false, 42)] }));
    const r = await parse(pcap({}, [{ sec: 1, frac: 0, data: a }, { sec: 2, frac: 0, data: b }]));
    expect(r.other.map((o) => o.what)).toEqual(['fragment']);
    expect(r.tcp[0]).toMatchObject({ frame: 2, sport: 5555, payloadLen: 30, payload: 'y'.repeat(30) });
  });

  it('counts a frame with no next header as other', async () => {
    const r = await parse(pcap({}, [{ sec: 1, frac: 0, data: ether(0x86dd, ipv6(new Uint8Array(0), { nh: 59 })) }]));
    expect(r.other.map((o) => o.what)).toEqual(['ipv6-no-next-header']);
  });
});

describe('chunk boundaries', () => {
  const frames = [ether(0x0800, V4), ether(0x86dd, ipv6(tcp({ flags: TCP_SYN }))), ether(0x0806, Buffer.alloc(28)), ether(0x0800, ipv4(tcp({ payload: 'z'.repeat(3000) })))];
  const recs = frames.map((data, i) => ({ sec: 1700000000 + i, frac: i * 1000, data }));
  const ng = new Ng();
  const files = {
    'classic pcap': pcap({}, recs),
    pcapng: cat(ng.shb(), ng.idb(1, 0), ...recs.map((r) => ng.epb(0, BigInt(r.sec) * 1000000n + BigInt(r.frac), r.data)), ng.custom()),
  };
  for (const [name, file] of Object.entries(files)) {
    it(`gives identical results for 1-byte, 7-byte and 64 KB chunks (${name})`, async () => {
      const whole = await parse(file, 65536);
      expect(whole.tcp).toHaveLength(3);
      for (const size of [1, 7, 13, 4096]) {
        const r = await parse(file, size);
        expect({ tcp: r.tcp, other: r.other, warnings: r.warnings, summary: r.summary }).toEqual({ tcp: whole.tcp, other: whole.other, warnings: whole.warnings, summary: whole.summary });
      }
    });
  }
});

describe('address strings', () => {
  it.each([
    ['2001:db8::1', '2001:db8::1'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of equal runs
    ['fe80:0:0:0:abcd:ef:0:0', 'fe80::abcd:ef:0:0'],
    ['::ffff:c000:280', '::ffff:192.0.2.128'], // IPv4-mapped, as Wireshark shows it
  ])('prints %s as %s (RFC 5952)', (input, want) => {
    expect(formatV6(v6bytes(input), 0)).toBe(want);
  });

  it('still names an address right after the cache filled and cleared', () => {
    const cache = new AddressCache();
    const a = cache.v4At(u8(10, 0, 0, 1), 0);
    for (let i = 0; i < 10_000; i++) cache.v4At(u8(10, (i >> 8) & 255, i & 255, 7), 0);
    expect(cache.v4At(u8(10, 0, 0, 1), 0)).toBe(a);
    expect(cache.v4At(u8(192, 168, 0, 255), 0)).toBe('192.168.0.255');
    for (let i = 1; i <= 20; i++) expect(cache.v6At(v6bytes(`2001:db8::${i.toString(16)}`), 0)).toBe(`2001:db8::${i.toString(16)}`);
  });
});

describe('fragment reassembly memory', () => {
  it('drops the oldest datagrams beyond its bound and says how many could not be rebuilt', async () => {
    // 300 first fragments that never complete, then one datagram that does.
    const seg = tcp({ sport: 4321, payload: 'q'.repeat(16) });
    const recs = Array.from({ length: 300 }, (_, i) => ({ sec: 1, frac: i, data: ether(0x0800, ipv4(seg.subarray(0, 16), { id: i, mf: true })) }));
    recs.push({ sec: 2, frac: 0, data: ether(0x0800, ipv4(seg.subarray(0, 16), { id: 1000, mf: true })) });
    recs.push({ sec: 2, frac: 1, data: ether(0x0800, ipv4(seg.subarray(16), { id: 1000, fragOff: 16 })) });
    const r = await parse(pcap({}, recs));
    expect(r.tcp.map((s) => [s.frame, s.sport, s.payloadLen])).toEqual([[302, 4321, 16]]);
    expect(r.warnings).toEqual(["300 fragmented IP datagrams could not be reassembled (pieces missing or cut by the snaplen); their fragments are counted as 'fragment'"]);
  });

  it('drops a datagram whose pieces do not all arrive within the reassembly timeout', async () => {
    const seg = tcp({ payload: 'w'.repeat(16) });
    const r = await parse(
      pcap({}, [
        { sec: 1, frac: 0, data: ether(0x0800, ipv4(seg.subarray(0, 16), { id: 9, mf: true })) },
        { sec: 500, frac: 0, data: ether(0x0800, ipv4(seg.subarray(16), { id: 9, fragOff: 16 })) },
      ]),
    );
    expect(r.tcp).toEqual([]);
    expect(r.other.map((o) => o.what)).toEqual(['fragment', 'fragment']);
  });
});
