/**
 * Classic libpcap files: a 24-byte file header, then records of a 16-byte
 * header and the captured bytes. Both byte orders, microsecond and
 * nanosecond magic, and Kuznetzov's "modified" variant (24-byte record
 * headers, what old Red Hat tcpdump wrote).
 *
 * A record cannot be found again once one record length is wrong — the
 * format has no markers — so an absurd length stops the reader with a
 * warning instead of reading what follows as packets.
 */
import { FaultlineError, type Diagnostics } from '../../src/model/index.js';
import { WarnBudget } from './budget.js';
import { linktypeName, type RecordSink } from './decode.js';
import type { ContainerReader } from './reader.js';

const FILE_HEADER = 24; /* bytes */
const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
/** Alexey Kuznetzov's patched libpcap: the record header carries ifindex, protocol and packet type too */
const MAGIC_MODIFIED = 0xa1b2cd34;
/** Other magics that are pcap relatives we do not read: named so the error says what the file is. */
const OTHER_MAGICS: Record<number, string> = {
  0xa12b3c4d: 'Navtel capture',
  0x1c0001ac: 'IXIA hardware capture',
  0x1c0001ab: 'IXIA software capture',
};

/**
 * The largest record libpcap accepts for most link types (MAXIMUM_SNAPLEN).
 * A record longer than this and than the file's snaplen is not a packet but a
 * broken length.
 */
const MAX_SANE_RECORD = 262_144; /* bytes */
/** Beyond this nothing is believed, whatever the header's snaplen says. */
const ABSURD_RECORD = 256 * 1024 * 1024; /* bytes */

export type ClassicMagic = 'pcap' | 'pcap-ns' | 'pcap-modified';

