/**
 * Capture events as the pcap/pcapng parser emits them, and the analysed
 * model of one capture. Owners: parsers/pcap (segments), src/analysis/tcp (model).
 */
import type { Lane } from './timeline.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

/**
 * One TCP segment, decoded from a frame. `payload` is a view into the
 * parser's read buffer: valid only during the emit callback — copy what you keep.
 */
export interface TcpSegment {
  /** 1-based frame number (Wireshark's) */
  frame: number;
  /** epoch seconds */
  t: number;
  /** byte offset of the record in the (decompressed) file */
  byteOffset: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP_* bits */
  flags: number;
  window: number;
  /** captured payload bytes (may be shorter than payloadLen when a snaplen cut the frame) */
  payload: Uint8Array;
  /** payload length on the wire, from the IP length */
  payloadLen: number;
}

/** Frames that are not TCP (or not IP) are only counted. */
export interface OtherFrame {
  frame: number;
  t: number;
  /** 'udp', 'icmp', 'arp', 'ipv6-icmp', 'linktype-NNN', 'fragment', … */
  what: string;
}

export type CaptureEvent = { kind: 'tcp'; seg: TcpSegment } | { kind: 'other'; frame: OtherFrame };

/** Zeek's conn_state vocabulary, as far as we use it. */
export type ConnState =
  | 'S0' // SYN seen, no reply
  | 'S1' // established, not closed in the capture
  | 'SF' // normal establish and FIN close
  | 'REJ' // SYN answered by RST
  | 'RSTO' // established, originator aborted (RST)
  | 'RSTR' // established, responder aborted (RST)
  | 'S2' // established, originator closed (FIN), responder not seen closing
  | 'S3' // established, responder closed (FIN), originator not seen closing
  | 'OTH'; // no SYN seen (mid-stream), or otherwise unclear

/** The analysed model of one capture; filled by src/analysis/tcp. Extend as detectors need. */
export interface CaptureModel {
  kind: 'capture';
  connections: unknown[];
  lanes: Lane[];
  /** frames by what they were, e.g. { tcp: 1200, udp: 3, 'linktype-147': 2 } */
  frameCounts: Record<string, number>;
}
