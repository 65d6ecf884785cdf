import type { FrameRef, HostPort } from '../../model/index.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../../model/index.js';

/**
 * What the analysis remembers of one segment: enough to cite it later. One
 * small object per segment; a FrameRef (with its text) is made only for the
 * few frames an exchange or a finding cites.
 */
export interface Pkt {
  frame: number;
  t: number;
  byteOffset: number;
  /**
   * the sending and the receiving end: the connection's (or UDP flow's) own two objects, shared by
   * all its packets — two references where four fields per packet were (16 bytes less for each of
   * the ~620,000 packets of the 800 MB capture the analysis keeps a Pkt for)
   */
  from: HostPort;
  to: HostPort;
  flags: number;
  /** relative sequence and ack numbers, as tshark shows them */
  seq: number;
  ack: number;
  /** payload length on the wire */
  len: number;
}

const FLAG_NAMES: [number, string][] = [
  [TCP_FIN, 'FIN'],
  [TCP_SYN, 'SYN'],
  [TCP_RST, 'RST'],
  [TCP_PSH, 'PSH'],
  [TCP_ACK, 'ACK'],
  [TCP_URG, 'URG'],
];

/** tshark's "[SYN, ACK]" text for each combination of the six classic flags, made once */
const FLAG_TEXT: string[] = Array.from({ length: 64 }, (_, bits) =>
  FLAG_NAMES.filter(([bit]) => bits & bit)
    .map(([, name]) => name)
    .join(', '),
);

export function flagText(flags: number): string {
  return FLAG_TEXT[flags & 63];
}

/** `10.0.0.1:80`, `[::1]:80` */
export function endpoint(ip: string, port: number): string {
  // joined: one flat string (a template literal would leave a tree of pieces in the model)
  return ip.includes(':') ? ['[', ip, ']:', port].join('') : [ip, port].join(':');
}

/** A tshark-like one-line summary, with an optional note (the HTTP line the frame starts). */
export function summarize(p: Pkt, note?: string): string {
  return summaryOf(p, note, endpoint(p.from.ip, p.from.port), endpoint(p.to.ip, p.to.port));
}

/** `summarize` with the two ends' texts already made */
function summaryOf(p: Pkt, note: string | undefined, from: string, to: string): string {
  // Joined, not a template: a template of eleven parts is a tree of cons strings (about 390 bytes
  // per summary in the heap), and kept connections hold ~100,000 of them on an 800 MB capture; a
  // joined string is flat (about 100 bytes). Measured: live heap 122 → 89 MB on that capture.
  const parts: (string | number)[] = [from, ' → ', to, ' [', flagText(p.flags), '] Seq=', p.seq, ' Ack=', p.ack, ' Len=', p.len];
  if (note) parts.push(' ', note);
  return parts.join('');
}

/** `endpoint(ip, port)`, made once per end: `ends` holds (ip, port, text) flat */
function endText(ends: (string | number)[], ip: string, port: number): string {
  for (let i = 0; i < ends.length; i += 3) if (ends[i] === ip && ends[i + 1] === port) return ends[i + 2] as string;
  const text = endpoint(ip, port);
  ends.push(ip, port, text);
  return text;
}

export function frameRef(p: Pkt, note?: string): FrameRef {
  return { frame: p.frame, t: p.t, summary: summarize(p, note) };
}

export type FrameRefs = (p: Pkt, note?: string) => FrameRef;

/**
 * `frameRef`, with each packet's text (per note) made once and shared by the
 * FrameRefs it returns: a connection or an exchange cites the same packet
 * several times (strings are immutable; each FrameRef is still its own object).
 */
export function frameRefs(): FrameRefs {
  // (packet, note, text) flat, searched in order: an exchange or a connection cites about ten
  // packets, and a Map with an array per packet was a third of what a kept exchange allocates
  const known: (Pkt | string | undefined)[] = [];
  // the packets of one connection go between two ends: their texts made once, not twice per summary
  const ends: (string | number)[] = [];
  return (p, note) => {
    for (let i = 0; i < known.length; i += 3) {
      if (known[i] === p && known[i + 1] === note) return { frame: p.frame, t: p.t, summary: known[i + 2] as string };
    }
    const summary = summaryOf(p, note, endText(ends, p.from.ip, p.from.port), endText(ends, p.to.ip, p.to.port));
    known.push(p, note, summary);
    return { frame: p.frame, t: p.t, summary };
  };
}
