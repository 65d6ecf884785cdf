/**
 * Collects what the lines of one transfer say, then hands out the finished
 * `CurlTransfer`. Memory per transfer is bounded: header lines, variables
 * and evidence entries are capped; body bytes are only counted.
 */
import {
  MAX_EVIDENCE_TEXT,
  MAX_HEADER_LINES,
  MAX_VARS,
  type CurlEvidenceLine,
  type CurlSource,
  type CurlTransfer,
  type Endpoint,
  type ExitCodeSource,
} from '../../src/model/index.js';
import { ERRNO_NAMES, Wordings } from './errors.js';

/** Where the transfer stands, as far as the printed lines tell. */
export type Phase =
  | 'setup' // resolving, connecting, TLS
  | 'request' // request head being printed
  | 'sent' // request head done; waiting (100-continue, or the response)
  | 'response' // response head being printed
  | 'body'; // response body

const MAX_EVIDENCE_KEYS = 60;
const MAX_INFO_ERRORS = 5;

export function ev(line: number, text: string, t: number | null | undefined): CurlEvidenceLine {
  const s = text.trim();
  const cut = s.length > MAX_EVIDENCE_TEXT ? s.slice(0, MAX_EVIDENCE_TEXT) + '…' : s;
  // one shape per form, not `t` added after: an object of three fields where the added one took a
  // second object (a property store), kept with every timed entry (an application log's error lines).
  // A copy of a template, not a literal: V8 decides by a literal's allocation site whether its
  // objects live long (the entries of kept transfers do) and, when it decides, throws away every
  // optimised function that inlined the literal (fact() and its callers, twice over the first
  // 15,000 transfers of a long `curl -v`: ~15 functions compiled again); a copy has no such site.
  if (t !== undefined && t !== null) {
    const e = { ...TIMED_ENTRY };
    e.line = line;
    e.text = cut;
    e.t = t;
    return e;
  }
  const e = { ...ENTRY };
  e.line = line;
  e.text = cut;
  return e;
}

/** ev's templates (see there); `t` a heap number from the start, as most times are. */
const ENTRY: { line: number; text: string } = { line: 0, text: '' };
const TIMED_ENTRY: { line: number; text: string; t: number } = { line: 0, text: '', t: 0.5 };

export function versionFromAgent(ua: string): string | undefined {
  const m = /\bcurl\/(\d+\.\d+(?:\.\d+)?)/i.exec(ua) ?? /^(?:lib)?curl[ /](\d+\.\d+(?:\.\d+)?)/i.exec(ua.trim());
  return m ? m[1] : undefined;
}

/**
 * The header names requestField and responseField read, each to itself: a name cut from a decoded
 * line is given to them as the literal. Their switches are compiled for the literals the byte
 * reader passes (text.ts quick()) and were thrown away and compiled again when the first name
 * cut from a line came (another kind of string).
 */
const FIELD_NAMES: ReadonlyMap<string, string> = new Map(['host', 'user-agent', 'expect', 'content-length', 'transfer-encoding'].map((n) => [n, n]));

/**
 * `version` as the literal of HTTP_VERSION_NAMES where it is one: for statusLine, whose
 * versionNumber is compiled for the literals the byte reader passes (see FIELD_NAMES).
 */
export function httpVersionName(version: string): string {
  return HTTP_VERSION_NAMES.get(version) ?? version;
}
const HTTP_VERSION_NAMES: ReadonlyMap<string, string> = new Map(['HTTP/1.0', 'HTTP/1.1', 'HTTP/2', 'HTTP/3', 'HTTP/2.0'].map((n) => [n, n]));

