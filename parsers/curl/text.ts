/**
 * One line-driven reader for every text form of curl output: `-v`,
 * `--trace`/`--trace-ascii` (with --trace-time / --trace-ids), `-w`
 * templates, `%{json}` lines, and application logs. Real files mix them
 * (a shell session with `-v` and `-w`, a CI log with timestamps before curl's
 * stderr, a pasted issue with comments), so every line is tried against every
 * form; the sniffed format only decides the transfer's `source` and whether
 * unplaced lines are worth a warning.
 *
 * Call order: `line()` for each input line in order, then `end()` once.
 * Memory: one open transfer (or one per --trace-ids transfer id, capped), one
 * -w block, one pretty-printed JSON object (capped), one trace data block
 * (capped); nothing else grows with the input.
 */
import { MAX_VARS, type CurlSource, type CurlTimings, type CurlTransfer, type Diagnostics } from '../../src/model/index.js';
import { AgentVersions, hostOf, httpVersionName, sameAt, TransferBuilder, versionFromAgent } from './builder.js';
import { ERRNO_NAMES, ERROR_HINT, Wordings, codeFromName, findErrorLine, type CleanedMessage, type ErrorLine, type ErrorLineHead } from './errors.js';
import { JsonTemplate, ScannedLine, UNREAD } from './json-scan.js';
import { decode, LineMemo } from './lines.js';
import { parseDateValue, parseStamp, wholeSecond, type Stamp, type StampShape } from './timestamps.js';
import { TIME_VARS, VarNames } from './vars.js';
import type { CurlFormat } from './index.js';
import { LogPairCursor } from './pairs.js';

/** How the info lines start that are taken even without their `* ` (pasted output that lost it). */
const STRICT_START =
  /^(?:About to connect|Trying |Hostname was|Re-using existing|Connected to |Established connection|Connection #\d|Closing connection|Done waiting|upload completely|We are completely|Request completely|HTTP error before|Send failure|Recv failure|Failed to connect|Could(?:n't| not) resolve|Operation timed out|transfer closed with|Empty reply from server|(?:Open|Libre)SSL SSL_|GnuTLS recv|Received HTTP code|connect to \S+ port)/;
/** Unknown `name: value` lines this close before a block's first known variable belong to it. */
const LOOSE_REACH = 3; /* lines */
/** ERROR_HINT's words, and `* ` (body text glued to an info line): a line with none of them is no curl line. */
const NOT_ORDINARY = new RegExp(`${ERROR_HINT.source}|\\* `, 'i');
/** Unknown `name: value` lines held at most, waiting for a -w block to claim them. */
const MAX_LOOSE = 40; /* lines */
/** Formats where curl's stderr line comes before the -w record it belongs to. */
const WRITEOUT_FORMATS: ReadonlySet<CurlFormat> = new Set(['curl-writeout', 'curl-json', 'curl-csv']);
/** Trace header blocks longer than this are cut: a request head is never this big. */
const MAX_TRACE_HEADER_BYTES = 16 * 1024;
/** Pretty-printed JSON objects longer than this (lines) are given up on. */
const MAX_JSON_LINES = 400;
/** `name=value` pairs read from one log line at most. */
const MAX_LOG_PAIRS = 60;
/**
 * The last error-line transfer released in full and the last lean one, of the last run: what keeps
 * the hidden classes of a log's transfers alive between runs. V8 drops a hidden class no live object
 * has at a full collection, and with it the code compiled against it: a transfer's object gains its
 * fields one by one (a chain of hidden classes no other object holds), and once a run's transfers
 * are gone, a full collection (a batch's or a server's next case, each run of a benchmark) threw
 * away the compiled applyLogVars, error(), fact(), touch(), setVar() and isEcho, all compiled again
 * in the next log of failures (the lead's many.mjs: 7% of its CPU). Kept until the next run's,
 * never read: see LOG_PAIR_CURSOR_SHAPE in pairs.ts for the classes with one instance.
 */
const HELD_SHAPES: TransferBuilder[] = [];
/** a line where a pair may name a Content-Length (canonicalVar: `content_length_download`, `download_content_length`) */
const MAY_NAME_LENGTH = /length/i;
/** Transfers open at once under --trace-ids (parallel transfers, -Z). */
const MAX_OPEN_TRANSFERS = 256;
/** Connections remembered for `Re-using existing connection #N`. */
const MAX_CONNECTIONS = 1024;
/** A progress meter line this close before a bare error line is that transfer's meter. */
const PROGRESS_REACH = 3; /* lines */
/** A `%{time_*}` printed as an integer this big is microseconds (curl 7.74.0 did that). */
const MICROSECOND_HINT = 1000;
/** curl 7.55 could add 2^32 µs to a timer (curl/curl#1830). */
const TIMER_WRAP = 4294.967296; /* s */

/** The first letters of the curl chatter `info` passes over (its `We are completely uploaded…` pattern): W R H M T E C o F S I. */
const CHATTER_START: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const ch of 'WRHMTECoFSI') t[ch.charCodeAt(0)] = 1;
  return t;
})();

/** The first letters of the TLS chatter `info` notes (its `SSL connection using|ALPN|TLSv|…` pattern): S A T ( s e i C. */
const TLS_START: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const ch of 'SAT(seiC') t[ch.charCodeAt(0)] = 1;
  return t;
})();

