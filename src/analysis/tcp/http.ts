import type {
  BodyFraming,
  ExchangeEnd,
  HttpBody,
  HttpExchange,
  HttpRequestHeaders,
  HttpResponseHeaders,
  Side,
} from '../../model/index.js';
import { MessageParser, type Framing, type MessageHandler } from './message.js';
import { frameRef, type Pkt } from './packet.js';

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
export const REQUEST_LINE = new RegExp(`^(${TOKEN}) (\\S+) HTTP/(1\\.[01])$`);
const STATUS_LINE = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/;

/** Does a chunk start with an HTTP/1.x request line (complete in the chunk)? */
export function startsWithRequest(b: Uint8Array): boolean {
  const nl = b.indexOf(10);
  if (nl < 0 || nl > 8192) return false;
  const line = Buffer.from(b.buffer, b.byteOffset, nl).toString('latin1').replace(/\r$/, '');
  return REQUEST_LINE.test(line);
}

export function startsWithStatus(b: Uint8Array): boolean {
  return b.length >= 8 && Buffer.from(b.buffer, b.byteOffset, 7).toString('latin1') === 'HTTP/1.';
}

interface BodyState {
  framing: BodyFraming;
  expected?: number;
  seen: number;
  missing: number;
  lastChunkSeen?: boolean;
  complete: boolean;
  first?: Pkt;
  last?: Pkt;
}

/** An exchange while it is being followed: frames kept as Pkt, turned into FrameRefs when it is done. */
interface Ex {
  n: number;
  requestSeen: boolean;
  method?: string;
  target?: string;
  version?: string;
  requestLine?: string;
  headers: HttpRequestHeaders;
  reqStart?: Pkt;
  reqHdrEnd?: Pkt;
  reqEnd?: Pkt;
  reqDone: boolean;
  reqBody: BodyState;
  interim: { status: number; line: string; at: Pkt }[];
  cont?: Pkt;
  resp?: {
    version: string;
    status: number;
    reason: string;
    line: string;
    headers: HttpResponseHeaders;
    start: Pkt;
    hdrEnd?: Pkt;
    body: BodyState;
    last: Pkt;
  };
  respDone: boolean;
  /** first byte of any response to it (an interim, or a status line never completed) */
  respFirst?: Pkt;
  /** response bytes on the wire: status lines, headers and bodies, interims included */
  respBytes: number;
  /** bytes of this exchange are missing from the capture */
  gapped: boolean;
  /** the client closed (FIN) while waiting for this response */
  clientFin?: Pkt;
  end?: ExchangeEnd;
  endAt?: Pkt;
  endSide?: Side;
}

export interface HttpTrackerHost {
  /** an exchange is finished (its response complete, or cut): keep it */
  done(ex: HttpExchange): void;
  warn(at: Pkt, message: string): void;
  /** the connection left HTTP (101 Switching Protocols, CONNECT) */
  switched(at: Pkt): void;
}

function parseBlock(block: string): { first: string; fields: Map<string, string> } {
  const lines = block.split(/\r?\n/);
  const first = lines[0] ?? '';
  const fields = new Map<string, string>();
  let lastName: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    if ((l[0] === ' ' || l[0] === '\t') && lastName) {
      // obs-fold: a continuation of the previous field
      fields.set(lastName, `${fields.get(lastName)} ${l.trim()}`);
      continue;
    }
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const name = l.slice(0, c).trim().toLowerCase();
    const value = l.slice(c + 1).trim();
    lastName = name;
    if (!fields.has(name)) fields.set(name, value);
    else if (name === 'transfer-encoding') fields.set(name, `${fields.get(name)}, ${value}`);
  }
  return { first, fields };
}

/** Content-Length as a number; undefined when absent; NaN when unusable. */
function contentLength(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim());
  if (!parts.every((p) => /^\d{1,15}$/.test(p) && p === parts[0])) return Number.NaN;
  return Number(parts[0]);
}

function isChunked(te: string | undefined): boolean {
  if (!te) return false;
  const codings = te.split(',').map((s) => s.trim().toLowerCase());
  return codings[codings.length - 1] === 'chunked';
}

function newBody(): BodyState {
  return { framing: 'none', seen: 0, missing: 0, complete: false };
}

