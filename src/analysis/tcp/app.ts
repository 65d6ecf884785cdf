/**
 * The application layer of the capture analysis: one contract for every
 * protocol carried over a TCP connection or a UDP flow, and the registry the
 * connection consults to pick one. A protocol is added here, never as an
 * `if (http) … else if (tls)` in `Conn`.
 */
import type { AppProtocol, HostPort, LaneBuilder, Side, TcpConnection } from '../../model/index.js';
import type { DnsLog } from './dns.js';
import type { Pkt, SummaryStarts } from './packet.js';
import type { TextTable } from './texts.js';

/**
 * One protocol's analyzer on one connection (or one UDP flow).
 *
 * Call order: `create` once, when sniffing named the protocol (bytes held
 * while sniffing are then replayed, in order); then per side, in sequence
 * order, `data` and `gap` 0+ times and `fin` at most once; `rst` at most once
 * (either side; afterwards only `end`); `end` exactly once (capture end, or
 * the connection finalized); then `facts` at most once (not for connections
 * only summed). A UDP flow gets only `data`, one call per datagram (flows
 * have no end: their analyzers keep nothing that needs one).
 *
 * Buffers: `b[start, end)` is a view into the reader's buffer (or into a copy
 * held while sniffing), valid only during the call: copy what you keep.
 * Packets (`Pkt`) may be kept: they are the connection's own.
 */
export interface AppAnalyzer {
  data(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void;
  /** `n` bytes of this side exist on the wire but not in the capture */
  gap(side: Side, n: number, at: Pkt): void;
  fin(side: Side, at: Pkt): void;
  rst(side: Side, at: Pkt): void;
  end(at: Pkt): void;
  /** writes what it found onto the connection's model */
  facts(conn: TcpConnection): void;
  /** nothing a detector or a reader needs (healthy, whole): the connection may be summed, not kept */
  quiet(): boolean;
  /** application units seen (HTTP exchanges, DNS messages), kept or only counted */
  readonly units: number;
  /** the starts of the summaries it made (see frameRefs), for the connection's own to share */
  readonly starts?: SummaryStarts;
}

/** What a connection offers its analyzer. Shared parts (`dns`, `budget`) belong to the capture's run. */
export interface AppHost {
  /** `client:port->server:port`, as warnings name the connection */
  key(): string;
  /** the connection's timeline lane; undefined when no timeline is drawn */
  lane(): LaneBuilder | undefined;
  /** a located warning: bytes missing from the capture only (a protocol violation is a fact, not a warning) */
  warn(at: Pkt, message: string): void;
  /** the two ends by role, once known (they may flip while sniffing: ask at each use) */
  ends(): { orig: HostPort; resp: HostPort };
  readonly shared: AppShared;
}

/** Shared by every connection of one capture (state per run, never per module). */
export interface AppShared {
  /** uneventful HTTP exchanges kept so far (MAX_UNEVENTFUL_PER_CAPTURE may be) */
  budget: { uneventfulKept: number };
  dns: DnsLog;
  transport: 'tcp' | 'udp';
  /** the texts kept exchanges share (absent: each keeps its own) */
  texts?: TextTable;
}

/**
 * What the first bytes of one direction say:
 * - 'client' / 'server': this protocol, and these bytes are that side's
 * - 'either': this protocol, sides unknown from the bytes
 * - 'no': not this protocol
 * - undefined: too few bytes yet (never returned when `final`)
 */
export type Sniffed = 'client' | 'server' | 'either' | 'no' | undefined;

export interface AppRegistration {
  protocol: Exclude<AppProtocol, 'unknown'>;
  sniff(b: Uint8Array, final: boolean): Sniffed;
  /** none: the protocol is only named (HTTP/2: no analyzer yet) */
  create?(host: AppHost): AppAnalyzer;
}

export interface Pick {
  reg: AppRegistration;
  said: 'client' | 'server' | 'either';
}

/**
 * Asks each registration in order; the first that claims the bytes wins.
 * undefined: some registration needs more bytes; null: nobody claims them.
 */
export function pickAnalyzer(regs: readonly AppRegistration[], b: Uint8Array, final: boolean): Pick | null | undefined {
  let wait = false;
  for (const reg of regs) {
    const s = reg.sniff(b, final);
    if (s === undefined) wait = true;
    else if (s !== 'no') {
      // an earlier registration still unsure outranks a later one's claim
      if (wait) return undefined;
      return { reg, said: s };
    }
  }
  return wait ? undefined : null;
}
