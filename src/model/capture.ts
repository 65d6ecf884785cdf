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

/** Where a TCP segment or UDP datagram was in the file, and its two ends. */
export interface TransportEnds {
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
}

/**
 * One TCP segment, decoded from a frame. `payload` is a view into the
 * parser's read buffer, and the parser refills the same segment (and event)
 * object for the next frame: both are valid only during the emit callback —
 * copy what you keep.
 */
export interface TcpSegment extends TransportEnds {
  seq: number;
  ack: number;
  /** TCP_* bits */
  flags: number;
  window: number;
  /** captured payload bytes (may be shorter than payloadLen when a snaplen cut the frame) */
  payload: Uint8Array;
  /** payload length on the wire, from the IP length */
  payloadLen: number;
  /**
   * Optional, set together by a reader that makes `payload` only when it is
   * read: the same captured bytes as `payloadBuf[payloadOffset, payloadOffset
   * + payloadCaptured)`, with the same lifetime, and no view made per packet.
   */
  payloadBuf?: Uint8Array;
  payloadOffset?: number;
  payloadCaptured?: number;
}

/** Frames that are not TCP (or not IP) are only counted. */
export interface OtherFrame {
  frame: number;
  t: number;
  /** 'udp', 'icmp', 'arp', 'ipv6-icmp', 'linktype-NNN', 'fragment', … */
  what: string;
}

/**
 * One UDP datagram. Like TcpSegment, refilled by the parser for the next
 * frame: valid only during the emit callback — copy what you keep.
 */
export interface UdpDatagram extends TransportEnds {
  /** captured payload (shorter than payloadLen when a snaplen cut it) */
  payload: Uint8Array;
  payloadLen: number;
}

/**
 * What the capture parser emits per frame. A UDP frame also carries `frame`
 * (what: 'udp'), so a reader that only counts non-TCP frames reads it as before.
 */
export type CaptureEvent = { kind: 'tcp'; seg: TcpSegment } | { kind: 'other'; frame: OtherFrame } | { kind: 'udp'; frame: OtherFrame; dgram: UdpDatagram };

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

/** Which way a byte, a FIN or a RST went: named by role (Zeek's habit). */
export type Side = 'orig' | 'resp';

/** What a connection carried, recognised by content (never by port). */
export type AppProtocol = 'http' | 'tls' | 'http2' | 'dns' | 'unknown';

export interface HostPort {
  ip: string;
  port: number;
}

/** A frame a finding can cite: number, time and a one-line tshark-like summary. */
export interface FrameRef {
  frame: number;
  t: number;
  summary: string;
}

/** Bytes of one direction the capture does not hold (a lost segment, or a snaplen cut). */
export interface TcpGap {
  side: Side;
  /** time and frame of the segment after which the hole was noticed */
  t: number;
  frame: number;
  bytes: number;
  cause: 'loss' | 'snaplen';
}

/** One FIN or RST as it was seen: the first of each kind per side is kept. */
export interface CloseFact {
  how: 'fin' | 'rst';
  side: Side;
  t: number;
  frame: number;
  summary: string;
}

/** TLS as seen from its record layer (the payload itself is encrypted). */
export interface TlsFacts {
  /** a handshake record (content type 22) was seen */
  handshake: boolean;
  /** first ClientHello's SNI, when present */
  sni?: string;
  /**
   * TLS 1.3 seen: the server's encrypted handshake and the client's Finished travel as
   * application_data records. The client's Finished (its first such record, sent after the
   * server's) and the server's records before it are handshake, not counted as data below.
   */
  tls13?: boolean;
  /** application_data records (content type 23) per side */
  appDataOrig: number;
  appDataResp: number;
  firstAppDataOrig?: FrameRef;
  lastAppDataOrig?: FrameRef;
  firstAppDataResp?: FrameRef;
  lastAppDataResp?: FrameRef;
  /**
   * Alert records (content type 21). After the handshake they are encrypted,
   * so a close_notify cannot be told from another alert; TLS 1.3 even sends
   * them as application_data, so this lists only what the record layer shows.
   */
  alerts: { side: Side; t: number; frame: number; encrypted: boolean; level?: number; description?: number }[];
}

/** Request headers kept on an exchange (lower-case names, first value). */
export interface HttpRequestHeaders {
  host?: string;
  expect?: string;
  contentLength?: string;
  transferEncoding?: string;
  connection?: string;
  userAgent?: string;
}

export interface HttpResponseHeaders {
  contentLength?: string;
  transferEncoding?: string;
  connection?: string;
  contentType?: string;
}

/** How a message body's end is known (RFC 9112 §6.3). */
export type BodyFraming = 'content-length' | 'chunked' | 'close' | 'none';

