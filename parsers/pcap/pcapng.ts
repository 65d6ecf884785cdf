/**
 * pcapng: a sequence of blocks, each `type, total length, body, total length`.
 * Sections (SHB) set the byte order and own their interfaces (IDB); packets
 * come in EPB, SPB and the obsolete PB. Every other block is skipped by its
 * length. Because each block repeats its length at its end, a broken block
 * can be stepped over: the reader scans forward for a block whose two length
 * fields agree and whose type makes sense, and goes on from there.
 */
import { FaultlineError, type Diagnostics } from '../../src/model/index.js';
import { WarnBudget } from './budget.js';
import { linktypeName, type RecordSink } from './decode.js';
import type { ContainerReader } from './reader.js';

export const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BOM = 0x1a2b3c4d;
/** Custom blocks (copiable / non-copiable), which may legitimately carry any payload. */
const BT_CUSTOM = 0x00000bad;
const BT_CUSTOM_NC = 0x40000bad;
/** systemd journal export block */
const BT_SJE = 9;

const MIN_BLOCK = 12; /* bytes: type, length, trailer */
const MIN_SHB = 28; /* bytes */
/** libpcap's BT_SHB_INSANE_MAX: an SHB longer than this is a broken length, not options. */
const MAX_SHB = 1024 * 1024; /* bytes */
/** The brief's sanity bound for any block; longer lengths are garbage. */
const ABSURD_BLOCK = 256 * 1024 * 1024; /* bytes */
/** Non-packet blocks up to this are held whole (so their trailer is checked); longer ones are skipped unread. */
const HOLD_LIMIT = 16 * 1024 * 1024; /* bytes */
/** Largest packet believed when the interface's snaplen is 0 or smaller (libpcap's MAXIMUM_SNAPLEN). */
const MAX_SANE_PACKET = 262_144; /* bytes */
/** Room for a packet block's fixed fields and options beyond its packet bytes. */
const PACKET_BLOCK_SLACK = 64 * 1024; /* bytes */
/** How far the reader looks for the next good block after a broken one. */
const RESYNC_WINDOW = 16 * 1024 * 1024; /* bytes */

interface Iface {
  linktype: number;
  snaplen: number;
  /** timestamp units per second (if_tsresol) */
  units: number;
  /** seconds added to every timestamp (if_tsoffset) */
  offset: number;
}

export class PcapngReader implements ContainerReader {
  need = MIN_SHB;
  stopped = false;
  frames = 0;
  sections = 0;
  private le = true;
  private ifaces: Iface[] = [];
  /** the largest snaplen of the section's interfaces (bounds a believable packet block) */
  private maxSnaplen = 0;
  /** the section's major version is unknown: its blocks cannot be trusted and are skipped */
  private skipSection = false;
  private lastT = 0;
  /** resynchronising after a broken block: where the broken block began, or -1 */
  private scanFrom = -1;
  private readonly linktypesSeen = new Set<number>();
  private readonly budget: WarnBudget;

  constructor(
    private readonly sink: RecordSink,
    private readonly diag: Diagnostics,
  ) {
    this.budget = new WarnBudget(diag);
  }

