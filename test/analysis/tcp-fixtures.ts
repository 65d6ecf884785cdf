/**
 * Builds TCP segments in code (gopacket's test habit): a Cap holds frames in
 * order; a Flow writes one connection's segments, tracking each side's
 * sequence numbers so tests only say what is sent, or override seq to
 * reorder, retransmit, overlap or leave holes.
 */
import { CaptureAnalysis } from '../../src/analysis/tcp/index.js';
import {
  Diagnostics,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  type CaptureEvent,
  type CaptureModel,
  type RunModel,
} from '../../src/model/index.js';

export const T0 = 1_700_000_000;

export class Cap {
  readonly events: CaptureEvent[] = [];
  frame = 0;
  t = T0;
  constructor(readonly path = 'test.pcap') {}

  flow(o: Partial<FlowOptions> = {}): Flow {
    return new Flow(this, { ...DEFAULTS, ...o });
  }

  /** run the analysis over the frames so far */
  analyse(): { model: CaptureModel; diag: Diagnostics } {
    const diag = new Diagnostics();
    const a = new CaptureAnalysis({ path: this.path, diag });
    for (const e of this.events) a.add(e);
    const model = a.finish({ events: this.events.length, bytes: 0, clock: 'epoch', firstT: T0, lastT: this.t });
    return { model, diag };
  }

  run(): RunModel {
    return runOf(this.path, this.analyse().model);
  }
}

export function runOf(path: string, model: CaptureModel): RunModel {
  return {
    inputs: [{ info: { path, format: 'pcap', status: 'read', events: 0, clock: 'epoch', warnings: [] }, placement: { offset: 0, absolute: true }, model }],
    options: { joinWindow: 2 },
  };
}

interface FlowOptions {
  client: string;
  cport: number;
  server: string;
  sport: number;
  cisn: number;
  sisn: number;
}

const DEFAULTS: FlowOptions = { client: '10.0.0.1', cport: 50000, server: '10.0.0.2', sport: 8080, cisn: 1000, sisn: 5000 };

export type Who = 'c' | 's';

export interface SegOpts {
  /** absolute sequence number (default: the side's next) */
  seq?: number;
  /** seconds after the previous frame */
  dt?: number;
  flags?: number;
  /** captured payload bytes (a snaplen cut), the rest counts on the wire only */
  caplen?: number;
  /** do not move the side's next sequence number */
  noAdvance?: boolean;
  ack?: number;
}

export class Flow {
  /** next sequence number per side */
  next: Record<Who, number>;
  constructor(
    readonly cap: Cap,
    readonly o: FlowOptions,
  ) {
    this.next = { c: o.cisn, s: o.sisn };
  }

  get name(): string {
    return `${this.o.client}:${this.o.cport}->${this.o.server}:${this.o.sport}`;
  }

  seg(who: Who, data: string | Uint8Array | number, so: SegOpts = {}): this {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : typeof data === 'number' ? Buffer.alloc(data, 0x61) : data;
    const flags = so.flags ?? (bytes.length ? TCP_ACK | TCP_PSH : TCP_ACK);
    const seq = so.seq ?? this.next[who];
    const payload = so.caplen !== undefined ? bytes.subarray(0, so.caplen) : bytes;
    const other: Who = who === 'c' ? 's' : 'c';
    this.cap.frame++;
    this.cap.t += so.dt ?? 0.001;
    const [src, srcPort, dst, dstPort] = who === 'c' ? [this.o.client, this.o.cport, this.o.server, this.o.sport] : [this.o.server, this.o.sport, this.o.client, this.o.cport];
    // a fresh copy per frame, then scribbled over after add(): the analysis must copy what it keeps
    const view = new Uint8Array(payload);
    this.cap.events.push({
      kind: 'tcp',
      seg: {
        frame: this.cap.frame,
        t: this.cap.t,
        byteOffset: 24 + this.cap.frame * 100,
        ipVersion: src.includes(':') ? 6 : 4,
        src,
        dst,
        srcPort,
        dstPort,
        seq: seq >>> 0,
        ack: (so.ack ?? this.next[other]) >>> 0,
        flags,
        window: 65535,
        payload: view,
        payloadLen: bytes.length,
      },
    });
    if (!so.noAdvance && so.seq === undefined) {
      this.next[who] = (this.next[who] + bytes.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
    }
    return this;
  }

  handshake(): this {
    this.seg('c', '', { flags: TCP_SYN });
    this.seg('s', '', { flags: TCP_SYN | TCP_ACK });
    return this.seg('c', '', { flags: TCP_ACK });
  }
  c(data: string | Uint8Array | number, so?: SegOpts): this {
    return this.seg('c', data, so);
  }
  s(data: string | Uint8Array | number, so?: SegOpts): this {
    return this.seg('s', data, so);
  }
  ack(who: Who, so?: SegOpts): this {
    return this.seg(who, '', { flags: TCP_ACK, ...so });
  }
  fin(who: Who, so?: SegOpts): this {
    return this.seg(who, '', { flags: TCP_FIN | TCP_ACK, ...so });
  }
  rst(who: Who, so?: SegOpts): this {
    return this.seg(who, '', { flags: TCP_RST | TCP_ACK, ...so });
  }
  /** both sides FIN, client first */
  close(): this {
    return this.fin('c').fin('s').ack('c');
  }
}

/** Feeds events through the analysis while scribbling over each payload after add(), as a reader reusing its buffer would. */
export function analyseScribbled(events: CaptureEvent[], path = 'test.pcap'): CaptureModel {
  const a = new CaptureAnalysis({ path, diag: new Diagnostics() });
  for (const e of events) {
    a.add(e);
    if (e.kind === 'tcp') e.seg.payload.fill(0x5a);
  }
  return a.finish({ events: events.length, bytes: 0, clock: 'epoch', firstT: null, lastT: null });
}

export const GET = (path = '/', extra = '') => `GET ${path} HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/8.1.2\r\n${extra}\r\n`;
export const OK = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;