/** `version` less its `HTTP/`: the versions curl prints without a regex (a status line of every transfer). */
function versionNumber(version: string): string {
  switch (version) {
    case 'HTTP/1.1':
      return '1.1';
    case 'HTTP/1.0':
      return '1.0';
    case 'HTTP/2':
      return '2';
    default:
      return version.replace(/^HTTP\//, '');
  }
}

/**
 * versionFromAgent of the User-Agent the reader saw last, per reader: every transfer of a loop
 * of curl calls sends the same one.
 */
export class AgentVersions {
  private agent: string | undefined;
  private version: string | undefined;

  of(ua: string): string | undefined {
    if (ua !== this.agent) {
      this.version = versionFromAgent(ua);
      this.agent = ua;
    }
    return this.version;
  }
}

/**
 * A new transfer with every field CurlTransfer declares, those not known yet undefined: one hidden
 * class for every transfer, whatever its lines say and in whatever order. Built up field by field
 * (the literal of `line`, `t`, `source` and `evidence`, each further field added as a line told
 * it), the transfers of one long `curl -v` output took dozens of hidden classes, one per order of
 * their facts, and every site that reads or writes a transfer's field (`x.exitCode`, `x.closed`,
 * `x.connectionId`, in the reader, the builder, CurlAnalysis and its copy) went megamorphic: a
 * generic IC call for each access, ~6% of the instructions of the 100 MB curl -v bench, and a
 * copy of each kept transfer key by key (CloneObjectIC's slow path). One shape also keeps all
 * fields in the object itself, with no property array grown three slots at a time as fields come.
 * An undefined field reads as an absent one everywhere a transfer is read (nothing lists a
 * transfer's keys; JSON leaves undefined out).
 */
export function blankTransfer(line: number, t: number | null, source: CurlSource): CurlTransfer {
  // every key of CurlTransfer, checked: a field added to the model and not here would add a shape
  const x: { [K in keyof Required<CurlTransfer>]: CurlTransfer[K] } = {
    line,
    t,
    source,
    evidence: {},
    endLine: line,
    endT: undefined,
    remote: undefined,
    local: undefined,
    host: undefined,
    connectionId: undefined,
    reused: undefined,
    method: undefined,
    url: undefined,
    httpVersion: undefined,
    userAgent: undefined,
    curlVersion: undefined,
    expect100: undefined,
    requestContentLength: undefined,
    upload: undefined,
    statuses: undefined,
    httpStatus: undefined,
    proxyConnectStatus: undefined,
    contentLength: undefined,
    bytesReceived: undefined,
    bytesReceivedAtLeast: undefined,
    bytesSent: undefined,
    bytesRemaining: undefined,
    progressReceived: undefined,
    closed: undefined,
    exitCode: undefined,
    exitCodeSource: undefined,
    errorMessage: undefined,
    wording: undefined,
    errno: undefined,
    errnoName: undefined,
    infoErrors: undefined,
    timeoutAfterMs: undefined,
    timings: undefined,
    timingNotes: undefined,
    sizeDownload: undefined,
    sizeUpload: undefined,
    headerSize: undefined,
    requestSize: undefined,
    requestHeaders: undefined,
    responseHeaders: undefined,
    headersDropped: undefined,
    vars: undefined,
    traceId: undefined,
    placed: undefined,
    n: undefined,
  };
  return x;
}

export class TransferBuilder {
  readonly x: CurlTransfer;
  phase: Phase = 'setup';
  /** request head was printed without `>` prefixes after its first line (libcurl in PHP, an nc view) */
  bareRequest = false;
  /** a response head printed where it should not be (markdown-mangled `> HTTP/1.1 201`) */
  bareResponse = false;
  target?: string;
  scheme?: string;
  hostHeader?: string;
  tls = false;
  /** URL from the curl command line seen before the transfer: used only when the transfer names none */
  cmdUrl?: string;
  private requests = 0;
  private facts = 0;
  private finalSeen = false;
  private varCount = 0;
  /** a fact other than `command` was stated (what a full transfer's evidence keys tell; read for lean ones) */
  private stated = false;
  /**
   * The greatest line touched: `x.endLine` from build() on. Kept here while lines come (one
   * shape, where the transfers' objects have as many shapes as their facts have orders).
   */
  private last: number;
  /**
   * A full transfer's header lines (keepHeader), put on `x` by build(): while lines come, the
   * transfers' objects of full and lean builders then take the same shapes, and the code
   * optimised while every transfer was full is not deoptimised when the first lean one comes.
   */
  private requestHeaders: string[] | undefined;
  private responseHeaders: string[] | undefined;
  private headersDropped = 0;
  /**
   * The entry `entry` made last, and what it was made from (its line, text and time), each a field
   * of the builder: an object of the four made with every entry was one more allocation per fact
   * of a full transfer, most of them living as long as their builder (bench/curl, 100 MB curl -v:
   * main-thread CPU -1 to -2%, median of 37 pairs -1.8%; %{json} unchanged).
   */
  private lastEntry: CurlEvidenceLine | undefined;
  private lastLine = -1;
  private lastText = '';
  private lastT: number | undefined = undefined;

  /**
   * `lean`: the transfer will only be counted (the consumer keeps no more transfers in full):
   * everything that decides where transfers begin and end, whether they failed and whether they
   * are notable is kept, but no evidence entries, header lines or variables (the -w
   * `start_time`, which places the transfer in time, excepted). A lean transfer is a summary,
   * not a result: see `CurlParseOptions.wanted`.
   */
  constructor(
    line: number,
    t: number | null,
    source: CurlSource,
    readonly lean = false,
    /** the reader's memo of error messages */
    readonly words: Wordings = new Wordings(),
    /** the reader's memo of User-Agent versions */
    readonly agents: AgentVersions = new AgentVersions(),
  ) {
    this.x = blankTransfer(line, t, source);
    this.last = line;
    this.touch(line, t);
  }

  /** The greatest line of the transfer so far. */
  get endLine(): number {
    return this.last;
  }

  /** Whether every fact stated so far was the command line's (a builder opened by a line that said nothing). */
  get onlyCommandFacts(): boolean {
    // what a full transfer's evidence keys tell (fact() alone writes them), for lean and full alike
    return !this.stated;
  }

  get hasRequest(): boolean {
    return this.requests > 0;
  }
  get finalStatusSeen(): boolean {
    return this.finalSeen;
  }
  get closed(): boolean {
    return this.x.closed !== undefined;
  }

  touch(line: number, t: number | null | undefined): void {
    if (line > this.last) this.last = line;
    if (t !== null && t !== undefined) {
      if (this.x.t === null) this.x.t = t;
      this.x.endT = t;
    }
  }

  fact(key: string, line: number, text: string, t: number | null | undefined, overwrite = false): void {
    // `stated` is set for full builders too (only lean ones read it): code optimised while every
    // transfer was full meets no operation here it has not seen when the first lean one comes, so
    // its callers (quickInfo, statusLine, error…, fact inlined into each) are not all deoptimised
    // and compiled again at once
    if (key !== 'command') this.stated = true;
    if (this.lean) return;
    const evs = this.x.evidence;
    if (evs[key]) {
      if (overwrite) evs[key] = this.entry(line, text, t);
      return;
    }
    if (this.facts >= MAX_EVIDENCE_KEYS) return;
    this.facts++;
    evs[key] = this.entry(line, text, t);
  }

  /**
   * ev(line, text, t), the last one made again when asked for the same line: a log line states a
   * transfer's error, its variables, its connection and its start, four facts of one entry (entries
   * are never changed once made, so one object serves them all).
   */
  private entry(line: number, text: string, t: number | null | undefined): CurlEvidenceLine {
    const last = this.lastEntry;
    if (last !== undefined && this.lastLine === line && this.lastText === text && this.lastT === (t ?? undefined)) return last;
    const e = ev(line, text, t);
    this.lastEntry = e;
    this.lastLine = line;
    this.lastText = text;
    this.lastT = t ?? undefined;
    return e;
  }

  setRemote(ip: string, port: number | undefined): void {
    const clean = unbracket(ip);
    if (port !== undefined && Number.isFinite(port)) this.x.remote = { ip: clean, port };
    else if (!this.x.remote || this.x.remote.ip !== clean) this.x.remote = { ip: clean, port: NaN };
  }

  setLocal(ip: string | undefined, port: number): void {
    this.x.local = { ip: unbracket(ip ?? this.x.local?.ip ?? ''), port };
  }

  setHost(h: string): void {
    const host = plainLower(h) ? h : unbracket(h.trim().toLowerCase());
    if (host) this.x.host = host;
  }

  /** `> GET /x HTTP/1.1` (or its bare form). */
  requestLine(method: string, target: string, version: string | undefined, line: number, raw: string, t: number | null): void {
    this.requests++;
    this.x.method = method.toUpperCase();
    this.target = target;
    if (version) this.x.httpVersion = versionNumber(version);
    this.phase = 'request';
    this.fact('request', line, raw, t);
  }

  requestHeader(text: string, line: number, t: number | null, raw: string = text): void {
    this.keepHeader('requestHeaders', text);
    const c = text.indexOf(':');
    if (c <= 0) return;
    // requestField reads these names alone; see FIELD_NAMES
    const name = FIELD_NAMES.get(text.slice(0, c).trim().toLowerCase());
    if (name !== undefined) this.requestField(name, text.slice(c + 1).trim(), line, t, raw);
  }

  /** What a request header line says, by its name (lower case) and value (trimmed); the line itself is kept by requestHeader. */
  requestField(name: string, value: string, line: number, t: number | null, raw: string): void {
    switch (name) {
      case 'host':
        this.hostHeader = value;
        this.setHost(withoutPort(value));
        break;
      case 'user-agent': {
        this.x.userAgent = value;
        const v = this.agents.of(value);
        if (v) {
          this.x.curlVersion = v;
          this.fact('version', line, raw, t);
        }
        break;
      }
      case 'expect':
        if (/100-continue/i.test(value)) {
          this.x.expect100 = { ...(this.x.expect100 ?? {}), sent: true };
          this.fact('expect', line, raw, t);
        }
        break;
      case 'content-length': {
        const n = Number(value);
        if (Number.isFinite(n)) {
          this.x.requestContentLength = n;
          if (n > 0) this.x.upload = true;
        }
        break;
      }
      case 'transfer-encoding':
        if (/chunked/i.test(value)) this.x.upload = true;
        break;
    }
  }

  /** End of the request head (`>` alone, or the blank line after a bare head). */
  requestEnd(line: number, t: number | null): void {
    if (this.phase !== 'request') return;
    this.phase = 'sent';
    if (this.x.expect100?.sent) {
      this.x.expect100.tSent = t;
      this.fact('expectSent', line, '>', t);
    }
  }

  statusLine(version: string, status: number, line: number, raw: string, t: number | null): void {
    (this.x.statuses ??= []).push(status);
    this.x.httpVersion = versionNumber(version);
    this.phase = 'response';
    if (status >= 100 && status < 200) {
      if (status === 100) {
        const e = (this.x.expect100 ??= { sent: false });
        if (!e.got100) {
          e.got100 = true;
          e.t100 = t;
          this.fact('interim100', line, raw, t);
        }
      }
      return;
    }
    this.finalSeen = true;
    this.x.httpStatus = status;
    this.fact('status', line, raw, t, true);
    const e = this.x.expect100;
    if (e?.sent && !e.got100 && !e.doneWaiting) {
      e.finalFirst = true;
      e.tFinal = t;
    } else if (e?.sent && e.tFinal === undefined) e.tFinal = t;
  }

  responseHeader(text: string, line: number, t: number | null, raw: string = text): void {
    this.keepHeader('responseHeaders', text);
    const c = text.indexOf(':');
    if (c <= 0) return;
    // responseField reads this name alone; see FIELD_NAMES
    const name = FIELD_NAMES.get(text.slice(0, c).trim().toLowerCase());
    if (name === 'content-length') this.responseField(name, text.slice(c + 1).trim(), line, t, raw);
  }

  /** What a response header line says, by its name (lower case) and value (trimmed); the line itself is kept by responseHeader. */
  responseField(name: string, value: string, line: number, t: number | null, raw: string): void {
    const interim = (this.x.statuses?.at(-1) ?? 200) < 200;
    if (name === 'content-length' && !interim) {
      const n = Number(value);
      if (Number.isFinite(n) && n >= 0) {
        this.x.contentLength = n;
        this.fact('contentLength', line, raw, t, true);
      }
    }
  }

  /** responseField('content-length', value) for a value that is the plain number `n` (what Number(value) gives). */
  responseContentLength(n: number, line: number, t: number | null, raw: string): void {
    if ((this.x.statuses?.at(-1) ?? 200) < 200) return;
    this.x.contentLength = n;
    this.fact('contentLength', line, raw, t, true);
  }

  /** End of a response head (`<` alone). After an interim 1xx, the wait goes on. */
  responseEnd(): void {
    if (this.phase !== 'response') return;
    const last = this.x.statuses?.at(-1);
    this.phase = last !== undefined && last < 200 ? 'sent' : 'body';
  }

  doneWaiting(line: number, raw: string, t: number | null): void {
    const e = (this.x.expect100 ??= { sent: false });
    if (e.doneWaiting) return;
    e.doneWaiting = true;
    e.tDoneWaiting = t;
    // Printed after a 100 too (curl 7.64 does): only before any 100 is it curl giving up.
    e.gaveUp = !e.got100 && !this.finalSeen;
    this.fact('doneWaiting', line, raw, t);
  }

  bodySent(n: number, line: number, raw: string, t: number | null): void {
    this.x.bytesSent = (this.x.bytesSent ?? 0) + n;
    const e = this.x.expect100;
    if (e?.sent && e.tBody === undefined) {
      e.tBody = t;
      this.fact('bodySent', line, raw, t);
    }
    if (n > 0) this.x.upload = true;
  }

  bodyReceived(n: number, line: number, raw: string, t: number | null, exact = true): void {
    if (exact) this.x.bytesReceived = (this.x.bytesReceived ?? 0) + n;
    else this.x.bytesReceivedAtLeast = (this.x.bytesReceivedAtLeast ?? 0) + n;
    this.fact('data', line, raw, t);
    this.fact('lastData', line, raw, t, true);
  }

  /**
   * An error told by curl's info lines (`* Recv failure: …`) or a one-liner. `known`: the
   * message's wording and errno when the caller has them already (an ErrorLine: findErrorLine
   * matched the same message), so that they are not matched twice.
   */
  error(
    code: number | undefined,
    message: string,
    source: ExitCodeSource,
    line: number,
    raw: string,
    t: number | null,
    known?: { readonly wording?: string; readonly errno?: number },
  ): void {
    const x = this.x;
    // what the reader's memo knows of the message, looked up once (match, errno and numbers are its fields)
    const facts = known ? undefined : this.words.numbers(message);
    const wording = known ? known.wording : facts!.wording?.id;
    if (source === 'wording') {
      // An info line: keep it; it names the code only until curl prints its own.
      if ((x.infoErrors ??= []).length < MAX_INFO_ERRORS) x.infoErrors.push(message);
      this.fact('errorInfo', line, raw, t);
      if (x.exitCode === undefined && code !== undefined) {
        x.exitCode = code;
        x.exitCodeSource = 'wording';
        x.errorMessage = message;
        if (wording) x.wording = wording;
      }
    } else {
      const stronger = x.exitCode === undefined || x.exitCodeSource === 'wording';
      if (!stronger) return;
      if (code !== undefined) x.exitCode = code;
      x.exitCodeSource = source;
      x.errorMessage = message;
      x.wording = wording;
      this.fact('error', line, raw, t, true);
    }
    const e = known ? known.errno : facts!.errno;
    if (e !== undefined && (x.errno === undefined || source !== 'wording')) {
      x.errno = e;
      x.errnoName = ERRNO_NAMES[e];
    }
    const said = facts ?? this.words.numbers(message);
    if (said.remaining !== undefined) {
      x.bytesRemaining = said.remaining;
      this.fact('remaining', line, raw, t);
    }
    const to = said.timeout;
    if (to !== undefined) {
      x.timeoutAfterMs = to.afterMs;
      x.bytesReceived ??= to.received;
      if (to.total !== undefined && to.total >= 0) x.contentLength ??= to.total;
    }
  }

  keepHeader(which: 'requestHeaders' | 'responseHeaders', text: string): void {
    if (this.lean) return;
    let arr = which === 'requestHeaders' ? this.requestHeaders : this.responseHeaders;
    if (arr === undefined) {
      arr = [];
      if (which === 'requestHeaders') this.requestHeaders = arr;
      else this.responseHeaders = arr;
    }
    if (arr.length < MAX_HEADER_LINES) arr.push(text.length > MAX_EVIDENCE_TEXT ? text.slice(0, MAX_EVIDENCE_TEXT) + '…' : text);
    else this.headersDropped++;
  }

  setVar(name: string, value: string | number | boolean | null): void {
    const vars = (this.x.vars ??= {});
    if (this.lean) {
      // applyVars calls this once per name of a builder, names distinct: counting them is enough to
      // know whether `start_time` would have been kept under MAX_VARS (`__proto__` never counts).
      if (name !== '__proto__' && this.varCount++ < MAX_VARS && name === 'start_time') vars[name] = value;
      return;
    }
    // varCount is Object.keys(vars).length, kept as we go: counting keys on every call made a %{json} object quadratic.
    const had = Object.hasOwn(vars, name);
    if (!had && this.varCount >= MAX_VARS && !(name in vars)) return;
    vars[name] = value;
    // Only `__proto__` is not an own key after the assignment (a primitive value is ignored there).
    if (!had && (name !== '__proto__' || Object.hasOwn(vars, name))) this.varCount++;
  }

  /** Variables made whole by the caller (applyVars from a %{json} object): `count` distinct names, at most MAX_VARS. */
  adoptVars(vars: Record<string, string | number | boolean | null>, count: number): void {
    this.x.vars = vars;
    this.varCount = count;
  }

  /** The finished transfer; derived fields filled from what was seen. */
  build(): CurlTransfer {
    const x = this.x;
    x.endLine = this.last;
    // A lean transfer is only counted (see the constructor): what follows derives its URL and host
    // and tidies fields that no count reads (a regex, a string and the writes of new keys per
    // transfer, most of a lean transfer's build).
    if (this.lean) return x;
    if (this.requestHeaders !== undefined) x.requestHeaders = this.requestHeaders;
    if (this.responseHeaders !== undefined) x.responseHeaders = this.responseHeaders;
    if (this.headersDropped > 0) x.headersDropped = this.headersDropped;
    if (!x.url && this.target) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(this.target)) x.url = this.target;
      else if (this.hostHeader || x.host) {
        const scheme = this.scheme ?? (this.tls || x.remote?.port === 443 ? 'https' : 'http');
        // joined, not `${…}` (a tree of two cons strings over a `scheme://` copy and the Host header's
        // value, itself a slice that holds its untrimmed line): one flat string, a third of the bytes
        // each of the 15,000 kept transfers of a long `curl -v` holds, for the young generation to copy
        x.url = [scheme, '://', this.hostHeader ?? x.host, this.target].join('');
      } else x.url = this.target;
    }
    if (!x.url && this.cmdUrl) x.url = this.cmdUrl;
    if (!x.host && x.url) {
      const h = hostOf(x.url); // a bare target: no host
      if (h !== undefined) x.host = h;
    }
    // cleared, not deleted: a delete would take the object out of blankTransfer's one shape (into a dictionary)
    if (x.remote && !Number.isFinite(x.remote.port)) x.remote = undefined;
    // A local port without its address is kept (ip ''): it still names the connection on this host.
    if (x.local && !Number.isFinite(x.local.port)) x.local = undefined;
    if (x.statuses && x.statuses.length === 0) x.statuses = undefined;
    return x;
  }
}