  consume(b: Buffer, p: number, base: number): number {
    const end = b.length;
    for (;;) {
      if (this.scanFrom >= 0) {
        const r = this.scan(b, p, base);
        if (r < 0) return -(r + 1); // not found yet: keep from there
        p = r;
        if (this.stopped || this.scanFrom >= 0) return p;
      }
      if (end - p < 8) {
        this.need = 8;
        return p;
      }
      let type = this.u32(b, p);
      let le = this.le;
      if (type === BT_SHB) {
        if (end - p < 12) {
          this.need = 12;
          return p;
        }
        const bom = b.readUInt32LE(p + 8);
        if (bom === BOM) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          if (this.sections === 0) throw new FaultlineError('E_BAD_HEADER', `pcapng section header has no byte-order magic (0x${bom.toString(16)})`, { byteOffset: base + p + 8 });
          this.broken(base + p, 'section header block without its byte-order magic');
          p += 4;
          continue;
        }
        type = BT_SHB;
      }
      const len = le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4);
      const why = this.badLength(type, len);
      if (why) {
        if (type === BT_SHB && this.sections === 0) throw new FaultlineError('E_BAD_HEADER', `pcapng section header block ${why}`, { byteOffset: base + p + 4 });
        this.broken(base + p, `block of type 0x${type.toString(16)} ${why}`);
        continue;
      }
      if (len > HOLD_LIMIT && !isPacketBlock(type) && type !== BT_SHB && type !== BT_IDB) {
        this.diag.note(`a ${len}-byte block of type 0x${type.toString(16)} was skipped unread`);
        p += len;
        if (p > end) return p;
        continue;
      }
      if (end - p < len) {
        this.need = len;
        return p;
      }
      const trailer = le ? b.readUInt32LE(p + len - 4) : b.readUInt32BE(p + len - 4);
      if (trailer !== len) {
        if (type === BT_SHB && this.sections === 0 && !this.canFollow(b, p + len, le)) {
          throw new FaultlineError('E_BAD_HEADER', `pcapng section header block length ${len} and trailer ${trailer} don't match`, { byteOffset: base + p + 4 });
        }
        this.broken(base + p, `block of type 0x${type.toString(16)} has length ${len} but its trailer says ${trailer}`);
        if (type !== BT_SHB) continue;
        // The section header's byte order is known from its magic even if its length is wrong: keep it, look for the next block.
      }
      if (type === BT_SHB) this.shb(b, p, len, le, base);
      else if (this.skipSection) {
        // blocks of a section we cannot read
      } else if (type === BT_EPB || type === BT_SPB || type === BT_PB) this.packetBlock(type, b, p, len, base);
      else if (type === BT_IDB) this.idb(b, p, len, base);
      else if (type === BT_CUSTOM || type === BT_CUSTOM_NC || type === BT_SJE) {
        // Wireshark lists these blocks as frames of their own; numbering them keeps our frame numbers equal to its.
        this.sink.undecodable(++this.frames, this.lastT, type === BT_SJE ? 'systemd-journal' : 'pcapng-custom-block');
      }
      if (this.scanFrom >= 0) continue; // the SHB's own trailer was bad: resync after it
      p += len;
    }
  }

  eof(rest: Buffer | null, base: number, skipLeft: number): void {
    this.endOfInput(rest, base, skipLeft);
    this.budget.finish();
  }

  private endOfInput(rest: Buffer | null, base: number, skipLeft: number): void {
    if (this.sections === 0) {
      const have = rest ? rest.length : 0;
      throw new FaultlineError('E_BAD_HEADER', `truncated pcapng file: the section header block needs ${Math.max(this.need, MIN_SHB)} bytes, only ${have} present`, { byteOffset: 0 });
    }
    if (skipLeft > 0) {
      this.diag.warn({ byteOffset: base }, `file ends ${skipLeft} bytes short of the end of a skipped block: the capture was cut short`);
      return;
    }
    if (this.scanFrom >= 0) {
      this.diag.warn({ byteOffset: this.scanFrom }, `no intact block found after the broken block at byte ${this.scanFrom}: the rest of the file (to byte ${base + (rest?.length ?? 0)}) is not read`);
      return;
    }
    if (!rest || rest.length === 0) return;
    const next = this.frames + 1;
    const what = rest.length >= 4 ? blockName(this.u32(rest, 0)) : 'a block';
    this.diag.warn(
      { packet: next, byteOffset: base },
      `file ends inside ${what} (${rest.length} of ${rest.length >= 8 ? this.need : 'at least 8'} bytes present): the capture was cut short; the partial block is dropped`,
    );
    // A block length that was itself the damage hides intact blocks after it: look for them in what is left.
    if (rest.length > 12) {
      this.scanFrom = base;
      const r = this.scan(rest, 4, base);
      if (r < 0 || this.stopped) {
        this.scanFrom = -1;
        return;
      }
      const after = this.consume(rest, r, base);
      if (this.stopped) return;
      if (this.scanFrom >= 0) {
        this.scanFrom = -1;
      } else if (after < rest.length) {
        this.eofTail(rest, after, base);
      }
    }
  }

  private eofTail(rest: Buffer, at: number, base: number): void {
    this.diag.warn({ packet: this.frames + 1, byteOffset: base + at }, `file ends inside ${blockName(this.u32(rest, at))}: the capture was cut short`);
  }

  private u32(b: Uint8Array, o: number): number {
    return this.le
      ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
      : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }

  private u16(b: Uint8Array, o: number): number {
    return this.le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  /** Why `len` cannot be the length of a block of `type`, or null when it can. */
  private badLength(type: number, len: number): string | null {
    if (len < MIN_BLOCK) return `has a length of ${len} < ${MIN_BLOCK}`;
    if (len % 4 !== 0) return `has a length of ${len} that is not a multiple of 4`;
    if (len > ABSURD_BLOCK) return `has an absurd length of ${len}`;
    if (type === BT_SHB) {
      if (len < MIN_SHB) return `has a length of ${len} < ${MIN_SHB}`;
      if (len > MAX_SHB) return `has an insane length of ${len} (> ${MAX_SHB})`;
      return null;
    }
    if (!plausibleType(type)) return 'is not a block type pcapng defines';
    if (isPacketBlock(type)) {
      const max = Math.max(this.maxSnaplen, MAX_SANE_PACKET) + PACKET_BLOCK_SLACK;
      if (len > max) return `has a length of ${len}, far beyond any packet this file's interfaces could capture`;
    }
    return null;
  }

  /** Starts looking for the next intact block after a broken one at file offset `at`. */
  private broken(at: number, why: string): void {
    this.diag.warn({ packet: this.frames + 1, byteOffset: at }, `${why}; looking for the next intact block`);
    this.scanFrom = at;
  }

  /**
   * Looks for an intact block from b[p] (file offset base + p) on, a byte at
   * a time past the broken one (inserted garbage need not keep the 4-byte alignment). Returns the block's position; or
   * -(k+1) when it needs more bytes from position k (with `need` set).
   */
  private scan(b: Buffer, p: number, base: number): number {
    const brokeAt = this.scanFrom;
    let q = Math.max(p, brokeAt - base + 1);
    for (;;) {
      if (base + q - brokeAt > RESYNC_WINDOW) {
        this.diag.warn({ byteOffset: brokeAt }, `no intact block within ${RESYNC_WINDOW} bytes after the broken block at byte ${brokeAt}: reading stops; the ${this.frames} packets before it are kept`);
        this.stopped = true;
        this.budget.finish(); // no eof() after a stop
        return q;
      }
      if (b.length - q < 12) {
        this.need = 12;
        return -(q + 1);
      }
      const type = this.u32(b, q);
      let le = this.le;
      if (type === BT_SHB) {
        const bom = b.readUInt32LE(q + 8);
        if (bom === BOM) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          q += 1;
          continue;
        }
      }
      const len = le ? b.readUInt32LE(q + 4) : b.readUInt32BE(q + 4);
      if (this.badLength(type, len) !== null || !isResyncType(type) || len > HOLD_LIMIT) {
        q += 1;
        continue;
      }
      if (b.length - q < len) {
        this.need = len;
        return -(q + 1);
      }
      const trailer = le ? b.readUInt32LE(q + len - 4) : b.readUInt32BE(q + len - 4);
      const ifOk = type !== BT_EPB || this.u32(b, q + 8) < this.ifaces.length;
      if (trailer !== len || !ifOk) {
        q += 1;
        continue;
      }
      this.diag.warn({ packet: this.frames + 1, byteOffset: base + q }, `reading resumes at byte ${base + q} (${base + q - brokeAt} bytes skipped)`);
      this.scanFrom = -1;
      return q;
    }
  }

  /** Whether an intact block starts at b[q] (used to tell a broken SHB trailer from a broken file). */
  private canFollow(b: Buffer, q: number, le: boolean): boolean {
    if (b.length - q < 12) return false;
    const len = le ? b.readUInt32LE(q + 4) : b.readUInt32BE(q + 4);
    return len >= MIN_BLOCK && len % 4 === 0 && b.length - q >= len && (le ? b.readUInt32LE(q + len - 4) : b.readUInt32BE(q + len - 4)) === len;
  }

  private shb(b: Buffer, p: number, len: number, le: boolean, base: number): void {
    this.le = le;
    this.sections++;
    this.ifaces = [];
    this.maxSnaplen = 0;
    const major = this.u16(b, p + 12);
    const minor = this.u16(b, p + 14);
    this.skipSection = false;
    if (major !== 1) {
      this.diag.warn({ byteOffset: base + p + 12 }, `pcapng section ${this.sections} has version ${major}.${minor}, which cannot be read: its blocks are skipped`);
      this.skipSection = true;
    } else if (minor !== 0 && minor !== 2) {
      this.diag.warn({ byteOffset: base + p + 12 }, `pcapng section ${this.sections} has version ${major}.${minor} (expected 1.0); reading it as 1.0`);
    }
    if (this.sections === 1) this.diag.note(`pcapng, ${le ? 'little' : 'big'}-endian`);
    else this.diag.note(`pcapng with ${this.sections} sections`);
    void len;
  }

  private idb(b: Buffer, p: number, len: number, base: number): void {
    if (len < 20) {
      this.budget.warn('short interface description', { byteOffset: base + p }, `interface description block of ${len} bytes is too short; interface ${this.ifaces.length} gets link type 0`);
      this.ifaces.push({ linktype: 0, snaplen: 0, units: 1e6, offset: 0 });
      return;
    }
    const iface: Iface = { linktype: this.u16(b, p + 8), snaplen: this.u32(b, p + 12), units: 1e6, offset: 0 };
    const end = p + len - 4;
    for (let o = p + 16; o + 4 <= end; ) {
      const code = this.u16(b, o);
      const olen = this.u16(b, o + 2);
      if (code === 0) break;
      if (o + 4 + olen > end) {
        this.budget.warn('option overruns its block', { byteOffset: base + o }, `interface option ${code} of ${olen} bytes runs past its block; later options are ignored`);
        break;
      }
      if (code === 9 && olen >= 1) {
        const r = b[o + 4];
        const exp = r & 0x7f;
        // Top bit clear: 10^-exp; set: 2^-exp.
        if (r & 0x80) {
          if (exp > 63) this.diag.warn({ byteOffset: base + o + 4 }, `interface ${this.ifaces.length} timestamp resolution 2^-${exp} is finer than any clock; used anyway`);
          iface.units = 2 ** exp;
        } else {
          if (exp > 19) this.diag.warn({ byteOffset: base + o + 4 }, `interface ${this.ifaces.length} timestamp resolution 10^-${exp} is finer than any clock; used anyway`);
          iface.units = 10 ** exp;
        }
      } else if (code === 14 && olen >= 8) {
        const lo = this.u32(b, o + 4);
        const hi = this.u32(b, o + 8);
        const hiS = hi | 0; // signed
        iface.offset = this.le ? hiS * 4294967296 + lo : (lo | 0) * 4294967296 + hi;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    if (!this.linktypesSeen.has(iface.linktype)) {
      this.linktypesSeen.add(iface.linktype);
      this.diag.note(`link type ${linktypeName(iface.linktype)}`);
    }
    if (iface.units !== 1e6) this.diag.note(`interface ${this.ifaces.length} of section ${this.sections}: timestamps in units of 1/${iface.units} s`);
    this.ifaces.push(iface);
    if (iface.snaplen > this.maxSnaplen) this.maxSnaplen = iface.snaplen;
  }

  private packetBlock(type: number, b: Buffer, p: number, len: number, base: number): void {
    const frame = ++this.frames;
    let ifid: number;
    let caplen: number;
    let origLen: number;
    let data: number;
    let t: number;
    if (type === BT_SPB) {
      ifid = 0;
      if (len < 16) return this.badPacket(frame, base + p, `simple packet block of ${len} bytes is too short`);
      origLen = this.u32(b, p + 8);
      data = p + 12;
      caplen = Math.min(origLen, len - 16);
      const i0 = this.ifaces[0];
      if (i0 && i0.snaplen > 0 && caplen > i0.snaplen) caplen = i0.snaplen;
      // SPBs carry no time: the previous packet's stands in (Wireshark shows none).
      t = this.lastT;
    } else {
      if (len < 32) return this.badPacket(frame, base + p, `${type === BT_EPB ? 'enhanced' : 'obsolete'} packet block of ${len} bytes is too short`);
      ifid = type === BT_EPB ? this.u32(b, p + 8) : this.u16(b, p + 8);
      const hi = this.u32(b, p + 12);
      const lo = this.u32(b, p + 16);
      caplen = this.u32(b, p + 20);
      origLen = this.u32(b, p + 24);
      data = p + 28;
      if (caplen > len - 32) return this.badPacket(frame, base + p, `captured length ${caplen} runs past its ${len}-byte block`);
      const iface = this.ifaces[ifid];
      t = iface ? tsSeconds(hi, lo, iface.units) + iface.offset : 0;
      if (!(Math.abs(t) <= MAX_TIME)) {
        // a 64-bit count in whole seconds (if_tsresol 10^0) can name a time no Date holds: a located warning, never a thrown RangeError later
        this.budget.warn(
          'timestamp out of range',
          { packet: frame, byteOffset: base + p + 12 },
          `timestamp ${t.toExponential(3)} s (interface ${ifid}, units of 1/${iface?.units} s) is beyond any date; the packet is kept with the previous packet's time`,
        );
        t = this.lastT;
      }
      this.lastT = t;
    }
    const iface = this.ifaces[ifid];
    if (!iface) {
      this.budget.warn(
        'packet for an undeclared interface',
        { packet: frame, byteOffset: base + p },
        `packet block for interface ${ifid}, but the section declares ${this.ifaces.length} interface${this.ifaces.length === 1 ? '' : 's'}: not decoded`,
      );
      this.sink.undecodable(frame, t, 'no-interface');
      return;
    }
    if (iface.snaplen > 0 && caplen > iface.snaplen) {
      this.budget.warn('packet larger than the snaplen', { packet: frame, byteOffset: base + p }, `captured length ${caplen} is larger than interface ${ifid}'s snaplen ${iface.snaplen}; kept`);
    }
    this.sink.t = t;
    this.sink.packet(b, data, caplen, origLen, iface.linktype, frame, base + p);
  }

  private badPacket(frame: number, at: number, why: string): void {
    this.budget.warn('broken packet block', { packet: frame, byteOffset: at }, `${why}: not decoded`);
    this.sink.undecodable(frame, this.lastT, 'malformed');
  }
}

/** Seconds from the epoch a JavaScript Date can hold (±100,000,000 days): a time past it is bad data. */
const MAX_TIME = 8.64e12;

/** Integer units up to this are divided exactly by `tsSeconds`' 16-bit long division. */
const EXACT_UNITS_MAX = 2 ** 36;

/**
 * (hi·2^32 + lo) / units as seconds. Nanoseconds since the epoch exceed
 * 2^53, so the 64-bit count is divided in 16-bit steps to keep whole seconds
 * exact; the result is `sec + rest / units`, the same arithmetic as a classic
 * pcap's `sec + frac / 1e9`.
 */
export function tsSeconds(hi: number, lo: number, units: number): number {
  if (units > EXACT_UNITS_MAX || units !== Math.floor(units)) return (hi * 4294967296 + lo) / units;
  const qHi = Math.floor(hi / units);
  const rHi = hi - qHi * units;
  const x = rHi * 65536 + (lo >>> 16);
  const q1 = Math.floor(x / units);
  const y = (x - q1 * units) * 65536 + (lo & 0xffff);
  const q2 = Math.floor(y / units);
  return qHi * 4294967296 + q1 * 65536 + q2 + (y - q2 * units) / units;
}

function isPacketBlock(type: number): boolean {
  return type === BT_EPB || type === BT_SPB || type === BT_PB;
}

/**
 * Block types a sane writer produces: the standard ones (1..10 and a few
 * reserved neighbours), custom blocks, and the local-use range (0x8000xxxx,
 * e.g. Apple's process information). A random 32-bit word almost never is one.
 */
function plausibleType(type: number): boolean {
  return type <= 0x20 || type === BT_CUSTOM || type === BT_CUSTOM_NC || (type >>> 16) === 0x8000;
}

/** Types trusted enough to restart on after damage: the ones every writer emits. */
function isResyncType(type: number): boolean {
  return type === BT_SHB || (type >= 1 && type <= 6);
}

function blockName(type: number): string {
  switch (type) {
    case BT_SHB:
      return 'a section header block';
    case BT_IDB:
      return 'an interface description block';
    case BT_EPB:
      return 'an enhanced packet block';
    case BT_SPB:
      return 'a simple packet block';
    case BT_PB:
      return 'a packet block';
    default:
      return `a block of type 0x${type.toString(16)}`;
  }
}
