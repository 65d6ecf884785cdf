/**
 * Frame decoding: link layer → IPv4/IPv6 → TCP, straight off the reader's
 * buffer. Every layer checks its bounds before it reads; a frame cut short
 * (by a snaplen or a broken writer) is flagged with a warning and counted as
 * `other`, never thrown. This is the hot path: no per-packet closures,
 * no copies, address strings from a cache, and no object per frame but the
 * payload's view: one event, segment and frame object per decoder, refilled
 * for each frame — what `emit` gets is valid only during the call.
 */
import type { CaptureEvent, Diagnostics, OtherFrame, TcpSegment, UdpDatagram } from '../../src/model/index.js';
import { AddressCache } from './addr.js';
import { WarnBudget } from './budget.js';
import { Defragmenter } from './defrag.js';

/**
 * What the container readers (classic pcap, pcapng) hand over for each
 * packet record. The bytes are `b[off, off + caplen)`; they are only valid
 * during the call.
 */
export interface RecordSink {
  /**
   * The time of the record the next `packet` call hands over, in seconds: written by the reader
   * just before that call instead of passed as an argument, because a double passed to a call
   * that is not inlined is boxed (a 16-byte heap number per packet: 15 MB of garbage on the 800
   * MB capture), where a store into a number field is not.
   */
  t: number;
  packet(b: Uint8Array, off: number, caplen: number, origLen: number, linktype: number, frame: number, byteOffset: number): void;
  /** a packet record that cannot be decoded at all (no interface for it); it still takes a frame number */
  undecodable(frame: number, t: number, what: string): void;
}

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
/** DLT_RAW's value on most systems (12) and on OpenBSD (14): old writers put the DLT in the file. */
export const LINKTYPE_DLT_RAW = 12;
export const LINKTYPE_DLT_RAW_OPENBSD = 14;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const LINKTYPE_NAMES: Record<number, string> = {
  [LINKTYPE_NULL]: 'BSD loopback (NULL)',
  [LINKTYPE_ETHERNET]: 'Ethernet',
  [LINKTYPE_RAW]: 'raw IP',
  [LINKTYPE_DLT_RAW]: 'raw IP',
  [LINKTYPE_DLT_RAW_OPENBSD]: 'raw IP',
  [LINKTYPE_LOOP]: 'OpenBSD loopback (LOOP)',
  [LINKTYPE_LINUX_SLL]: 'Linux cooked (SLL)',
  [LINKTYPE_IPV4]: 'raw IPv4',
  [LINKTYPE_IPV6]: 'raw IPv6',
  [LINKTYPE_LINUX_SLL2]: 'Linux cooked v2 (SLL2)',
};

