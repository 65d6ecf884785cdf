/**
 * Real captures made on this machine (samples/), read against tshark's view
 * of them; and the differential test against `pcap-parser` 0.2.1, the
 * package the design first named, on every classic microsecond pcap of the
 * samples and the corpus.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { classicMagic } from '../../parsers/pcap/classic.js';
import { parseCapture, readCaptureRecords } from '../../parsers/pcap/index.js';
import type { RecordSink } from '../../parsers/pcap/decode.js';
import { Diagnostics, FaultlineError } from '../../src/model/index.js';
import { parse } from '../fixtures/pcap/build.js';
import { corpusCaptures, open, repoRoot, sampleCaptures, tcpDigest, tsharkBaselines, type TsharkBaseline } from '../fixtures/pcap/files.js';

const BASELINE = path.join(repoRoot, 'test/fixtures/pcap/tshark-samples.json');
const rel = (f: string): string => path.relative(repoRoot, f);

interface Read {
  frames: number;
  tcp: string[];
  times: number[];
  warnings: string[];
  notes: string[];
  format: string;
}

async function read(file: string): Promise<Read> {
  const diag = new Diagnostics();
  const tcp: string[] = [];
  const times: number[] = [];
  const s = await parseCapture(open(file), { path: file, diag }, (e) => {
    if (e.kind === 'tcp') {
      tcp.push(`${e.seg.frame}\t${e.seg.payloadLen}`);
      times[e.seg.frame - 1] = e.seg.t;
    } else times[e.frame.frame - 1] = e.frame.t;
  });
  return { frames: s.events, tcp, times, warnings: diag.warnings, notes: diag.notes, format: s.format };
}

describe('the samples made with tcpdump, editcap and mergecap', () => {
  // Ours (samples/pcap) only: the incident captures are another helper's, re-made as their scenarios change.
  const files = sampleCaptures().filter((f) => rel(f).startsWith('samples/pcap/'));
  const mine = new Map<string, Read>();
  let theirs = new Map<string, TsharkBaseline | null>();

  beforeAll(async () => {
    for (const f of files) mine.set(rel(f), await read(f));
    theirs = await tsharkBaselines(files, BASELINE, rel);
  }, 120_000);

  it('include every link type and container the sample script makes', () => {
    const names = files.map(rel);
    for (const f of ['lo-ethernet-usec.pcap', 'lo-ethernet-nsec.pcap', 'any-sll2.pcap', 'any-sll.pcap', 'lo-ethernet.pcapng', 'two-sections.pcapng', 'two-interfaces.pcapng', 'lo-ethernet-usec.pcap.gz', 'raw-ip.pcap', 'raw-ipv4.pcap', 'raw-ipv6.pcap']) {
      expect(names).toContain(`samples/pcap/${f}`);
    }
  });

  it.each(files.map(rel))('agrees with tshark on %s', (name) => {
    const m = mine.get(name)!;
    expect(m.warnings).toEqual([]);
    const t = theirs.get(name);
    if (!t) return; // neither a recorded baseline nor tshark
    expect(t.error).toBeNull();
    expect(m.frames).toBe(t.frames);
    expect(m.tcp.length).toBe(t.tcpCount);
    expect(tcpDigest(m.tcp), 'the (frame, tcp.len) lists differ').toBe(t.tcpSha1);
    for (const [i, tt] of t.times) expect(Math.abs(m.times[i] - tt), `frame ${i + 1} time`).toBeLessThan(1e-6);
  });

  it('reads the same packets from a capture and its pcapng, gzip and raw-IP conversions', async () => {
    const base = mine.get('samples/pcap/lo-ethernet-usec.pcap')!;
    for (const other of ['samples/pcap/lo-ethernet.pcapng', 'samples/pcap/lo-ethernet-usec.pcap.gz', 'samples/pcap/raw-ip.pcap', 'samples/pcap/raw-ipv4.pcap']) {
      const o = mine.get(other)!;
      expect(o.tcp).toEqual(base.tcp);
      expect(o.times).toEqual(base.times);
    }
    expect(mine.get('samples/pcap/lo-ethernet.pcapng')!.format).toBe('pcapng');
    expect(mine.get('samples/pcap/raw-ipv6.pcap')!.tcp).toEqual(mine.get('samples/pcap/lo-ipv6-usec.pcap')!.tcp);
  });

  it('keeps nanoseconds from a nanosecond capture, in pcap and pcapng alike', () => {
    const ns = mine.get('samples/pcap/lo-ethernet-nsec.pcap')!;
    const ng = mine.get('samples/pcap/lo-ethernet-nsec.pcapng')!;
    expect(ng.times).toEqual(ns.times);
    // tcpdump's nanosecond clock on loopback: not every time is a whole microsecond.
    expect(ns.times.some((t) => Math.abs(t * 1e6 - Math.round(t * 1e6)) > 1e-3)).toBe(true);
  });

  it.each(['two-interfaces.pcapng', 'two-sections.pcapng', 'lo-ipv6-usec.pcap'])('reads %s the same in 1-byte, 7-byte and 64 KB chunks', async (f) => {
    const whole = readFileSync(path.join(repoRoot, 'samples/pcap', f));
    const results = [];
    for (const size of [1, 7, 65536]) results.push(await parse(whole, size));
    for (const r of results.slice(1)) expect({ tcp: r.tcp, other: r.other, warnings: r.warnings }).toEqual({ tcp: results[0].tcp, other: results[0].other, warnings: results[0].warnings });
    expect(results[0].tcp.length).toBe(mine.get(`samples/pcap/${f}`)!.tcp.length);
  });

  it('names the link types in the notes', () => {
    expect(mine.get('samples/pcap/any-sll2.pcap')!.notes).toContain('link type Linux cooked v2 (SLL2) (276)');
    expect(mine.get('samples/pcap/any-sll.pcap')!.notes).toContain('link type Linux cooked (SLL) (113)');
    expect(mine.get('samples/pcap/two-sections.pcapng')!.notes).toEqual(expect.arrayContaining(['link type Ethernet (1)', 'link type Linux cooked v2 (SLL2) (276)', 'pcapng with 2 sections']));
  });
});

describe('every other capture under samples/', () => {
  const files = sampleCaptures().filter((f) => !rel(f).startsWith('samples/pcap/'));
  it.each(files.map(rel))('is read without an error: %s', async (name) => {
    const r = await read(path.join(repoRoot, name));
    expect(r.frames).toBeGreaterThan(0);
  });
});

// ---- pcap-parser 0.2.1 as the reference for classic microsecond pcap ----

interface PpPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}
interface PpParser {
  on(ev: 'packet', f: (p: PpPacket) => void): PpParser;
  on(ev: 'end', f: () => void): PpParser;
  on(ev: 'error', f: (e: Error) => void): PpParser;
}
const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(input: NodeJS.ReadableStream): PpParser };

interface Rec {
  t: number;
  caplen: number;
  len: number;
  bytes: number;
}

function viaPcapParser(stream: NodeJS.ReadableStream): Promise<{ recs: Rec[]; error: string | null }> {
  return new Promise((resolve) => {
    const recs: Rec[] = [];
    let error: string | null = null;
    pcapParser
      .parse(stream)
      .on('packet', (p) => {
        const h = p.header;
        recs.push({ t: h.timestampSeconds + h.timestampMicroseconds / 1e6, caplen: h.capturedLength, len: h.originalLength, bytes: p.data.length });
      })
      .on('error', (e) => (error = e.message))
      .on('end', () => resolve({ recs, error }));
  });
}

async function viaOurs(chunks: AsyncIterable<Buffer>): Promise<{ recs: Rec[]; warnings: string[]; error: FaultlineError | null }> {
  const recs: Rec[] = [];
  const diag = new Diagnostics();
  try {
    const sink: RecordSink = {
      t: 0,
      packet: (_b, _off, caplen, origLen) => void recs.push({ t: sink.t, caplen, len: origLen, bytes: caplen }),
      undecodable: () => undefined,
    };
    await readCaptureRecords(chunks, diag, sink);
  } catch (e) {
    if (!(e instanceof FaultlineError)) throw e;
    return { recs, warnings: diag.warnings, error: e };
  }
  return { recs, warnings: diag.warnings, error: null };
}

function streamOf(file: string): NodeJS.ReadableStream {
  return open(file) as unknown as NodeJS.ReadableStream;
}

/** The first bytes of a file, decompressed when it is gzip. */
function head(file: string): Buffer {
  const raw = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(raw) : raw).subarray(0, 24);
}