/**
 * HTTP/1.x on one connection: requests from the orig side, responses from the
 * resp side, matched first-in first-out (pipelining keeps order, RFC 9112 §9.3).
 */
export class HttpTracker {
  private queue: Ex[] = [];
  private count = 0;
  private reqCur: Ex | undefined;
  private resCur: Ex | undefined;
  /** start of the status line being read (an interim or the final one) */
  private resStart: Pkt | undefined;
  readonly req: MessageParser;
  readonly res: MessageParser;

  constructor(private readonly host: HttpTrackerHost) {
    this.req = new MessageParser(this.requestHandler(), startsWithRequest);
    this.res = new MessageParser(this.responseHandler(), startsWithStatus);
  }

  data(side: Side, b: Uint8Array, at: Pkt): void {
    (side === 'orig' ? this.req : this.res).feed(b, at);
  }

  gap(side: Side, n: number, at: Pkt): void {
    (side === 'orig' ? this.req : this.res).gap(n, at);
  }

  fin(side: Side, at: Pkt): void {
    if (side === 'orig') {
      // A half-close: the server may still answer in full. If it does not, the
      // client gave up first (a timeout), and the exchange ends with the client's FIN.
      for (const ex of this.queue) if (!ex.end && ex.reqDone) ex.clientFin ??= at;
      return;
    }
    this.res.close(at);
    this.endAll('fin', side, at);
    this.req.stop();
    this.res.stop();
  }

  rst(side: Side, at: Pkt): void {
    this.endAll('rst', side, at);
    this.req.stop();
    this.res.stop();
  }

  /** the capture ended */
  end(at: Pkt): void {
    this.endAll('capture-end', undefined, at);
  }

  private endAll(how: ExchangeEnd, side: Side | undefined, at: Pkt): void {
    for (const ex of [...this.queue]) {
      if (!ex.end && ex.clientFin) {
        ex.end = 'fin';
        ex.endAt = ex.clientFin;
        ex.endSide = 'orig';
      } else if (!ex.end) {
        ex.end = how === 'capture-end' && ex.gapped ? 'gap' : how;
        ex.endAt = at;
        ex.endSide = side;
      }
      this.finalize(ex);
    }
    this.reqCur = undefined;
    this.resCur = undefined;
  }

  private requestHandler(): MessageHandler {
    return {
      start: (at) => {
        const ex: Ex = {
          n: ++this.count,
          requestSeen: true,
          headers: {},
          reqStart: at,
          reqDone: false,
          reqBody: newBody(),
          interim: [],
          respDone: false,
          respBytes: 0,
          gapped: false,
        };
        this.queue.push(ex);
        this.reqCur = ex;
      },
      headerBytes: () => undefined,
      headers: (block, at): Framing => {
        const ex = this.reqCur!;
        const { first, fields } = parseBlock(block);
        const m = REQUEST_LINE.exec(first);
        if (!m) {
          this.queue.splice(this.queue.indexOf(ex), 1);
          this.count--;
          this.reqCur = undefined;
          return { kind: 'invalid', why: `not an HTTP/1.x request line: ${JSON.stringify(first.slice(0, 60))}` };
        }
        ex.method = m[1];
        ex.target = m[2];
        ex.version = m[3];
        ex.requestLine = first;
        ex.reqHdrEnd = at;
        const h = ex.headers;
        h.host = fields.get('host');
        h.expect = fields.get('expect');
        h.contentLength = fields.get('content-length');
        h.transferEncoding = fields.get('transfer-encoding');
        h.connection = fields.get('connection');
        h.userAgent = fields.get('user-agent');
        if (ex.method === 'CONNECT') return { kind: 'opaque' };
        if (h.transferEncoding !== undefined) {
          if (!isChunked(h.transferEncoding)) return { kind: 'invalid', why: `request Transfer-Encoding ${h.transferEncoding} has no length` };
          ex.reqBody.framing = 'chunked';
          return { kind: 'chunked' };
        }
        const cl = contentLength(h.contentLength);
        if (cl === undefined || cl === 0) return { kind: 'none' };
        if (Number.isNaN(cl)) return { kind: 'invalid', why: `bad request Content-Length ${h.contentLength}` };
        ex.reqBody.framing = 'content-length';
        ex.reqBody.expected = cl;
        return { kind: 'length', n: cl };
      },
      body: (n, at) => {
        const b = this.reqCur?.reqBody;
        if (!b || n === 0) return;
        b.seen += n;
        b.first ??= at;
        b.last = at;
      },
      missing: (n, at) => {
        const ex = this.reqCur;
        if (!ex) return;
        ex.reqBody.missing += n;
        ex.reqBody.first ??= at;
        ex.reqBody.last = at;
        ex.gapped = true;
      },
      lastChunk: () => {
        if (this.reqCur) this.reqCur.reqBody.lastChunkSeen = true;
      },
      complete: (at) => {
        const ex = this.reqCur;
        if (!ex) return;
        if (ex.method === 'CONNECT') {
          this.host.switched(at);
          this.res.stop();
        }
        ex.reqEnd = at;
        ex.reqDone = true;
        ex.reqBody.complete = true;
        this.reqCur = undefined;
        if (ex.respDone) this.finalize(ex);
      },
      lost: (at, why) => {
        this.host.warn(at, `HTTP request stream: ${why}; following it again at the next request line`);
        const ex = this.reqCur;
        this.reqCur = undefined;
        if (ex && !ex.method && !ex.resp) {
          // bytes we could not place: not an exchange we can name
          this.queue.splice(this.queue.indexOf(ex), 1);
          this.count--;
        } else if (ex) {
          ex.gapped = true;
          ex.reqDone = true;
          if (ex.respDone) this.finalize(ex);
        }
      },
    };
  }