/**
 * How an exchange ended, as far as the capture shows:
 * - complete: the response's framing was satisfied (a close-delimited body ends with the server's FIN)
 * - fin: a FIN cut the exchange before its response was complete (or before any response)
 * - rst: a RST cut it
 * - capture-end: the capture stops while the exchange is open
 * - gap: bytes missing from the capture (loss, snaplen) made its end unknowable
 * - violation: the bytes are all there but break HTTP/1.x (see `HttpExchange.violation`):
 *   the peer's fault, not the capture's
 */
export type ExchangeEnd = 'complete' | 'fin' | 'rst' | 'capture-end' | 'gap' | 'violation';

/** Where a message broke HTTP/1.x: a protocol violation by a peer, never capture loss. */
export interface HttpViolation {
  /** whose message: orig (the client's request) or resp (the server's response) */
  side: Side;
  /** what was wrong, e.g. `bad chunk size line "zz"` */
  what: string;
  /** 0-based offset in that side's byte stream where the offending message or line begins */
  streamOffset: number;
  /** the frame holding the offending bytes */
  at: FrameRef;
  /**
   * true: reading stopped there (the exchange ends `violation`); false: read
   * on the way RFC 9112 says (e.g. a response body run to the close)
   */
  fatal: boolean;
}

export interface HttpBody {
  framing: BodyFraming;
  /** declared by Content-Length */
  expected?: number;
  /** body bytes seen (chunked: data bytes, without chunk framing) */
  seen: number;
  /** bytes known to exist but not captured (gaps inside the body) */
  missing: number;
  /** chunked: the zero-size last chunk was seen */
  lastChunkSeen?: boolean;
  complete: boolean;
  /** frames of the body's first and last byte */
  first?: FrameRef;
  last?: FrameRef;
}

export interface HttpResponse {
  version: string;
  status: number;
  reason: string;
  line: string;
  headers: HttpResponseHeaders;
  /** first byte of the status line */
  start: FrameRef;
  /** end of the header block */
  headersEnd?: FrameRef;
  body: HttpBody;
  /** last byte of the response seen (headers or body) */
  last: FrameRef;
}

export interface HttpExchange {
  /** 1-based position on its connection */
  n: number;
  /** false when the response was seen without its request (capture started mid-exchange) */
  requestSeen: boolean;
  method?: string;
  target?: string;
  version?: string;
  requestLine?: string;
  headers: HttpRequestHeaders;
  requestStart?: FrameRef;
  requestHeadersEnd?: FrameRef;
  /** last byte of the request (headers when it has no body) */
  requestEnd?: FrameRef;
  requestBody: HttpBody;
  /** interim 1xx responses, in order; a `100 Continue` stays on the exchange it answers */
  interim: { status: number; line: string; at: FrameRef }[];
  /** when the 100 Continue arrived */
  continueAt?: FrameRef;
  response?: HttpResponse;
  /** first byte of any response to it: an interim 1xx, or a status line the capture never saw end */
  firstResponseByte?: FrameRef;
  /** response bytes on the wire (status lines, headers, bodies, interims) */
  responseBytes: number;
  /**
   * time to first byte: from the request's end to the final response's first
   * byte; when the final response came before the request ended (a 417 to an
   * Expect), from the end of the request's headers
   */
  ttfb?: number;
  end: ExchangeEnd;
  /** bytes of this exchange are missing from the capture (loss, snaplen): its end proves nothing */
  gapped?: boolean;
  /** the FIN/RST that ended it, or the frame where the capture ended */
  endAt?: FrameRef;
  endSide?: Side;
  /** the first protocol violation in this exchange's messages */
  violation?: HttpViolation;
}

/** After a CONNECT answered 2xx (or a 101): the connection carries a tunnel, not HTTP. */
export interface TunnelFacts {
  /** the CONNECT target (`host:port`); empty after a 101 */
  target: string;
  /** the end of the 2xx (or 101) response's headers: the tunnel starts after it */
  at: FrameRef;
  /** what the tunnel carried: TLS records (then `TcpConnection.tls` holds their facts), or bytes only */
  protocol: 'tls' | 'opaque';
  origBytes: number;
  respBytes: number;
}