/** Where pcap-parser and we part ways on purpose, and why. */
const PARSER_DIFFERS: Record<string, string> = {
  // pcap-parser checks `major != 2 && minor != 4`, so a 1.4 file passes; libpcap and Wireshark refuse it, as we do.
  'libpcap__tests_pcap-invalid-version-1.pcap': 'version 1.4',
};

describe('pcap-parser 0.2.1 and our reader agree on every classic microsecond pcap', () => {
  const files = [...sampleCaptures(), ...corpusCaptures()].filter((f) => {
    const h = head(f);
    return h.length >= 24 && classicMagic(h)?.kind === 'pcap';
  });

  it('finds such files', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it.each(files.map((f) => [path.basename(f), f]))('packet for packet on %s', async (name, file) => {
    const ref = await viaPcapParser(streamOf(file));
    const ours = await viaOurs(open(file));
    if (PARSER_DIFFERS[name]) {
      expect(ours.error?.code).toBe('E_BAD_HEADER');
      expect(ref.recs.length).toBeGreaterThan(0);
      return;
    }
    expect(ref.error).toBeNull();
    expect(ours.error).toBeNull();
    expect(ours.recs).toEqual(ref.recs);
  });

  it('both drop a truncated last record, but only ours says so', async () => {
    const whole = readFileSync(path.join(repoRoot, 'samples/pcap/lo-ethernet-usec.pcap'));
    const cut = whole.subarray(0, whole.length - 10);
    const ref = await viaPcapParser(Readable.from([cut]));
    const ours = await viaOurs(Readable.from([cut]));
    expect(ours.recs).toEqual(ref.recs);
    const full = await viaOurs(Readable.from([whole]));
    expect(ours.recs).toHaveLength(full.recs.length - 1);
    expect(ours.warnings).toHaveLength(1);
    expect(ours.warnings[0]).toMatch(/file ends inside packet \d+: .* the partial packet is dropped/);
  });

  it('pcap-parser cannot read nanosecond pcap or pcapng, which ours reads', async () => {
    for (const f of ['lo-ethernet-nsec.pcap', 'lo-ethernet.pcapng']) {
      const file = path.join(repoRoot, 'samples/pcap', f);
      const ref = await viaPcapParser(streamOf(file));
      expect(ref.error).toMatch(/unknown magic number/);
      expect((await viaOurs(open(file))).recs.length).toBeGreaterThan(0);
    }
  });
});
