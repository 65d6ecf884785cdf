/**
 * DNS over UDP and TCP (RFC 1035 §4, RFC 7766): queries matched with their
 * answers by client, server, id and question, into one log per capture.
 * Recognised by content (a header and a question that parse exactly), never
 * by port alone.
 */
import type { DnsFacts, DnsQuery, HostPort, Side, TcpConnection } from '../../model/index.js';
import type { AppAnalyzer, AppHost, Sniffed } from './app.js';
import { frameRef, type Pkt } from './packet.js';

const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 65: 'HTTPS', 255: 'ANY' };
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
export const rcodeName = (r: number): string => RCODES[r] ?? `RCODE${r}`;

/** Queries kept whole in the model; beyond, healthy answered ones are only counted (failing ones always kept up to MAX_FAILED). */
const MAX_KEPT = 2000;
const MAX_FAILED = 2000;
/** queries waiting for an answer at once; beyond, the oldest is let go as unanswered (a flood must not eat memory) */
const MAX_PENDING = 10_000;
/** A/AAAA addresses kept per answer */
const MAX_ADDRESSES = 4;

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  rcode: number;
  name: string;
  qtype: number;
  answers: number;
  addresses: string[];
}

/** A DNS message with exactly one question, parsed; undefined when the bytes are not one. */
export function parseDns(b: Uint8Array, off = 0, len = b.length - off): DnsMessage | undefined {
  const end = off + len;
  if (len < 12) return undefined;
  const u16 = (p: number) => (b[p] << 8) | b[p + 1];
  const flags = u16(off + 2);
  const qd = u16(off + 4);
  const an = u16(off + 6);
  const ns = u16(off + 8);
  const ar = u16(off + 10);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 15;
  if (qd !== 1 || opcode !== 0) return undefined;
  // a query carries no answers; EDNS adds at most one additional record
  if (!response && (an !== 0 || ns !== 0 || ar > 1)) return undefined;
  const q = readName(b, off + 12, end, off);
  if (!q || q.next + 4 > end) return undefined;
  const qtype = u16(q.next);
  const qclass = u16(q.next + 2);
  if (qclass !== 1 && qclass !== 255) return undefined;
  if (!response && q.next + 4 !== end && ar === 0) return undefined;
  const msg: DnsMessage = { id: u16(off), response, opcode, rcode: flags & 15, name: q.name, qtype, answers: an, addresses: [] };
  let p = q.next + 4;
  for (let i = 0; i < an && p < end; i++) {
    const n = readName(b, p, end, off);
    if (!n || n.next + 10 > end) break;
    const type = u16(n.next);
    const rdlen = u16(n.next + 8);
    const rd = n.next + 10;
    if (rd + rdlen > end) break;
    if (msg.addresses.length < MAX_ADDRESSES) {
      if (type === 1 && rdlen === 4) msg.addresses.push(`${b[rd]}.${b[rd + 1]}.${b[rd + 2]}.${b[rd + 3]}`);
      else if (type === 28 && rdlen === 16) msg.addresses.push(ipv6(b, rd));
    }
    p = rd + rdlen;
  }
  return msg;
}

function ipv6(b: Uint8Array, p: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[p + i] << 8) | b[p + i + 1]).toString(16));
  return parts.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** A domain name at p (compression pointers followed within the message at `base`). */
function readName(b: Uint8Array, p: number, end: number, base: number): { name: string; next: number } | undefined {
  const labels: string[] = [];
  let next = -1;
  let hops = 0;
  let total = 0;
  for (;;) {
    if (p >= end) return undefined;
    const l = b[p];
    if (l === 0) {
      if (next < 0) next = p + 1;
      break;
    }
    if ((l & 0xc0) === 0xc0) {
      if (p + 1 >= end || ++hops > 16) return undefined;
      if (next < 0) next = p + 2;
      p = base + (((l & 0x3f) << 8) | b[p + 1]);
      continue;
    }
    if (l > 63 || p + 1 + l > end) return undefined;
    total += l + 1;
    if (total > 255) return undefined;
    let s = '';
    for (let i = p + 1; i <= p + l; i++) {
      const c = b[i];
      if (c <= 32 || c >= 127) return undefined; // host names are printable; anything else is not DNS we name
      s += String.fromCharCode(c);
    }
    labels.push(s.toLowerCase());
    p += 1 + l;
  }
  return { name: labels.join('.'), next };
}

/** DNS over UDP: one whole message per datagram. */
export function sniffDnsUdp(b: Uint8Array): Sniffed {
  const m = parseDns(b);
  if (!m) return 'no';
  return m.response ? 'server' : 'client';
}

/** DNS over TCP: a two-byte length, then a message; decided on the first whole one. */
export function sniffDnsTcp(b: Uint8Array, final: boolean): Sniffed {
  if (b.length < 2 + 12) return final ? 'no' : b.length >= 2 && ((b[0] << 8) | b[1]) < 12 ? 'no' : undefined;
  const len = (b[0] << 8) | b[1];
  if (b.length < 2 + len) {
    if (final || len > 4096) return 'no';
    // the header alone already says no often enough
    if ((b[4] & 0x78) !== 0 || ((b[6] << 8) | b[7]) !== 1) return 'no';
    return undefined;
  }
  const m = parseDns(b, 2, len);
  if (!m) return 'no';
  return m.response ? 'server' : 'client';
}