export function linktypeName(lt: number): string {
  return `${LINKTYPE_NAMES[lt] ?? 'link type'} (${lt})`;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_VLAN = 0x8100;
/** 802.1ad service tag (QinQ outer) and the two pre-standard QinQ values still seen in the wild */
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD1 = 0x9100;
const ETHERTYPE_QINQ_OLD2 = 0x9200;
/** Below this an Ethernet type field is an 802.3 length (LLC follows). */
const ETHERTYPE_MIN = 0x0600;
/** More stacked tags than this is garbage, not a network. */
const MAX_VLAN_TAGS = 4;
/** IPv6 extension headers followed before we call the chain garbage. */
const MAX_EXT_HEADERS = 16;

/** BSD address families for IPv6 differ by OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
const AF_INET = 2;
const AF_INET6_LINUX = 10;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

const IPPROTO_HOPOPTS = 0;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_ROUTING = 43;
const IPPROTO_FRAGMENT = 44;
const IPPROTO_AH = 51;
const IPPROTO_NONE = 59;
const IPPROTO_DSTOPTS = 60;
const IPPROTO_MOBILITY = 135;
const IPPROTO_HIP = 139;
const IPPROTO_SHIM6 = 140;

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 2: 'igmp', 17: 'udp', 47: 'gre', 50: 'esp', 58: 'ipv6-icmp', 132: 'sctp' };

const EMPTY: Uint8Array = new Uint8Array(0);

/** Counts and facts the decoder gathers for the input's notes. */
export interface DecodeStats {
  tcp: number;
  other: number;
  /** frames whose captured bytes stop before their on-wire length */
  snaplenCut: number;
}

export class FrameDecoder implements RecordSink {
  readonly stats: DecodeStats = { tcp: 0, other: 0, snaplenCut: 0 };
  /** the earliest and latest packet time (merged or multi-interface captures are not always in time order); kept as numbers, so a store boxes nothing */
  private lo = Infinity;
  private hi = -Infinity;
  private readonly addr = new AddressCache();
  private readonly defrag = new Defragmenter();
  private readonly budget: WarnBudget;
  private readonly warnedLinktypes = new Set<number>();
  private readonly whatCache = new Map<number, string>();
  // The frame being decoded: fields rather than arguments keep the layer methods' signatures short.
  private frame = 0;
  /** the frame's time: set by the reader before each packet() (RecordSink.t) */
  t = 0;
  private byteOffset = 0;
  /** refilled and emitted for every TCP frame (and `otherEvent` for the rest): valid only during emit */
  private readonly seg = new ReusedSegment();
  private readonly tcpEvent: CaptureEvent = { kind: 'tcp', seg: this.seg };
  private readonly otherFrame: OtherFrame = { frame: 0, t: 0, what: '' };
  private readonly otherEvent: CaptureEvent = { kind: 'other', frame: this.otherFrame };
  private readonly dgram: UdpDatagram = { frame: 0, t: 0, byteOffset: 0, ipVersion: 4, src: '', dst: '', srcPort: 0, dstPort: 0, payload: EMPTY, payloadLen: 0 };
  private readonly udpEvent: CaptureEvent = { kind: 'udp', frame: this.otherFrame, dgram: this.dgram };

  constructor(
    private readonly emit: (e: CaptureEvent) => void,
    private readonly diag: Diagnostics,
  ) {
    this.budget = new WarnBudget(diag);
  }

  get firstT(): number | null {
    return this.lo <= this.hi ? this.lo : null;
  }

  get lastT(): number | null {
    return this.lo <= this.hi ? this.hi : null;
  }

  packet(b: Uint8Array, off: number, caplen: number, origLen: number, lt: number, frame: number, byteOffset: number): void {
    this.frame = frame;
    const t = this.t;
    this.byteOffset = byteOffset;
    if (t < this.lo) this.lo = t;
    if (t > this.hi) this.hi = t;
    if (caplen < origLen) this.stats.snaplenCut++;
    // A broken writer can claim fewer bytes on the wire than it captured; trust what is there.
    const wire = origLen < caplen ? caplen : origLen;
    switch (lt) {
      case LINKTYPE_ETHERNET:
        this.ethernet(b, off, caplen, wire);
        return;
      case LINKTYPE_LINUX_SLL:
        if (caplen < 16) return this.truncated('Linux cooked (SLL) header', caplen, 16);
        this.ethertype((b[off + 14] << 8) | b[off + 15], b, off + 16, caplen - 16, wire - 16);
        return;
      case LINKTYPE_LINUX_SLL2:
        if (caplen < 20) return this.truncated('Linux cooked v2 (SLL2) header', caplen, 20);
        this.ethertype((b[off] << 8) | b[off + 1], b, off + 20, caplen - 20, wire - 20);
        return;
      case LINKTYPE_RAW:
      case LINKTYPE_DLT_RAW:
      case LINKTYPE_DLT_RAW_OPENBSD:
        if (caplen < 1) return this.truncated('IP header', caplen, 1);
        this.rawIp(b, off, caplen, wire);
        return;
      case LINKTYPE_IPV4:
        this.ipv4(b, off, caplen, wire);
        return;
      case LINKTYPE_IPV6:
        this.ipv6(b, off, caplen, wire);
        return;
      case LINKTYPE_NULL:
      case LINKTYPE_LOOP: {
        if (caplen < 4) return this.truncated('loopback header', caplen, 4);
        // NULL carries the family in the capturing host's byte order, LOOP in network order.
        let af = lt === LINKTYPE_LOOP ? ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0 : b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24);
        if (lt === LINKTYPE_NULL && (af & 0xffff0000) !== 0) af = ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
        if (af === AF_INET) this.ipv4(b, off + 4, caplen - 4, wire - 4);
        else if (af === AF_INET6_BSD || af === AF_INET6_FREEBSD || af === AF_INET6_DARWIN || af === AF_INET6_LINUX) this.ipv6(b, off + 4, caplen - 4, wire - 4);
        else this.other(this.whatFor(0x20000, 'af-', af & 0xffff));
        return;
      }
      default:
        if (!this.warnedLinktypes.has(lt)) {
          this.warnedLinktypes.add(lt);
          this.diag.warn({ packet: frame, byteOffset }, `link type ${lt} is not decoded: its frames are counted and skipped`);
        }
        this.other(this.whatFor(0x10000, 'linktype-', lt));
    }
  }

  undecodable(frame: number, t: number, what: string): void {
    this.frame = frame;
    this.t = t;
    this.other(what);
  }

  /** Warnings that were only counted, and reassembly left-overs, as summary lines. */
  finish(): void {
    this.budget.finish();
    const d = this.defrag.stats;
    if (d.reassembled) this.diag.note(`${d.reassembled} fragmented IP datagrams reassembled`);
    const lost = d.dropped + this.defrag.waiting;
    if (lost) this.diag.warn({}, `${lost} fragmented IP datagrams could not be reassembled (pieces missing or cut by the snaplen); their fragments are counted as 'fragment'`);
  }

  private ethernet(b: Uint8Array, o: number, avail: number, wire: number): void {
    if (avail < 14) return this.truncated('Ethernet header', avail, 14);
    let type = (b[o + 12] << 8) | b[o + 13];
    let p = o + 14;
    let tags = 0;
    while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD1 || type === ETHERTYPE_QINQ_OLD2) {
      if (++tags > MAX_VLAN_TAGS) return this.bad('vlan', `more than ${MAX_VLAN_TAGS} VLAN tags`);
      if (p + 4 > o + avail) return this.truncated('VLAN tag', avail, p + 4 - o);
      type = (b[p + 2] << 8) | b[p + 3];
      p += 4;
    }
    const hdr = p - o;
    this.ethertype(type, b, p, avail - hdr, wire - hdr);
  }

  private ethertype(type: number, b: Uint8Array, o: number, avail: number, wire: number): void {
    if (type === ETHERTYPE_IPV4) this.ipv4(b, o, avail, wire);
    else if (type === ETHERTYPE_IPV6) this.ipv6(b, o, avail, wire);
    else if (type === ETHERTYPE_ARP) this.other('arp');
    else if (type < ETHERTYPE_MIN) this.other('llc');
    else this.other(this.whatFor(0, 'ethertype-0x', type));
  }

  private rawIp(b: Uint8Array, o: number, avail: number, wire: number): void {
    const v = b[o] >> 4;
    if (v === 4) this.ipv4(b, o, avail, wire);
    else if (v === 6) this.ipv6(b, o, avail, wire);
    else this.bad('ip-version', `IP version ${v} in a raw IP frame`);
  }

  private ipv4(b: Uint8Array, o: number, avail: number, wire: number): void {
    if (avail < 20) return this.truncated('IPv4 header', avail, 20);
    const vihl = b[o];
    if (vihl >> 4 !== 4) return this.bad('ip-version', `IP version ${vihl >> 4} where IPv4 was expected`);
    const ihl = (vihl & 15) * 4;
    if (ihl < 20) return this.bad('ipv4-header', `IPv4 header length ${ihl} < 20`);
    if (avail < ihl) return this.truncated('IPv4 options', avail, ihl);
    const total = (b[o + 2] << 8) | b[o + 3];
    let len = total;
    if (total === 0) {
      // Segmentation offload: the stack hands the capture one large frame with a zero length.
      len = wire;
    } else if (total < ihl) {
      return this.bad('ipv4-header', `IPv4 total length ${total} shorter than its header (${ihl})`);
    } else if (total > wire) {
      this.budget.warn('IPv4 length beyond the frame', this.loc(), `IPv4 total length ${total} exceeds the ${wire} bytes on the wire; using the frame's length`);
      len = wire;
    }
    const proto = b[o + 9];
    const src = this.addr.v4At(b, o + 12);
    const dst = this.addr.v4At(b, o + 16);
    const frag = (b[o + 6] << 8) | b[o + 7];
    const capEnd = avail < len ? avail : len;
    if ((frag & 0x3fff) !== 0) {
      const more = (frag & 0x2000) !== 0;
      const fragOff = (frag & 0x1fff) * 8;
      if (capEnd < len) return this.other('fragment'); // cut by the snaplen: cannot be rebuilt
      const id = (b[o + 4] << 8) | b[o + 5];
      const whole = this.defrag.add(`4 ${src} ${dst} ${proto} ${id}`, fragOff, more, sub(b, o + ihl, len - ihl), this.t);
      if (whole === null) return this.other('fragment');
      this.transport(proto, whole, 0, whole.length, whole.length, 4, src, dst);
      return;
    }
    this.transport(proto, b, o + ihl, capEnd - ihl, len - ihl, 4, src, dst);
  }

  private ipv6(b: Uint8Array, o: number, avail: number, wire: number): void {
    if (avail < 40) return this.truncated('IPv6 header', avail, 40);
    if (b[o] >> 4 !== 6) return this.bad('ip-version', `IP version ${b[o] >> 4} where IPv6 was expected`);
    const plen = (b[o + 4] << 8) | b[o + 5];
    let len = 40 + plen;
    if (plen === 0) {
      // Jumbogram or segmentation offload: the frame says how long it is.
      len = wire;
    } else if (len > wire) {
      this.budget.warn('IPv6 length beyond the frame', this.loc(), `IPv6 payload length ${plen} exceeds the ${wire - 40} bytes on the wire; using the frame's length`);
      len = wire;
    }
    const src = this.addr.v6At(b, o + 8);
    const dst = this.addr.v6At(b, o + 24);
    const capEnd = avail < len ? avail : len;
    this.ipv6Chain(b[o + 6], b, o + 40, o + capEnd, o + len, src, dst, false);
  }

  /** Walks extension headers from b[p] (captured up to capEnd, on the wire up to wireEnd). */
  private ipv6Chain(nh: number, b: Uint8Array, p: number, capEnd: number, wireEnd: number, src: string, dst: string, reassembled: boolean): void {
    for (let n = 0; n < MAX_EXT_HEADERS; n++) {
      switch (nh) {
        case IPPROTO_HOPOPTS:
        case IPPROTO_ROUTING:
        case IPPROTO_DSTOPTS:
        case IPPROTO_MOBILITY:
        case IPPROTO_HIP:
        case IPPROTO_SHIM6:
        case IPPROTO_AH: {
          if (p + 2 > capEnd) return this.truncated('IPv6 extension header', capEnd - p, 2);
          const hl = nh === IPPROTO_AH ? (b[p + 1] + 2) * 4 : (b[p + 1] + 1) * 8;
          if (p + hl > wireEnd) return this.bad('ipv6-ext', `IPv6 extension header (${nh}) of ${hl} bytes runs past the packet`);
          if (p + hl > capEnd) return this.truncated('IPv6 extension header', capEnd - p, hl);
          nh = b[p];
          p += hl;
          continue;
        }
        case IPPROTO_FRAGMENT: {
          if (p + 8 > capEnd) return this.truncated('IPv6 fragment header', capEnd - p, 8);
          const next = b[p];
          const offField = (b[p + 2] << 8) | b[p + 3];
          const fragOff = offField & 0xfff8;
          const more = (offField & 1) !== 0;
          const id = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
          p += 8;
          if (fragOff === 0 && !more) {
            // Atomic fragment (RFC 6946): a whole datagram that only carries the header.
            nh = next;
            continue;
          }
          if (reassembled) return this.bad('ipv6-ext', 'a fragment header inside a reassembled IPv6 datagram');
          if (capEnd < wireEnd) return this.other('fragment');
          const whole = this.defrag.add(`6 ${src} ${dst} ${id}`, fragOff, more, sub(b, p, wireEnd - p), this.t);
          if (whole === null) return this.other('fragment');
          this.ipv6Chain(next, whole, 0, whole.length, whole.length, src, dst, true);
          return;
        }
        case IPPROTO_NONE:
          return this.other('ipv6-no-next-header');
        default:
          this.transport(nh, b, p, capEnd - p, wireEnd - p, 6, src, dst);
          return;
      }
    }
    this.bad('ipv6-ext', `more than ${MAX_EXT_HEADERS} IPv6 extension headers`);
  }

  private transport(proto: number, b: Uint8Array, o: number, avail: number, wire: number, ipVersion: 4 | 6, src: string, dst: string): void {
    if (proto === IPPROTO_UDP && avail >= 8 && wire >= 8) {
      this.udp(b, o, avail, wire, ipVersion, src, dst);
      return;
    }
    if (proto !== IPPROTO_TCP) {
      this.other(PROTO_NAMES[proto] ?? this.whatFor(0x30000, 'ip-proto-', proto));
      return;
    }
    if (avail < 20) {
      if (wire < 20) return this.bad('tcp-header', `TCP segment of ${wire} bytes is shorter than a TCP header`);
      return this.truncated('TCP header', avail, 20);
    }
    const doff = (b[o + 12] >> 4) * 4;
    if (doff < 20 || doff > wire) return this.bad('tcp-header', `TCP data offset ${doff} outside 20..${wire}`);
    // Options cut by the snaplen leave the payload empty; its on-wire length still counts.
    const capPay = avail - doff;
    const seg = this.seg;
    seg.frame = this.frame;
    seg.t = this.t;
    seg.byteOffset = this.byteOffset;
    seg.ipVersion = ipVersion;
    seg.src = src;
    seg.dst = dst;
    seg.srcPort = (b[o] << 8) | b[o + 1];
    seg.dstPort = (b[o + 2] << 8) | b[o + 3];
    seg.seq = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
    seg.ack = ((b[o + 8] << 24) | (b[o + 9] << 16) | (b[o + 10] << 8) | b[o + 11]) >>> 0;
    seg.flags = b[o + 13];
    seg.window = (b[o + 14] << 8) | b[o + 15];
    seg.payloadLen = wire - doff;
    if (capPay > 0) {
      seg.payloadBuf = b;
      seg.payloadOffset = o + doff;
      seg.payloadCaptured = capPay;
    }
    this.stats.tcp++;
    this.emit(this.tcpEvent);
    seg.clear(); // neither the buffer nor a view of it may outlive the call
  }

  /** A UDP datagram: counted among the other frames (what: 'udp'), and handed on with its payload. */
  private udp(b: Uint8Array, o: number, avail: number, wire: number, ipVersion: 4 | 6, src: string, dst: string): void {
    this.stats.other++;
    const d = this.dgram;
    const f = this.otherFrame;
    f.frame = d.frame = this.frame;
    f.t = d.t = this.t;
    f.what = 'udp';
    d.byteOffset = this.byteOffset;
    d.ipVersion = ipVersion;
    d.src = src;
    d.dst = dst;
    d.srcPort = (b[o] << 8) | b[o + 1];
    d.dstPort = (b[o + 2] << 8) | b[o + 3];
    const ulen = (b[o + 4] << 8) | b[o + 5];
    // the UDP length, unless it disagrees with IP's (then IP's: what was on the wire)
    const wireLen = ulen >= 8 && ulen <= wire ? ulen : wire;
    d.payloadLen = wireLen - 8;
    d.payload = sub(b, o + 8, Math.max(0, Math.min(avail, wireLen) - 8));
    this.emit(this.udpEvent);
    d.payload = EMPTY; // no view of the read buffer may outlive the call
  }

  private other(what: string): void {
    this.stats.other++;
    const f = this.otherFrame;
    f.frame = this.frame;
    f.t = this.t;
    f.what = what;
    this.emit(this.otherEvent);
  }

  private truncated(layer: string, have: number, want: number): void {
    this.budget.warn(`frame cut inside the ${layer}`, this.loc(), `frame cut inside the ${layer} (${Math.max(0, have)} of ${want} bytes captured)`);
    this.other('truncated');
  }

  private bad(kind: string, message: string): void {
    this.budget.warn(kind, this.loc(), message);
    this.other('malformed');
  }

  private loc(): { packet: number; byteOffset: number } {
    return { packet: this.frame, byteOffset: this.byteOffset };
  }

  /** `what` strings for odd frames, built once per value (key space: `space` + a 16-bit value). */
  private whatFor(space: number, prefix: string, n: number): string {
    let s = this.whatCache.get(space + n);
    if (s === undefined) {
      s = space === 0 ? prefix + n.toString(16).padStart(4, '0') : prefix + n;
      this.whatCache.set(space + n, s);
    }
    return s;
  }
}