/**
 * The host of a URL as `new URL(url).hostname` gives it (lower case, IPv6
 * without brackets), undefined where URL refuses it. The plain
 * `http(s)://name[:port]/…` of logs is read here without building a URL (a
 * transfer's cost in a log of failures); anything less plain goes to URL.
 */
export function hostOf(url: string): string | undefined {
  const plain = plainHost(url);
  if (plain !== undefined) return plain;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * The host of `http://` or `https://`, lower-case letters, digits, `-` and
 * `.`, in labels that are not empty, the last one starting with a letter (so
 * never an IPv4 address in any of its spellings, but the plain dotted one of
 * plainIpv4) and none `xn--` (punycode, which URL checks), then an optional port of at most 5 digits below 65536,
 * then the end or `/`, `?`, `#`. URL gives these back unchanged; undefined
 * for anything else.
 */
function plainHost(url: string): string | undefined {
  // the fixed texts compared by their characters, not by startsWith: for a text given as a
  // parameter, startsWith was a call per look, four of them per URL (a transfer of a log of failures)
  const from = isHttp(url) ? (url.charCodeAt(4) === 58 /* : */ ? 7 : 8) : -1;
  if (from < 0) return undefined;
  let i = from;
  let label = from;
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) continue;
    if (c === 46 /* . */) {
      if (i === label || isPunycode(url, label)) return undefined;
      label = i + 1;
      continue;
    }
    break;
  }
  const end = i;
  if (end === label || isPunycode(url, label)) return undefined;
  const l0 = url.charCodeAt(label);
  if ((l0 < 97 || l0 > 122) && !plainIpv4(url, from, end)) return undefined;
  if (i < url.length && url.charCodeAt(i) === 58 /* : */) {
    const p0 = ++i;
    // the port's value from its digits (at most 5 read: a longer port is refused)
    let port = 0;
    for (let c = url.charCodeAt(i); c >= 48 && c <= 57; c = url.charCodeAt(++i)) if (i - p0 < 5) port = port * 10 + (c - 48);
    if (i === p0 || i - p0 > 5 || port > 65535) return undefined;
  }
  if (i < url.length) {
    const c = url.charCodeAt(i);
    if (c !== 47 && c !== 63 && c !== 35) return undefined;
  }
  // the host given last where this is the same: the URLs of a loop of curl calls name one host, and
  // a new copy of it in each of the 15,000 transfers a long %{json} run keeps was theirs to carry
  const last = lastPlainHost;
  if (last.length === end - from && sameAt(url, from, last)) return last;
  return (lastPlainHost = url.slice(from, end));
}