export interface TcpConnection {
  /** 0-based, in order of first packet */
  index: number;
  /** unique in the capture: `${orig}->${resp}` plus `#N` when the 4-tuple is reused */
  key: string;
  /** lane id on the timeline */
  laneId: string;
  ipVersion: 4 | 6;
  /** the SYN sender, or (no SYN seen) the first sender; for HTTP the client */
  orig: HostPort;
  resp: HostPort;
  first: FrameRef;
  last: FrameRef;
  state: ConnState;
  /** Zeek-like: S syn, H syn-ack, A pure ack, D data, F fin, R rst, T retransmission, G gap, ^ roles flipped; upper case orig, lower resp */
  history: string;
  syn?: FrameRef;
  /** SYNs the originator sent (more than one: retransmitted, unanswered) */
  synAttempts?: number;
  /** the last SYN sent (a retransmission when synAttempts > 1) */
  lastSyn?: FrameRef;
  synAck?: FrameRef;
  /** the orig's ACK completing the three-way handshake */
  established?: FrameRef;
  /** payload bytes by sequence space, each byte once, bytes not captured included (Zeek's orig_bytes/resp_bytes) */
  origBytes: number;
  respBytes: number;
  origPackets: number;
  respPackets: number;
  retransmissions: number;
  outOfOrder: number;
  overlaps: number;
  gaps: TcpGap[];
  gapBytes: number;
  finOrig?: CloseFact;
  finResp?: CloseFact;
  rst?: CloseFact;
  /** the first FIN or RST seen: who closed, how */
  closedBy?: CloseFact;
  protocol: AppProtocol;
  tls?: TlsFacts;
  /** set when a CONNECT (or an Upgrade) turned the connection into a tunnel */
  tunnel?: TunnelFacts;
  exchanges: HttpExchange[];
  /**
   * complete, whole exchanges with a request and a final response, no Expect
   * and no interim, counted but not kept (memory stays flat on big captures)
   */
  exchangesDropped?: number;
}

/** The analysed model of one capture; filled by src/analysis/tcp. */
export interface CaptureModel {
  kind: 'capture';
  /** what was seen, counted in finish() (InputStats) */
  stats?: Record<string, number>;
  connections: TcpConnection[];
  lanes: Lane[];
  /** frames by what they were, e.g. { tcp: 1200, udp: 3, 'linktype-147': 2 } */
  frameCounts: Record<string, number>;
  /** connections not tracked (too many at once), counted only */
  connectionsDropped?: number;
  /**
   * quiet connections (FIN-closed, nothing missing, every exchange whole and
   * plain) beyond the first few thousand: summed, not kept, and not drawn
   */
  summarized?: { connections: number; exchanges: number; origBytes: number; respBytes: number };
  /**
   * connections that were not quiet but beyond MAX_KEPT_CONNECTIONS: counted by
   * conn_state, not kept (their attempts still count in `clients`)
   */
  notKept?: Partial<Record<ConnState, number>>;
  /** DNS queries and their answers, over UDP and TCP */
  dns?: DnsFacts;
  /**
   * Per client (the address that opened connections or sent queries): the
   * destinations it tried and the names it looked up. Plain data for reports:
   * "this client never reached reviews:9080" shows here even when no detector fires.
   */
  clients?: ClientActivity[];
  /** clients past the cap (MAX_CLIENTS), counted only */
  clientsDropped?: number;
}

/** DNS rcodes by name (RFC 1035 §4.1.1, RFC 6895) */
export type DnsRcodeName = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | string;

export interface DnsQuery {
  transport: 'udp' | 'tcp';
  client: HostPort;
  server: HostPort;
  id: number;
  /** the question name, lower case, without the trailing dot */
  name: string;
  /** A, AAAA, MX, … or TYPE<n> */
  type: string;
  /** the first time it was sent */
  at: FrameRef;
  /** times sent (the same id and question again: a retransmission) */
  attempts: number;
  answer?: {
    at: FrameRef;
    rcode: number;
    rcodeName: DnsRcodeName;
    /** answer records */
    answers: number;
    /** A/AAAA addresses in the answer, first few */
    addresses: string[];
    /** seconds from the first query */
    rtt: number;
  };
}

export interface DnsFacts {
  /** kept queries, in order of first sending: every failing or unanswered one, healthy ones up to a cap */
  queries: DnsQuery[];
  /** answered NOERROR queries beyond the cap: counted only */
  answeredNotKept: number;
  /** answers that matched no query seen (the capture started late, or a query was lost) */
  unmatchedAnswers: number;
}

/** How one destination went for one client, summed over attempts. */
export interface DestinationTried {
  protocol: 'tcp' | 'udp';
  ip: string;
  port: number;
  /** connections opened (SYNs to it, or flows) */
  attempts: number;
  /** handshake completed */
  connected: number;
  /** SYN answered by RST */
  refused: number;
  /** SYNs never answered */
  unanswered: number;
  /** one word for the reader: connected (every attempt), refused, unanswered, partly (some of each) */
  outcome: 'connected' | 'refused' | 'unanswered' | 'partly' | 'unknown';
  firstT: number;
  lastT: number;
}

export interface NameLookedUp {
  name: string;
  /** query types asked, e.g. ['A', 'AAAA'] */
  types: string[];
  queries: number;
  /** answered (NOERROR with records, or NODATA), NXDOMAIN, SERVFAIL, …, or no-answer */
  outcome: string;
  addresses: string[];
}

export interface ClientActivity {
  ip: string;
  destinations: DestinationTried[];
  lookups: NameLookedUp[];
  /** destinations or names beyond the per-client cap: counted only */
  more?: number;
}