/**
 * The decoder's one segment, refilled per frame. The payload's view is made
 * only when `payload` is read (the analysis reads `payloadBuf` and offsets
 * instead, so most frames never get one).
 */
class ReusedSegment implements TcpSegment {
  frame = 0;
  t = 0;
  byteOffset = 0;
  ipVersion: 4 | 6 = 4;
  src = '';
  dst = '';
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  payloadLen = 0;
  payloadBuf: Uint8Array = EMPTY;
  payloadOffset = 0;
  payloadCaptured = 0;
  private view: Uint8Array | undefined = undefined;

  get payload(): Uint8Array {
    if (this.view === undefined) this.view = this.payloadCaptured > 0 ? sub(this.payloadBuf, this.payloadOffset, this.payloadCaptured) : EMPTY;
    return this.view;
  }

  set payload(v: Uint8Array) {
    this.view = v;
    this.payloadBuf = v;
    this.payloadOffset = 0;
    this.payloadCaptured = v.length;
  }

  clear(): void {
    this.view = undefined;
    this.payloadBuf = EMPTY;
    this.payloadOffset = 0;
    this.payloadCaptured = 0;
  }
}

/** A view, not a copy: valid while the reader's buffer is. */
function sub(b: Uint8Array, off: number, len: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + off, len);
}