const METHOD = '(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|PROPFIND|MKCOL|COPY|MOVE|LOCK|UNLOCK|REPORT)';
const REQUEST_LINE = new RegExp(`^${METHOD} (\\S+)(?: (HTTP/\\d(?:\\.\\d)?))?$`);
const STATUS_LINE = /^(HTTP\/\d(?:\.\d)?) (\d{3})\b/;
const SIZE = '(\\d+(?:\\.\\d+)?[kMGTP]?)';
const PROGRESS = new RegExp(
  `^\\s*(\\d{1,3})\\s+${SIZE}\\s+(\\d{1,3})\\s+${SIZE}\\s+(\\d{1,3})\\s+${SIZE}\\s+${SIZE}\\s+${SIZE}\\s+([-:\\d]+)\\s+([-:\\d]+)\\s+([-:\\d]+)\\s+${SIZE}`,
);
const PROGRESS_HEAD = /^\s*(?:% Total\s+% Received|Dload\s+Upload\s+Total)/;
const HASH_BAR = /^#+\s*(\d{1,3}(?:\.\d)?%)?/;
const TRACE_BLOCK = /^(=>|<=) (Send|Recv) (header|data|SSL data), (\d+) bytes \(0x[0-9a-f]+\)/;
const DUMP = /^([0-9a-f]{4,}): ?(.*)$/;
const TRACE_IDS = /^\[(\d+|x)-(\d+|x)\] /;
const KV = /^([A-Za-z_@%{][\w.{}%@ -]{0,48}?)\s*(?::|=)\s*(.*)$/;
const PRINT_R = /^\[([\w.]+)\] =>\s?(.*)$/;
const COMMAND = /^(?:[\w@.~:/-]*[$#%>]+\s*)?(?:time\s+|sudo\s+|env\s+(?:\w+=\S+\s+)*)*(?:\/\S*\/)?curl(?:\.exe)?\s+(.+)$/;
const VERSION_LINE = /^curl (\d+\.\d+\.\d+)\S* \(/;

interface TraceBlock {
  dir: 'send' | 'recv';
  kind: 'header' | 'data' | 'SSL data';
  bytes: number;
  line: number;
  t: number | null;
  b: TransferBuilder;
  hex?: boolean;
  /** ascii mode: [offset, text, line, the dump line as written] per dump line */
  rows: Array<[number, string, number, string]>;
  /** hex mode: decoded bytes and the dump line of each 16-byte row */
  data: number[];
  rowLines: Array<[number, number]>;
  size: number;
}

interface Block {
  vars: Map<string, { raw: string; value: string; line: number; text: string }>;
  unknown: Array<{ name: string; value: string; line: number; raw: string }>;
  line: number;
  t: number | null;
  source: CurlSource;
}

interface Command {
  line: number;
  /** the command line as written */
  text: string;
  upload: boolean;
  method?: string;
  url?: string;
  expectOff: boolean;
  head: boolean;
}

/**
 * What the long way made of a line that it would make again of the same bytes, whatever came
 * before (CurlTextParser.recall): remembered by the line's bytes, acted on without decoding it.
 *   touch       an info line of curl's chatter: the open transfer's last line
 *   tls         a TLS info line: the open transfer is over TLS
 *   wording     an info line with an error's wording (`* Recv failure: …`), `body` after `* `
 *   done-waiting  `* Done waiting for 100-continue`
 *   curl-error  curl's own last line (`curl: (56) …`), as findErrorLine read it
 */
type Recalled =
  | { kind: 'touch' }
  | { kind: 'tls' }
  | { kind: 'wording'; code: number | undefined; body: string; raw: string }
  | { kind: 'done-waiting'; raw: string }
  | { kind: 'curl-error'; err: ErrorLine; raw: string };

const TOUCH: Recalled = { kind: 'touch' };
const TLS: Recalled = { kind: 'tls' };

interface ConnFacts {
  remote?: { ip: string; port: number };
  local?: { ip: string; port: number };
  host?: string;
}

/** A stamp remembered by CurlTextParser.recentStamp: its characters, what it says, and where its seconds lie (StampShape). */
interface RecentStamp {
  codes: Uint16Array;
  t: number;
  kind: Stamp['kind'];
  assumedUtc: boolean;
  assumedZone: string | undefined;
  secondsAt: number;
  /** the value of the two digits at secondsAt */
  seconds: number;
}

export class CurlTextParser {
  private cur: TransferBuilder | undefined;
  private byId = new Map<string, TransferBuilder>();
  private conns = new Map<number, ConnFacts>();
  private block: Block | undefined;
  private json: { lines: string[]; line: number; t: number | null } | undefined;
  private trace: TraceBlock | undefined;
  private cmd: Command | undefined;
  private version: string | undefined;
  private lastProgress: { received: number; line: number } | undefined;
  private pending: { err: ErrorLine; line: number; t: number | null; raw: string } | undefined;
  private loose: Array<{ name: string; value: string; line: number; raw: string }> | undefined;
  private held: TransferBuilder | undefined;
  private clockKind: 'epoch' | 'time-of-day' | undefined;
  private clockConflict = false;
  private assumedUtc = false;
  private assumedZone: string | undefined;
  /** zone for dates without one (--tz) */
  zone: string | undefined;
  private ignored = 0;
  private afterStamp = '';
  private lastStamps: RecentStamp[] = [];
  /** the time of the line recentStamp took last */
  private recentT = 0;
  /** where parseStamp tells the shape of the stamp it read */
  private readonly stampShape: StampShape = { secondsAt: -1 };
  private readonly names = new VarNames();
  /** the key list of the last one-line JSON object (shapeOf) */
  private shape: JsonShape | undefined;
  /** where quickJson found the values of the line it reads */
  private readonly scanned = new ScannedLine();
  /** findErrorLine's memo of messages (bounded there) */
  private readonly messages = new Map<string, CleanedMessage>();
  /** the head of the PHP error line findErrorLine read last, and its answer (see there) */
  private readonly errorHead: ErrorLineHead = { head: undefined, err: undefined };
  /** matchWording / errnoOf of messages (bounded there) */
  private readonly words = new Wordings();
  /** lines the long way read, by their bytes, that recall() can act on again (bounded there) */
  private readonly recalled = new LineMemo<Recalled>();
  /** versionFromAgent of the last User-Agent (TransferBuilder) */
  private readonly agents = new AgentVersions();
  /** the texts of lines full transfers keep (textOf), by their bytes */
  private readonly texts = new LineMemo<string>(1024);
  /** ASCII strings of addresses, hosts and targets (asciiOf), by their bytes */
  private readonly ascii = new LineMemo<string>(256);
  /** logPairs' search for a line's pairs, and the pairs it keeps (the first of each list's entries are the line's) */
  private readonly pairs = new LogPairCursor();
  private readonly pairRaws: string[] = [];
  private readonly pairCanons: string[] = [];
  private readonly pairValues: string[] = [];
  /** the names of the pairs of the line logPairs read last, in their order, and their canonical names (pairName) */
  private readonly lastPairNames: string[] = [];
  private readonly lastPairCanons: Array<string | undefined> = [];
  /**
   * kvNameOf's answer for the line classify reads, once asked (kvKnown, cleared as classify begins):
   * not told by comparing the line with the one asked about last, which costs a scan of the common
   * start of two lines of a log (a hundred characters, the lines of a log of failures differing late)
   */
  private kvKnown = false;
  private kvOut: string | null | undefined;
  /** the name kvNameOf gave last, and whether it is a dotted word (isDottedWord) */
  private kvLast: string | undefined;
  private kvLastDotted = false;
  /** the canonical name of the name pairName gave last */
  private pairCanon: string | undefined;
  /** the line quick() declined last, and its bytes (valid until the reader goes on): line() may remember it */
  private offeredLine = 0;
  private offeredBuf: Buffer | undefined;
  private offeredFrom = 0;
  private offeredTo = 0;
  /** what info() made of the line it was given, when recall() can do it again (set by info, read by classify) */
  private noted: Recalled | undefined;
  transfers = 0;
  lines = 0;
  firstT: number | null = null;
  lastT: number | null = null;

  constructor(
    private readonly format: CurlFormat,
    private readonly diag: Diagnostics,
    private readonly emit: (t: CurlTransfer) => void,
    /** false once the consumer keeps no more transfers in full: the ones begun then are built lean (see TransferBuilder) */
    private readonly wanted: (failed: boolean, ok?: boolean) => boolean = () => true,
  ) {}

  /**
   * `failed`: the line that begins the transfer says it failed (see CurlParseOptions.wanted).
   * `want`: whether it is wanted, where the caller has asked already.
   */
  private builder(line: number, t: number | null, source: CurlSource, failed = false, want?: boolean): TransferBuilder {
    return new TransferBuilder(line, t, source, !(want ?? this.wanted(failed)), this.words, this.agents);
  }

  get clock(): 'epoch' | 'time-of-day' | 'none' {
    return this.clockKind ?? 'none';
  }

  private get source(): CurlSource {
    switch (this.format) {
      case 'curl-trace':
        return 'trace';
      case 'curl-writeout':
        return 'writeout';
      case 'curl-json':
        return 'json';
      case 'curl-csv':
        return 'csv';
      case 'app-log':
        return 'log';
      default:
        return 'verbose';
    }
  }

  /** One input line (readLines' OnLine). */
  line(text: string, line: number, byteOffset: number, cut = false): void {
    this.lines++;
    if (cut) this.diag.warn({ line, byteOffset }, 'line longer than 64 KiB: only its start was read');
    if (!text.includes('\r')) {
      this.segment(text, line);
      return;
    }
    const segs = text.split('\r');
    // The progress meter rewrites itself with CR: each piece is a line of its own.
    let any = false;
    for (const s of segs) {
      if (segs.length > 1 && s.trim() === '') continue;
      any = true;
      this.segment(s, line);
    }
    if (!any) this.segment('', line);
  }

  /**
   * readLines' QuickLine: the lines of a `curl -v` transfer that say what they say in fixed forms,
   * read from their bytes: the info lines that begin and end it (quickInfo), its request line and
   * headers, the blank `>`, its response head (`< …`), `{ [N bytes data]` / `} [N bytes data]`,
   * and the `* TLS…` chatter. A lean transfer (beyond CurlAnalysis' caps, most of a long output)
   * needs a few fields of them; a full one also keeps its header lines and cites lines as
   * evidence, and only those are decoded. Each does exactly what line() does with the decoded
   * line, or declines (false) and the line is decoded: anything else, any state where the line
   * could mean more (a trace block, a JSON object being read), any byte it is unsure of.
   */
  quick(buf: Buffer, from: number, to: number, line: number): boolean {
    if (this.json !== undefined || this.trace !== undefined) return false;
    const n = to - from;
    if (n === 0) {
      // segment(''): no stamp, nothing to classify
      this.lines++;
      this.blank(line, null);
      return true;
    }
    if (n > 2 && buf[from] === 123 /* { */ && buf[from + 1] === 34 /* " */) return this.quickJson(buf, from, to, line);
    const c0 = buf[from];
    // every shape read from its bytes is one character, alone or followed by a space and more;
    // curl's own last line (`curl: (56) …`) is recalled by its bytes
    if (n > 1 && buf[from + 1] !== 32) {
      // a request head printed without `> ` after its first line (libcurl's debug callback in PHP)
      if (this.quickBareHeader(buf, from, to, line)) return true;
      return c0 === 99 /* c */ ? this.recall(buf, from, to, line) : false;
    }
    if (c0 === 42 /* * */ && n > 2 && this.quickInfo(buf, from, to, line)) {
      this.lines++;
      return true;
    }
    const b = this.cur;
    if (b === undefined) return c0 === 42 /* * */ ? this.recall(buf, from, to, line) : false;
    // a full transfer keeps header lines and cites lines as evidence: those alone are decoded
    const full = !b.lean;
    if (c0 === 60 /* < */) {
      const st = n > 2 && buf[from + 2] === 72 /* H */ ? statusAt(buf, from + 2, to) : 0;
      if (n <= 2) b.responseEnd();
      else if (st !== 0) {
        if (b.phase === 'request') b.requestEnd(line, null);
        b.statusLine(HTTP_VERSIONS[st >> 10], st & 1023, line, this.rawFor(b, buf, from, to), null);
      } else {
        // a name and `:` is no status line (`/` is no tchar): responseHeader, which reads Content-Length only
        const colon = tokenBefore(buf, from + 2, to, 58 /* : */);
        if (colon < 0) return false;
        if (full) b.keepHeader('responseHeaders', this.textOf(buf, from + 2, to));
        // the value decoded alone is the decoded line's: the `:` before it is ASCII
        if (sameLetters(buf, from + 2, colon, 'content-length')) {
          // plain digits are read from their bytes (what Number() of the trimmed value gives), not decoded
          const n = plainNumberAt(buf, colon + 1, to);
          if (n >= 0) b.responseContentLength(n, line, null, this.rawFor(b, buf, from, to));
          else b.responseField('content-length', this.textOf(buf, colon + 1, to), line, null, this.rawFor(b, buf, from, to));
        }
      }
    } else if (c0 === 62 /* > */) {
      if (n <= 2) {
        if (b.bareResponse && b.phase === 'response') b.responseEnd();
        else b.requestEnd(line, null);
      } else if (!b.hasRequest && b.x.exitCode === undefined) {
        if (!this.quickRequestLine(b, buf, from, to, line)) return false;
      } else {
        if (!b.hasRequest || b.phase !== 'request') return false;
        const colon = tokenBefore(buf, from + 2, to, 58 /* : */);
        if (colon < 0) return false;
        const read = readRequestHeader(buf, from + 2, colon);
        // `Host: h[:port]`: requestField's 'host' sets hostHeader (the value; read by build(), for
        // full transfers only) and the host (setHost). The host is read from the bytes where they
        // are plain (hostHeaderEnd), through the address memo: a lean transfer decodes nothing.
        // Full and lean alike take this path: code optimised while every transfer was full meets
        // nothing new in it when the first lean one comes (it was thrown away and compiled again).
        if (read === HOST_HEADER) {
          let v0 = colon + 1;
          while (v0 < to && isTrimmed(buf[v0])) v0++;
          const h1 = hostHeaderEnd(buf, v0, to);
          if (h1 > v0) {
            // `Host: ip:port` names the port: a new text every transfer, decoded without the memo (textOnce)
            if (full) {
              b.keepHeader('requestHeaders', this.textOnce(buf, from + 2, to));
              b.hostHeader = this.textOnce(buf, colon + 1, to);
            }
            b.setHost(this.asciiOf(buf, v0, h1));
            b.touch(line, null);
            this.lines++;
            return true;
          }
        }
        const once = read === HOST_HEADER;
        if (full) b.keepHeader('requestHeaders', once ? this.textOnce(buf, from + 2, to) : this.textOf(buf, from + 2, to));
        // the Host header's line is cited by no fact (requestField's 'host' reads the value alone)
        if (read >= 0) b.requestField(READ_REQUEST_HEADERS[read], once ? this.textOnce(buf, colon + 1, to) : this.textOf(buf, colon + 1, to), line, null, once ? '' : this.rawFor(b, buf, from, to));
      }
    } else if (c0 === 123 /* { */ || c0 === 125 /* } */) {
      const bytes = n > 2 ? dataBytesAt(buf, from + 2, to) : -1;
      if (bytes < 0) return false;
      this.dataLine(c0 === 123 ? 'recv' : 'send', bytes, line, null, undefined, this.rawFor(b, buf, from, to));
      this.lines++;
      return true;
    } else if (c0 === 42 /* * */) {
      let i = from + 2;
      while (i < to && (buf[i] === 32 || buf[i] === 9)) i++;
      // info(): a body starting `TLS` reaches the TLS_START pattern, whatever follows
      if (to - i < 3 || buf[i] !== 84 || buf[i + 1] !== 76 || buf[i + 2] !== 83) return this.recall(buf, from, to, line);
      b.tls = true;
      b.scheme ??= 'https';
    } else return false;
    b.touch(line, null);
    this.lines++;
    return true;
  }

  /**
   * The info lines that begin and end every transfer of a `curl -v` output, as info() reads them:
   * `Trying ip[:port]...`, `Connected to host (ip) port N (#id)`, `Connection #id to host h left
   * intact`, `Closing connection id`; for any transfer, lean or not (a full one gets the decoded
   * line as its evidence). False for any other line and any form the patterns might read otherwise.
   */
  private quickInfo(buf: Buffer, from: number, to: number, line: number): boolean {
    let i = from + 2;
    while (i < to && (buf[i] === 32 || buf[i] === 9)) i++;
    const c = buf[i];
    if (c === 84 /* T */ && startsWithBytes(buf, i, to, TRYING)) {
      // `^Trying (…)(?::(\d+))?(?:\.\.\.|…)`, for an IPv4 address: d+(.d+)*
      const ip0 = i + 7;
      let k = digitsEnd(buf, ip0, to);
      if (k === ip0) return false;
      while (k + 1 < to && buf[k] === 46 && isDigit(buf[k + 1])) k = digitsEnd(buf, k + 1, to);
      const ip1 = k;
      let port: number | undefined;
      if (k < to && buf[k] === 58 /* : */) {
        const p1 = digitsEnd(buf, k + 1, to);
        if (p1 === k + 1) return false;
        port = digitsValue(buf, k + 1, p1);
        k = p1;
      }
      if (!startsWithBytes(buf, k, to, DOTS)) return false;
      k += 3;
      // without a port the address' pattern runs on through non-space characters after the dots
      if (port === undefined && k < to && buf[k] !== 32 && buf[k] !== 9) return false;
      const b = this.starting(line, null, undefined);
      b.setRemote(this.asciiOf(buf, ip0, ip1), port);
      b.fact('start', line, this.rawOnce(b, buf, from, to), null);
      b.touch(line, null);
      return true;
    }
    if (c === 82 /* R */ && startsWithBytes(buf, i, to, REUSING)) {
      // `^Re-using existing (?:\w+ )?connection!?(?: \(?#(\d+)\)?)? with (?:proxy |host )?(\S+)` in the form curl
      // 7.x prints it, `Re-using existing connection #N with host H`, H printable ASCII up to a space or the end
      const d0 = i + 30;
      const d1 = digitsEnd(buf, d0, to);
      if (d1 === d0 || !startsWithBytes(buf, d1, to, WITH_HOST)) return false;
      const h0 = d1 + 11;
      const h1 = printableEnd(buf, h0, to);
      if (h1 === h0 || (h1 < to && buf[h1] !== 32 && buf[h1] !== 9)) return false;
      const b = this.open(line, null, undefined);
      b.x.reused = true;
      b.setHost(this.asciiOf(buf, h0, h1));
      const id = digitsValue(buf, d0, d1);
      b.x.connectionId = id;
      const known = this.conns.get(id);
      if (known?.remote) b.x.remote = { ...known.remote };
      if (known?.local) b.x.local = { ...known.local };
      const raw = this.rawFor(b, buf, from, to);
      b.fact('start', line, raw, null);
      b.fact('connected', line, raw, null);
      b.touch(line, null);
      return true;
    }
    if (c !== 67 /* C */) return false;
    if (startsWithBytes(buf, i, to, CONNECTED_TO)) {
      // `^Connected to (\S+) \(([^)]*)\) port (\d+)(?: \(#(\d+)\))?`
      const h0 = i + 13;
      const h1 = printableEnd(buf, h0, to);
      if (h1 === h0 || !startsWithBytes(buf, h1, to, SPACE_PAREN)) return false;
      const a0 = h1 + 2;
      let a1 = a0;
      while (a1 < to && buf[a1] !== 41 /* ) */ && buf[a1] < 128) a1++;
      if (!startsWithBytes(buf, a1, to, PAREN_PORT)) return false;
      const p0 = a1 + 7;
      const p1 = digitsEnd(buf, p0, to);
      if (p1 === p0) return false;
      let id: number | undefined;
      if (startsWithBytes(buf, p1, to, SPACE_PAREN_HASH)) {
        const d1 = digitsEnd(buf, p1 + 3, to);
        if (d1 > p1 + 3 && d1 < to && buf[d1] === 41) id = digitsValue(buf, p1 + 3, d1);
      }
      const port = digitsValue(buf, p0, p1);
      const b = this.starting(line, null, undefined);
      b.setHost(this.asciiOf(buf, h0, h1));
      if (a1 > a0) b.setRemote(this.asciiOf(buf, a0, a1), port);
      if (id !== undefined) b.x.connectionId = id;
      if (port === 443) b.scheme ??= 'https';
      b.fact('connected', line, this.rawOnce(b, buf, from, to), null);
      b.touch(line, null);
      return true;
    }
    if (startsWithBytes(buf, i, to, CONNECTION_HASH)) {
      // `^Connection #(\d+) to host (\S+) left intact`
      const d0 = i + 12;
      const d1 = digitsEnd(buf, d0, to);
      if (d1 === d0 || !startsWithBytes(buf, d1, to, TO_HOST)) return false;
      const h1 = printableEnd(buf, d1 + 9, to);
      if (h1 === d1 + 9 || !startsWithBytes(buf, h1, to, LEFT_INTACT)) return false;
      const b = this.cur;
      if (!b) return true;
      b.x.connectionId ??= digitsValue(buf, d0, d1);
      b.x.closed = 'intact';
      b.fact('close', line, this.rawFor(b, buf, from, to), null);
      b.touch(line, null);
      if (b.x.connectionId !== undefined) this.remember(b.x.connectionId, b);
      return true;
    }
    if (startsWithBytes(buf, i, to, CLOSING_CONNECTION)) {
      // `^Closing connection(?: #?(-?\d+))?\.?$`
      let k = i + 18;
      let id: number | undefined;
      if (k < to && buf[k] === 32) {
        let d0 = k + 1;
        if (d0 < to && buf[d0] === 35 /* # */) d0++;
        const neg = d0 < to && buf[d0] === 45; /* - */
        if (neg) d0++;
        const d1 = digitsEnd(buf, d0, to);
        if (d1 === d0) return false;
        const v = digitsValue(buf, d0, d1);
        id = neg ? -v : v;
        k = d1;
      }
      if (k < to && buf[k] === 46 /* . */) k++;
      if (k !== to) return false;
      const b = this.cur;
      if (!b) return true;
      if (id !== undefined && id >= 0) b.x.connectionId ??= id;
      b.x.closed = 'closed';
      b.fact('close', line, this.rawFor(b, buf, from, to), null);
      b.touch(line, null);
      return true;
    }
    return false;
  }

  /**
   * A `* …` or `curl: …` line the long way has read before (this.recalled), done again from what
   * it made of it, when the state lets it be the same; otherwise false, and the line is offered
   * to line() to be remembered (see rememberLine).
   */
  private recall(buf: Buffer, from: number, to: number, line: number): boolean {
    const r = this.recalled.get(buf, from, to);
    if (r !== undefined && this.replay(r, line)) {
      this.lines++;
      return true;
    }
    this.offeredLine = line;
    this.offeredBuf = buf;
    this.offeredFrom = from;
    this.offeredTo = to;
    return false;
  }

  /** What classify() and info() do with a remembered line (no stamp, no trace id); false where the state sends it the long way. */
  private replay(r: Recalled, line: number): boolean {
    switch (r.kind) {
      case 'touch':
        this.cur?.touch(line, null);
        return true;
      case 'tls': {
        const b = this.cur;
        if (b) {
          b.tls = true;
          b.scheme ??= 'https';
          b.touch(line, null);
        }
        return true;
      }
      case 'wording': {
        const b = this.ensure(line, null, undefined);
        b.error(r.code, r.body, 'wording', line, r.raw, null);
        b.touch(line, null);
        return true;
      }
      case 'done-waiting': {
        const b = this.ensure(line, null, undefined);
        b.doneWaiting(line, r.raw, null);
        b.touch(line, null);
        return true;
      }
      case 'curl-error': {
        // classify's header lines without `> ` / `< ` come before error lines (`curl: x` is a header's shape)
        const b = this.cur;
        if (b !== undefined && ((b.hasRequest && b.phase === 'request') || (b.bareResponse && b.phase === 'response'))) return false;
        this.errorLine(r.err, line, null, undefined, r.raw);
        return true;
      }
    }
  }

  /**
   * Remembers what the long way made of the line quick() offered last (recall), where it would
   * make the same of the same bytes: `s` is that line (the whole of it, as its length says), without
   * a stamp or a trace id.
   */
  private rememberLine(s: string, line: number, t: number | null, tid: string | undefined, r: Recalled): void {
    const buf = this.offeredBuf;
    if (buf === undefined || this.offeredLine !== line) return;
    this.offeredBuf = undefined;
    if (t !== null || tid !== undefined || s.length !== this.offeredTo - this.offeredFrom || s.charCodeAt(0) !== buf[this.offeredFrom]) return;
    this.recalled.set(buf, this.offeredFrom, this.offeredTo, r);
  }

  /**
   * `decode(buf, from, to).trim()`, one string for the same bytes while the memo has room: the
   * lines a full transfer keeps as evidence and as header lines, and the request header values
   * every transfer reads, mostly repeat from transfer to transfer (`< HTTP/1.1 200 OK`,
   * `User-Agent: curl/7.88.1`). Kept transfers' own copies of them were half their strings, most of
   * what the collector moved while transfers were kept (bench/curl: 39.6 -> 31.7 MB live after
   * the first 20 MB of `curl -v`).
   */
  private textOf(buf: Buffer, from: number, to: number): string {
    let s = this.texts.get(buf, from, to);
    if (s === undefined) {
      s = decode(buf, from, to).trim();
      this.texts.set(buf, from, to, s);
    }
    return s;
  }

  /**
   * latin1(buf, from, to) of bytes known to be ASCII, one string for the same bytes while the memo
   * has room: the addresses, hosts and targets of a loop of curl calls repeat, and each string
   * made through Buffer's C++ binding costs several times what the memo's look-up does (the
   * binding's slices were 5% of the instructions of the 100 MB curl -v bench).
   */
  private asciiOf(buf: Buffer, from: number, to: number): string {
    let s = this.ascii.get(buf, from, to);
    if (s === undefined) {
      s = latin1(buf, from, to);
      this.ascii.set(buf, from, to, s);
    }
    return s;
  }

  /** The line as a full transfer's evidence cites it (the trimmed decoded line); a lean one keeps none. */
  private rawFor(b: TransferBuilder, buf: Buffer, from: number, to: number): string {
    return b.lean ? '' : this.textOf(buf, from, to);
  }

  /**
   * textOf without the memo, for the texts that name a transfer's own port (`Host: 127.0.0.1:50909`,
   * `* Connected to … port 50909`, `*   Trying …:50909...`): in a loop of curl calls each is new,
   * so looking it up was a miss every time (a hash of its bytes and a Map look-up, then the
   * decoding anyway), and remembering it filled the memo with texts never met again.
   */
  private textOnce(buf: Buffer, from: number, to: number): string {
    return decode(buf, from, to).trim();
  }

  /** rawFor of a line naming the transfer's port (see textOnce). */
  private rawOnce(b: TransferBuilder, buf: Buffer, from: number, to: number): string {
    return b.lean ? '' : this.textOnce(buf, from, to);
  }

  /**
   * A request header line without its `> ` (`Host: h`), where classify takes one: the open
   * transfer's request head is being printed and the line is `^[A-Za-z][\w-]*:` (which no
   * stamp, trace id or earlier shape of classify reads; `curl: (56) …` included, as there).
   * Does what requestHeader does with the decoded line; false for any other line or state.
   */
  private quickBareHeader(buf: Buffer, from: number, to: number, line: number): boolean {
    const b = this.cur;
    if (b === undefined || !b.hasRequest || b.phase !== 'request' || !isLetter(buf[from])) return false;
    let colon = from + 1;
    while (colon < to && WORD_OR_DASH[buf[colon]] === 1) colon++;
    if (colon >= to || buf[colon] !== 58 /* : */) return false;
    const full = !b.lean;
    const read = readRequestHeader(buf, from, colon);
    const once = read === HOST_HEADER; // as in quick()
    if (full) b.keepHeader('requestHeaders', once ? this.textOnce(buf, from, to) : this.textOf(buf, from, to));
    if (read >= 0) b.requestField(READ_REQUEST_HEADERS[read], once ? this.textOnce(buf, colon + 1, to) : this.textOf(buf, colon + 1, to), line, null, full && !once ? this.textOf(buf, from, to) : '');
    b.touch(line, null);
    this.lines++;
    return true;
  }

  /**
   * `> GET /path HTTP/1.1` (the line at `start`) starting the transfer's request (REQUEST_LINE,
   * for targets of printable ASCII and nothing after the version): false where the decoded line must say.
   */
  private quickRequestLine(b: TransferBuilder, buf: Buffer, start: number, to: number, line: number): boolean {
    const from = start + 2;
    let i = from;
    while (i < to && buf[i] >= 65 && buf[i] <= 90) i++;
    let method = -1;
    for (let k = 0; k < METHODS.length && method < 0; k++) if (i - from === METHOD_BYTES[k].length && startsWithBytes(buf, from, i, METHOD_BYTES[k])) method = k;
    if (method < 0 || i >= to || buf[i] !== 32) return false;
    const t0 = ++i;
    while (i < to && buf[i] > 32 && buf[i] < 127) i++;
    if (i === t0) return false;
    const t1 = i;
    let version: string | undefined;
    if (i < to) {
      // ` HTTP/d` or ` HTTP/d.d`, then the end
      if (buf[i] !== 32 || versionEnd(buf, i + 1, to) !== to) return false;
      const v = versionAt(buf, i + 1, to);
      if (v < 0) return false;
      version = HTTP_VERSIONS[v];
    }
    // a lean transfer's target is read by nothing (build() derives no URL for it)
    b.requestLine(METHODS[method], b.lean ? '' : this.asciiOf(buf, t0, t1), version, line, this.rawFor(b, buf, start, to), null);
    return true;
  }

  end(): void {
    this.finishTrace();
    if (this.json) this.finishJson(true);
    this.flushBlock();
    this.dropLoose();
    this.flushPending();
    this.release();
    for (const b of this.byId.values()) if (b !== this.cur) this.flush(b);
    this.byId.clear();
    if (this.cur) this.flush(this.cur);
    this.cur = undefined;
    if (this.ignored > 0 && this.format === 'app-log') this.diag.note(`${this.ignored} log lines without a curl error were passed over`);
    if (this.clockConflict) this.diag.note('lines carry both full dates and times of day; only the first kind was placed in time');
    if (this.assumedUtc) this.diag.note('timestamps without a zone were read as UTC (give --tz for another zone)');
    if (this.assumedZone) this.diag.note(`timestamps without a zone were read in ${this.assumedZone} (--tz)`);
  }

  // ---- time -------------------------------------------------------------

  /** The line's time (null when none or not placed); the line after its stamp is left in `this.afterStamp`. */
  private stamp(s: string): number | null {
    const c = s.charCodeAt(0) === 91 /* [ */ ? this.recentStamp(s) : undefined;
    if (c !== undefined) {
      this.afterStamp = s.slice(c.codes.length);
      return this.placed(this.recentT, c.kind, c.assumedUtc, c.assumedZone);
    }
    const st = this.parseStampCached(s);
    if (!st) {
      this.afterStamp = s;
      return null;
    }
    this.afterStamp = st.rest;
    return this.placed(st.t, st.kind, st.assumedUtc === true, st.assumedZone);
  }

  /** What stamp() does with a line's time once read. */
  private placed(t: number, kind: Stamp['kind'], assumedUtc: boolean, assumedZone: string | undefined): number | null {
    if (assumedUtc) this.assumedUtc = true;
    if (assumedZone) this.assumedZone = assumedZone;
    if (this.clockKind === undefined) this.clockKind = kind;
    if (this.clockKind !== kind) {
      this.clockConflict = true;
      return null;
    }
    this.seenT(t);
    return t;
  }

  /**
   * The remembered stamp (lastStamps) a line starting with `[` begins with, its time left in
   * `this.recentT`; undefined when none. Only stamps closed by `]` and whitespace, with a printable
   * non-space character next, are remembered and taken: there both bracketed patterns stop reading
   * at the same place whatever follows, so the result is the one parseStamp would give. A stamp
   * whose time moves with its seconds alone (StampShape: no zone looked up per instant, no
   * fraction) is taken for a line that differs from it only in those two digits, its time moved
   * by as many seconds: a log that writes a line every second or so misses no more than once a
   * minute (each miss cost a parse, its match array and strings: most of what a line allocated).
   */
  private recentStamp(s: string): RecentStamp | undefined {
    // Two remembered: a PHP error log interleaves PHP's own stamps with the framework's. The one
    // remembered last first: a log's next line mostly has the stamp of the line before. Any that
    // is taken gives the time parseStamp would.
    const l = this.lastStamps;
    for (let j = l.length - 1; j >= 0; j--) {
      const c = l[j];
      const codes = c.codes;
      const n = codes.length;
      if (s.length <= n) continue;
      const next = s.charCodeAt(n);
      if (next <= 32 || next >= 127) continue;
      const k = c.secondsAt;
      if (k < 0) {
        if (startsWithCodes(s, codes)) {
          this.recentT = c.t;
          return c;
        }
        continue;
      }
      // compared from the end, where stamps of nearby lines differ; the seconds' two places take any digit
      let i = n - 1;
      for (; i >= 0; i--) {
        const d = s.charCodeAt(i);
        if (i === k || i === k + 1) {
          if (d < 48 || d > 57) break;
        } else if (d !== codes[i]) break;
      }
      if (i >= 0) continue;
      const sec = (s.charCodeAt(k) - 48) * 10 + (s.charCodeAt(k + 1) - 48);
      this.recentT = sec === c.seconds ? c.t : wholeSecond(c.t - c.seconds + sec);
      return c;
    }
    return undefined;
  }

  /** parseStamp, the stamp remembered (lastStamps) where recentStamp may take it for a later line. */
  private parseStampCached(s: string): Stamp | undefined {
    if (s.charCodeAt(0) !== 91 /* [ */) return parseStamp(s, this.zone);
    const shape = this.stampShape;
    const st = parseStamp(s, this.zone, shape);
    if (st) {
      const len = s.length - st.rest.length;
      const last = s.charCodeAt(len - 1);
      if ((last === 32 || last === 9) && /\][ \t]+$/.test(s.slice(0, len))) {
        const l = this.lastStamps;
        if (l.length >= 2) l.shift();
        const codes = new Uint16Array(len);
        for (let i = 0; i < len; i++) codes[i] = s.charCodeAt(i);
        const k = shape.secondsAt;
        const seconds = k >= 0 ? (codes[k] - 48) * 10 + (codes[k + 1] - 48) : 0;
        l.push({ codes, t: st.t, kind: st.kind, assumedUtc: st.assumedUtc === true, assumedZone: st.assumedZone, secondsAt: k, seconds });
      }
    }
    return st;
  }

  private seenT(t: number): void {
    if (this.firstT === null || t < this.firstT) this.firstT = t;
    if (this.lastT === null || t > this.lastT) this.lastT = t;
  }

  // ---- dispatch ---------------------------------------------------------

  private segment(raw: string, line: number): void {
    if (this.json) {
      this.jsonLine(raw);
      return;
    }
    // The progress meter has no newline before the next --trace-time line: `…     002:55:51.662762 * Trying`.
    const glued = raw.charCodeAt(0) === 32 ? /\d(\d{2}:\d{2}:\d{2}\.\d{6} [*<>{}=\[])/.exec(raw) : null;
    if (glued && !/^\s*\d{2}:\d{2}:\d{2}\.\d{6} /.test(raw) && PROGRESS.test(raw.slice(0, glued.index + 1))) {
      this.segment(raw.slice(0, glued.index + 1), line);
      this.segment(raw.slice(glued.index + 1), line);
      return;
    }
    const t = this.stamp(raw);
    let rest = this.afterStamp;
    // A CI runner's full date before curl's own --trace-time: the date is the better clock; drop the inner time.
    const r0 = rest.charCodeAt(0);
    if (t !== null && r0 >= 48 && r0 <= 57 && /^\d{2}:\d{2}:\d{2}\.\d{6} /.test(rest)) rest = rest.slice(16);
    let tid: string | undefined;
    const ids = rest.charCodeAt(0) === 91 /* [ */ ? TRACE_IDS.exec(rest) : null;
    if (ids) {
      tid = ids[2] === 'x' ? undefined : `${ids[1]}-${ids[2]}`;
      rest = rest.slice(ids[0].length);
    }
    const s = rest.trim();

    if (this.trace) {
      const d = DUMP.exec(s);
      if (d && s !== '') {
        this.dump(d[1], rest.replace(/^\s+/, '').slice(d[1].length + 1).replace(/^ /, ''), line, s);
        return;
      }
      this.finishTrace();
    }
    if (s === '') {
      this.blank(line, t);
      return;
    }
    this.classify(s, line, t, tid);
  }

  private classify(s: string, line: number, t: number | null, tid: string | undefined): void {
    this.kvKnown = false;
    if (this.format === 'app-log' && tid === undefined && this.ordinary(s)) {
      this.ignored++;
      return;
    }
    let m: RegExpExecArray | null;
    const c0 = s.charCodeAt(0);
    if (c0 === 61 /* = */ && (m = /^== Info: ?(.*)$/.exec(s))) {
      this.info(m[1], line, t, tid, s);
      return;
    }
    if (((c0 === 61 && s.charCodeAt(1) === 62) || (c0 === 60 && s.charCodeAt(1) === 61)) /* => <= */ && (m = TRACE_BLOCK.exec(s))) return this.traceBlock(m, line, t, tid, s);
    if (s === '*' || s.startsWith('* ')) {
      this.noted = undefined;
      this.info(s.slice(2), line, t, tid, s);
      if (this.noted !== undefined) this.rememberLine(s, line, t, tid, this.noted);
      return;
    }
    if (s === '>' || s.startsWith('> ')) return this.requestSide(s.slice(2), line, t, tid, s);
    if (s === '<' || s.startsWith('< ')) return this.responseSide(s.slice(2), line, t, tid, s);
    if ((c0 === 123 || c0 === 125) /* { } */ && (m = /^([{}]) \[(\d+) bytes data\]$/.exec(s))) return this.dataLine(m[1] === '{' ? 'recv' : 'send', Number(m[2]), line, t, tid, s);
    // the three patterns below begin `^\s*%`/`^\s*D`, `^\s*\d` and `^#`: a line starting with another
    // printable ASCII character (a letter: every line of a log of failures) is not tried against them
    const bare = c0 > 32 && c0 < 127;
    if ((!bare || c0 === 37 /* % */ || c0 === 68) /* D */ && PROGRESS_HEAD.test(s)) return;
    if ((!bare || (c0 >= 48 && c0 <= 57)) && (m = PROGRESS.exec(s))) {
      this.progress(m, line);
      const after = s.slice(m[0].length).trim();
      if (after) this.classify(after, line, t, tid);
      return;
    }
    if (c0 === 35 /* # */ && (m = HASH_BAR.exec(s)) && m[0].length > 0 && (m[1] || /^#{3,}/.test(s))) {
      const after = s.slice(m[0].length).trim();
      if (after) this.classify(after, line, t, tid);
      return;
    }
    if (s.startsWith('- ') && this.info(s.slice(2), line, t, tid, s, true)) return;

    const b0 = this.target(tid);
    if (b0?.hasRequest && b0.phase === 'request') {
      if (/^[A-Za-z][\w-]*: ?/.test(s)) {
        b0.requestHeader(s, line, t);
        b0.touch(line, t);
        return;
      }
    }
    if (b0?.bareResponse && b0.phase === 'response' && /^[A-Za-z][\w-]*: ?/.test(s)) {
      b0.responseHeader(s, line, t);
      b0.touch(line, t);
      return;
    }

    if (s.startsWith('{')) {
      if (s === '{') {
        this.json = { lines: [s], line, t };
        return;
      }
      return this.jsonObject(s, line, t);
    }
    // `errormsg: Recv failure: …` is a -w value, not a log line: curl's own names come first.
    let kvm = c0 === 91 /* [ */ ? PRINT_R.exec(s) : null;
    if (kvm === null) {
      // KV's name told by kvName without running KV, whose `(.*)$` runs over the whole line: run only where the name is curl's (or kvName is unsure)
      const name = this.kvNameOf(s);
      kvm = name === null || (name !== undefined && !this.names.isCurl(name)) ? null : KV.exec(s);
    }
    const named = kvm !== null && this.names.isCurl(kvm[1]);
    if (named && this.kv(kvm![1], kvm![2], line, t, s, 'writeout')) return;
    const err = findErrorLine(s, this.messages, this.errorHead);
    if (err) {
      // what made it an error line was its text alone where kv() was not asked and no log's rule (ordinary) applied
      if (!named && this.format !== 'app-log') this.rememberLine(s, line, t, tid, { kind: 'curl-error', err, raw: s });
      return this.errorLine(err, line, t, tid, s);
    }

    if ((m = VERSION_LINE.exec(s))) {
      this.version = m[1];
      return;
    }
    if ((m = COMMAND.exec(s)) && /(?:^|\s)(?:-[a-zA-Z]|--[a-z]|['"]?https?:\/\/|[\w.-]+:\d+)/.test(m[1])) return this.command(m[1], line, s);
    if ((m = REQUEST_LINE.exec(s)) && m[3]) return this.bareRequest(m, line, t, tid, s);
    if ((m = STATUS_LINE.exec(s)) && b0?.hasRequest) {
      b0.statusLine(httpVersionName(m[1]), Number(m[2]), line, s, t);
      b0.bareResponse = true;
      b0.touch(line, t);
      return;
    }
    if (this.info(s, line, t, tid, s, true)) return;
    if ((m = PRINT_R.exec(s)) && this.kv(m[1], m[2], line, t, s, 'writeout')) return;
    if ((m = KV.exec(s)) && this.kv(m[1], m[2], line, t, s, 'writeout')) return;
    if (s.startsWith('#') || /^(?:real|user|sys)\s+\d+m[\d.]+s$/.test(s) || /^-{4,}$/.test(s)) return; // comments, `time`'s report, the template's rule
    if (/^(?:Array|\(|\)|\}|\]|\[)$/.test(s)) return; // print_r / JSON punctuation
    this.unplaced(line, s);
  }

  /**
   * Whether `classify` would pass over this line of an application log
   * (count it as ignored, change nothing else), told by a few cheap looks:
   * a log line starting with a letter that names no curl variable, carries
   * none of the words a curl error needs, and is neither a request line nor
   * one of curl's info phrases. Lines it is unsure of go the long way; it must
   * never say yes where `classify` would do something else.
   */
  private ordinary(s: string): boolean {
    const c0 = s.charCodeAt(0);
    // `=`, `*`, `<`, `>`, `{`, `}`, `%`, `#`, `-`, `[`, digits: the line shapes curl's outputs start with
    if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return false;
    if (this.block) return false;
    const b = this.cur;
    if (b && (b.hasRequest || b.bareResponse)) return false; // headers without `> `, a status line
    const name = this.kvNameOf(s);
    if (name === undefined) return false;
    if (name !== null) {
      if (this.names.canonical(name) !== undefined) return false;
      // an unknown `name: value` is held for a -w block while there is room (see kv)
      if ((this.loose?.length ?? 0) < MAX_LOOSE && (name === this.kvLast ? this.kvLastDotted : isDottedWord(name))) return false;
    }
    if (NOT_ORDINARY.test(s)) return false; // findErrorLine, VERSION_LINE, COMMAND; unplaced's glued info line
    if (c0 === 68 /* D */ && PROGRESS_HEAD.test(s)) return false;
    if (c0 >= 65 && c0 <= 90 && REQUEST_LINE.test(s)) return false;
    if (STRICT_START.test(s)) return false;
    if ((c0 === 114 || c0 === 117 || c0 === 115) && /^(?:real|user|sys)\s/.test(s)) return false;
    return true;
  }

  /**
   * kvName(s), asked by ordinary() and then by classify() of the same line: made once. `s` is the
   * line classify reads (a classify of the rest of a line asks after the outer one is done with it).
   */
  private kvNameOf(s: string): string | null | undefined {
    if (this.kvKnown) return this.kvOut;
    const name = kvName(s, this.kvLast);
    if (typeof name === 'string' && name !== this.kvLast) {
      this.kvLast = name;
      this.kvLastDotted = isDottedWord(name);
    }
    this.kvKnown = true;
    this.kvOut = name;
    return name;
  }

  private unplaced(line: number, s: string): void {
    // Body text without a newline, then curl's next info line: `Hello world* Closing connection 0`.
    const glued = s.includes('* ') ? /\* (?:Closing connection|Connection #\d+ to host|Trying |Connected to )/.exec(s) : null;
    if (glued && glued.index > 0) {
      this.info(s.slice(glued.index + 2), line, null, undefined, s.slice(glued.index));
      return;
    }
    if (this.format === 'app-log') {
      this.ignored++;
      return;
    }
    const shown = s.length > 80 ? s.slice(0, 80) + '…' : s;
    this.diag.warn({ line }, `not curl output, passed over: ${shown}`);
  }

  // ---- transfers --------------------------------------------------------

  private target(tid: string | undefined): TransferBuilder | undefined {
    if (tid !== undefined) return this.byId.get(tid.replace(/^\d+-/, '')) ?? this.cur;
    return this.cur;
  }

  private open(line: number, t: number | null, tid: string | undefined, source?: CurlSource): TransferBuilder {
    this.flushBlock();
    const b = this.builder(line, t, source ?? this.source);
    if (this.version) b.x.curlVersion = this.version;
    if (this.cmd) {
      if (this.cmd.upload) b.x.upload = true;
      if (this.cmd.method) b.x.method = this.cmd.method;
      if (this.cmd.url) b.cmdUrl = this.cmd.url;
      b.fact('command', this.cmd.line, this.cmd.text, null);
      // `-H 'Expect:'` switched the header off: no 100-continue wait to infer.
      if (this.cmd.expectOff) b.x.expect100 = { sent: false };
    }
    if (tid !== undefined) {
      tid = tid.replace(/^\d+-/, ''); // keyed by transfer, not connection: a transfer may connect twice
      if (this.byId.size >= MAX_OPEN_TRANSFERS) {
        const [oldest] = this.byId.keys();
        const ob = this.byId.get(oldest)!;
        this.byId.delete(oldest);
        if (ob !== this.cur) this.flush(ob);
      }
      const prev = this.byId.get(tid);
      if (prev && prev !== b) this.flush(prev);
      this.byId.set(tid, b);
      b.x.traceId = tid;
    } else if (this.cur) this.flush(this.cur);
    this.cur = b;
    return b;
  }

  /** The transfer a start-of-transfer line belongs to: the current one until it has gone past setup. */
  private starting(line: number, t: number | null, tid: string | undefined): TransferBuilder {
    const k = tid?.replace(/^\d+-/, '');
    const b = k !== undefined ? this.byId.get(k) : this.cur;
    if (b && !b.hasRequest && !b.closed && b.x.exitCode === undefined && !b.x.vars) return b;
    return this.open(line, t, k === undefined ? undefined : tid);
  }

  private ensure(line: number, t: number | null, tid: string | undefined): TransferBuilder {
    const k = tid?.replace(/^\d+-/, '');
    const b = k !== undefined ? this.byId.get(k) : this.cur;
    return b ?? this.open(line, t, tid);
  }

  private flush(b: TransferBuilder): void {
    if (this.cur === b) this.cur = undefined;
    if (b.x.traceId !== undefined && this.byId.get(b.x.traceId) === b) this.byId.delete(b.x.traceId);
    // A builder opened by a line that turned out to say nothing (`> Array`) is no transfer.
    if (b.onlyCommandFacts && !b.hasRequest && b.x.exitCode === undefined && !b.x.remote) return;
    if (b.x.connectionId !== undefined) this.remember(b.x.connectionId, b);
    this.release();
    this.transfers++;
    this.emit(b.build());
  }

  private remember(id: number, b: TransferBuilder): void {
    if (!this.conns.has(id) && this.conns.size >= MAX_CONNECTIONS) {
      const [oldest] = this.conns.keys();
      this.conns.delete(oldest);
    }
    this.conns.set(id, { remote: b.x.remote, local: b.x.local, host: b.x.host });
  }

  // ---- verbose / trace info lines ----------------------------------------

  /**
   * An info line (`* …`, `== Info: …`). With `strict`, only phrases curl is
   * known to print are taken (for lines that lost their `*` when pasted);
   * returns whether the line was placed.
   */
  private info(text: string, line: number, t: number | null, tid: string | undefined, raw: string, strict = false): boolean {
    const s = text.trim();
    if (strict && !STRICT_START.test(s)) return false;
    let m: RegExpExecArray | null;
    // curl ≥ 8.x repeats the ids inside the info text under --trace-ids: `[0-x] == Info: [0-x] [MULTI] …`
    const inner = s.charCodeAt(0) === 91 /* [ */ ? TRACE_IDS.exec(s + ' ') : null;
    const body = inner ? s.slice(inner[0].length - 1).trim() : s;
    // The anchored phrases below are tried only when the first letter can start them.
    const c = body.charCodeAt(0);

    // Start of a transfer (or a new one on an old connection).
    if (c === 65 /* A */ && (m = /^About to connect\(\) to (?:proxy )?(\S+) port (\d+)(?: \(#(\d+)\))?/.exec(body))) {
      const b = this.starting(line, t, tid);
      b.setHost(m[1]);
      if (m[3] !== undefined) b.x.connectionId = Number(m[3]);
      b.fact('start', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 84 /* T */ && (m = /^Trying (\[[^\]]+\]|[^\s:]+(?::[^\s:]+)*?)(?::(\d+))?(?:\.\.\.|…)(?:\s*connected)?/.exec(body))) {
      const b = this.starting(line, t, tid);
      let ip = m[1];
      let port = m[2] !== undefined ? Number(m[2]) : undefined;
      // `Trying ::1:8080...`: the last colon splits an unbracketed IPv6 from its port only when curl printed one.
      if (port === undefined && /^[\da-f:]+:\d+$/i.test(ip) && (ip.match(/:/g)?.length ?? 0) >= 2 && /::?\d+$/.test(ip) && ip.includes('::')) {
        const k = ip.lastIndexOf(':');
        port = Number(ip.slice(k + 1));
        ip = ip.slice(0, k);
      }
      b.setRemote(ip, port);
      b.fact('start', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if ((c === 72 /* H */ || c === 112) /* p */ && (m = /^(?:Hostname was NOT found in DNS cache|Hostname in DNS cache was stale|processing: (\S+)|Host (\S+?)(?::(\d+))? was resolved\.?)$/.exec(body))) {
      const b = this.starting(line, t, tid);
      if (m[1]) b.x.url ??= m[1];
      if (m[2]) b.setHost(m[2]);
      b.fact('start', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 82 /* R */ && (m = /^Re-using existing (?:\w+ )?connection!?(?: \(?#(\d+)\)?)? with (?:proxy |host )?(\S+)/.exec(body))) {
      const b = this.open(line, t, tid);
      b.x.reused = true;
      b.setHost(m[2]);
      const id = m[1] !== undefined ? Number(m[1]) : this.lastConnFor(m[2]);
      if (id !== undefined) {
        b.x.connectionId = id;
        const c = this.conns.get(id);
        if (c?.remote) b.x.remote = { ...c.remote };
        if (c?.local) b.x.local = { ...c.local };
      }
      b.fact('start', line, raw, t);
      b.fact('connected', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 67 /* C */ && (m = /^Connected to (\S+) \(([^)]*)\) port (\d+)(?: \(#(\d+)\))?/.exec(body))) {
      const b = this.starting(line, t, tid);
      b.setHost(m[1]);
      if (m[2]) b.setRemote(m[2], Number(m[3]));
      if (m[4] !== undefined) b.x.connectionId = Number(m[4]);
      if (Number(m[3]) === 443) b.scheme ??= 'https';
      b.fact('connected', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 69 /* E */ && (m = /^Established connection to (\S+) \((\S+) port (\d+)\) from (\S+) port (\d+)/.exec(body))) {
      const b = this.starting(line, t, tid);
      b.setHost(m[1]);
      b.setRemote(m[2], Number(m[3]));
      b.setLocal(m[4], Number(m[5]));
      b.fact('connected', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 76 /* L */ && (m = /^Local port: (\d+)/.exec(body))) {
      const b = this.ensure(line, t, tid);
      if (Number(m[1]) > 0) b.setLocal(b.x.local?.ip, Number(m[1]));
      b.fact('local', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 99 /* c */ && (m = /^connected$/.exec(body))) {
      this.ensure(line, t, tid).touch(line, t);
      return true;
    }
    if (c === 67 /* C */ && (m = /^Connection #(\d+) to host (\S+) left intact/.exec(body))) {
      const b = this.target(tid);
      if (!b) return true;
      b.x.connectionId ??= Number(m[1]);
      b.x.closed = 'intact';
      b.fact('close', line, raw, t);
      b.touch(line, t);
      if (b.x.connectionId !== undefined) this.remember(b.x.connectionId, b);
      return true;
    }
    if ((c === 67 /* C */ || c === 115) /* s */ && (m = /^(?:Closing connection|shutting down connection)(?: #?(-?\d+))?\.?$/.exec(body))) {
      const b = this.target(tid);
      if (!b) return true;
      if (m[1] !== undefined && Number(m[1]) >= 0) b.x.connectionId ??= Number(m[1]);
      b.x.closed = 'closed';
      b.fact('close', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 68 /* D */ && /^Done waiting for 100-continue/.test(body)) {
      const b = this.ensure(line, t, tid);
      b.doneWaiting(line, raw, t);
      b.touch(line, t);
      this.noted = { kind: 'done-waiting', raw };
      return true;
    }
    if (c === 117 /* u */ && (m = /^upload completely sent off: (\d+) out of (\d+) bytes/.exec(body))) {
      const b = this.ensure(line, t, tid);
      if (b.x.bytesSent === undefined) b.x.bytesSent = Number(m[1]);
      if (Number(m[1]) > 0) b.x.upload = true;
      b.fact('upload', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c < 128 && CHATTER_START[c] === 1 && /^(?:We are completely uploaded and fine|Request completely sent off|HTTP error before end of send, stop sending|Mark bundle as not supporting multiuse|TCP_NODELAY set|Expire in \d+ ms|Connection state changed|old SSL session ID is stale|Found bundle for host|Server auth using|Issue another request to this URL|Ignoring the response-body|Send failure: Broken pipe)/.test(body) && !this.words.match(body)) {
      this.target(tid)?.touch(line, t);
      this.noted = TOUCH;
      return true;
    }
    if (c === 69 /* E */ && (m = /^Establish HTTP proxy tunnel to (\S+)/.exec(body))) {
      const b = this.ensure(line, t, tid);
      b.x.url ??= `https://${m[1].replace(/:443$/, '')}/`;
      b.fact('proxy', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if (c === 82 /* R */ && (m = /^Received HTTP code (\d+) from proxy after CONNECT/.exec(body))) {
      const b = this.ensure(line, t, tid);
      b.x.proxyConnectStatus = Number(m[1]);
      b.error(56, body, 'wording', line, raw, t);
      b.touch(line, t);
      return true;
    }
    if ((c === 91 /* [ */ || c === 104) /* h */ && (m = /^(?:\[HTTP\/2\] \[\d+\] |h2h3 |h2 )?\[(:?[a-z-]+): (.*)\]$/.exec(body))) {
      const b = this.ensure(line, t, tid);
      const [, k, v] = m;
      if (k === ':method') b.x.method = v.toUpperCase();
      else if (k === ':authority') b.setHost(v.replace(/:\d+$/, ''));
      else if (k === ':scheme') b.scheme = v;
      else if (k === 'user-agent') {
        b.x.userAgent = v;
        const ver = versionFromAgent(v);
        if (ver) b.x.curlVersion = ver;
      }
      b.touch(line, t);
      return true;
    }
    if (c === 91 /* [ */ && (m = /^\[HTTP\/2\] \[\d+\] OPENED stream for (\S+)/.exec(body))) {
      const b = this.ensure(line, t, tid);
      b.x.url ??= m[1];
      b.touch(line, t);
      return true;
    }
    if ((c === 117 /* u */ || c === 85 /* U */ || c === 65) /* A */ && /^(?:using HTTP\/2|Using HTTP2|ALPN[:,] server accepted (?:to use )?h2)/.test(body)) {
      const b = this.target(tid);
      if (b) {
        b.x.httpVersion = '2';
        b.touch(line, t);
      }
      return true;
    }
    if (c < 128 && TLS_START[c] === 1 && /^(?:SSL connection using|ALPN|TLSv|\(\d+\) \((?:IN|OUT)\)|Server certificate|subject:|start date:|expire date:|subjectAltName|issuer:|SSL certificate verify|CAfile|CApath|successfully set certificate|Cipher selection|TLS)/.test(body)) {
      const b = this.target(tid);
      if (b) {
        b.tls = true;
        b.scheme ??= 'https';
        b.touch(line, t);
      }
      this.noted = TLS;
      return true;
    }
    const w = this.words.match(body);
    if (w) {
      const b = this.ensure(line, t, tid);
      b.error(w.code, body, 'wording', line, raw, t);
      const fc = /^Failed to connect to (\S+) port (\d+)/.exec(body);
      if (fc) {
        b.setHost(fc[1]);
        if (!b.x.remote) b.setRemote(fc[1], Number(fc[2]));
      }
      // curl 8: `connect to ::1 port 1 from ::1 port 49630 failed: Connection refused`
      const cf = /^connect to (\S+) port (\d+)(?: from (\S+) port (\d+))? failed/.exec(body);
      if (cf) {
        b.setRemote(cf[1], Number(cf[2]));
        if (cf[3] !== undefined) b.setLocal(cf[3], Number(cf[4]));
        b.fact('connected', line, raw, t);
      }
      b.touch(line, t);
      if (!fc && !cf) this.noted = { kind: 'wording', code: w.code, body, raw };
      return true;
    }
    if (strict) return false;
    // Any other info line: curl's chatter (IPv4 lists, [MULTI] traces, …) belongs to the open transfer.
    const b = this.target(tid);
    if (b) b.touch(line, t);
    this.noted = TOUCH;
    return true;
  }

  private lastConnFor(host: string): number | undefined {
    const h = host.toLowerCase();
    let found: number | undefined;
    for (const [id, c] of this.conns) if (c.host === h) found = id;
    return found;
  }

  // ---- verbose headers ----------------------------------------------------

  private requestSide(text: string, line: number, t: number | null, tid: string | undefined, raw: string): void {
    const s = text.trim();
    let m: RegExpExecArray | null;
    let b = this.target(tid);
    if (s === '') {
      if (b?.bareResponse && b.phase === 'response') b.responseEnd();
      else b?.requestEnd(line, t);
      b?.touch(line, t);
      return;
    }
    if ((m = REQUEST_LINE.exec(s))) {
      if (!b || b.hasRequest || b.x.exitCode !== undefined) {
        const prev = b;
        b = this.open(line, t, tid);
        // Same connection, next request (keep-alive without a `Re-using` line, e.g. HTTP/1.0 old curl).
        if (prev && !prev.closed && prev.x.connectionId !== undefined) {
          b.x.connectionId = prev.x.connectionId;
          if (prev.x.remote) b.x.remote = { ...prev.x.remote };
          if (prev.x.local) b.x.local = { ...prev.x.local };
        }
      }
      b.requestLine(m[1], m[2], m[3], line, raw, t);
      b.touch(line, t);
      return;
    }
    // Markdown-mangled pastes quote every line with `> `.
    if ((m = STATUS_LINE.exec(s)) && b?.hasRequest) {
      b.statusLine(httpVersionName(m[1]), Number(m[2]), line, raw, t);
      b.bareResponse = true;
      b.touch(line, t);
      return;
    }
    if (b?.bareResponse && b.phase === 'response') {
      b.responseHeader(s, line, t, raw);
      b.touch(line, t);
      return;
    }
    if (!b?.hasRequest || b.phase !== 'request') {
      if (this.info(s, line, t, tid, raw, true)) return;
    }
    if (!b) b = this.open(line, t, tid);
    b.requestHeader(s, line, t, raw);
    b.touch(line, t);
  }

  private responseSide(text: string, line: number, t: number | null, tid: string | undefined, raw: string): void {
    const s = text.trim();
    let m: RegExpExecArray | null;
    const b = this.target(tid) ?? this.open(line, t, tid);
    if (s === '') {
      b.responseEnd();
      b.touch(line, t);
      return;
    }
    if ((m = STATUS_LINE.exec(s))) {
      if (b.phase === 'request') b.requestEnd(line, t);
      b.statusLine(httpVersionName(m[1]), Number(m[2]), line, raw, t);
    } else b.responseHeader(s, line, t, raw);
    b.touch(line, t);
  }

  private dataLine(dir: 'send' | 'recv', n: number, line: number, t: number | null, tid: string | undefined, raw: string): void {
    const b = this.target(tid);
    if (!b) return;
    // Before the request, `{ [N bytes data]` are TLS handshake records: not the body.
    if (dir === 'recv' && (b.phase === 'body' || (b.phase === 'response' && b.finalStatusSeen))) {
      if (b.phase === 'response') b.responseEnd();
      b.bodyReceived(n, line, raw, t, false);
    } else if (dir === 'send' && (b.phase === 'sent' || b.phase === 'request')) {
      if (b.phase === 'request') b.requestEnd(line, t);
      b.bodySent(n, line, raw, t);
    }
    b.touch(line, t);
  }

  private progress(m: RegExpExecArray, line: number): void {
    const received = sizeValue(m[4]);
    if (received === undefined) return;
    this.lastProgress = { received, line };
    const b = this.cur;
    if (b && !b.closed && b.x.exitCode === undefined) {
      b.x.progressReceived = received;
      b.fact('progress', line, m[0], null, true);
    }
  }

  private blank(line: number, t: number | null): void {
    const b = this.cur;
    if (!b) return;
    if (b.bareRequest && b.phase === 'request') b.requestEnd(line, t);
    else if (b.bareResponse && b.phase === 'response') b.responseEnd();
  }

  private bareRequest(m: RegExpExecArray, line: number, t: number | null, tid: string | undefined, raw: string): void {
    let b = this.target(tid);
    if (!b || b.hasRequest || b.x.exitCode !== undefined) b = this.open(line, t, tid);
    b.requestLine(m[1], m[2], m[3], line, raw, t);
    b.bareRequest = true;
    b.touch(line, t);
  }

  // ---- trace blocks -------------------------------------------------------

  private traceBlock(m: RegExpExecArray, line: number, t: number | null, tid: string | undefined, raw: string): void {
    const dir = m[1] === '=>' ? 'send' : 'recv';
    const kind = m[3] as TraceBlock['kind'];
    const n = Number(m[4]);
    let b = this.target(tid);
    if (!b) b = this.open(line, t, tid);
    if (kind === 'header' && dir === 'send' && (b.hasRequest || b.x.exitCode !== undefined) && b.phase !== 'request') {
      const prev = b;
      b = this.open(line, t, tid);
      if (prev.x.connectionId !== undefined && !prev.closed) {
        b.x.connectionId = prev.x.connectionId;
        if (prev.x.remote) b.x.remote = { ...prev.x.remote };
      }
    }
    if (kind === 'data') {
      if (dir === 'send') {
        if (b.phase === 'request') b.requestEnd(line, t);
        b.bodySent(n, line, raw, t);
      } else {
        if (b.phase === 'response') b.responseEnd();
        b.bodyReceived(n, line, raw, t);
      }
    }
    b.fact('trace', line, raw, t);
    b.touch(line, t);
    this.trace = { dir, kind, bytes: n, line, t, b, rows: [], data: [], rowLines: [], size: 0 };
  }

  private dump(offHex: string, text: string, line: number, raw: string): void {
    const tb = this.trace!;
    tb.b.touch(line, null);
    if (tb.kind !== 'header') return;
    if (tb.size >= MAX_TRACE_HEADER_BYTES) return;
    if (tb.hex === undefined) {
      const groups = hexGroups(text);
      tb.hex = groups.length > 0 && groups.length === Math.min(16, tb.bytes);
    }
    if (tb.hex) {
      const g = hexGroups(text);
      tb.rowLines.push([tb.data.length, line]);
      for (const x of g) tb.data.push(parseInt(x, 16));
      tb.size += g.length;
    } else {
      tb.rows.push([parseInt(offHex, 16), text, line, raw]);
      tb.size += text.length;
    }
  }

  private finishTrace(): void {
    const tb = this.trace;
    if (!tb) return;
    this.trace = undefined;
    if (tb.kind !== 'header') return;
    const logical: Array<{ text: string; line: number; raw?: string }> = [];
    if (tb.hex) {
      const s = Buffer.from(tb.data).toString('latin1');
      let pos = 0;
      let row = 0;
      for (const part of s.split('\n')) {
        while (row + 1 < tb.rowLines.length && tb.rowLines[row + 1][0] <= pos) row++;
        logical.push({ text: part.replace(/\r$/, ''), line: tb.rowLines[row]?.[1] ?? tb.line });
        pos += part.length + 1;
      }
      if (logical.length && logical[logical.length - 1].text === '' && s.endsWith('\n')) logical.pop();
    } else {
      // --trace-ascii breaks at CRLF and at 64 columns: a row that does not start where
      // the previous one ended plus its CRLF continues the previous header line.
      let expect = -1;
      for (const [off, text, line, raw] of tb.rows) {
        if (logical.length && off === expect) logical[logical.length - 1].text += text;
        else logical.push({ text, line, raw });
        expect = off + text.length;
      }
    }
    const b = tb.b;
    if (tb.dir === 'send') {
      for (const { text, line, raw } of logical) {
        const m = REQUEST_LINE.exec(text);
        if (m && b.phase !== 'request') {
          b.requestLine(m[1], m[2], m[3], line, raw ?? text, tb.t);
          continue;
        }
        if (text === '') {
          b.requestEnd(line, tb.t);
          continue;
        }
        if (b.phase === 'request') b.requestHeader(text, line, tb.t, raw);
      }
      if (b.phase === 'request' && tb.bytes > 0 && tb.size >= tb.bytes - 2) b.requestEnd(tb.line, tb.t);
    } else {
      for (const { text, line, raw } of logical) {
        const m = STATUS_LINE.exec(text);
        if (m) {
          if (b.phase === 'request') b.requestEnd(line, tb.t);
          b.statusLine(httpVersionName(m[1]), Number(m[2]), line, raw ?? text, tb.t);
        } else if (text === '') b.responseEnd();
        else if (b.phase === 'response') b.responseHeader(text, line, tb.t, raw);
      }
    }
  }

  // ---- one-line errors ----------------------------------------------------

  private flushPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.standalone(p.err, p.line, p.t, p.raw);
  }

  private errorLine(err: ErrorLine, line: number, t: number | null, tid: string | undefined, raw: string): void {
    const src = err.codeSource === 'curl' ? 'curl' : err.codeSource === 'log' ? 'log' : 'wording';
    const b = this.target(tid);
    // curl's own last line belongs to the transfer its -v/--trace lines described.
    if (b && err.form === 'curl-tool' && (b.x.exitCode === undefined || b.x.exitCodeSource === 'wording')) {
      b.error(err.code, err.message, src, line, raw, t, err);
      b.touch(line, t);
      this.flush(b);
      return;
    }
    if (b && err.form === 'wording' && b.x.exitCode === undefined && (b.hasRequest || b.x.remote) && !b.closed) {
      b.error(err.code, err.message, 'wording', line, raw, t, err);
      b.touch(line, t);
      return;
    }
    if (err.form === 'curl-tool' && !b && WRITEOUT_FORMATS.has(this.format) && !(this.block && !this.block.vars.has('exitcode'))) {
      // curl prints `curl: (N) …` before its -w output: it belongs to the block that follows.
      // A block still open here is complete (it has its exitcode): close it so it can take an earlier error line.
      this.flushBlock();
      this.flushPending();
      this.pending = { err, line, t, raw };
      return;
    }
    if (this.block && (this.block.vars.size > 0) && !this.block.vars.has('exitcode') && err.form === 'curl-tool') {
      // `-w` output and curl's stderr in one file: the error line goes with the block around it.
      const blk = this.block;
      blk.vars.set('exitcode', { raw: 'exitcode', value: String(err.code ?? ''), line, text: raw });
      if (!blk.vars.has('errormsg')) blk.vars.set('errormsg', { raw: 'errormsg', value: err.message, line, text: raw });
      return;
    }
    this.standalone(err, line, t, raw);
  }

  /** A transfer of its own for an error line that belongs to no other record. */
  private standalone(err: ErrorLine, line: number, t: number | null, raw: string): void {
    const src = err.codeSource === 'curl' ? 'curl' : err.codeSource === 'log' ? 'log' : 'wording';
    // its exit code is the error line's, echoes and pairs never change it: failed from here on when not 0
    const failed = err.code !== undefined && err.code !== 0;
    const want = this.wanted(failed);
    const nb = this.builder(line, t, this.source === 'verbose' || this.source === 'trace' ? this.source : 'log', failed, want);
    if (!want && failed) {
      this.counted(nb, err, src, line, raw);
      this.hold(nb, line, t, raw);
      return;
    }
    if (this.version) nb.x.curlVersion = this.version;
    if (this.cmd && line - this.cmd.line < 200) {
      if (this.cmd.upload) nb.x.upload = true;
      if (this.cmd.method) nb.x.method = this.cmd.method;
      if (this.cmd.url) nb.x.url = this.cmd.url;
    }
    nb.error(err.code, err.message, err.codeSource === 'wording' ? 'log' : src, line, raw, t, err);
    if (err.codeSource === 'wording') nb.x.exitCodeSource = 'wording';
    if (err.url) nb.x.url = err.url;
    this.logPairs(nb, raw);
    const fc = err.message.includes('Failed to connect to ') ? /Failed to connect to (\S+) port (\d+)/.exec(err.message) : null;
    if (fc) nb.setHost(fc[1]);
    if (this.lastProgress && line - this.lastProgress.line <= PROGRESS_REACH) {
      nb.x.progressReceived = this.lastProgress.received;
      nb.fact('progress', this.lastProgress.line, 'progress meter', null);
    }
    nb.touch(line, t);
    this.hold(nb, line, t, raw);
  }

  /**
   * A failure that will only be counted (the consumer keeps no more failures: CurlParseOptions.wanted),
   * made of what counting it and telling echoes need: the fields of the lean transfer standalone
   * would make that a lean transfer shares with its full form (test/parsers/curl-lean.test.ts), and
   * what isEcho reads (its URL, and whether its pairs gave it variables: a lean transfer's pairs give
   * it no address, no status and no variable but `start_time`, which is no pair here). The pairs are
   * read up to the first that counts as a variable, not all of them, where none can be a
   * Content-Length. Half of a log's lines where its failures are twice the cap.
   */
  private counted(nb: TransferBuilder, err: ErrorLine, src: 'curl' | 'log' | 'wording', line: number, raw: string): void {
    const x = nb.x;
    // error() on a builder without an exit code: the line's code, message and source (a wording's stays so)
    x.exitCode = err.code;
    x.exitCodeSource = src;
    x.errorMessage = err.message;
    const to = this.words.numbers(err.message).timeout;
    if (to !== undefined) {
      x.bytesReceived = to.received;
      if (to.total !== undefined && to.total >= 0) x.contentLength = to.total;
    }
    let url = this.cmd && line - this.cmd.line < 200 ? this.cmd.url : undefined;
    if (err.url) url = err.url;
    if (url) x.url = url;
    // only `content_length_download` and `download_content_length` name a Content-Length (canonicalVar), in any case
    if (MAY_NAME_LENGTH.test(raw)) {
      this.leanLogPairs(nb, raw);
      return;
    }
    // leanLogPairs' setVar of the first pair it keeps: the variables present, empty
    const c = this.pairs.reset(raw);
    while (c.step(raw, MAX_LOG_PAIRS, this.lastPairNames)) {
      this.pairName(raw, c);
      const canon = this.pairCanon;
      if (!canon || canon === 'exitcode' || canon === 'errormsg' || canon === 'start_time') continue;
      nb.setVar(canon, null);
      return;
    }
  }

  /** The error line's transfer made: an echo of the one held goes to it, or it is held in its place. */
  private hold(nb: TransferBuilder, line: number, t: number | null, raw: string): void {
    const held = this.held;
    if (held && isEcho(held, nb, line, t)) {
      // The application logging the same failure again (a follow-up warning): one event, more evidence.
      held.fact(`repeat:${line}`, line, raw, t);
      held.touch(line, t);
      return;
    }
    this.release();
    this.held = nb;
  }

  /** Emits the standalone error transfer held back to catch its echoes. */
  private release(): void {
    const h = this.held;
    if (!h) return;
    this.held = undefined;
    this.transfers++;
    this.emit(h.build());
    HELD_SHAPES[h.lean ? 1 : 0] = h;
  }

  /**
   * `key=value` pairs an application logged beside the error (`url=… http_code=200
   * size_download=7000 total_time=0.113`): the facts that join it to the wire.
   */
  private logPairs(b: TransferBuilder, raw: string): void {
    if (b.lean) {
      this.leanLogPairs(b, raw);
      return;
    }
    // the pairs kept, each variable's first, in their order: names, canonical names and values side
    // by side in the reader's lists, the first n of each (lists made per line were most of what a
    // log's error line allocated beside its transfer)
    const raws = this.pairRaws;
    const canons = this.pairCanons;
    const values = this.pairValues;
    let n = 0;
    let plain = true;
    // by places: a value is sliced only for a pair that is kept
    const c = this.pairs.reset(raw);
    while (c.step(raw, MAX_LOG_PAIRS, this.lastPairNames)) {
      const name = this.pairName(raw, c);
      const canon = this.pairCanon;
      if (!canon || canon === 'exitcode' || canon === 'errormsg' || canon === 'start_time') continue;
      if (indexIn(canons, n, canon) >= 0) continue;
      raws[n] = name;
      canons[n] = canon;
      values[n] = unquote(raw.slice(c.eq + 1, c.end));
      n++;
      if (!LOG_VARS.has(canon)) plain = false;
    }
    if (n === 0) return;
    // the error line's code and message stand, whatever the pairs say (assigned back as Object.assign did: present even when undefined)
    const x = b.x;
    const { exitCode, exitCodeSource, errorMessage, wording } = x;
    if (plain) applyLogVars(b, canons, values, raw, n);
    else {
      const vars = new Map<string, VarIn>();
      for (let i = 0; i < n; i++) vars.set(canons[i], { raw: raws[i], value: values[i], line: x.line, text: raw });
      applyVars(b, vars);
    }
    x.exitCode = exitCode;
    x.exitCodeSource = exitCodeSource;
    x.errorMessage = errorMessage;
    x.wording = wording;
  }

  /**
   * The name of the pair `c` found last in `raw`, its canonical name (VarNames.canonical) left in
   * `this.pairCanon`. The lines of a log that logs one kind of failure name the same variables in
   * the same order: the name of the pair before as many others on the line read last is taken
   * when the line holds it there, without slicing the line and hashing the slice.
   */
  private pairName(raw: string, c: LogPairCursor): string {
    const k = c.found - 1;
    const names = this.lastPairNames;
    // found as the name it was given (step's hint), or else compared with it here
    if (c.hinted) {
      this.pairCanon = this.lastPairCanons[k];
      return names[k]!;
    }
    const known = k < names.length ? names[k] : undefined;
    if (known !== undefined && known.length === c.eq - c.from && sameAt(raw, c.from, known)) {
      this.pairCanon = this.lastPairCanons[k];
      return known;
    }
    const name = raw.slice(c.from, c.eq);
    const canon = this.names.canonical(name);
    names[k] = name;
    this.lastPairCanons[k] = canon;
    this.pairCanon = canon;
    return name;
  }

  /**
   * logPairs for a transfer that will only be counted: of all applyVars makes of the pairs, what
   * a lean transfer keeps (CurlParseOptions.wanted) — that it has variables (an echo has none:
   * isEcho) and the Content-Length that can make it notable; its exit code and message stay the
   * error line's, as logPairs keeps them. In a log of failures past the cap, half of all lines.
   */
  private leanLogPairs(b: TransferBuilder, raw: string): void {
    let first: string | undefined;
    let length: string | undefined;
    const c = this.pairs.reset(raw);
    while (c.step(raw, MAX_LOG_PAIRS, this.lastPairNames)) {
      this.pairName(raw, c);
      const canon = this.pairCanon;
      if (!canon || canon === 'exitcode' || canon === 'errormsg' || canon === 'start_time') continue;
      first ??= canon;
      if (canon === 'content_length_download' && length === undefined) length = unquote(raw.slice(c.eq + 1, c.end));
    }
    if (first === undefined) return;
    b.setVar(first, null); // counted, not kept, as applyVars does for a lean transfer
    const cl = num(length);
    if (cl !== undefined && cl >= 0) b.x.contentLength = cl;
  }

  // ---- command lines ------------------------------------------------------

  private command(args: string, line: number, text: string): void {
    this.flushBlock();
    const toks = shellWords(args);
    const c: Command = { line, text, upload: false, expectOff: false, head: false };
    for (let i = 0; i < toks.length; i++) {
      const a = toks[i];
      if (/^(?:-d|--data(?:-binary|-raw|-ascii|-urlencode)?|-F|--form(?:-string)?|-T|--upload-file|--json)$/.test(a) || /^-[a-zA-Z]*[dFT].+/.test(a) && /^-[dFT]/.test(a)) c.upload = true;
      else if (a === '-X' || a === '--request') c.method = toks[++i]?.toUpperCase();
      else if (/^-X[A-Z]+$/.test(a)) c.method = a.slice(2);
      else if (a === '-I' || a === '--head') c.head = true;
      else if (a === '-H' || a === '--header') {
        const h = toks[++i] ?? '';
        if (/^expect:\s*$/i.test(h)) c.expectOff = true;
      } else if (!a.startsWith('-') && !c.url && /^(?:https?:\/\/|[\w.-]+(?::\d+)?(?:\/|$))/.test(a) && /[./:]/.test(a) && !/^@/.test(a)) {
        c.url = /^https?:\/\//.test(a) ? a : `http://${a}`;
      }
    }
    if (c.head) c.method = 'HEAD';
    this.cmd = c;
  }

  // ---- -w blocks ----------------------------------------------------------

  /** A `name: value` / `name=value` line; false when the name is none of curl's. */
  private kv(name: string, value: string, line: number, t: number | null, raw: string, source: CurlSource): boolean {
    const canon = this.names.canonical(name);
    const id = name.trim();
    if (!canon) {
      if (!/^[A-Za-z_][\w.]*$/.test(id)) return false;
      if (this.block && this.block.unknown.some((u) => u.name === id)) this.flushBlock();
      // An unknown name is a -w variable only beside known ones: held until a block takes it.
      const list = this.block ? this.block.unknown : (this.loose ??= []);
      if (list.length >= MAX_LOOSE) return false;
      list.push({ name: id, value: value.trim(), line, raw });
      return true;
    }
    if (this.block && this.block.vars.has(canon)) this.flushBlock();
    if (!this.block) {
      this.block = { vars: new Map(), unknown: [], line, t, source };
      const loose = this.loose;
      this.loose = undefined;
      if (loose?.length && line - loose[loose.length - 1].line <= LOOSE_REACH) {
        this.block.unknown.push(...loose);
        this.block.line = loose[0].line;
      } else if (loose) for (const u of loose) this.unplaced(u.line, u.raw);
    }
    this.block.vars.set(canon, { raw: name.trim(), value: value.trim(), line, text: raw });
    return true;
  }

  private dropLoose(): void {
    const loose = this.loose;
    this.loose = undefined;
    if (loose) for (const u of loose) this.unplaced(u.line, u.raw);
  }

  private flushBlock(): void {
    const blk = this.block;
    if (!blk) return;
    this.block = undefined;
    const vars = new Map<string, VarIn>();
    for (const [k, v] of blk.vars) vars.set(k, v);
    for (const u of blk.unknown) if (!vars.has(u.name)) vars.set(u.name, { raw: u.name, value: u.value, line: u.line, text: `${u.name}: ${u.value}` });
    this.fromVars(vars, blk.line, blk.t, blk.source === 'writeout' && this.format === 'curl-json' ? 'json' : blk.source);
  }

  /** Shared by -w blocks, %{json} objects and CSV rows. */
  fromVars(vars: VarSource, line: number, t: number | null, source: CurlSource, base?: Record<string, unknown>, want?: boolean): void {
    const b = this.builder(line, t, source, false, want);
    if (this.version) b.x.curlVersion = this.version;
    if (this.cmd && line - this.cmd.line < 200) {
      if (this.cmd.upload) b.x.upload = true;
      if (this.cmd.method) b.x.method = this.cmd.method;
      if (this.cmd.url) b.x.url = this.cmd.url;
      b.fact('command', this.cmd.line, this.cmd.text, null);
      // `-H 'Expect:'` switched the header off: no 100-continue wait to infer.
      if (this.cmd.expectOff) b.x.expect100 = { sent: false };
    }
    applyVars(b, vars, base);
    const p = this.pending && this.pending.line < line ? this.pending : undefined;
    if (p && (b.x.exitCode === undefined || b.x.exitCode === p.err.code)) {
      this.pending = undefined;
      if (b.x.exitCode === undefined) b.error(p.err.code, p.err.message, 'curl', p.line, p.raw, p.t, p.err);
      else b.fact('errorInfo', p.line, p.raw, p.t);
      b.touch(p.line, p.t);
    } else if (p) this.flushPending();
    const st = b.x.vars?.start_time;
    if (st !== undefined && st !== null) {
      const et = parseDateValue(st);
      if (et !== undefined) {
        if (this.clockKind === undefined) this.clockKind = 'epoch';
        if (this.clockKind === 'epoch') {
          b.x.t = et;
          b.x.endT = b.x.timings?.total !== undefined ? et + b.x.timings.total : et;
          this.seenT(et);
          this.seenT(b.x.endT);
        }
      }
    }
    // touch keeps the greatest line: the last of a JSON line's variables is that line
    if (vars instanceof JsonVars) {
      if (vars.size > 0) b.touch(vars.line, null);
    } else for (const v of vars.values()) b.touch(v.line, null);
    this.release();
    this.transfers++;
    this.emit(b.build());
  }

  // ---- JSON -----------------------------------------------------------------

  /**
   * quick() for a one-line %{json} object with the key list of the object before it: what line()
   * would do with it (segment → classify → jsonObject with the previous shape → fromVars), its
   * values read from its bytes (JsonTemplate), neither the line decoded nor its ~45 values all
   * made: a lean transfer reads two dozen of them. Declined (false) where that path could differ:
   * an app log (whose lines may be passed over), a -w block open, a key list that cannot be matched
   * byte for byte, anything the strict scan does not accept (lenientJson's repairs, nested values,
   * spaces).
   * A line starting `{"` has no time stamp (parseStamp needs a digit, `[` or a capital first).
   */
  private quickJson(buf: Buffer, from: number, to: number, line: number): boolean {
    const shape = this.shape;
    if (shape === undefined || !shape.specific || this.format === 'app-log' || this.block !== undefined) return false;
    let tpl = shape.template;
    if (tpl === undefined) tpl = shape.template = JsonTemplate.of(shape.keys) ?? null;
    if (tpl === null) return false;
    const sc = this.scanned;
    sc.fit(tpl.size);
    if (!tpl.scan(buf, from, to, sc)) return false;
    this.lines++;
    try {
      // The exit code the line prints, where it is an integer, says before the transfer is built
      // whether it will be notable (isNotable: a %{json} transfer is when its exit code is not 0;
      // nothing else here makes it so, an error line pending excepted): the consumer may want no
      // more of its kind though it still wants the other (successful ones beyond their cap of
      // 5,000 while failures are still kept: a third of a long run's lines built in full, then dropped).
      const zero = shape.exitAt >= 0 && this.pending === undefined ? sc.zeroInt(shape.exitAt) : undefined;
      const want = zero === undefined ? this.wanted(false) : zero ? this.wanted(false, true) : this.wanted(true);
      // a lean transfer reads a few variables; a full one every variable (the key list's first key naming each)
      // both read on every line: a load met first when the first transfer is built lean (thousands
      // of lines in) had no type feedback in the quickJson optimised before, and threw it away
      const full = shape.firsts;
      const lean = shape.leanReads;
      sc.read(tpl.size, want ? full : lean);
      // applyVars sets every key of `base` to this line's value: any object with the same keys in the same order serves
      this.fromVars(new JsonVars(shape, undefined, line, sc), line, null, 'json', shape.base ? shape.model : undefined, want);
    } finally {
      sc.buf = undefined; // the reader's chunk: not held past this call
    }
    return true;
  }

  private jsonLine(raw: string): void {
    const j = this.json!;
    j.lines.push(raw);
    const s = raw.trim();
    if (s === '}' || s === '},') this.finishJson(false);
    else if (j.lines.length >= MAX_JSON_LINES) this.finishJson(true);
  }

  private finishJson(cut: boolean): void {
    const j = this.json!;
    this.json = undefined;
    if (cut) this.diag.warn({ line: j.line }, 'JSON object not closed: read for what it has');
    this.jsonObject(j.lines.join('\n'), j.line, j.t, j.lines.length);
  }

  private jsonObject(text: string, line: number, t: number | null, nLines = 1): void {
    this.flushBlock();
    const obj = lenientJson(text);
    if (!obj) {
      this.unplaced(line, text);
      return;
    }
    if (nLines === 1) {
      const shape = this.shapeOf(obj);
      if (shape.specific) {
        this.fromVars(new JsonVars(shape, obj, line), line, t, 'json', shape.base ? obj : undefined);
        return;
      }
      return this.jsonRecord(obj, text, line, t);
    }
    const vars = new Map<string, VarIn>();
    let specific = 0;
    // the object's keys are the variables' names, one each, in its order: applyVars can start from a copy of it
    let same = nLines === 1;
    let keys = 0;
    // for…in, not Object.entries: no array per key. JSON.parse gives a plain object (no inherited enumerables).
    for (const k in obj) {
      const v = obj[k];
      const canon = this.names.canonical(k);
      let typed: string | number | null | undefined;
      if (v === null) typed = null;
      // What applyVars would make of the printed number, known here without printing it.
      else if (typeof v === 'number' && printsPlain(v)) typed = v === 0 ? 0 : v;
      if (canon && specific === 0 && !GENERIC_KEYS.has(k.toLowerCase())) specific++;
      const key = canon ?? k;
      if (key !== k || k === '__proto__') same = false;
      keys++;
      if (!vars.has(key)) vars.set(key, new JsonVar(k, v, line + lineOfKey(text, k, nLines), typed));
    }
    if (specific >= 1) {
      this.fromVars(vars, line, t, 'json', same && keys === vars.size && keys <= MAX_VARS ? obj : undefined);
      return;
    }
    this.jsonRecord(obj, text, line, t);
  }

  /**
   * The key list of a one-line object, with what jsonObject makes of it: the previous line's when
   * the keys are the same in the same order (curl prints every %{json} line with the same keys).
   */
  private shapeOf(obj: Record<string, unknown>): JsonShape {
    const last = this.shape;
    if (last !== undefined) {
      let i = 0;
      let alike = true;
      for (const k in obj) {
        if (k !== last.keys[i++]) {
          alike = false;
          break;
        }
      }
      if (alike && i === last.keys.length) return last;
    }
    const keys: string[] = [];
    const names: string[] = [];
    const first = new Map<string, number>();
    let specific = false;
    let same = true;
    for (const k in obj) {
      const canon = this.names.canonical(k);
      if (canon && !specific && !GENERIC_KEYS.has(k.toLowerCase())) specific = true;
      const key = canon ?? k;
      if (key !== k || k === '__proto__') same = false;
      if (!first.has(key)) first.set(key, keys.length);
      keys.push(k);
      names.push(key);
    }
    const distinct = [...first.values()];
    const firsts = new Uint8Array(keys.length);
    for (const i of distinct) firsts[i] = 1;
    const shape: JsonShape = {
      keys,
      names,
      first,
      distinct,
      distinctNames: distinct.map((i) => names[i]),
      specific,
      base: same && keys.length === first.size && keys.length <= MAX_VARS,
      model: obj,
      firsts,
      exitAt: first.get('exitcode') ?? -1,
      // set when first needed; named here so that every shape has one map
      template: undefined,
      // made now, not when the first lean transfer asks (quickJson reads it on every line)
      leanReads: leanReads({ names, first, firsts }),
      version: undefined,
      modelValues: undefined,
    };
    this.shape = shape;
    return shape;
  }

  /** A JSON log record: look for a curl error in its string values. */
  private jsonRecord(obj: Record<string, unknown>, text: string, line: number, t: number | null): void {
    let when = t;
    for (const k of ['time', 'timestamp', '@timestamp', 'datetime', 'date', 'ts']) {
      if (obj[k] !== undefined) {
        const et = parseDateValue(obj[k]);
        if (et !== undefined) {
          if (this.clockKind === undefined) this.clockKind = 'epoch';
          if (this.clockKind === 'epoch') {
            when = et;
            this.seenT(et);
          }
          break;
        }
      }
    }
    for (const v of Object.values(obj)) {
      if (typeof v !== 'string') continue;
      const err = findErrorLine(v);
      if (err) {
        this.errorLine(err, line, when, undefined, text.length > 300 ? v : text);
        return;
      }
    }
    this.unplaced(line, text);
  }
}

/** Lines apart within which a log's repeat of the same error is the same event. */
const ECHO_REACH = 3; /* lines */
/** Seconds apart within which a log's repeat of the same error is the same event. */
const ECHO_WINDOW = 1; /* s */

/**
 * A second log line about the same failure: same code and message, a line or
 * two later, within a second, naming no URL and adding no facts of its own.
 * A retry logs its URL (or comes later), so it stays a transfer of its own.
 */
function isEcho(held: TransferBuilder, nb: TransferBuilder, line: number, t: number | null): boolean {
  const a = held.x;
  const b = nb.x;
  if (a.exitCode !== b.exitCode || a.errorMessage !== b.errorMessage) return false;
  if (line - held.endLine > ECHO_REACH) return false;
  if ((a.t === null) !== (t === null) || (t !== null && a.t !== null && Math.abs(t - a.t) > ECHO_WINDOW)) return false;
  if (b.url) return false;
  return !b.vars && !b.remote && !b.local && b.httpStatus === undefined;
}

export interface VarIn {
  raw: string;
  value: string | null;
  line: number;
  text: string;
  /** the value as `setVar` takes it, when the reader already knows it (a JSON number) */
  typed?: string | number | null;
}

/** What applyVars reads of a record's variables, by name: a Map, or a one-line %{json} object's JsonVars. */
export interface VarSource {
  readonly size: number;
  get(name: string): VarIn | undefined;
  /** the names, in the record's order */
  keys(): Iterable<string>;
  values(): Iterable<VarIn>;
  [Symbol.iterator](): Iterator<[string, VarIn]>;
}

/** The keys of a one-line JSON object and what jsonObject makes of them, shared by the lines that print the same keys. */
interface JsonShape {
  /** the object's keys, in for…in order */
  keys: string[];
  /** the variable each key names (its canonical name, or the key) */
  names: string[];
  /** a variable's first key, by name: the one a Map filled in key order keeps */
  first: Map<string, number>;
  /** first's values, in key order */
  distinct: number[];
  distinctNames: string[];
  /** a key names a curl variable, and is not one any log might use */
  specific: boolean;
  /** the keys are the variables' names, one each (applyVars may start from a copy of the object) */
  base: boolean;
  /** the key bytes quickJson matches lines against: made when first needed, null where keys cannot be matched so */
  template?: JsonTemplate | null;
  /** the object the shape was first read from (applyVars' `base` for the lines quickJson reads) */
  model: Record<string, unknown>;
  /** 1 for each key that is the first naming its variable (the ones JsonVars reads), by key */
  firsts: Uint8Array;
  /** the keys of `firsts` a lean transfer reads (leanReads) */
  leanReads: Uint8Array;
  /** the key naming `exitcode` first (the one applyOutcome reads); -1 for none */
  exitAt: number;
  /** the last `curl_version` read (applyVersion) and the version in it: every line prints the same */
  version?: { text: string; version: string | undefined };
  /** model's values, in the order of `distinct` (storeInto): made when first needed */
  modelValues?: unknown[];
}

/**
 * The variables of a one-line %{json} object, made only when asked for: a transfer built lean
 * reads a dozen of the forty, and a Map of forty JsonVars per line was a third of a %{json}
 * line's cost. Reads as the Map jsonObject would fill (the first key naming a variable wins).
 */
class JsonVars implements VarSource {
  private readonly made: Array<JsonVar | undefined>;
  constructor(
    readonly shape: JsonShape,
    /** the object as JSON.parse gave it; undefined for a line quickJson read from its bytes */
    private readonly obj: Record<string, unknown> | undefined,
    readonly line: number,
    /** where its values lie in the line's bytes (quickJson: read before the line's call returns) */
    private readonly scanned?: ScannedLine,
  ) {
    this.made = new Array<JsonVar | undefined>(shape.keys.length);
  }

  get size(): number {
    return this.shape.distinct.length;
  }

  get(name: string): VarIn | undefined {
    const i = this.shape.first.get(name);
    return i === undefined ? undefined : this.at(i);
  }

  private at(i: number): JsonVar {
    let v = this.made[i];
    if (v === undefined) {
      const json = this.json(i);
      v = this.made[i] = new JsonVar(this.shape.keys[i], json, this.line, typedOf(json), this.scanned, i);
    }
    return v;
  }

  /** The first variable, in key order. */
  head(): VarIn | undefined {
    const d = this.shape.distinct;
    return d.length > 0 ? this.at(d[0]) : undefined;
  }

  private json(i: number): unknown {
    const json = this.obj !== undefined ? this.obj[this.shape.keys[i]] : this.scanned!.vals[i];
    return json === UNREAD ? this.scanned!.value(i) : json;
  }

  /**
   * storeVars' loop over every variable (`out[name] = what setVar would store`, in key order),
   * without a JsonVar made for each: a full transfer reads a few dozen of them by name later.
   */
  storeInto(out: Record<string, string | number | boolean | null>, was?: readonly unknown[]): void {
    const { distinct, names } = this.shape;
    const sc = this.scanned;
    for (let j = 0; j < distinct.length; j++) {
      const i = distinct[j];
      const made = this.made[i];
      let val: string | number | null;
      if (made !== undefined) val = made.typed !== undefined ? made.typed : varValue(made.value);
      else {
        const json = this.json(i);
        const typed = typedOf(json);
        if (typed !== undefined) val = typed;
        else if (sc !== undefined && typeof json === 'string') {
          // the line before's string in this key (ScannedLine shares them): what varValue made of it
          if (sc.storedOf[i] !== json) {
            sc.storedOf[i] = json;
            sc.stored[i] = varValue(json);
          }
          val = sc.stored[i] as string | number;
        } else val = varValue(printed(json));
      }
      const k = names[i];
      if (!Object.is(was !== undefined ? was[j] : out[k], val)) out[k] = val;
    }
  }

  keys(): Iterable<string> {
    return this.shape.distinctNames;
  }

  values(): Iterable<VarIn> {
    return this.shape.distinct.map((i) => this.at(i));
  }

  [Symbol.iterator](): Iterator<[string, VarIn]> {
    return this.shape.distinct.map((i): [string, VarIn] => [this.shape.names[i], this.at(i)])[Symbol.iterator]();
  }
}

/**
 * The variables applyLean reads, each by name (JsonVars makes any other when asked): the exit code,
 * error message and Content-Length, and with `start_time` what places the transfer's end (the
 * timers and the curl version that says how they are printed).
 */
const LEAN_READS: ReadonlySet<string> = new Set(['exitcode', 'return_code', 'errormsg', 'content_length_download', 'start_time']);
const PLACED_READS: ReadonlySet<string> = new Set([...Object.keys(TIME_VARS), 'curl_version']);

function leanReads(shape: Pick<JsonShape, 'names' | 'first' | 'firsts'>): Uint8Array {
  const out = new Uint8Array(shape.names.length);
  const placed = shape.first.has('start_time');
  for (let i = 0; i < out.length; i++) {
    const name = shape.names[i];
    if (shape.firsts[i] === 1 && (LEAN_READS.has(name) || (placed && PLACED_READS.has(name)))) out[i] = 1;
  }
  return out;
}

/** What applyVars would make of a JSON value printed and read back, where that is known without printing it. */
function typedOf(v: unknown): string | number | null | undefined {
  if (v === null) return null;
  if (typeof v === 'number' && printsPlain(v)) return v === 0 ? 0 : v;
  return undefined;
}

/**
 * A %{json} key: its value as text and its evidence text are made only when
 * read (a few keys of the ~40 a line carries): printing a JSON number back
 * (`String(0.017765)`) for every key of every line was a tenth of a %{json} run.
 */
class JsonVar implements VarIn {
  private printed: string | undefined;
  constructor(
    readonly raw: string,
    /** the value as JSON.parse gave it */
    private readonly json: unknown,
    readonly line: number,
    readonly typed: string | number | null | undefined,
    /** a scanned line's key `slot`: its evidence text is shared with the line before's where alike */
    private readonly scanned?: ScannedLine,
    private readonly slot = 0,
  ) {}

  /** the value as text (printed()) */
  get value(): string | null {
    const v = this.json;
    if (v === null) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && this.scanned !== undefined) return (this.printed ??= this.scanned.numberText(this.slot, v));
    return (this.printed ??= printed(v)!);
  }

  get text(): string {
    return this.scanned !== undefined ? this.scanned.evidenceText(this.slot, this.raw, this.value) : `"${this.raw}": ${this.value}`;
  }
}

/** A JSON value as text: null for null, a string as it is, anything else printed (objects as JSON). */
function printed(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * Whether `String(v)` is `-?\d+(\.\d+)?` (isPlainNumber), told without printing it: a finite
 * number prints in exponent form exactly when its magnitude is below 1e-6 (and not 0) or at
 * least 1e21 (ECMA-262 Number::toString).
 */
function printsPlain(v: number): boolean {
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-6 && a < 1e21);
}

/** JSON keys too common in any log to make a record curl's. */
const GENERIC_KEYS: ReadonlySet<string> = new Set([
  'method', 'url', 'time', 'timestamp', 'ts', 'date', 'datetime', '@timestamp', 'started_at', 'start', 'epoch', 'status',
  'status_code', 'http_status', 'error', 'error_message', 'exit', 'rc', 'exit_code', 'content_type', 'scheme', 'referer', 'total',
  'downloaded', 'uploaded', 'message', 'level', 'app', 'user',
]);

function lineOfKey(text: string, key: string, nLines: number): number {
  if (nLines <= 1) return 0;
  const i = text.indexOf(`"${key}"`);
  if (i < 0) return 0;
  let n = 0;
  for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) n++;
  return n;
}

/**
 * JSON as curl and its test suite really print it: `"http_connect":000`
 * (7.76.0), unquoted `%HTTPPORT` placeholders, a line cut short. Falls back to
 * picking out `"key": value` pairs.
 */
export function lenientJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    /* repaired below */
  }
  const fixed = text
    .replace(/:\s*0+(\d)/g, ':$1')
    .replace(/:\s*(%[A-Za-z_]+%?)/g, ':"$1"')
    .replace(/,\s*([}\]])/g, '$1');
  try {
    const v = JSON.parse(fixed);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    /* pairs below */
  }
  const out: Record<string, unknown> = {};
  const re = /"([^"\\]{1,80})"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|%[A-Za-z_]+%?)/g;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(text)) && n < 400) {
    n++;
    if (m[1] in out) continue;
    const v = m[2];
    if (v.startsWith('"')) {
      try {
        out[m[1]] = JSON.parse(v);
      } catch {
        out[m[1]] = v.slice(1, -1);
      }
    } else if (v === 'true' || v === 'false') out[m[1]] = v === 'true';
    else if (v === 'null') out[m[1]] = null;
    else if (v.startsWith('%')) out[m[1]] = v;
    else out[m[1]] = Number(v);
  }
  return n > 0 ? out : undefined;
}

function hexGroups(text: string): string[] {
  // The hex part is 16 groups of "xx " (48 columns); the ASCII column follows.
  const head = text.slice(0, 48);
  const out: string[] = [];
  for (const tok of head.split(' ')) {
    if (tok === '') continue;
    if (!/^[0-9a-f]{2}$/.test(tok)) break;
    out.push(tok);
    if (out.length === 16) break;
  }
  return out;
}

/** `114k`, `2585k`, `12.0M` as the progress meter prints them (powers of 1024). */
export function sizeValue(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kMGTP]?)$/.exec(s);
  if (!m) return undefined;
  const mult: Record<string, number> = { '': 1, k: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 };
  return Math.round(Number(m[1]) * mult[m[2]]);
}

export function shellWords(s: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) && out.length < 200) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** A -w value as a number: locale commas (`3400,892467`), `000`, trailing spaces. */
export function num(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  const k = plainInteger(v);
  if (k === k) return k; // not NaN: Number(v), without the call
  if (isPlainNumber(v)) return Number(v); // what the cleaning below leaves as it is, and reads the same
  // A value starting with any other printable ASCII character (a URL, an IP, a word) stays that character
  // after the cleaning below, and no number starts with it: most string values end here, unscanned.
  const c0 = v.charCodeAt(0);
  if (c0 > 32 && c0 < 127 && c0 !== 34 /* " */ && c0 !== 45 /* - */ && (c0 < 48 || c0 > 57)) return undefined;
  // Templates often put the unit after the value: `%{time_total}s`.
  const s = v.trim().replace(/^"|"$/g, '').replace(/\s?s$/, '');
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^-?\d+[.,]\d+$/.test(s)) return Number(s.replace(',', '.'));
  return undefined;
}

/** `v` less one quote (`"` or `'`) at each end where there is one. */
function unquote(v: string): string {
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(v.length - 1);
  return a === 34 || a === 39 || z === 34 || z === 39 ? v.replace(/^["']|["']$/g, '') : v;
}

function str(v: string | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(v.length - 1);
  // Only a value with a space, control or non-ASCII character or a quote at an end is changed below.
  const s = a > 32 && a < 127 && a !== 34 && z > 32 && z < 127 && z !== 34 ? v : v.trim().replace(/^"|"$/g, '');
  return s === '' || s === 'null' ? undefined : s;
}

/** A -w timer as read: its value, whether printed as an integer (digits only) or with a decimal comma. */
interface RawTime {
  field: keyof CurlTimings;
  n: number;
  int: boolean;
  comma: boolean;
  k: string;
}

/** num(v.value), straight from a JSON number where the reader has one (num of its printed form is the number). */
function numOf(v: VarIn | undefined): number | undefined {
  if (v === undefined) return undefined;
  return typeof v.typed === 'number' ? v.typed : num(v.value);
}

/** What setVar keeps of a value read as text: the number where the text is one as printed, else the text. */
export function varValue(value: string | null): string | number | null {
  // '' apart (num of it is undefined): num's first charCodeAt(0) out of bounds, met in a %{json} run
  // once storeInto was optimised (`"certs":""` comes up again only where another key was ''), threw it away
  if (value === null || value.length === 0) return value;
  // a plain integer (`0`, `40000`) or a plain decimal ending in 0 (`0.102140`) is told without
  // printing the number again to compare: a log's error line has half a dozen such values
  const k = plainInteger(value);
  if (k === k) {
    // String(k) is the digits less leading zeros and `-` less a -0's: equal unless the value has a
    // leading zero (`0` alone apart) or is `-0`
    const d0 = value.charCodeAt(0) === 45 /* - */ ? 1 : 0;
    return value.charCodeAt(d0) === 48 /* 0 */ && (value.length > 1 + d0 || d0 === 1) ? value : k;
  }
  // String() of a number with a fraction never ends in 0: such a value stays text
  if (value.charCodeAt(value.length - 1) === 48 /* 0 */ && value.includes('.') && isPlainNumber(value)) return value;
  const n = num(value);
  return n !== undefined && String(n) === value.trim() ? n : value;
}

/**
 * The variables an application commonly logs beside a curl error (`url=… http_code=0
 * size_download=0 total_time=0.102 local_port=40000`), which applyLogVars reads as applyVars does.
 */
const LOG_VARS: ReadonlySet<string> = new Set(['url', 'method', 'http_code', 'size_download', 'content_length_download', 'time_total', 'remote_ip', 'remote_port', 'local_ip', 'local_port']);

/** Written as an integer of digits only / with a decimal comma: applyVars' tests of a printed timer. */
const INT_TIMER = /^\d+$/;
const COMMA_TIMER = /^\d+,\d+$/;
const UNIT_SUFFIX = /\s?s$/;

/**
 * applyVars for a log line's pairs when every one is among LOG_VARS (`canons`, distinct, with their
 * `values` as text, cited by the line `text`), on a full transfer: the same variables, fields and
 * evidence in the same order, without a Map of variables and the look-up of forty names that
 * applyVars makes for every record. A log of failures has one such line per failure.
 * test/parsers/curl-logvars.test.ts holds the two to each other.
 */
export function applyLogVars(b: TransferBuilder, canons: readonly string[], values: readonly string[], text: string, count = canons.length): void {
  const x = b.x;
  const line = x.line;
  const at = (k: string): number => indexIn(canons, count, k);
  for (let i = 0; i < count; i++) b.setVar(canons[i], varValue(values[i]));
  const tt = at('time_total');
  const tv = tt >= 0 ? values[tt] : undefined;
  // a plain number (`0.102140`, `12`) is what the cleaning below leaves as it is: its tests read from it
  const plainTime = tv !== undefined && isPlainNumber(tv);
  if (tv !== undefined && (plainTime || num(tv) !== undefined)) {
    const s = plainTime ? tv : tv.trim().replace(UNIT_SUFFIX, '');
    const n = plainTime ? Number(tv) : num(s)!;
    const int = plainTime ? tv.charCodeAt(0) !== 45 /* - */ && !tv.includes('.') : INT_TIMER.test(s);
    const micro = x.curlVersion === '7.74.0' || (int && n >= MICROSECOND_HINT);
    let notes: string[] | undefined;
    if (micro && int) (notes ??= []).push('times printed as integer microseconds (as curl 7.74.0 did): divided by 10^6');
    if (!plainTime && COMMA_TIMER.test(s)) (notes ??= []).push('decimal commas (locale) read as points');
    x.timings = { total: micro && int ? n / 1e6 : n };
    if (notes !== undefined) x.timingNotes = notes;
    b.fact('var:time_total', line, text, null);
  }
  const ui = at('url');
  const url = ui >= 0 ? str(values[ui]) : undefined;
  if (url && !url.startsWith('%')) x.url = url;
  const mi = at('method');
  const method = mi >= 0 ? str(values[mi]) : undefined;
  if (method) x.method = method.toUpperCase();
  const hi = at('http_code');
  const code = hi >= 0 ? num(values[hi]) : undefined;
  if (code !== undefined && code > 0) {
    x.httpStatus = code;
    x.statuses = [code];
    b.fact('var:http_code', line, text, null);
  }
  const si = at('size_download');
  const sd = si >= 0 ? num(values[si]) : undefined;
  if (sd !== undefined) x.sizeDownload = sd;
  const ci = at('content_length_download');
  const cl = ci >= 0 ? num(values[ci]) : undefined;
  if (cl !== undefined && cl >= 0) {
    x.contentLength = cl;
    b.fact('var:content_length_download', line, text, null);
  }
  const ri = at('remote_ip');
  const rip = ri >= 0 ? str(values[ri]) : undefined;
  const rpi = at('remote_port');
  const rport = rpi >= 0 ? num(values[rpi]) : undefined;
  if (rip && rport !== undefined && rport > 0 && !rip.startsWith('%')) x.remote = { ip: rip, port: rport };
  const li = at('local_ip');
  const lip = li >= 0 ? str(values[li]) : undefined;
  const lpi = at('local_port');
  const lport = lpi >= 0 ? num(values[lpi]) : undefined;
  if (lport !== undefined && lport > 0) x.local = { ip: lip && !lip.startsWith('%') ? lip : '', port: lport };
  // applyVars cites `remote_ip` or else `local_port`: both are this line
  if ((x.remote || x.local) && (ri >= 0 || lpi >= 0)) b.fact('connected', line, text, null);
  if (x.url) {
    const h = hostOf(x.url);
    if (h !== undefined) x.host = h;
  }
  b.fact('start', line, text, null);
}

/** `list.indexOf(s)` over the first `n` entries of the list. */
function indexIn(list: readonly string[], n: number, s: string): number {
  for (let i = 0; i < n; i++) if (list[i] === s) return i;
  return -1;
}

/** TIME_VARS as pairs, made once: applyVars runs per transfer. */
const TIME_VAR_LIST = Object.entries(TIME_VARS) as ReadonlyArray<[string, (typeof TIME_VARS)[string]]>;

/**
 * What a record's variables say of its transfer, in one pass per concern (storeVars, the timers,
 * the outcome, the sizes and ends, the start): separate functions, not one, because TurboFan
 * compiles each once on the one thread a run has, and one function of them all was 0.15-0.2 s of
 * compiling per (re)compile in a 100 MB %{json} run. Fields are set in this order (the
 * transfer's keys keep it).
 */
export function applyVars(b: TransferBuilder, vars: VarSource, base?: Record<string, unknown>): void {
  if (b.lean) {
    applyLean(b, vars);
    return;
  }
  storeVars(b, vars, base);
  applyVersion(b, vars);
  applyTimes(b, vars);
  applyOutcome(b, vars);
  applyEnds(b, vars);
  if (!b.lean) citeStart(b, vars);
}

/**
 * The variables as the transfer keeps them. `base`: an object with exactly the keys of `vars`, in
 * their order (a %{json} line as JSON.parse gave it). The variables are then a copy of it with the
 * values setVar would store put in: the same keys and values as setVar one by one makes, but with
 * V8's fast properties, a third of the memory of the dictionary that adding forty keys one by one
 * turns an object into (a kept transfer's variables: 1.6 kB → 0.5 kB).
 */
function storeVars(b: TransferBuilder, vars: VarSource, base: Record<string, unknown> | undefined): void {
  if (b.lean) {
    storeLean(b, vars);
    return;
  }
  if (base !== undefined && b.x.vars === undefined && vars.size > 0) {
    const out: Record<string, string | number | boolean | null> = { ...(base as Record<string, string | number | boolean | null>) };
    if (vars instanceof JsonVars) {
      // out's values are the model's, known by place: no look-up by name of each before it is set
      const shape = vars.shape;
      vars.storeInto(out, base === shape.model ? (shape.modelValues ??= shape.distinct.map((i) => shape.model[shape.names[i]])) : undefined);
    } else {
      // by name, not by entry: no [name, value] pair made per variable
      for (const k of vars.keys()) {
        const v = vars.get(k)!;
        const val = v.typed !== undefined ? v.typed : varValue(v.value);
        if (!Object.is(out[k], val)) out[k] = val;
      }
    }
    b.adoptVars(out, vars.size);
  } else {
    for (const k of vars.keys()) {
      const v = vars.get(k)!;
      if (v.typed !== undefined) {
        b.setVar(k, v.typed);
        continue;
      }
      b.setVar(k, varValue(v.value));
    }
  }
}

function storeLean(b: TransferBuilder, vars: VarSource): void {
  // only `start_time` is kept (when among the first MAX_VARS names: the names before it are counted)
  if (vars.get('start_time') === undefined) return;
  for (const k of vars.keys()) {
    if (k !== 'start_time') {
      b.setVar(k, null); // counted, not kept
      continue;
    }
    const v = vars.get(k)!;
    b.setVar(k, v.typed !== undefined ? v.typed : varValue(v.value));
  }
}

/**
 * applyVars for a transfer that will only be counted: of all it makes, what a lean transfer shares
 * with its full form (CurlParseOptions.wanted): its exit code and message and its Content-Length
 * (applyOutcome's and applyEnds' reading of them), and where `start_time` places it (fromVars),
 * its timers (applyTimes, after applyVersion, as for a full one). The URL, statuses, sizes and
 * addresses of a transfer only counted are never read: made for every lean %{json} line, they
 * were most of a long run's CPU time.
 */
function applyLean(b: TransferBuilder, vars: VarSource): void {
  storeLean(b, vars);
  const st = b.x.vars?.start_time;
  if (st !== undefined && st !== null) {
    applyVersion(b, vars);
    applyTimes(b, vars);
  }
  const x = b.x;
  let exit = numOf(vars.get('exitcode'));
  const rc = str(vars.get('return_code')?.value);
  if (exit === undefined && rc !== undefined) {
    const c = /^\d+$/.test(rc) ? Number(rc) : rc === 'ok' ? 0 : codeFromName(rc);
    if (c !== undefined) exit = c;
  }
  const msg = str(vars.get('errormsg')?.value);
  if (exit !== undefined) {
    x.exitCode = exit;
    x.exitCodeSource = 'variable';
    if (exit !== 0) b.fact('error', 0, '', null);
  }
  if (msg) {
    if (exit === undefined) {
      const w = b.words.match(msg);
      if (w) {
        x.exitCode = w.code;
        x.exitCodeSource = 'wording';
      }
    }
    x.errorMessage = msg;
    b.fact('error', 0, '', null, true);
  }
  const cl = numOf(vars.get('content_length_download'));
  if (cl !== undefined && cl >= 0) x.contentLength = cl;
}

/**
 * The evidence keys of the variables applyVars cites, written out: a key made per fact
 * (`var:${key}`) is a new string to flatten and look up on every cite, a dozen per transfer.
 */
const CITED: ReadonlyMap<string, string> = new Map([
  ['time_namelookup', 'var:time_namelookup'], ['time_connect', 'var:time_connect'], ['time_appconnect', 'var:time_appconnect'],
  ['time_pretransfer', 'var:time_pretransfer'], ['time_posttransfer', 'var:time_posttransfer'], ['time_starttransfer', 'var:time_starttransfer'],
  ['time_total', 'var:time_total'], ['time_redirect', 'var:time_redirect'], ['time_queue', 'var:time_queue'], ['http_code', 'var:http_code'],
  ['response_code', 'var:response_code'], ['exitcode', 'var:exitcode'], ['return_code', 'var:return_code'], ['content_length_download', 'var:content_length_download'],
]);

function cite(b: TransferBuilder, vars: VarSource, key: string): void {
  if (b.lean) return;
  const v = vars.get(key);
  if (v) b.fact(CITED.get(key) ?? `var:${key}`, v.line, v.text, null);
}

function applyVersion(b: TransferBuilder, vars: VarSource): void {
  const version = str(vars.get('curl_version')?.value);
  if (version) {
    // a %{json} line's: the line before's version where it printed the same (one string for all, not one per kept transfer)
    const shape = vars instanceof JsonVars ? vars.shape : undefined;
    let read = shape?.version;
    if (read === undefined || read.text !== version) {
      const m = /(?:^|\s|\/)(?:lib)?curl[/ ](\d+\.\d+(?:\.\d+)?)/i.exec(version) ?? /^(\d+\.\d+\.\d+)/.exec(version);
      read = { text: version, version: m ? m[1] : undefined };
      if (shape !== undefined) shape.version = read;
    }
    if (read.version !== undefined) b.x.curlVersion = read.version;
  }
}

/** Timers, with the known misprints corrected. */
function applyTimes(b: TransferBuilder, vars: VarSource): void {
  const x = b.x;
  const rawTimes: RawTime[] = [];
  for (const [k, field] of TIME_VAR_LIST) {
    const v = vars.get(k);
    if (v === undefined) continue;
    if (typeof v.typed === 'number') {
      // a JSON number: what the text path below makes of its printed form
      rawTimes.push({ field, n: v.typed, int: Number.isInteger(v.typed) && v.typed >= 0, comma: false, k });
      continue;
    }
    if (v.value === null || num(v.value) === undefined) continue;
    const s = v.value.trim().replace(/\s?s$/, '');
    rawTimes.push({ field, n: num(s)!, int: /^\d+$/.test(s), comma: /^\d+,\d+$/.test(s), k });
  }
  if (!rawTimes.length) return;
  let ints = 0;
  let bigInt = false;
  let comma = false;
  for (const r of rawTimes) {
    if (r.int) {
      ints++;
      if (r.n >= MICROSECOND_HINT) bigInt = true;
    }
    if (r.comma) comma = true;
  }
  const micro = x.curlVersion === '7.74.0' || bigInt;
  const timings: Record<string, number> = {};
  const notes: string[] = [];
  // whether any timer is 2^32 µs or more: where none is, none has wrapped (the loop below changes none)
  let big = false;
  for (const r of rawTimes) {
    const v = micro && r.int ? r.n / 1e6 : r.n;
    timings[r.field] = v;
    if (v >= TIMER_WRAP) big = true;
  }
  if (micro && ints > 0) notes.push('times printed as integer microseconds (as curl 7.74.0 did): divided by 10^6');
  if (comma) notes.push('decimal commas (locale) read as points');
  const look = timings.namelookup;
  if (big && look !== undefined && look < TIMER_WRAP) {
    for (const f of Object.keys(timings)) {
      const v = timings[f];
      if (v >= TIMER_WRAP && v < TIMER_WRAP + 3600) {
        timings[f] = v - TIMER_WRAP;
        if (!notes.some((n) => n.startsWith('timer wrapped'))) notes.push('timer wrapped by 2^32 µs (curl 7.55, curl/curl#1830): 4294.967296 s subtracted');
      }
    }
  }
  x.timings = timings;
  if (notes.length) x.timingNotes = notes;
  if (!b.lean) for (const r of rawTimes) cite(b, vars, r.k);
}

/** The URL, method, statuses, and how the transfer ended: exit code and error message. */
function applyOutcome(b: TransferBuilder, vars: VarSource): void {
  const x = b.x;
  const url = str(vars.get('url_effective')?.value) ?? str(vars.get('url')?.value);
  if (url && !url.startsWith('%')) x.url = url;
  const method = str(vars.get('method')?.value);
  if (method) x.method = method.toUpperCase();
  const hc = vars.get('http_code');
  // a typed value is never null text: `value` (which prints a number) is read only where there is none
  const code = numOf(hc !== undefined && (hc.typed !== undefined ? hc.typed !== null : hc.value !== null) ? hc : vars.get('response_code'));
  if (code !== undefined && code > 0) {
    x.httpStatus = code;
    x.statuses = [code];
    cite(b, vars, hc !== undefined ? 'http_code' : 'response_code');
  }
  const pc = numOf(vars.get('http_connect'));
  if (pc !== undefined && pc > 0) x.proxyConnectStatus = pc;
  const hv = str(vars.get('http_version')?.value);
  if (hv && hv !== '0') x.httpVersion = hv;

  let exit = numOf(vars.get('exitcode'));
  let exitKey = 'exitcode';
  const rc = str(vars.get('return_code')?.value);
  if (exit === undefined && rc !== undefined) {
    const c = /^\d+$/.test(rc) ? Number(rc) : rc === 'ok' ? 0 : codeFromName(rc);
    if (c !== undefined) {
      exit = c;
      exitKey = 'return_code';
    }
  }
  const msg = str(vars.get('errormsg')?.value);
  if (exit !== undefined) {
    x.exitCode = exit;
    x.exitCodeSource = 'variable';
    cite(b, vars, exitKey);
    if (exit !== 0) {
      // lean: the fact is only noted as stated, its line and text unread
      const ev = b.lean ? undefined : vars.get(exitKey)!;
      b.fact('error', ev?.line ?? 0, ev?.text ?? '', null);
    }
  }
  if (msg) {
    const ev0 = vars.get('errormsg')!;
    const w = b.words.match(msg);
    if (exit === undefined && w) {
      x.exitCode = w.code;
      x.exitCodeSource = 'wording';
    }
    x.errorMessage = msg;
    if (w) x.wording = w.id;
    const e = b.words.errno(msg);
    if (e !== undefined) {
      x.errno = e;
      x.errnoName = ERRNO_NAMES[e];
    }
    const rem = /transfer closed with (\d+) bytes remaining to read/i.exec(msg);
    if (rem) x.bytesRemaining = Number(rem[1]);
    b.fact('error', ev0.line, b.lean ? '' : ev0.text, null, true);
  }
}

/** Sizes, the two ends of the connection, its id and reuse, and the URL's host. */
function applyEnds(b: TransferBuilder, vars: VarSource): void {
  const x = b.x;
  const sd = numOf(vars.get('size_download'));
  if (sd !== undefined) x.sizeDownload = sd;
  const su = numOf(vars.get('size_upload'));
  if (su !== undefined) {
    x.sizeUpload = su;
    if (su > 0) x.upload = true;
  }
  const sh = numOf(vars.get('size_header'));
  if (sh !== undefined) x.headerSize = sh;
  const sr = numOf(vars.get('size_request'));
  if (sr !== undefined) x.requestSize = sr;
  const cl = numOf(vars.get('content_length_download'));
  if (cl !== undefined && cl >= 0) {
    x.contentLength = cl;
    cite(b, vars, 'content_length_download');
  }
  const ucl = numOf(vars.get('content_length_upload'));
  if (ucl !== undefined && ucl > 0) {
    x.requestContentLength = ucl;
    x.upload = true;
  }
  const rip = str(vars.get('remote_ip')?.value);
  const rport = numOf(vars.get('remote_port'));
  if (rip && rport !== undefined && rport > 0 && !rip.startsWith('%')) x.remote = { ip: rip, port: rport };
  const lip = str(vars.get('local_ip')?.value);
  const lport = numOf(vars.get('local_port'));
  if (lport !== undefined && lport > 0) x.local = { ip: lip && !lip.startsWith('%') ? lip : '', port: lport };
  if (x.remote || x.local) {
    const k = vars.get('remote_ip') ?? vars.get('local_port');
    if (k) b.fact('connected', k.line, b.lean ? '' : k.text, null);
  }
  const cid = numOf(vars.get('conn_id'));
  if (cid !== undefined && cid >= 0) x.connectionId = cid;
  const nc = numOf(vars.get('num_connects'));
  if (nc === 0 && x.exitCode === 0) x.reused = true;
  if (x.url) {
    const h = hostOf(x.url);
    if (h !== undefined) x.host = h;
  }
}

/** A full transfer's `start` fact: the record's first variable, on its first line. */
function citeStart(b: TransferBuilder, vars: VarSource): void {
  if (vars instanceof JsonVars) {
    // every variable of a one-line object is on its line: the first is the head
    const head = vars.head();
    if (head) b.fact('start', head.line, head.text, null);
    return;
  }
  let first = Infinity;
  let head: VarIn | undefined;
  for (const k of vars.keys()) {
    const v = vars.get(k)!;
    head ??= v;
    if (v.line < first) first = v.line;
  }
  if (head && Number.isFinite(first)) b.fact('start', first, head.text, null);
}

/** RFC 9110 tchar: the characters of a header name, by char code. */
const TCHAR: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 128; c++) if (/[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(String.fromCharCode(c))) t[c] = 1;
  return t;
})();

/** [\w-]: the characters after a bare header name's first letter (classify's `^[A-Za-z][\w-]*: ?`), by byte. */
const WORD_OR_DASH: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 128; c++) if (/[\w-]/.test(String.fromCharCode(c))) t[c] = 1;
  return t;
})();

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Where `sep` is in `buf[from, to)` after one or more tchars and nothing else; -1 otherwise. */
function tokenBefore(buf: Buffer, from: number, to: number, sep: number): number {
  let i = from;
  while (i < to && TCHAR[buf[i]] === 1) i++;
  return i > from && i < to && buf[i] === sep ? i : -1;
}

/** Whether `buf[from, to)` is `word` (lower case ASCII) in any case. */
function sameLetters(buf: Buffer, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) if ((buf[from + i] | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** The request header names TransferBuilder.requestHeader reads: a line naming one goes the long way. */
const READ_REQUEST_HEADERS = ['host', 'user-agent', 'expect', 'content-length', 'transfer-encoding'];
/** READ_REQUEST_HEADERS' index of `host` */
const HOST_HEADER = 0;

/** Which of READ_REQUEST_HEADERS `buf[from, to)` names (any case); -1 for none. */
function readRequestHeader(buf: Buffer, from: number, to: number): number {
  for (let i = 0; i < READ_REQUEST_HEADERS.length; i++) if (sameLetters(buf, from, to, READ_REQUEST_HEADERS[i])) return i;
  return -1;
}

/** `s`'s character codes, for startsWithBytes: the fixed words of curl's info lines, compared from a chunk's bytes. */
function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Whether `buf[at, to)` starts with the bytes `s` (ascii() of a fixed text, made once). Each info
 * line of a `curl -v` transfer is compared with several such words; read as a string's characters
 * (charCodeAt of a parameter, in a function too big to be inlined into quickInfo) they cost more.
 */
function startsWithBytes(buf: Buffer, at: number, to: number, s: Uint8Array): boolean {
  const n = s.length;
  if (to - at < n) return false;
  for (let i = 0; i < n; i++) if (buf[at + i] !== s[i]) return false;
  return true;
}

const TRYING = ascii('Trying ');
const DOTS = ascii('...');
const REUSING = ascii('Re-using existing connection #');
const WITH_HOST = ascii(' with host ');
const CONNECTED_TO = ascii('Connected to ');
const SPACE_PAREN = ascii(' (');
const PAREN_PORT = ascii(') port ');
const SPACE_PAREN_HASH = ascii(' (#');
const CONNECTION_HASH = ascii('Connection #');
const TO_HOST = ascii(' to host ');
const LEFT_INTACT = ascii(' left intact');
const CLOSING_CONNECTION = ascii('Closing connection');
const BYTES_DATA = ascii(' bytes data]');

/** Where the ASCII digits from `at` end. */
function digitsEnd(buf: Buffer, at: number, to: number): number {
  while (at < to && isDigit(buf[at])) at++;
  return at;
}

/** Where the printable ASCII (what `\S` matches there) from `at` ends. */
function printableEnd(buf: Buffer, at: number, to: number): number {
  while (at < to && buf[at] > 32 && buf[at] < 127) at++;
  return at;
}

/** REQUEST_LINE's methods. */
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT'];
const METHOD_BYTES = METHODS.map(ascii);

type Latin1Slicer = Buffer & { latin1Slice?: (start: number, end: number) => string };

/**
 * `buf[from, to)` as text, one character per byte: for bytes already known to be ASCII (where
 * UTF-8 reads the same). Buffer's own `latin1Slice`, without toString's wrapper (see lines.ts' decode).
 */
function latin1(buf: Buffer, from: number, to: number): string {
  const b = buf as Latin1Slicer;
  return typeof b.latin1Slice === 'function' ? b.latin1Slice(from, to) : buf.toString('latin1', from, to);
}

/** `Number()` of the ASCII digits `buf[from, to)`, without making their text where it is exact (15 digits). */
function digitsValue(buf: Buffer, from: number, to: number): number {
  if (to - from > 15) return Number(latin1(buf, from, to));
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (buf[i] - 48);
  return n;
}

/** The status lines' versions statusAt knows, by its index (st >> 10). */
const HTTP_VERSIONS = ['HTTP/1.0', 'HTTP/1.1', 'HTTP/2', 'HTTP/3', 'HTTP/2.0'];

/**
 * Where `HTTP/d` or `HTTP/d.d` at `buf[from]` ends, as STATUS_LINE and REQUEST_LINE read it
 * (`HTTP/1.x` is `HTTP/1` and then `.`); -1 where there is none.
 */
function versionEnd(buf: Buffer, from: number, to: number): number {
  if (to - from < 6 || buf[from] !== 72 || buf[from + 1] !== 84 || buf[from + 2] !== 84 || buf[from + 3] !== 80 || buf[from + 4] !== 47 || !isDigit(buf[from + 5])) return -1;
  return from + 7 < to && buf[from + 6] === 46 /* . */ && isDigit(buf[from + 7]) ? from + 8 : from + 6;
}

/** Whether String.prototype.trim removes the ASCII character `c` (TAB, LF, VT, FF, CR, space). */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * The number the trimmed text of `buf[from, to)` is, where it is plain digits (1 to 15: an
 * integer Number() gives exactly) with only what trim() removes around it; -1 for any other text.
 */
function plainNumberAt(buf: Buffer, from: number, to: number): number {
  let i = from;
  while (i < to && isTrimmed(buf[i])) i++;
  const d0 = i;
  let n = 0;
  while (i < to && isDigit(buf[i])) n = n * 10 + (buf[i++] - 48);
  if (i === d0 || i - d0 > 15) return -1;
  while (i < to && isTrimmed(buf[i])) i++;
  return i === to ? n : -1;
}

/**
 * Where the host of a Host header's value `buf[from, to)` (from: past the spaces after `:`) ends,
 * as requestField reads it: less what trim() removes at the end and a `:port` (withoutPort), and
 * only where setHost keeps it as it is (printable ASCII without capitals, not `[…]`); -1 where
 * the decoded value must say.
 */
function hostHeaderEnd(buf: Buffer, from: number, to: number): number {
  let end = to;
  while (end > from && isTrimmed(buf[end - 1])) end--;
  let d = end;
  while (d > from && isDigit(buf[d - 1])) d--;
  const h1 = d < end && d > from && buf[d - 1] === 58 /* : */ ? d - 1 : end;
  if (h1 === from || buf[from] === 91 /* [ */ || buf[h1 - 1] === 93 /* ] */) return -1;
  for (let i = from; i < h1; i++) {
    const c = buf[i];
    if (c <= 32 || c >= 127 || (c >= 65 && c <= 90)) return -1;
  }
  return h1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The index in HTTP_VERSIONS of the version `buf[from, end)` (versionEnd's); -1 for another. */
function versionAt(buf: Buffer, from: number, end: number): number {
  return versionIndex(buf[from + 5] - 48, end - from === 8 ? buf[from + 7] - 48 : -1);
}

/**
 * STATUS_LINE on `buf[from, to)`, for the versions in HTTP_VERSIONS: `index << 10 | status`;
 * 0 where the pattern does not match or the version is another (the caller then decodes).
 */
function statusAt(buf: Buffer, from: number, to: number): number {
  // `HTTP/d[.d] ddd` and then no word character (\b)
  const i = versionEnd(buf, from, to);
  if (i < 0 || i + 4 > to || buf[i] !== 32) return 0;
  let status = 0;
  for (let k = i + 1; k <= i + 3; k++) {
    if (!isDigit(buf[k])) return 0;
    status = status * 10 + buf[k] - 48;
  }
  if (i + 4 < to) {
    const c = buf[i + 4];
    if (isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) return 0;
  }
  const v = versionAt(buf, from, i);
  return v < 0 ? 0 : (v << 10) | status;
}

/** The index in HTTP_VERSIONS of HTTP/major[.minor] (minor -1: none); -1 for another. */
function versionIndex(major: number, minor: number): number {
  return major === 1 && minor === 0 ? 0 : major === 1 && minor === 1 ? 1 : major === 2 && minor === -1 ? 2 : major === 3 && minor === -1 ? 3 : major === 2 && minor === 0 ? 4 : -1;
}

/** N of `[N bytes data]` filling `buf[from, to)` exactly (at most 15 digits); -1 otherwise. */
function dataBytesAt(buf: Buffer, from: number, to: number): number {
  if (buf[from] !== 91 /* [ */) return -1;
  let i = from + 1;
  let n = 0;
  while (i < to && buf[i] >= 48 && buf[i] <= 57) n = n * 10 + (buf[i++] - 48);
  const digits = i - from - 1;
  if (digits < 1 || digits > 15) return -1;
  if (to - i !== BYTES_DATA.length || !startsWithBytes(buf, i, to, BYTES_DATA)) return -1;
  return n;
}

/** [\w.{}%@ -]: the characters of a KV name, by char code (ASCII). */
const NAME_CHARS: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) if (/[\w.{}%@ -]/.test(String.fromCharCode(c))) t[c] = 1;
  return t;
})();

function isNameChar(c: number): boolean {
  return c < 128 && NAME_CHARS[c] === 1;
}

/** Whether `s` starts with the characters in `codes`; compared from the end, where stamps of nearby lines differ. */
function startsWithCodes(s: string, codes: Uint16Array): boolean {
  if (s.length < codes.length) return false;
  for (let i = codes.length - 1; i >= 0; i--) if (s.charCodeAt(i) !== codes[i]) return false;
  return true;
}

/**
 * What `KV.exec(s)[1]` would be, without running it: null when KV cannot
 * match, undefined when this scan is unsure (characters beyond ASCII, which
 * the regex's `\s` and `.` treat specially). The name is the text before the
 * first `:` or `=`, less the whitespace before it, at most 49 characters.
 * `last`: a name given before, returned itself where the name is the same text.
 */
export function kvName(s: string, last?: string): string | null | undefined {
  if (last !== undefined) {
    // a line that starts with the name given before and its sign (a log's label, line after line):
    // the scan below would pass over the name's characters (name characters, no sign, not ending in
    // whitespace) and stop at the sign, the name being `last`; one comparison of a slice says so
    const n = last.length;
    const sign = s.charCodeAt(n);
    if ((sign === 58 || sign === 61) && s.slice(0, n) === last) return dotStopsFrom(s, n) ? undefined : last;
  }
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95 || c0 === 64 || c0 === 37 || c0 === 123)) return null;
  let j = 1;
  // the first whitespace met before the sign: the name must end before it
  let ws = -1;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 58 || c === 61) break;
    if (c >= 128) return undefined;
    if (isNameChar(c)) continue;
    if (c === 9 || c === 11 || c === 12 || c === 13) {
      // whitespace (KV's \s; \n never stands in a line): allowed only between the name and the sign
      if (ws < 0) ws = j;
      continue;
    }
    return null;
  }
  if (j >= s.length) return null;
  let p = j;
  while (p > 1) {
    const c = s.charCodeAt(p - 1);
    if (c === 32 || c === 9 || c === 11 || c === 12 || c === 13) p--;
    else break;
  }
  if (p > 49) return null;
  // every character before p is a name character but whitespace (the loop above): none of that before p
  if (ws >= 0 && ws < p) return null;
  if (dotStopsFrom(s, j)) return undefined;
  // the name given last where this is the same (a log's label, `payments`, line after line): no new
  // string, and one whose hash the name memos (VarNames) have computed already
  if (last !== undefined && last.length === p && sameAt(s, 0, last)) return last;
  return s.slice(0, p);
}

/**
 * Number(v) for a `-?\d+` of 1 to 15 digits (where every integer is exact), made from its digits
 * without the runtime call; NaN for any other text.
 */
function plainInteger(v: string): number {
  const n = v.length;
  const neg = n > 0 && v.charCodeAt(0) === 45; /* - */
  let i = neg ? 1 : 0;
  if (n - i < 1 || n - i > 15) return NaN;
  let x = 0;
  for (; i < n; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    x = x * 10 + d;
  }
  return neg ? -x : x;
}

/**
 * Whether `s` holds from `from` on a line terminator KV's `(.*)$` fails on (`.` matches none of
 * them), of those a line can hold: \r (the reader takes off a line's last \r only), \u2028 and
 * \u2029; never \n, where the reader splits lines (errors.ts's lineEndFrom, for texts that are
 * not always one line, looks for it too).
 */
function dotStopsFrom(s: string, from: number): boolean {
  return s.indexOf('\r', from) >= 0 || s.indexOf('\u2028', from) >= 0 || s.indexOf('\u2029', from) >= 0;
}

/**
 * `/^[A-Za-z_][\w.]*$/.test(name.trim())` for a name kvName gave (which trim() leaves as it is: it
 * starts with no whitespace and ends with none), by a loop over its characters.
 */
function isDottedWord(name: string): boolean {
  const c0 = name.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95)) return false;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46)) return false;
  }
  return true;
}

/** `-?\d+` or `-?\d+\.\d+`, nothing around it. */
function isPlainNumber(v: string): boolean {
  let i = v.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const start = i;
  while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  if (i === start) return false;
  if (i === v.length) return true;
  if (v.charCodeAt(i) !== 46 /* . */) return false;
  const frac = ++i;
  while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  return i > frac && i === v.length;
}
