/**
 * Every capture of the public corpus is read without a crash and within
 * seconds; the malformed ones give warnings (or, when the file header itself
 * is unreadable, E_BAD_HEADER), as libpcap's expected errors in SOURCES.md
 * say; and where tshark reads a file, our frame numbers and TCP lengths are
 * its own.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCapture } from '../../parsers/pcap/index.js';
import { Diagnostics, FaultlineError } from '../../src/model/index.js';
import { corpusCaptures, hasCorpus, open, repoRoot, tcpDigest, tsharkBaselines, type TsharkBaseline } from '../fixtures/pcap/files.js';

const BASELINE = path.join(repoRoot, 'test/fixtures/pcap/tshark-corpus.json');

/** Reading any corpus file takes far less; this catches a quadratic loop or a hang. */
const MAX_READ_TIME = 3; /* s */

interface Mine {
  error: FaultlineError | null;
  frames: number;
  tcp: string[];
  times: number[];
  warnings: string[];
  seconds: number;
}

async function readMine(file: string): Promise<Mine> {
  const diag = new Diagnostics();
  const tcp: string[] = [];
  const times: number[] = [];
  const start = performance.now();
  let frames = 0;
  let error: FaultlineError | null = null;
  try {
    const s = await parseCapture(open(file), { path: file, diag }, (e) => {
      if (e.kind === 'tcp') {
        tcp.push(`${e.seg.frame}\t${e.seg.payloadLen}`);
        times[e.seg.frame - 1] = e.seg.t;
      } else times[e.frame.frame - 1] = e.frame.t;
    });
    frames = s.events;
  } catch (e) {
    if (!(e instanceof FaultlineError)) throw e;
    error = e;
  }
  return { error, frames, tcp, times, warnings: diag.warnings, seconds: (performance.now() - start) / 1000 };
}

/**
 * Files whose header cannot be read at all: E_BAD_HEADER (the pipeline's
 * exit code 2), as libpcap refuses them too (SOURCES.md quotes its errors).
 */
const UNREADABLE: Record<string, RegExp> = {
  'libpcap-pr1704__tests_pcap-truncated-hdr-23.pcap': /truncated pcap file header: 23 of 24 bytes/, // libpcap: truncated dump file; tried to read 24 file header bytes
  'libpcap-pr1704__tests_pcapng-truncated-shb.pcapng': /truncated pcapng file/, // libpcap: tried to read 16 bytes, only got 4
  'libpcap-pr1704__tests_pcapng-shb-len-insane.pcapng': /insane length of 2097152/, // libpcap: BT_SHB_INSANE_MAX
  'libpcap__tests_pcap-invalid-version-1.pcap': /unsupported pcap version 1\.4/, // libpcap: unsupported pcap savefile version 1.4
  'libpcap__tests_shb-option-too-long.pcapng': /length 52 and trailer 808464432 don't match/, // libpcap: header 32 (sic) and trailer 808464432 don't match
  'pcap2har__tests_empty.pcap': /truncated capture: 0 bytes/, // libpcap: tried to read 4 file header bytes, only got 0
};

/** Malformed files we read with a warning where libpcap refuses them (or reads them silently). */
const WARNS: Record<string, RegExp> = {
  'libpcap-pr1704__tests_pcapng-block-len-not-mult4.pcapng': /length of 21 that is not a multiple of 4/,
  'libpcap-pr1704__tests_pcapng-block-len-too-small.pcapng': /length of 4 < 12/,
  'libpcap-pr1704__tests_pcapng-packet-before-idb.pcapng': /declares 0 interfaces/,
  'libpcap-pr1704__tests_pcapng-idb-tsresol-bin-high.pcapng': /resolution 2\^-72/,
  'libpcap__tests_linktype-reserved-field-not-zero.pcap': /reserved bits set/,
  'libpcap__tests_pcap-invalid-version-2.pcap': /version 2\.5/,
  'libpcap__tests_pcapng-invalid-vers-1.pcapng': /version 0\.1, which cannot be read/,
  'libpcap__tests_pcapng-invalid-vers-2.pcapng': /version 1\.1 \(expected 1\.0\)/,
  'suricata-verify__tests_bug-6875-01_fuzz.pcap': /record length 1409179648 of packet 2 is absurd/,
  'tcpdump__tests_bad-ipv4-version-pgm-heapoverflow.pcap': /IP version 6 where IPv4 was expected/,
  'tcpdump__tests_timestamp_invalid_nano.pcap': /timestamp fraction 1000000000 is not below 1000000000/,
  'zeek__testing_btest_Traces_trunc_trunc-hdr.pcap': /frame cut inside the Ethernet header/,
};

/**
 * Where tshark reads a file differently, and why. tshark refusing a file is
 * not listed: its error is checked instead.
 */
const TSHARK_DIFFERS: Record<string, string> = {
  // Wireshark guesses among pcap variants by sanity-checking the first records and reads one more
  // frame before failing; libpcap reads 1 packet and stops at the absurd length, as we do.
  'suricata-verify__tests_bug-6875-01_fuzz.pcap': 'tshark 2 frames, libpcap and we 1',
  // tshark opens these as a "MIME file" with one malformed record; they are not pcapng to anyone else.
  'libpcap-pr1704__tests_pcapng-shb-len-insane.pcapng': 'tshark: 1 MIME record; libpcap and we: bad header',
  'libpcap-pr1704__tests_pcapng-truncated-shb.pcapng': 'tshark: 1 MIME record; libpcap and we: bad header',
};

describe.skipIf(!hasCorpus)('the public capture corpus', () => {
  const files = corpusCaptures();
  const mine = new Map<string, Mine>();
  let theirs = new Map<string, TsharkBaseline | null>();

  beforeAll(async () => {
    for (const f of files) mine.set(path.basename(f), await readMine(f));
    theirs = await tsharkBaselines(files, BASELINE, (f) => path.basename(f));
  }, 120_000);

  it('holds the captures SOURCES.md lists', () => {
    expect(files.length).toBeGreaterThanOrEqual(80);
  });

  it.each(files.map((f) => path.basename(f)))('reads %s', (name) => {
    const m = mine.get(name)!;
    expect(m.seconds).toBeLessThan(MAX_READ_TIME);
    if (UNREADABLE[name]) {
      expect(m.error?.code).toBe('E_BAD_HEADER');
      expect(m.error?.message).toMatch(UNREADABLE[name]);
      return;
    }
    expect(m.error).toBeNull();
    if (WARNS[name]) expect(m.warnings.join('\n')).toMatch(WARNS[name]);
    else expect(m.warnings).toEqual([]);

    const t = theirs.get(name);
    if (!t || TSHARK_DIFFERS[name]) return;
    if (t.error) {
      // tshark refuses the file: we read it (with the warning above) or find nothing in it.
      expect(WARNS[name] ?? UNREADABLE[name]).toBeDefined();
      return;
    }
    expect(m.frames).toBe(t.frames);
    expect(m.tcp.length).toBe(t.tcpCount);
    expect(tcpDigest(m.tcp), 'the (frame, tcp.len) lists differ').toBe(t.tcpSha1);
    // Wireshark 4.0 places out-of-range sub-second fields differently from libpcap; skip that file.
    if (name === 'tcpdump__tests_timestamp_invalid_nano.pcap') return;
    for (const [i, tt] of t.times) {
      // Simple packet and custom blocks have no time: tshark shows 0, we carry the previous packet's.
      if (tt === 0) continue;
      expect(Math.abs(m.times[i] - tt), `frame ${i + 1} time`).toBeLessThan(1e-6);
    }
  });
});
