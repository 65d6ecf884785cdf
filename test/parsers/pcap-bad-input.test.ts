import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/model/index.js';
import { cat, ether, ipv4, Ng, parse, pcap, tcp, u8 } from '../fixtures/pcap/build.js';

const frame = (n: number): Buffer => ether(0x0800, ipv4(tcp({ seq: n, payload: `packet ${n}` })));
const recs = (n: number): Array<{ sec: number; frac: number; data: Buffer }> => Array.from({ length: n }, (_, i) => ({ sec: 100 + i, frac: 0, data: frame(i + 1) }));

/** Parses with 64 KB and 1-byte chunks and checks both give the same result. */
async function parseBoth(buf: Buffer) {
  const a = await parse(buf, 65536);
  const b = await parse(buf, 1);
  expect({ tcp: b.tcp, other: b.other, warnings: b.warnings }).toEqual({ tcp: a.tcp, other: a.other, warnings: a.warnings });
  return a;
}

async function rejects(buf: Buffer): Promise<FaultlineError> {
  const err = await parse(buf).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FaultlineError);
  return err as FaultlineError;
}

describe('classic pcap: bad input keeps everything before it', () => {
  const good = pcap({}, recs(3));
  const recLen = frame(1).length + 16;

  it('warns when the file ends inside a packet`s bytes, with its number and offset', async () => {
    const r = await parseBoth(good.subarray(0, good.length - 5));
    expect(r.tcp.map((s) => s.seq)).toEqual([1, 2]);
    expect(r.warnings).toEqual([`packet 3 (byte ${24 + 2 * recLen}): file ends inside packet 3: its record needs ${recLen - 16} captured bytes, only ${recLen - 21} are present; the partial packet is dropped`]);
  });

  it('warns when the file ends inside a record header', async () => {
    const r = await parseBoth(good.subarray(0, 24 + 2 * recLen + 9));
    expect(r.tcp).toHaveLength(2);
    expect(r.warnings).toEqual([`packet 3 (byte ${24 + 2 * recLen}): file ends inside the header of packet 3 (9 of 16 bytes): the capture was cut short`]);
  });

  it.each([
    { name: 'a truncated file header', buf: good.subarray(0, 23), msg: /truncated pcap file header: 23 of 24 bytes/ },
    { name: 'a wrong magic', buf: cat(u8(0xde, 0xad, 0xbe, 0xef), good.subarray(4)), msg: /not a pcap or pcapng file: unknown magic number deadbeef/ },
    { name: 'a Navtel magic', buf: cat(u8(0xa1, 0x2b, 0x3c, 0x4d), good.subarray(4)), msg: /Navtel capture files \(magic a12b3c4d\) are not read/ },
    { name: 'pcap version 1.4', buf: pcap({ major: 1 }, recs(1)), msg: /unsupported pcap version 1\.4/ },
  ])('throws E_BAD_HEADER for $name', async ({ buf, msg }) => {
    const e = await rejects(buf);
    expect(e.code).toBe('E_BAD_HEADER');
    expect(e.message).toMatch(msg);
    expect(e.location.byteOffset).toBeTypeOf('number');
  });

  it.each([
    { name: '> 256 MiB', caplen: 0x54000000 },
    { name: 'beyond the snaplen and any sane packet', caplen: 300_000 },
  ])('stops at an absurd record length ($name) instead of reading garbage as packets', async ({ caplen }) => {
    const r3 = recs(4);
    const bad = pcap({}, r3.map((r, i) => (i === 2 ? { ...r, caplen } : r)));
    const r = await parseBoth(bad);
    expect(r.tcp.map((s) => s.seq)).toEqual([1, 2]);
    expect(r.warnings).toEqual([
      `packet 3 (byte ${24 + 2 * recLen}): record length ${caplen} of packet 3 is absurd (snaplen 65535): the file is corrupt from here; reading stops, the 2 packets before it are kept`,
    ]);
  });

  it('stops at garbage in the middle once it breaks the record framing', async () => {
    const r = await parseBoth(cat(good, Buffer.from('this is not a pcap record at all, just text that got appended...'), pcap({}, recs(2)).subarray(24)));
    expect(r.tcp).toHaveLength(3);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^packet 4 \(byte \d+\): record length \d+ of packet 4 is absurd/);
  });

  it('keeps a packet larger than the snaplen, with a warning', async () => {
    const r = await parseBoth(pcap({ snaplen: 40 }, recs(2)));
    expect(r.tcp).toHaveLength(2);
    expect(r.warnings[0]).toBe(`packet 1 (byte 24): captured length ${recLen - 16} is larger than the file's snaplen 40; kept`);
  });

  it('keeps a packet with an out-of-range sub-second field, with a warning', async () => {
    const r = await parseBoth(pcap({}, [{ sec: 5, frac: 1_500_000, data: frame(1) }]));
    expect(r.tcp[0].t).toBe(6.5);
    expect(r.warnings[0]).toMatch(/timestamp fraction 1500000 is not below 1000000/);
  });

  it('counts a flood of one defect once it exceeds its budget', async () => {
    const cut = frame(1).subarray(0, 20);
    const r = await parse(pcap({ snaplen: 20 }, Array.from({ length: 50 }, (_, i) => ({ sec: i, frac: 0, data: cut, len: 60 }))));
    expect(r.other).toHaveLength(50);
    expect(r.warnings).toHaveLength(6);
    expect(r.warnings[5]).toBe('45 more packets with the same problem: frame cut inside the IPv4 header (50 in all)');
  });
});