/** Which classic magic `head` starts with, and its byte order; null when none. */
export function classicMagic(head: Uint8Array): { kind: ClassicMagic; le: boolean } | null {
  if (head.length < 4) return null;
  const be = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  const le = (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0;
  for (const [m, kind] of [
    [MAGIC_USEC, 'pcap'],
    [MAGIC_NSEC, 'pcap-ns'],
    [MAGIC_MODIFIED, 'pcap-modified'],
  ] as const) {
    if (be === m) return { kind, le: false };
    if (le === m) return { kind, le: true };
  }
  return null;
}

export function otherPcapMagic(head: Uint8Array): string | null {
  if (head.length < 4) return null;
  const be = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  const le = (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0;
  return OTHER_MAGICS[be] ?? OTHER_MAGICS[le] ?? null;
}

export class ClassicReader implements ContainerReader {
  need = FILE_HEADER;
  stopped = false;
  frames = 0;
  private headerDone = false;
  private le = true;
  private fracDiv = 1e6;
  private fracMax = 1e6;
  private recHdr = 16;
  private linktype = 1;
  private snaplen = 0;
  private maxRecord = MAX_SANE_RECORD;
  private readonly budget: WarnBudget;

  constructor(
    private readonly sink: RecordSink,
    private readonly diag: Diagnostics,
  ) {
    this.budget = new WarnBudget(diag);
  }

  consume(b: Buffer, p: number, base: number): number {
    if (!this.headerDone) {
      if (b.length - p < FILE_HEADER) {
        this.need = FILE_HEADER;
        return p;
      }
      this.header(b, p);
      p += FILE_HEADER;
    }
    const sink = this.sink;
    const end = b.length;
    const hdr = this.recHdr;
    const lt = this.linktype;
    const le = this.le;
    const div = this.fracDiv;
    for (;;) {
      if (end - p < hdr) {
        this.need = hdr;
        return p;
      }
      let sec: number, frac: number, caplen: number, len: number;
      if (le) {
        sec = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
        frac = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)) >>> 0;
        caplen = (b[p + 8] | (b[p + 9] << 8) | (b[p + 10] << 16) | (b[p + 11] << 24)) >>> 0;
        len = (b[p + 12] | (b[p + 13] << 8) | (b[p + 14] << 16) | (b[p + 15] << 24)) >>> 0;
      } else {
        sec = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
        frac = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
        caplen = ((b[p + 8] << 24) | (b[p + 9] << 16) | (b[p + 10] << 8) | b[p + 11]) >>> 0;
        len = ((b[p + 12] << 24) | (b[p + 13] << 16) | (b[p + 14] << 8) | b[p + 15]) >>> 0;
      }
      if (caplen > this.maxRecord) {
        this.corrupt(caplen, base + p);
        return p;
      }
      if (end - p - hdr < caplen) {
        this.need = hdr + caplen;
        return p;
      }
      const frame = ++this.frames;
      if (caplen > this.snaplen || frac >= this.fracMax) this.oddRecord(caplen, frac, frame, base + p);
      sink.t = sec + frac / div;
      sink.packet(b, p + hdr, caplen, len, lt, frame, base + p);
      p += hdr + caplen;
    }
  }

  eof(rest: Buffer | null, base: number): void {
    if (!this.headerDone) {
      const have = rest ? rest.length : 0;
      throw new FaultlineError('E_BAD_HEADER', `truncated pcap file header: ${have} of ${FILE_HEADER} bytes`, { byteOffset: 0 });
    }
    this.endOfInput(rest, base);
    this.budget.finish();
  }

  private endOfInput(rest: Buffer | null, base: number): void {
    if (!rest || rest.length === 0) return;
    const next = this.frames + 1;
    if (rest.length < this.recHdr) {
      this.diag.warn({ packet: next, byteOffset: base }, `file ends inside the header of packet ${next} (${rest.length} of ${this.recHdr} bytes): the capture was cut short`);
    } else {
      this.diag.warn(
        { packet: next, byteOffset: base },
        `file ends inside packet ${next}: its record needs ${this.need - this.recHdr} captured bytes, only ${rest.length - this.recHdr} are present; the partial packet is dropped`,
      );
    }
  }

  private header(b: Buffer, p: number): void {
    const m = classicMagic(b.subarray(p, p + 4));
    if (!m) throw new FaultlineError('E_BAD_HEADER', 'not a pcap file: unknown magic number', { byteOffset: p });
    this.le = m.le;
    const u16 = (o: number): number => (m.le ? b[p + o] | (b[p + o + 1] << 8) : (b[p + o] << 8) | b[p + o + 1]);
    const u32 = (o: number): number => (m.le ? b.readUInt32LE(p + o) : b.readUInt32BE(p + o));
    const major = u16(4);
    const minor = u16(6);
    if (major !== 2) {
      // Version 1 files had another record layout; libpcap and Wireshark both refuse them.
      throw new FaultlineError('E_BAD_HEADER', `unsupported pcap version ${major}.${minor} (only 2.x is read)`, { byteOffset: p + 4 });
    }
    if (minor !== 4) this.diag.warn({ byteOffset: p + 6 }, `pcap version 2.${minor} (expected 2.4); reading it as 2.4`);
    this.snaplen = u32(16);
    const ltField = u32(20);
    this.linktype = ltField & 0xffff;
    if (ltField & 0x03ff0000) {
      this.diag.warn({ byteOffset: p + 20 }, `link type field 0x${ltField.toString(16)} has reserved bits set; reading link type ${this.linktype}`);
    }
    if (ltField & 0x04000000) this.diag.note(`frames end with a ${(ltField >>> 28) * 2}-byte FCS`);
    if (m.kind === 'pcap-ns') {
      this.fracDiv = 1e9;
      this.fracMax = 1e9;
    }
    if (m.kind === 'pcap-modified') this.recHdr = 24;
    // libpcap treats a zero or oversized snaplen as "no limit"; records up to MAX_SANE_RECORD stay believable either way.
    if (this.snaplen === 0) this.snaplen = MAX_SANE_RECORD;
    this.maxRecord = Math.min(ABSURD_RECORD, Math.max(this.snaplen, MAX_SANE_RECORD));
    const what = m.kind === 'pcap-ns' ? 'nanosecond' : m.kind === 'pcap-modified' ? 'modified (Kuznetzov)' : 'microsecond';
    this.diag.note(`pcap ${major}.${minor}, ${m.le ? 'little' : 'big'}-endian, ${what} timestamps, snaplen ${this.snaplen}`);
    this.diag.note(`link type ${linktypeName(this.linktype)}`);
    this.headerDone = true;
  }

  private oddRecord(caplen: number, frac: number, frame: number, at: number): void {
    if (caplen > this.snaplen) {
      this.budget.warn('packet larger than the snaplen', { packet: frame, byteOffset: at }, `captured length ${caplen} is larger than the file's snaplen ${this.snaplen}; kept`);
    }
    if (frac >= this.fracMax) {
      this.budget.warn(
        'sub-second timestamp out of range',
        { packet: frame, byteOffset: at },
        `timestamp fraction ${frac} is not below ${this.fracMax}; the time is off by ${Math.floor(frac / this.fracMax)} s or more`,
      );
    }
  }

  private corrupt(caplen: number, at: number): void {
    const next = this.frames + 1;
    this.diag.warn(
      { packet: next, byteOffset: at },
      `record length ${caplen} of packet ${next} is absurd (snaplen ${this.snaplen}): the file is corrupt from here; reading stops, the ${this.frames} packets before it are kept`,
    );
    this.stopped = true;
    this.budget.finish(); // no eof() after a stop
  }
}
