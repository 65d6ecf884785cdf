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
import { frameRefs, type FrameRefs, type Pkt, type SummaryStarts } from './packet.js';
import { ownCopy, type TextTable } from './texts.js';

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
export const REQUEST_LINE = new RegExp(`^(${TOKEN}) (\\S+) HTTP/(1\\.[01])$`);
/** A status line; the protocol name in any case, as curl, tshark and Zeek read it. */
const STATUS_LINE = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/i;

/** Does a chunk start with an HTTP/1.x request line (complete in the chunk)? */
export function startsWithRequest(b: Uint8Array): boolean {
  const nl = b.indexOf(10);
  if (nl < 0 || nl > 8192) return false;
  const line = Buffer.from(b.buffer, b.byteOffset, nl).toString('latin1').replace(/\r$/, '');
  return REQUEST_LINE.test(line);
}

const STATUS_NEEDLES = [Buffer.from('HTTP/1.', 'latin1'), Buffer.from('http/1.', 'latin1')];

/** Does a chunk start with `HTTP/1.` (any case: peers accept `http/1.1 200 OK`)? */
export function startsWithStatus(b: Uint8Array): boolean {
  return b.length >= 8 && Buffer.from(b.buffer, b.byteOffset, 7).toString('latin1').toUpperCase() === 'HTTP/1.';
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

/**
 * An exchange while it is being followed: frames kept as Pkt, turned into
 * FrameRefs (`toExchange`) only when the exchange is kept — most healthy ones
 * are only counted, and their summaries would be built for nothing.
 */
export interface Ex {
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
  /** the first place a message of this exchange broke HTTP/1.x (offset: in that side's byte stream) */
  violation?: { side: Side; why: string; offset: number; at: Pkt; fatal: boolean };
  /** handed to the host: no longer in the queue's live part */
  finalized?: boolean;
}

export interface HttpTrackerHost {
  /** an exchange is finished (its response complete, or cut); `toExchange` makes the model's form of it */
  done(ex: Ex): void;
  /** bytes missing from the capture made the stream unreadable for a while (a located warning) */
  warn(at: Pkt, message: string): void;
  /** the connection left HTTP at `at` (101 Switching Protocols, CONNECT answered 2xx): `ex` is the exchange that switched it */
  switched(at: Pkt, ex: Ex): void;
  /** bytes after the switch, in order per side: b[start, end), valid only during the call */
  tunnel(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void;
}

/** Header fields an exchange keeps, by message kind (all others are skipped unread). */
const REQUEST_FIELDS = ['host', 'expect', 'content-length', 'transfer-encoding', 'connection', 'user-agent'] as const;
const RESPONSE_FIELDS = ['content-length', 'transfer-encoding', 'connection', 'content-type'] as const;
const TE_FIELD = 'transfer-encoding';

/** what String.prototype.trim strips, within latin1 */
function isTrimSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 0xa0;
}

/** Which of `names` s[from, to) is, ASCII case-insensitively (what toLowerCase does within latin1); -1 when none. */
function nameIndex(s: string, from: number, to: number, names: readonly string[]): number {
  const len = to - from;
  outer: for (let k = 0; k < names.length; k++) {
    const w = names[k];
    if (w.length !== len) continue;
    for (let j = 0; j < len; j++) {
      const x = s.charCodeAt(from + j);
      const y = w.charCodeAt(j);
      if (x !== y && !(x >= 65 && x <= 90 && x + 32 === y)) continue outer;
    }
    return k;
  }
  return -1;
}

/**
 * The first line of a header block, and the values of the fields in `names`
 * (first value wins; Transfer-Encoding values are joined; obs-fold lines
 * continue the field before them), into `out` by index. Lines end at LF with
 * one CR before it dropped. Works on positions in `block`: no array of
 * lines, no string per field that is not kept.
 */
function parseBlock(block: string, names: readonly string[], out: (string | undefined)[]): string {
  const n = block.length;
  let nl = block.indexOf('\n');
  let first: string;
  if (nl < 0) return block;
  first = block.slice(0, nl > 0 && block.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
  /** the field the line before was: -2 none (or an empty name), -1 one not kept, else its index */
  let last = -2;
  let pos = nl + 1;
  while (pos <= n) {
    nl = block.indexOf('\n', pos);
    const next = nl < 0 ? n + 1 : nl + 1;
    const end = nl > pos && block.charCodeAt(nl - 1) === 13 ? nl - 1 : nl < 0 ? n : nl;
    const from = pos;
    pos = next;
    if (end === from) continue;
    const c0 = block.charCodeAt(from);
    if ((c0 === 32 || c0 === 9) && last !== -2) {
      // obs-fold: a continuation of the previous field
      if (last >= 0) out[last] = `${out[last]} ${block.slice(from, end).trim()}`;
      continue;
    }
    const c = block.indexOf(':', from);
    if (c < 0 || c >= end || c === from) continue;
    let k: number;
    if (!isTrimSpace(c0) && !isTrimSpace(block.charCodeAt(c - 1))) k = nameIndex(block, from, c, names);
    else {
      const name = block.slice(from, c).trim().toLowerCase();
      if (name === '') {
        last = -2;
        continue;
      }
      k = names.indexOf(name);
    }
    last = k;
    if (k < 0) continue;
    const value = block.slice(c + 1, end).trim();
    if (out[k] === undefined) out[k] = value;
    else if (names[k] === TE_FIELD) out[k] = `${out[k]}, ${value}`;
  }
  return first;
}

/** Content-Length is 1*DIGIT (RFC 9110 §8.6): leading zeros are digits too; beyond 15 significant digits no body is that long. */
const DIGITS = /^0*(\d{1,15})$/;

/** Content-Length as a number; undefined when absent; NaN when unusable (not digits, too big, or a list that disagrees). */
function contentLength(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = DIGITS.exec(v);
  if (m) return Number(m[1]);
  const parts = v.split(',').map((s) => DIGITS.exec(s.trim())?.[1]);
  if (!parts.every((p) => p !== undefined && p === parts[0])) return Number.NaN;
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
 *
 * Exchanges wait in a queue read from its head: a response takes the oldest
 * request still waiting, finished ones leave from the front. Each exchange is
 * visited a bounded number of times, so 300,000 pipelined requests cost 10×
 * what 30,000 do (`steps` counts the visits).
 */
export class HttpTracker {
  // Not private: RequestSide and ResponseSide (below) work on this state; they
  // are classes, not closures, so a connection costs two small objects, not twenty functions.
  queue: Ex[] = [];
  /** entries before `head` are finished */
  head = 0;
  /** entries before `next` have a response (or an end): where a response looks for its request */
  next = 0;
  count = 0;
  reqCur: Ex | undefined;
  resCur: Ex | undefined;
  /** start of the status line being read (an interim or the final one) */
  resStart: Pkt | undefined;
  /** the response stream lost bytes here and has not found a status line since */
  resLostAt: Pkt | undefined;
  /** queue entries visited: a measure of the work, for the linearity test */
  steps = 0;
  readonly req: MessageParser;
  readonly res: MessageParser;

  constructor(readonly host: HttpTrackerHost) {
    this.req = new MessageParser(new RequestSide(this), startsWithRequest);
    this.res = new MessageParser(new ResponseSide(this), startsWithStatus, STATUS_NEEDLES);
  }

  data(side: Side, b: Uint8Array, at: Pkt): void {
    (side === 'orig' ? this.req : this.res).feed(b, at, 0, b.length);
  }

  /** `data` for the bytes b[start, end) */
  dataAt(side: Side, b: Uint8Array, start: number, end: number, at: Pkt): void {
    (side === 'orig' ? this.req : this.res).feed(b, at, start, end);
  }

  gap(side: Side, n: number, at: Pkt): void {
    (side === 'orig' ? this.req : this.res).gap(n, at);
  }

  fin(side: Side, at: Pkt): void {
    if (side === 'orig') {
      // A half-close: the server may still answer in full. If it does not, the
      // client gave up first (a timeout), and the exchange ends with the client's FIN.
      for (let i = this.head; i < this.queue.length; i++) {
        const ex = this.queue[i];
        this.steps++;
        if (!ex.end && !ex.finalized && ex.reqDone) ex.clientFin ??= at;
      }
      return;
    }
    this.res.close(at);
    const lost = this.resLostAt;
    if (lost) {
      // The response stream was lost when the server closed: a request sent
      // before the hole may have been answered inside it. Uncertain, not unanswered.
      for (let i = this.head; i < this.queue.length; i++) {
        const ex = this.queue[i];
        this.steps++;
        if (ex.end || ex.finalized || ex.resp || !ex.reqStart || ex.reqStart.t > lost.t) continue;
        ex.gapped = true;
        ex.end = 'gap';
        ex.endAt = lost;
      }
    }
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
    for (let i = this.head; i < this.queue.length; i++) {
      const ex = this.queue[i];
      this.steps++;
      if (ex.finalized) continue;
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

  /** the oldest exchange still waiting for its response */
  waiting(requestSeen = false): Ex | undefined {
    const q = this.queue;
    if (this.next < this.head) this.next = this.head;
    while (this.next < q.length) {
      const ex = q[this.next];
      this.steps++;
      if (!ex.resp && !ex.end && !ex.finalized && !ex.respFirst) break;
      this.next++;
    }
    for (let i = this.next; i < q.length; i++) {
      const ex = q[i];
      this.steps++;
      if (ex.resp || ex.end || ex.finalized || ex.respFirst) continue;
      if (!requestSeen || ex.requestSeen) return ex;
    }
    return undefined;
  }

  push(ex: Ex): void {
    this.queue.push(ex);
  }

  newEx(requestSeen: boolean): Ex {
    return {
      n: ++this.count,
      requestSeen,
      headers: {},
      reqDone: !requestSeen,
      reqBody: newBody(),
      interim: [],
      respDone: false,
      respBytes: 0,
      gapped: false,
    };
  }

  violation(ex: Ex, side: Side, at: Pkt, why: string, offset: number, fatal: boolean): void {
    ex.violation ??= { side, why, offset, at, fatal };
  }



  /**
   * After a hole in the responses, the status line found next may not answer
   * the oldest waiting request. A client that waits for each answer (no
   * pipelining) sends a request only once the one before it was answered: so
   * when requests were sent after the hole began, the newest of them sent
   * before this response is the one it answers, and the older waiting ones
   * were answered inside the hole — uncertain, marked `gap`. With pipelining
   * (every request sent before the hole) the oldest waiting one is taken.
   */
  skipAnsweredInHole(lost: Pkt, at: Pkt): void {
    let pick = -1;
    for (let i = Math.max(this.next, this.head); i < this.queue.length; i++) {
      const ex = this.queue[i];
      this.steps++;
      if (ex.resp || ex.end || ex.finalized || !ex.reqStart) continue;
      if (ex.reqStart.t > at.t) break;
      if (ex.reqStart.t > lost.t) pick = i;
    }
    if (pick < 0) return;
    for (let i = Math.max(this.next, this.head); i < pick; i++) {
      const ex = this.queue[i];
      if (ex.resp || ex.end || ex.finalized || !ex.requestSeen) continue;
      ex.gapped = true;
      ex.end = 'gap';
      ex.endAt = lost;
      ex.respDone = true;
      if (ex.reqDone && this.reqCur !== ex) this.finalize(ex);
    }
  }

  finalize(ex: Ex): void {
    if (ex.finalized) return;
    ex.finalized = true;
    if (this.reqCur === ex) this.reqCur = undefined;
    if (this.resCur === ex) this.resCur = undefined;
    this.advance();
    this.host.done(ex);
  }

  /** drop finished exchanges from the front; compact now and then so the array does not grow without end */
  advance(): void {
    const q = this.queue;
    while (this.head < q.length && q[this.head].finalized) {
      q[this.head++] = undefined as unknown as Ex;
      this.steps++;
    }
    if (this.head === q.length) {
      this.queue = [];
      this.next -= this.head;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.next -= this.head;
      this.head = 0;
    }
    if (this.next < 0) this.next = 0;
  }
}

/** complete, whole, no Expect, no interim: what a capture of healthy traffic is made of */
export function uneventful(ex: Ex): boolean {
  return (ex.end ?? 'capture-end') === 'complete' && ex.requestSeen && !ex.gapped && !ex.headers.expect && ex.interim.length === 0;
}

/** time to first byte of the final response (see HttpExchange.ttfb) */
export function ttfbOf(ex: Ex): number | undefined {
  const r = ex.resp;
  if (!r) return undefined;
  const from = ex.reqEnd && ex.reqEnd.t <= r.start.t ? ex.reqEnd : ex.reqHdrEnd;
  return from ? r.start.t - from.t : undefined;
}

function bodyOut(b: BodyState, ref: FrameRefs): HttpBody {
  const out: HttpBody = { framing: b.framing, seen: b.seen, missing: b.missing, complete: b.complete };
  if (b.expected !== undefined) out.expected = b.expected;
  if (b.framing === 'chunked') out.lastChunkSeen = !!b.lastChunkSeen;
  if (b.first) out.first = ref(b.first);
  if (b.last) out.last = ref(b.last);
  return out;
}

/** A Content-Length value: digits, rarely the same twice (never shared); a view only when 13 characters or more. */
function lengthText(s: string | undefined): string | undefined {
  return s !== undefined && s.length >= 13 ? ownCopy(s) : s;
}

/**
 * The texts of an exchange about to be kept, made strings of their own (see texts.ts), the ones
 * that repeat shared through `texts`: written back into the exchange, whose header objects the
 * model keeps as they are.
 */
function ownTexts(ex: Ex, texts: TextTable): void {
  const h = ex.headers;
  // only the fields a request's header block set (a response without its request has none)
  if ('host' in h) {
    h.host = texts.maybe(h.host);
    h.expect = texts.maybe(h.expect);
    h.contentLength = lengthText(h.contentLength);
    h.transferEncoding = texts.maybe(h.transferEncoding);
    h.connection = texts.maybe(h.connection);
    h.userAgent = texts.maybe(h.userAgent);
  }
  if (ex.requestLine !== undefined) {
    const line = ex.requestLine.length >= 13 ? ownCopy(ex.requestLine) : ex.requestLine;
    ex.requestLine = line;
    if (ex.method !== undefined) {
      ex.method = texts.shared(ex.method);
      // the request line is `METHOD SP target SP HTTP/1.x` (REQUEST_LINE): the target is cut from the kept line
      const t = ex.target;
      if (t !== undefined && t.length >= 13) {
        const from = ex.method.length + 1;
        const cut = line.slice(from, from + t.length);
        ex.target = cut === t ? cut : ownCopy(t);
      }
    }
  }
  ex.version = texts.maybe(ex.version);
  for (const i of ex.interim) i.line = texts.shared(i.line);
  const r = ex.resp;
  if (r) {
    r.version = texts.shared(r.version);
    r.reason = texts.shared(r.reason);
    r.line = texts.shared(r.line);
    const rh = r.headers;
    rh.contentLength = lengthText(rh.contentLength);
    rh.transferEncoding = texts.maybe(rh.transferEncoding);
    rh.connection = texts.maybe(rh.connection);
    rh.contentType = texts.maybe(rh.contentType);
  }
}

/**
 * The model's form of an exchange. `starts`: its connection's summary starts (see frameRefs),
 * shared by its exchanges; `texts`: the capture's shared texts (see texts.ts).
 */
export function toExchange(ex: Ex, starts?: SummaryStarts, texts?: TextTable): HttpExchange {
  if (texts) ownTexts(ex, texts);
  // one text per cited packet and note: a one-segment exchange cites the same packet up to nine times
  const ref = frameRefs(starts);
  const out: HttpExchange = {
    n: ex.n,
    requestSeen: ex.requestSeen,
    headers: ex.headers,
    requestBody: bodyOut(ex.reqBody, ref),
    interim: ex.interim.map((i) => ({ status: i.status, line: i.line, at: ref(i.at, i.line) })),
    end: ex.end ?? 'capture-end',
    responseBytes: ex.respBytes,
  };
  if (ex.respFirst) out.firstResponseByte = ref(ex.respFirst, ex.resp?.start === ex.respFirst ? ex.resp.line : ex.interim[0]?.line);
  if (ex.method !== undefined) {
    out.method = ex.method;
    out.target = ex.target;
    out.version = ex.version;
  }
  // a malformed request keeps its line too: it is what the server answered
  if (ex.requestLine !== undefined) out.requestLine = ex.requestLine;
  if (ex.gapped) out.gapped = true;
  if (ex.reqStart) out.requestStart = ref(ex.reqStart, ex.requestLine);
  if (ex.reqHdrEnd) out.requestHeadersEnd = ref(ex.reqHdrEnd);
  if (ex.reqEnd) out.requestEnd = ref(ex.reqEnd);
  if (ex.cont) out.continueAt = ref(ex.cont, 'HTTP/1.1 100 Continue');
  if (ex.resp) {
    const r = ex.resp;
    out.response = {
      version: r.version,
      status: r.status,
      reason: r.reason,
      line: r.line,
      headers: r.headers,
      start: ref(r.start, r.line),
      body: bodyOut(r.body, ref),
      last: ref(r.last),
    };
    if (r.hdrEnd) out.response.headersEnd = ref(r.hdrEnd);
    const ttfb = ttfbOf(ex);
    if (ttfb !== undefined) out.ttfb = ttfb;
  }
  if (ex.endAt) out.endAt = ref(ex.endAt);
  if (ex.endSide) out.endSide = ex.endSide;
  if (ex.violation) {
    const v = ex.violation;
    out.violation = { side: v.side, what: v.why, streamOffset: v.offset, at: ref(v.at), fatal: v.fatal };
  }
  return out;
}

/** The MessageHandler of the request stream: one object, methods on the prototype (no closures made per connection). */
class RequestSide implements MessageHandler {
  constructor(private readonly t: HttpTracker) {}

  start(at: Pkt): void {
    const t = this.t;
    const ex = t.newEx(true);
    ex.reqStart = at;
    t.push(ex);
    t.reqCur = ex;
  }
  headerBytes(): void {}
  headers(block: string, at: Pkt): Framing {
    const t = this.t;
    const ex = t.reqCur!;
    const f: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
    const first = parseBlock(block, REQUEST_FIELDS, f);
    ex.reqHdrEnd = at;
    const m = REQUEST_LINE.exec(first);
    if (!m) {
      // Kept: the server's answer to it (often a 400) is evidence.
      ex.requestLine = first.slice(0, 200);
      return { kind: 'invalid', why: `not an HTTP/1.x request line: ${JSON.stringify(first.slice(0, 60))}` };
    }
    ex.method = m[1];
    ex.target = m[2];
    ex.version = m[3];
    ex.requestLine = first;
    const h = ex.headers;
    h.host = f[0];
    h.expect = f[1];
    h.contentLength = f[2];
    h.transferEncoding = f[3];
    h.connection = f[4];
    h.userAgent = f[5];
    if (h.transferEncoding !== undefined) {
      if (!isChunked(h.transferEncoding)) return { kind: 'invalid', why: `request Transfer-Encoding ${JSON.stringify(h.transferEncoding)} does not end in chunked, so the request has no length (RFC 9112 §6.3)` };
      ex.reqBody.framing = 'chunked';
      return { kind: 'chunked' };
    }
    const cl = contentLength(h.contentLength);
    if (cl === undefined || cl === 0) return { kind: 'none' };
    if (Number.isNaN(cl)) return { kind: 'invalid', why: `request Content-Length ${JSON.stringify(h.contentLength)} is not a length` };
    ex.reqBody.framing = 'content-length';
    ex.reqBody.expected = cl;
    return { kind: 'length', n: cl };
  }
  body(n: number, at: Pkt): void {
    const t = this.t;
    const b = t.reqCur?.reqBody;
    if (!b || n === 0) return;
    b.seen += n;
    b.first ??= at;
    b.last = at;
  }
  missing(n: number, at: Pkt): void {
    const t = this.t;
    const ex = t.reqCur;
    if (!ex) return;
    ex.reqBody.missing += n;
    ex.reqBody.first ??= at;
    ex.reqBody.last = at;
    ex.gapped = true;
  }
  lastChunk(): void {
    const t = this.t;
    if (t.reqCur) t.reqCur.reqBody.lastChunkSeen = true;
  }
  complete(at: Pkt): void {
    const t = this.t;
    const ex = t.reqCur;
    if (!ex) return;
    // After a CONNECT the client's bytes are the tunnel's once the proxy says 2xx, HTTP again if it refuses.
    if (ex.method === 'CONNECT') t.req.pause();
    ex.reqEnd = at;
    ex.reqDone = true;
    ex.reqBody.complete = true;
    t.reqCur = undefined;
    if (ex.respDone) t.finalize(ex);
  }
  lost(at: Pkt, why: string): void {
    const t = this.t;
    t.host.warn(at, `HTTP request stream: ${why}; following it again at the next request line`);
    const ex = t.reqCur;
    t.reqCur = undefined;
    if (ex && !ex.method && !ex.resp) {
      // bytes we could not place: not an exchange we can name
      ex.finalized = true;
      t.count--;
      t.advance();
    } else if (ex) {
      ex.gapped = true;
      ex.reqDone = true;
      if (ex.respDone) t.finalize(ex);
    }
  }
  violation(at: Pkt, why: string, offset: number): void {
    const t = this.t;
    const ex = t.reqCur;
    t.reqCur = undefined;
    if (!ex) return;
    t.violation(ex, 'orig', at, why, offset, true);
    ex.reqDone = true;
    ex.reqEnd ??= at;
    if (ex.respDone) t.finalize(ex);
  }
  opaque(b: Uint8Array, start: number, end: number, at: Pkt): void {
    const t = this.t;
    t.host.tunnel('orig', b, start, end, at);
  }
}

/** The MessageHandler of the response stream: one object, methods on the prototype (no closures made per connection). */
class ResponseSide implements MessageHandler {
  constructor(private readonly t: HttpTracker) {}

  start(at: Pkt): void {
    const t = this.t;
    t.resStart = at;
    const lost = t.resLostAt;
    t.resLostAt = undefined;
    if (t.resCur) return; // after an interim 1xx: same exchange
    if (lost) t.skipAnsweredInHole(lost, at);
    let ex = t.waiting();
    if (!ex) {
      // a response without its request (capture started mid-exchange, or a request we lost)
      ex = t.newEx(false);
      t.push(ex);
    }
    t.resCur = ex;
    ex.respFirst ??= at;
  }
  headerBytes(n: number): void {
    const t = this.t;
    if (t.resCur) t.resCur.respBytes += n;
  }
  headers(block: string, at: Pkt): Framing {
    const t = this.t;
    const ex = t.resCur!;
    const start = t.resStart ?? at;
    const f: (string | undefined)[] = [undefined, undefined, undefined, undefined];
    const first = parseBlock(block, RESPONSE_FIELDS, f);
    const m = STATUS_LINE.exec(first);
    if (!m) return { kind: 'invalid', why: `not an HTTP/1.x status line: ${JSON.stringify(first.slice(0, 60))}` };
    const status = Number(m[2]);
    if (status >= 100 && status < 200 && status !== 101) {
      ex.interim.push({ status, line: first, at: start });
      if (status === 100) ex.cont ??= start;
      return { kind: 'interim' };
    }
    const headers: HttpResponseHeaders = {
      contentLength: f[0],
      transferEncoding: f[1],
      connection: f[2],
      contentType: f[3],
    };
    const body = newBody();
    ex.resp = { version: m[1], status, reason: m[3] ?? '', line: first, headers, start, hdrEnd: at, body, last: at };
    if (status === 101 || (ex.method === 'CONNECT' && status >= 200 && status < 300)) {
      // From here on both directions carry a tunnel (TLS, WebSocket, anything): not HTTP.
      t.host.switched(at, ex);
      t.req.stop();
      return { kind: 'opaque' };
    }
    if (ex.method === 'CONNECT') t.req.resume(); // refused: the client may ask again on this connection
    if (ex.method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
    if (headers.transferEncoding !== undefined) {
      if (isChunked(headers.transferEncoding)) {
        body.framing = 'chunked';
        return { kind: 'chunked' };
      }
      // RFC 9112 §6.3: a response whose last coding is not chunked runs to the close.
      // Legal, but a server that writes `chunked, identity` (no such coding since
      // RFC 7230) confuses clients: said, and read the way the RFC says.
      t.violation(ex, 'resp', at, `Transfer-Encoding ${JSON.stringify(headers.transferEncoding)} does not end in chunked: the body runs to the connection's close (RFC 9112 §6.3)`, t.res.messageOffset, false);
    } else {
      const cl = contentLength(headers.contentLength);
      if (Number.isNaN(cl)) {
        // RFC 9112 §6.3: an invalid Content-Length in a response is unrecoverable; clients drop the connection.
        return { kind: 'invalid', why: `Content-Length ${JSON.stringify(headers.contentLength)} is not a length` };
      }
      if (cl !== undefined) {
        body.framing = 'content-length';
        body.expected = cl;
        return { kind: 'length', n: cl };
      }
    }
    body.framing = 'close';
    return { kind: 'close' };
  }
  body(n: number, at: Pkt): void {
    const t = this.t;
    const r = t.resCur?.resp;
    if (!r || n === 0) return;
    t.resCur!.respBytes += n;
    r.body.seen += n;
    r.body.first ??= at;
    r.body.last = at;
    r.last = at;
  }
  missing(n: number, at: Pkt): void {
    const t = this.t;
    const ex = t.resCur;
    if (!ex?.resp) return;
    ex.resp.body.missing += n;
    ex.resp.body.first ??= at;
    ex.resp.last = at;
    ex.gapped = true;
  }
  lastChunk(): void {
    const t = this.t;
    if (t.resCur?.resp) t.resCur.resp.body.lastChunkSeen = true;
  }
  complete(at: Pkt): void {
    const t = this.t;
    const ex = t.resCur;
    if (!ex) return;
    if (!ex.resp) return; // an interim response ended: the final one is still to come
    t.resStart = undefined;
    ex.resp.body.complete = true;
    ex.resp.last = at;
    ex.respDone = true;
    ex.end = 'complete';
    t.resCur = undefined;
    if (ex.reqDone || t.reqCur !== ex) t.finalize(ex);
  }
  lost(at: Pkt, why: string): void {
    const t = this.t;
    t.host.warn(at, `HTTP response stream: ${why}; following it again at the next status line`);
    t.resLostAt = at;
    // lost between responses: the missing bytes most likely answered the oldest waiting request
    const ex = t.resCur ?? t.waiting(true);
    t.resCur = undefined;
    t.resStart = undefined;
    if (ex) {
      ex.gapped = true;
      ex.end = 'gap';
      ex.endAt = at;
      ex.respDone = true;
      if (ex.reqDone || t.reqCur !== ex) t.finalize(ex);
    }
  }
  violation(at: Pkt, why: string, offset: number): void {
    const t = this.t;
    let ex = t.resCur ?? t.waiting();
    if (!ex) {
      ex = t.newEx(false);
      t.push(ex);
    }
    t.resCur = undefined;
    const start = t.resStart ?? at;
    t.resStart = undefined;
    ex.respFirst ??= start;
    t.violation(ex, 'resp', at, why, offset, true);
    ex.end = 'violation';
    ex.endAt = at;
    ex.endSide = 'resp';
    ex.respDone = true;
    if (ex.method === 'CONNECT') t.req.resume();
    if (ex.reqDone || t.reqCur !== ex) t.finalize(ex);
  }
  opaque(b: Uint8Array, start: number, end: number, at: Pkt): void {
    const t = this.t;
    t.host.tunnel('resp', b, start, end, at);
  }
}