/** Whether `url` starts with `http://` or `https://`. */
function isHttp(url: string): boolean {
  if (url.charCodeAt(0) !== 104 || url.charCodeAt(1) !== 116 || url.charCodeAt(2) !== 116 || url.charCodeAt(3) !== 112) return false; // http
  const k = url.charCodeAt(4) === 115 /* s */ ? 5 : 4;
  return url.charCodeAt(k) === 58 && url.charCodeAt(k + 1) === 47 && url.charCodeAt(k + 2) === 47; // ://
}

/** `url.startsWith('xn--', at)`. */
function isPunycode(url: string, at: number): boolean {
  return url.charCodeAt(at) === 120 && url.charCodeAt(at + 1) === 110 && url.charCodeAt(at + 2) === 45 && url.charCodeAt(at + 3) === 45;
}

/**
 * `s.startsWith(word, at)`, for a `word` that fits there, by a loop over its characters: startsWith of
 * a word known only when it runs is a call of its own (~60 ns for a log pair's name), the loop a few
 * ns a character. The curl reader's comparisons of names and hosts use it too.
 */
export function sameAt(s: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (s.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

/** The host plainHost gave last. */
let lastPlainHost = '';

/**
 * Whether `s[from, to)` is a dotted IPv4 address as URL prints it back: four parts, each `0` or
 * 1 to 3 digits without a leading zero, at most 255 (other spellings URL reads as octal, hex or
 * fewer parts, and prints otherwise).
 */
function plainIpv4(s: string, from: number, to: number): boolean {
  let parts = 0;
  let i = from;
  while (i < to) {
    const p0 = i;
    let v = 0;
    while (i < to && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) v = v * 10 + s.charCodeAt(i++) - 48;
    const n = i - p0;
    if (n === 0 || n > 3 || v > 255 || (n > 1 && s.charCodeAt(p0) === 48)) return false;
    parts++;
    if (i < to) {
      if (s.charCodeAt(i) !== 46 /* . */) return false;
      i++;
      if (i === to) return false;
    }
  }
  return parts === 4;
}

/** `value.replace(/:\d+$/, '')` without a regex: a Host header of every transfer. */
export function withoutPort(value: string): string {
  let i = value.length;
  while (i > 0 && value.charCodeAt(i - 1) >= 48 && value.charCodeAt(i - 1) <= 57) i--;
  return i < value.length && i > 0 && value.charCodeAt(i - 1) === 58 /* : */ ? value.slice(0, i - 1) : value;
}

export function endpoint(ip: string, port: number): Endpoint {
  return { ip: unbracket(ip), port };
}

/** `s` less a `[` at its start and a `]` at its end (an IPv6 address as URLs and curl print it). */
export function unbracket(s: string): string {
  return s.charCodeAt(0) === 91 || s.charCodeAt(s.length - 1) === 93 ? s.replace(/^\[|\]$/g, '') : s;
}

/**
 * Whether trimming, lower-casing and unbracketing would leave `s` as it is: printable ASCII
 * without capitals, not starting with `[` nor ending with `]`. A host curl prints mostly is.
 */
function plainLower(s: string): boolean {
  const n = s.length;
  if (n === 0 || s.charCodeAt(0) === 91 || s.charCodeAt(n - 1) === 93) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || (c >= 65 && c <= 90)) return false;
  }
  return true;
}