describe('pcapng: bad blocks are stepped over when an intact block follows', () => {
  const ng = new Ng();
  const head = cat(ng.shb(), ng.idb(1, 0));
  const epbs = [1, 2, 3, 4].map((n) => ng.epb(0, BigInt(n) * 1_000_000n, frame(n)));
  const at = (i: number): number => head.length + epbs.slice(0, i).reduce((a, b) => a + b.length, 0);

  it('warns when the file ends inside a block', async () => {
    const file = cat(head, ...epbs);
    const r = await parseBoth(file.subarray(0, file.length - 6));
    expect(r.tcp.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(r.warnings[0]).toBe(`packet 4 (byte ${at(3)}): file ends inside an enhanced packet block (${epbs[3].length - 6} of ${epbs[3].length} bytes present): the capture was cut short; the partial block is dropped`);
  });

  const lengthCases = [
    { name: 'shorter than 12', len: 8, why: 'has a length of 8 < 12' },
    { name: 'not a multiple of 4', len: 70, why: 'has a length of 70 that is not a multiple of 4' },
    { name: 'absurd (> 256 MiB)', len: 0x20000000, why: 'has an absurd length of 536870912' },
    { name: 'far beyond the snaplen', len: 0x1000000, why: 'has a length of 16777216, far beyond any packet' },
  ];
  it.each(lengthCases)('steps over a block whose length is $name and resumes at the next', async ({ len, why }) => {
    const broken = Buffer.from(epbs[1]);
    broken.writeUInt32LE(len, 4);
    const r = await parseBoth(cat(head, epbs[0], broken, epbs[2], epbs[3]));
    expect(r.tcp.map((s) => [s.frame, s.seq])).toEqual([
      [1, 1],
      [2, 3],
      [3, 4],
    ]);
    expect(r.warnings[0]).toContain(`packet 2 (byte ${at(1)}): block of type 0x6 ${why}`);
    expect(r.warnings[1]).toBe(`packet 2 (byte ${at(2)}): reading resumes at byte ${at(2)} (${epbs[1].length} bytes skipped)`);
  });

  it('steps over a block whose trailer disagrees with its length', async () => {
    const broken = Buffer.from(epbs[1]);
    broken.writeUInt32LE(12345, broken.length - 4);
    const r = await parseBoth(cat(head, epbs[0], broken, epbs[2]));
    expect(r.tcp.map((s) => s.seq)).toEqual([1, 3]);
    expect(r.warnings[0]).toMatch(/block of type 0x6 has length \d+ but its trailer says 12345; looking for the next intact block/);
  });

  it('steps over garbage in the middle', async () => {
    const garbage = Buffer.from('GARBAGE! 0123456789abcdefghijklmnopqrstuvwxyz.....');
    const r = await parseBoth(cat(head, epbs[0], epbs[1], garbage, epbs[2], epbs[3]));
    expect(r.tcp.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    expect(r.warnings).toEqual([
      `packet 3 (byte ${at(2)}): block of type 0x42524147 has a length of ${garbage.readUInt32LE(4)} that is not a multiple of 4; looking for the next intact block`,
      `packet 3 (byte ${at(2) + garbage.length}): reading resumes at byte ${at(2) + garbage.length} (${garbage.length} bytes skipped)`,
    ]);
  });

  it('finds the blocks after a block length that ran past the end of the file', async () => {
    const broken = Buffer.from(epbs[1]);
    broken.writeUInt32LE(200_000, 4); // believable, but longer than the rest of the file
    const r = await parseBoth(cat(head, epbs[0], broken, epbs[2], epbs[3]));
    expect(r.tcp.map((s) => s.seq)).toEqual([1, 3, 4]);
    expect(r.warnings[0]).toMatch(new RegExp(`^packet 2 \\(byte ${at(1)}\\): file ends inside an enhanced packet block`));
    expect(r.warnings[1]).toMatch(/reading resumes at byte/);
  });

  it('gives up, with a warning, when nothing intact follows the damage', async () => {
    const r = await parseBoth(cat(head, epbs[0], Buffer.alloc(64, 0xee)));
    expect(r.tcp).toHaveLength(1);
    expect(r.warnings.at(-1)).toMatch(/no intact block found after the broken block at byte \d+: the rest of the file \(to byte \d+\) is not read/);
  });

  it.each([
    { name: 'a truncated section header', buf: ng.shb().subarray(0, 16), msg: /truncated pcapng file: the section header block needs 28 bytes, only 16 present/ },
    { name: 'an insane section header length', buf: ng.block(0x0a0d0d0a, cat(ng.u32(0x1a2b3c4d), Buffer.alloc(12)), 2 * 1024 * 1024), msg: /section header block has an insane length of 2097152/ },
    { name: 'no byte-order magic', buf: ng.block(0x0a0d0d0a, Buffer.alloc(16)), msg: /no byte-order magic/ },
  ])('throws E_BAD_HEADER for $name', async ({ buf, msg }) => {
    const e = await rejects(buf);
    expect(e.code).toBe('E_BAD_HEADER');
    expect(e.message).toMatch(msg);
  });

  it('warns about a packet block before any interface description and still numbers it', async () => {
    const r = await parseBoth(cat(ng.shb(), epbs[0], ng.idb(1, 0), epbs[1]));
    expect(r.other).toEqual([{ frame: 1, what: 'no-interface', t: 0 }]);
    expect(r.tcp.map((s) => s.frame)).toEqual([2]);
    expect(r.warnings[0]).toBe(`packet 1 (byte 28): packet block for interface 0, but the section declares 0 interfaces: not decoded`);
  });

  it('warns about a captured length that overruns its block', async () => {
    const broken = Buffer.from(epbs[0]);
    broken.writeUInt32LE(5000, 20);
    const r = await parseBoth(cat(head, broken, epbs[1]));
    expect(r.other.map((o) => o.what)).toEqual(['malformed']);
    expect(r.tcp.map((s) => s.seq)).toEqual([2]);
    expect(r.warnings[0]).toMatch(/^packet 1 \(byte \d+\): captured length 5000 runs past its \d+-byte block: not decoded/);
  });

  it('keeps a packet larger than its interface`s snaplen, with a warning', async () => {
    const r = await parseBoth(cat(ng.shb(), ng.idb(1, 40), epbs[0]));
    expect(r.tcp).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/captured length \d+ is larger than interface 0's snaplen 40; kept/);
  });

  it('skips a section of an unknown major version, with a warning, and reads the next', async () => {
    const r = await parseBoth(cat(ng.shb({ major: 2 }), ng.idb(1, 0), epbs[0], ng.shb(), ng.idb(1, 0), epbs[1]));
    expect(r.tcp.map((s) => [s.frame, s.seq])).toEqual([[1, 2]]);
    expect(r.warnings).toEqual(['byte 12: pcapng section 1 has version 2.0, which cannot be read: its blocks are skipped']);
  });
});

describe('mutated files never crash the reader', () => {
  /** Deterministic PRNG (mulberry32): the same mutations on every run. */
  function rng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const ng = new Ng();
  const seeds = {
    'classic pcap': pcap({}, recs(6)),
    pcapng: cat(ng.shb(), ng.idb(1, 0, { tsresol: 9 }), ng.epb(0, 5n, frame(1)), ng.spb(frame(2)), ng.custom(), ng.isb(0), ng.epb(0, 7n, frame(3)), ng.shb(), ng.idb(101, 64), ng.epb(0, 9n, frame(4).subarray(14))),
  };
  for (const [name, seed] of Object.entries(seeds)) {
    it(`survives 300 random byte flips, truncations and splices of a ${name} file`, async () => {
      const rand = rng(name.length);
      for (let i = 0; i < 300; i++) {
        const m = Buffer.from(seed);
        const flips = 1 + Math.floor(rand() * 6);
        // Keep the magic: a wrong magic is the one case that must throw.
        for (let k = 0; k < flips; k++) m[4 + Math.floor(rand() * (m.length - 4))] = Math.floor(rand() * 256);
        const cut = rand() < 0.3 ? m.subarray(0, 24 + Math.floor(rand() * (m.length - 24))) : m;
        const input = rand() < 0.2 ? cat(cut, seed.subarray(Math.floor(rand() * seed.length))) : cut;
        try {
          await parse(input, 1 + Math.floor(rand() * 100));
        } catch (e) {
          expect(e, `mutation ${i}`).toBeInstanceOf(FaultlineError);
          expect((e as FaultlineError).code).toBe('E_BAD_HEADER');
        }
      }
    });
  }
});

describe('pcapng: a time no date can hold (issue 9 item 5)', () => {
  const ng = new Ng();
  it('warns, located, about a one-second if_tsresol with a 64-bit timestamp, and keeps the packet on the previous time', async () => {
    const buf = cat(ng.shb(), ng.idb(1, 0, { tsresol: 0 }), ng.epb(0, 1_795_400_000n, frame(1)), ng.epb(0, 0xffff_ffff_0000_0000n, frame(2)), ng.epb(0, 1_795_400_001n, frame(3)));
    const r = await parseBoth(buf);
    expect(r.tcp.map((s) => s.t)).toEqual([1_795_400_000, 1_795_400_000, 1_795_400_001]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^packet 2 \(byte \d+\): timestamp 1\.845e\+19 s \(interface 0, units of 1\/1 s\) is beyond any date; the packet is kept with the previous packet's time$/);
  });
});
