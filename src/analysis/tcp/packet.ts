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
  // Joined, not a template: a template of eleven parts is a tree of cons strings (about 390 bytes
  // per summary in the heap); a joined string is flat (about 170 bytes).
  const parts: (string | number)[] = [endpoint(p.from.ip, p.from.port), ' → ', endpoint(p.to.ip, p.to.port), ' [', flagText(p.flags), '] Seq=', p.seq, ' Ack=', p.ack, ' Len=', p.len];
  if (note) parts.push(' ', note);
  return parts.join('');
}

export function frameRef(p: Pkt, note?: string): FrameRef {
  return { frame: p.frame, t: p.t, summary: summarize(p, note) };
}

export type FrameRefs = (p: Pkt, note?: string) => FrameRef;

/**
 * The start of every summary of one direction, `10.0.0.1:40000 → 10.0.0.2:80 [`, made once
 * per direction for a connection's exchanges and facts (HostPort objects are the connection's
 * own two, shared by all its packets). It holds the arrow, so it is a two-byte string; the rest
 * of a summary is one byte a character.
 */
export class SummaryStarts {
  /** (from, to, text) flat, searched in order: a connection has two directions */
  private readonly known: (HostPort | string)[] = [];

  of(from: HostPort, to: HostPort): string {
    const k = this.known;
    for (let i = 0; i < k.length; i += 3) if (k[i] === from && k[i + 1] === to) return k[i + 2] as string;
    const text = [endpoint(from.ip, from.port), ' → ', endpoint(to.ip, to.port), ' ['].join('');
    k.push(from, to, text);
    return text;
  }
}

/**
 * `frameRef`, made once per packet and note and shared by every citation: a
 * connection or an exchange cites the same packet several times (a one-segment
 * GET is its request's start, headers' end and end). The model is read, never
 * written, once built: a FrameRef (48 bytes and its time, 16) is not copied per citation.
 *
 * A text is its direction's start (`starts`, shared by the connection's exchanges) joined to its
 * own rest by `+`: V8 keeps that as a pair of references (a cons string) instead of copying the
 * start into every text. Kept connections hold ~60,000 texts on a 1.6 GB capture: a flat text
 * of ~75 characters is ~170 bytes (the arrow makes it two bytes a character), the pair ~95.
 */
export function frameRefs(starts: SummaryStarts = new SummaryStarts()): FrameRefs {
  // (packet, note, FrameRef) flat, searched in order: an exchange or a connection cites about ten
  // packets, and a Map with an array per packet was a third of what a kept exchange allocates
  const known: (Pkt | string | FrameRef | undefined)[] = [];
  return (p, note) => {
    for (let i = 0; i < known.length; i += 3) {
      if (known[i] === p && known[i + 1] === note) return known[i + 2] as FrameRef;
    }
    const rest: (string | number)[] = [flagText(p.flags), '] Seq=', p.seq, ' Ack=', p.ack, ' Len=', p.len];
    if (note) rest.push(' ', note);
    // `+`, not a join: the pair (see above); at 13 characters or more V8 never copies (the start alone is longer)
    const ref: FrameRef = { frame: p.frame, t: p.t, summary: starts.of(p.from, p.to) + rest.join('') };
    known.push(p, note, ref);
    return ref;
  };
}