interface Pending {
  q: DnsQuery;
  key: string;
}

/** Every DNS query and answer of one capture, matched; shared by the UDP flows and TCP connections. */
export class DnsLog {
  private readonly pending = new Map<string, Pending>();
  private readonly done: DnsQuery[] = [];
  private kept = 0;
  private failed = 0;
  private answeredNotKept = 0;
  private unmatched = 0;

  constructor(
    /** told of every query once it is settled (answered, or given up at the end) */
    private readonly settled?: (q: DnsQuery) => void,
  ) {}

  message(transport: 'udp' | 'tcp', m: DnsMessage, src: HostPort, dst: HostPort, at: Pkt): void {
    const client = m.response ? dst : src;
    const server = m.response ? src : dst;
    const key = `${transport}|${client.ip}|${client.port}|${server.ip}|${server.port}|${m.id}|${m.name}|${m.qtype}`;
    const p = this.pending.get(key);
    if (!m.response) {
      if (p) {
        p.q.attempts++;
        return;
      }
      if (this.pending.size >= MAX_PENDING) {
        const oldest = this.pending.values().next().value as Pending;
        this.pending.delete(oldest.key);
        this.finish(oldest.q);
      }
      const q: DnsQuery = { transport, client: { ...client }, server: { ...server }, id: m.id, name: m.name, type: TYPES[m.qtype] ?? `TYPE${m.qtype}`, at: frameRef(at, `DNS query ${m.name}`), attempts: 1 };
      this.pending.set(key, { q, key });
      return;
    }
    if (!p) {
      this.unmatched++;
      return;
    }
    this.pending.delete(key);
    p.q.answer = {
      at: frameRef(at, `DNS answer ${rcodeName(m.rcode)} ${m.name}`),
      rcode: m.rcode,
      rcodeName: rcodeName(m.rcode),
      answers: m.answers,
      addresses: m.addresses,
      rtt: at.t - p.q.at.t,
    };
    this.finish(p.q);
  }

  private finish(q: DnsQuery): void {
    this.settled?.(q);
    const bad = !q.answer || q.answer.rcode !== 0;
    if (bad ? this.failed++ < MAX_FAILED : this.kept++ < MAX_KEPT) this.done.push(q);
    else if (!bad) this.answeredNotKept++;
  }

  facts(): DnsFacts | undefined {
    for (const p of this.pending.values()) this.finish(p.q);
    this.pending.clear();
    if (this.done.length === 0 && this.unmatched === 0) return undefined;
    this.done.sort((a, b) => a.at.t - b.at.t || a.at.frame - b.at.frame);
    return { queries: this.done, answeredNotKept: this.answeredNotKept, unmatchedAnswers: this.unmatched };
  }
}

/** One DNS-over-UDP flow (a client port and a server port): each datagram a message. */
export class DnsUdpAnalyzer implements AppAnalyzer {
  units = 0;
  constructor(
    private readonly host: AppHost,
    private readonly ends: () => { orig: HostPort; resp: HostPort },
  ) {}

  data(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void {
    const m = parseDns(b, start, end - start);
    if (!m) return;
    this.units++;
    const { orig, resp } = this.ends();
    this.host.shared.dns.message('udp', m, side === 'orig' ? orig : resp, side === 'orig' ? resp : orig, at);
  }
  gap(): void {}
  fin(): void {}
  rst(): void {}
  end(): void {}
  facts(): void {}
  quiet(): boolean {
    return true;
  }
}

/** DNS over TCP (RFC 7766): two-byte length-prefixed messages per side, followed across segments. */
export class DnsTcpAnalyzer implements AppAnalyzer {
  units = 0;
  private readonly buf: [number[], number[]] = [[], []];
  private readonly lost: [boolean, boolean] = [false, false];

  constructor(
    private readonly host: AppHost,
    private readonly ends: () => { orig: HostPort; resp: HostPort },
  ) {}

  data(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void {
    const i = side === 'orig' ? 0 : 1;
    if (this.lost[i]) return;
    const buf = this.buf[i];
    for (let k = start; k < end; k++) buf.push(b[k]);
    while (buf.length >= 2) {
      const len = (buf[0] << 8) | buf[1];
      if (buf.length < 2 + len) {
        if (buf.length > 2 + 65535) this.lost[i] = true;
        return;
      }
      const msg = Uint8Array.from(buf.splice(0, 2 + len));
      const m = parseDns(msg, 2, len);
      if (m) {
        this.units++;
        const { orig, resp } = this.ends();
        this.host.shared.dns.message('tcp', m, side === 'orig' ? orig : resp, side === 'orig' ? resp : orig, at);
      }
    }
  }

  gap(side: Side): void {
    // message boundaries are gone with the bytes
    const i = side === 'orig' ? 0 : 1;
    this.lost[i] = true;
    this.buf[i] = [];
  }
  fin(): void {}
  rst(): void {}
  end(): void {}
  facts(_conn: TcpConnection): void {}
  quiet(): boolean {
    return true;
  }
}