  private responseHandler(): MessageHandler {
    return {
      start: (at) => {
        this.resStart = at;
        if (this.resCur) return; // after an interim 1xx: same exchange
        let ex = this.queue.find((e) => !e.resp && !e.end);
        if (!ex) {
          // a response without its request (capture started mid-exchange, or a request we lost)
          ex = {
            n: ++this.count,
            requestSeen: false,
            headers: {},
            reqDone: true,
            reqBody: newBody(),
            interim: [],
            respDone: false,
          respBytes: 0,
            gapped: false,
          };
          this.queue.push(ex);
        }
        this.resCur = ex;
        ex.respFirst ??= at;
      },
      headerBytes: (n) => {
        if (this.resCur) this.resCur.respBytes += n;
      },
      headers: (block, at): Framing => {
        const ex = this.resCur!;
        const start = this.resStart ?? at;
        const { first, fields } = parseBlock(block);
        const m = STATUS_LINE.exec(first);
        if (!m) return { kind: 'invalid', why: `not an HTTP/1.x status line: ${JSON.stringify(first.slice(0, 60))}` };
        const status = Number(m[2]);
        if (status >= 100 && status < 200 && status !== 101) {
          ex.interim.push({ status, line: first, at: start });
          if (status === 100) ex.cont ??= start;
          return { kind: 'interim' };
        }
        const headers: HttpResponseHeaders = {
          contentLength: fields.get('content-length'),
          transferEncoding: fields.get('transfer-encoding'),
          connection: fields.get('connection'),
          contentType: fields.get('content-type'),
        };
        const body = newBody();
        ex.resp = { version: m[1], status, reason: m[3] ?? '', line: first, headers, start, hdrEnd: at, body, last: at };
        if (status === 101 || (ex.method === 'CONNECT' && status >= 200 && status < 300)) {
          this.host.switched(at);
          this.req.stop();
          return { kind: 'opaque' };
        }
        if (ex.method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
        if (headers.transferEncoding !== undefined && isChunked(headers.transferEncoding)) {
          body.framing = 'chunked';
          return { kind: 'chunked' };
        }
        if (headers.transferEncoding === undefined) {
          const cl = contentLength(headers.contentLength);
          if (cl !== undefined && !Number.isNaN(cl)) {
            body.framing = 'content-length';
            body.expected = cl;
            return { kind: 'length', n: cl };
          }
        }
        body.framing = 'close';
        return { kind: 'close' };
      },
      body: (n, at) => {
        const r = this.resCur?.resp;
        if (!r || n === 0) return;
        this.resCur!.respBytes += n;
        r.body.seen += n;
        r.body.first ??= at;
        r.body.last = at;
        r.last = at;
      },
      missing: (n, at) => {
        const ex = this.resCur;
        if (!ex?.resp) return;
        ex.resp.body.missing += n;
        ex.resp.body.first ??= at;
        ex.resp.last = at;
        ex.gapped = true;
      },
      lastChunk: () => {
        if (this.resCur?.resp) this.resCur.resp.body.lastChunkSeen = true;
      },
      complete: (at) => {
        const ex = this.resCur;
        if (!ex) return;
        if (!ex.resp) return; // an interim response ended: the final one is still to come
        this.resStart = undefined;
        ex.resp.body.complete = true;
        ex.resp.last = at;
        ex.respDone = true;
        ex.end = 'complete';
        this.resCur = undefined;
        if (ex.reqDone || this.reqCur !== ex) this.finalize(ex);
      },
      lost: (at, why) => {
        this.host.warn(at, `HTTP response stream: ${why}; following it again at the next status line`);
        // lost between responses: the missing bytes most likely answered the oldest waiting request
        const ex = this.resCur ?? this.queue.find((e) => !e.resp && !e.end && e.requestSeen);
        this.resCur = undefined;
        this.resStart = undefined;
        if (ex) {
          ex.gapped = true;
          ex.end = 'gap';
          ex.endAt = at;
          ex.respDone = true;
          if (ex.reqDone || this.reqCur !== ex) this.finalize(ex);
        }
      },
    };
  }

  private finalize(ex: Ex): void {
    const i = this.queue.indexOf(ex);
    if (i < 0) return;
    this.queue.splice(i, 1);
    if (this.reqCur === ex) this.reqCur = undefined;
    if (this.resCur === ex) this.resCur = undefined;
    this.host.done(toExchange(ex));
  }
}

function bodyOut(b: BodyState): HttpBody {
  const out: HttpBody = { framing: b.framing, seen: b.seen, missing: b.missing, complete: b.complete };
  if (b.expected !== undefined) out.expected = b.expected;
  if (b.framing === 'chunked') out.lastChunkSeen = !!b.lastChunkSeen;
  if (b.first) out.first = frameRef(b.first);
  if (b.last) out.last = frameRef(b.last);
  return out;
}

function toExchange(ex: Ex): HttpExchange {
  const out: HttpExchange = {
    n: ex.n,
    requestSeen: ex.requestSeen,
    headers: ex.headers,
    requestBody: bodyOut(ex.reqBody),
    interim: ex.interim.map((i) => ({ status: i.status, line: i.line, at: frameRef(i.at, i.line) })),
    end: ex.end ?? 'capture-end',
    responseBytes: ex.respBytes,
  };
  if (ex.respFirst) out.firstResponseByte = frameRef(ex.respFirst, ex.resp?.start === ex.respFirst ? ex.resp.line : ex.interim[0]?.line);
  if (ex.method !== undefined) {
    out.method = ex.method;
    out.target = ex.target;
    out.version = ex.version;
    out.requestLine = ex.requestLine;
  }
  if (ex.gapped) out.gapped = true;
  if (ex.reqStart) out.requestStart = frameRef(ex.reqStart, ex.requestLine);
  if (ex.reqHdrEnd) out.requestHeadersEnd = frameRef(ex.reqHdrEnd);
  if (ex.reqEnd) out.requestEnd = frameRef(ex.reqEnd);
  if (ex.cont) out.continueAt = frameRef(ex.cont, 'HTTP/1.1 100 Continue');
  if (ex.resp) {
    const r = ex.resp;
    out.response = {
      version: r.version,
      status: r.status,
      reason: r.reason,
      line: r.line,
      headers: r.headers,
      start: frameRef(r.start, r.line),
      body: bodyOut(r.body),
      last: frameRef(r.last),
    };
    if (r.hdrEnd) out.response.headersEnd = frameRef(r.hdrEnd);
    const from = ex.reqEnd && ex.reqEnd.t <= r.start.t ? ex.reqEnd : ex.reqHdrEnd;
    if (from) out.ttfb = r.start.t - from.t;
  }
  if (ex.endAt) out.endAt = frameRef(ex.endAt);
  if (ex.endSide) out.endSide = ex.endSide;
  return out;
}
