/**
 * curl's error wordings across versions, TLS backends and locales, and the
 * one-line forms applications log them in. The exit code printed beside a
 * message always wins; the wording only supplies a code when none was
 * printed (a `* Recv failure: …` info line, a PHP `curl_error()` text).
 * Translated strerror texts (pt_BR, zh_CN) are matched through the code and
 * the `errno N` curl appends, never through the English words alone.
 */
import { CURL_CODES, ERRNO_NAMES, RESET_ERRNOS } from '../../src/model/index.js';

export { ERRNO_NAMES, RESET_ERRNOS };

export interface Wording {
  id: string;
  code: number;
  re: RegExp;
}

/** Ordered: the first match names the wording. */
export const CURL_WORDINGS: readonly Wording[] = [
  // 56 — receive failures
  { id: 'proxy-connect-status', code: 56, re: /Received HTTP code \d+ from proxy after CONNECT/i },
  { id: 'openssl-ssl_read-unexpected-eof', code: 56, re: /SSL_read:.*unexpected eof/i },
  { id: 'openssl-ssl_read-syscall', code: 56, re: /SSL_read: SSL_ERROR_SYSCALL/i },
  { id: 'openssl-ssl_read', code: 56, re: /(?:Open|Libre|Boring)SSL SSL_read:|\bSSL_read:/i },
  { id: 'ssl-read-old', code: 56, re: /\bSSL read: /i },
  { id: 'gnutls-recv', code: 56, re: /GnuTLS recv error/i },
  { id: 'nss-tcp-reset', code: 56, re: /TCP connection reset by peer/i },
  { id: 'recv-failure', code: 56, re: /Recv failure:/i },
  { id: 'failure-receiving', code: 56, re: /Failure when receiving data from the peer/i },
  { id: 'unexpected-eof', code: 56, re: /^Unexpected EOF$/i },
  { id: 'recv-error-name', code: 56, re: /\b(?:CURLE_RECV_ERROR|recv_error)\b/ },
  // 55 — send failures
  { id: 'send-failure', code: 55, re: /Send failure:|SSL_write:|Failed sending data to the peer|\b(?:CURLE_SEND_ERROR|send_error)\b/i },
  // 52 — nothing came back
  { id: 'empty-reply', code: 52, re: /Empty reply from server|Server returned nothing \(no headers, no data\)|\b(?:CURLE_GOT_NOTHING|got_nothing)\b/i },
  // 18 — body shorter than announced
  { id: 'transfer-closed-remaining', code: 18, re: /transfer closed with -?\d+ bytes remaining to read/i },
  { id: 'transfer-closed-outstanding', code: 18, re: /transfer closed with outstanding read data remaining/i },
  { id: 'partial-file', code: 18, re: /Transferred a partial file|\b(?:CURLE_PARTIAL_FILE|partial_file)\b/i },
  // 28 — timeouts
  { id: 'operation-timed-out', code: 28, re: /Operation timed out after|Connection timed out after|Resolving timed out after|Timeout was reached|\b(?:CURLE_OPERATION_TIMEDOUT|operation_timedout)\b/i },
  // 7 — connect
  { id: 'failed-to-connect', code: 7, re: /Failed to connect to |Couldn't connect to server|\b(?:CURLE_COULDNT_CONNECT|couldnt_connect)\b/i },
  { id: 'connect-failed', code: 7, re: /connect to \S+ port \d+ failed:|Immediate connect fail|Connection refused/i },
  // 6/5 — name resolution
  { id: 'could-not-resolve-proxy', code: 5, re: /Could(?:n't| not) resolve proxy/i },
  { id: 'could-not-resolve-host', code: 6, re: /Could(?:n't| not) resolve host|\b(?:CURLE_COULDNT_RESOLVE_HOST|couldnt_resolve_host)\b/i },
  // 92/16 — HTTP/2
  { id: 'http2-stream-not-closed', code: 92, re: /HTTP\/2 stream \d+ was not closed cleanly/i },
  { id: 'http2-framing', code: 16, re: /Error in the HTTP2 framing layer/i },
  // 26 — reading the upload
  { id: 'read-function-eof', code: 26, re: /client read function EOF fail|Failed to open\/read local data/i },
  // 35 — TLS handshake (only reached when no code was printed)
  { id: 'ssl-connect-error', code: 35, re: /SSL connect error|\bSSL_connect\b|TLS connect error/i },
  { id: 'ssl-cert-problem', code: 60, re: /SSL certificate problem/i },
  { id: 'client-cert', code: 58, re: /unable to load client cert|Problem with the local client certificate/i },
  { id: 'http-returned-error', code: 22, re: /The requested URL returned error: \d+/i },
  { id: 'too-many-redirects', code: 47, re: /Maximum \(\d+\) redirects followed/i },
  { id: 'write-error', code: 23, re: /Failure writing output to destination|Failed writing body/i },
];

export function matchWording(message: string): Wording | undefined {
  const m = message.trim();
  for (const w of CURL_WORDINGS) if (w.re.test(m)) return w;
  return undefined;
}

/** Messages remembered per reader at most by Wordings. */
const MAX_REMEMBERED_WORDINGS = 4096;

/**
 * `matchWording` and `errnoOf`, remembered per reader: a log of failures or a
 * %{json} file repeats the same few messages (`Recv failure: Connection reset by
 * peer`) on thousands of transfers, and each look tries thirty case-insensitive
 * patterns. Bounded: forgotten wholesale when full.
 */
export class Wordings {
  private known = new Map<string, MessageFacts>();

  private facts(message: string): MessageFacts {
    let f = this.known.get(message);
    if (f === undefined) {
      f = { wording: matchWording(message), errno: errnoOf(message), remaining: remainingOf(message), timeout: timeoutOf(message) };
      if (this.known.size >= MAX_REMEMBERED_WORDINGS) this.known.clear();
      this.known.set(message, f);
    }
    return f;
  }

  match(message: string): Wording | undefined {
    return this.facts(message).wording;
  }

  errno(message: string): number | undefined {
    return this.facts(message).errno;
  }

  /**
   * The bytes a `transfer closed with N bytes remaining to read` message names, and what a timeout
   * message (`after N milliseconds with N out of N bytes received`) says: remembered by message
   * like its wording, as the builder reads them of every error it is told (twice per failed
   * transfer of a `curl -v` loop: its info line and curl's own last line).
   */
  numbers(message: string): MessageFacts {
    return this.facts(message);
  }
}

interface MessageFacts {
  readonly wording: Wording | undefined;
  readonly errno: number | undefined;
  readonly remaining: number | undefined;
  readonly timeout: { readonly afterMs: number; readonly received: number; readonly total: number | undefined } | undefined;
}

function remainingOf(message: string): number | undefined {
  const rem = /transfer closed with (\d+) bytes remaining to read/i.exec(message);
  return rem ? Number(rem[1]) : undefined;
}

function timeoutOf(message: string): MessageFacts['timeout'] {
  const to = /after (\d+) milliseconds with (\d+)(?: out of (-?\d+))? bytes received/i.exec(message);
  return to ? { afterMs: Number(to[1]), received: Number(to[2]), total: to[3] !== undefined ? Number(to[3]) : undefined } : undefined;
}

export function errnoOf(message: string): number | undefined {
  const m = /\berrno[ =:]+(-?\d+)/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** `recv_error`, `CURLE_RECV_ERROR` → 56 */
export function codeFromName(name: string): number | undefined {
  const n = name.trim().toUpperCase().replace(/^CURLE_/, '');
  for (const [code, v] of Object.entries(CURL_CODES)) if (v.name === `CURLE_${n}`) return Number(code);
  return undefined;
}

export interface ErrorLine {
  code?: number;
  message: string;
  codeSource: 'curl' | 'log' | 'wording';
  wording?: string;
  errno?: number;
  /** URL named in the line (Guzzle ≥ 7.1 ` for <URL>`, `Failed to connect to host`) */
  url?: string;
  /** what kind of line it was: curl tool, Guzzle/PHP, pycurl, libcurl wording */
  form: 'curl-tool' | 'guzzle' | 'php' | 'pycurl' | 'code-suffix' | 'wording';
}

const CURL_TOOL = /(?:^|[^\w"'])curl: \((\d{1,3})\) ?(.*)$/;
const GUZZLE = /\bcURL error (\d{1,3}): (.*)$/;
const PHP_GENERIC = /\bcurl[ _-]?(?:error|errno)(?:\s*(?:#|no\.?|code|number|num))?\s*[:=(#]?\s*\(?(\d{1,3})\)?(?:\s*[:\-–]\s*|\s+)(.*)$/i;
const PHP_NO_CODE = /\bcurl[ _-]?error\s*(?:\(\))?\s*[:=]\s*(.+)$/i;
/** `curl_error="…"` or `curl_error='…'` beside a PHP error code: the quoted text is curl's message (no g flag: exec keeps no state). */
const PHP_QUOTED_ERROR = /curl_error\s*[=:]\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/i;
const PYCURL = /\bpycurl\.error: \((\d{1,3}), ['"](.*)['"]\)/;
const CODE_SUFFIX = /^(.*?)\s*\(Code (\d{1,3})\)\s*$/;
/**
 * Words every form below needs: `curl` (curl's own line, Guzzle, PHP, pycurl),
 * `(Code N)`, or one of the strong bare wordings (STRONG_BARE, the `inner`
 * forms). A line without any of them cannot be a curl error line.
 */
export const ERROR_HINT = /curl|\(Code |SSL[_ ]read:|GnuTLS recv error|Failure when receiving|Empty reply from server|Server returned nothing|got_nothing|transfer closed with|HTTP\/2 stream/i;

/** Trims what libraries wrap around curl's message: Guzzle's `(see …)`, quotes, ` in /file.php:12`. */
function cleanMessage(raw: string): { message: string; url?: string } {
  let s = raw.trim();
  let url: string | undefined;
  const forUrl = /\)\s+for\s+([a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+)/i.exec(s);
  if (forUrl) url = forUrl[1];
  s = s.replace(/\s*\(see https?:\/\/[^)]*\).*$/, '');
  s = s.replace(/['"]\s+in\s+\S+:\d+.*$/, '');
  s = s.replace(/\s+\|\s+\S+Exception thrown in file .*$/, '');
  s = s.replace(/^['"]|['"],?$/g, '');
  return { message: s.trim(), url };
}

/**
 * Finds a curl error in one log line, in any of the forms met in the wild.
 * Returns undefined for lines that carry none.
 */
/** What finish() works out from a message as printed: the same for every line that prints it. */
export interface CleanedMessage {
  message: string;
  url?: string;
  wording?: string;
  errno?: number;
  /**
   * The ErrorLine finishLine made last of this message: given again to a line with the same code,
   * source and form (a log of failures prints one on every line). Nothing changes an ErrorLine once made.
   */
  last?: ErrorLine;
}

/**
 * Messages remembered per reader (`findErrorLine`'s `memo`): a log of failures prints the same
 * `Recv failure: Connection reset by peer` on every line. Bounded: forgotten wholesale when full.
 */
export const MAX_REMEMBERED_MESSAGES = 1024;

/**
 * The head of the PHP error line findErrorLine read last (`…curl_errno=56 curl_error="Recv failure:
 * …"`), and what it found there, for a reader's next lines (see phpHead). One per reader.
 */
export interface ErrorLineHead {
  head: string | undefined;
  err: ErrorLine | undefined;
}

export function findErrorLine(text: string, memo?: Map<string, CleanedMessage>, last?: ErrorLineHead): ErrorLine | undefined {
  // A line that begins with the head of the PHP line read before reads as it did (phpHead says why),
  // where what follows the head holds none of the words of the forms tried before PHP's, and no line
  // terminator (the end of the line is PHP_GENERIC's `(.*)$`). A log of failures has one per failure.
  // The head holds none of those words (phpHead): looked for where they could begin past its start.
  const head = last?.head;
  // startsWith(head) as a slice and a comparison: startsWith of a string not known when compiled
  // reads the hundred characters of a PHP head one by one (0.3 µs a line), === compares them at once
  if (head !== undefined && text.length >= head.length && text.slice(0, head.length) === head) {
    const n = head.length;
    if (
      // three of the four words hold a `(`, which would stand at n - 5 or later: where there is none (a
      // log's line as a rule), they are not looked for one by one
      (text.indexOf('(', n - 5) < 0 || (text.indexOf('curl: (', n - 6) < 0 && text.indexOf('pycurl.error: (', n - 14) < 0 && text.indexOf('(Code ', n - 5) < 0)) &&
      !guzzleWordFrom(text, n - 10) &&
      !lineEndFrom(text, n)
    ) {
      return last!.err;
    }
  }
  const finish = (code: number, raw: string, codeSource: ErrorLine['codeSource'], form: ErrorLine['form']) => finishLine(code, raw, codeSource, form, memo);
  // Most log lines say nothing of curl: one scan rules them out before the forms below.
  if (!ERROR_HINT.test(text)) return undefined;
  // each form's fixed words looked for first (indexOf): a pattern that cannot match costs a scan
  // of the whole line, and a log of failures has one such line per failure
  let m = text.includes('curl: (') ? CURL_TOOL.exec(text) : null;
  if (m) return finish(Number(m[1]), m[2], 'curl', 'curl-tool');
  m = text.includes('cURL error ') ? GUZZLE.exec(text) : null;
  if (m) return finish(Number(m[1]), m[2], 'log', 'guzzle');
  m = text.includes('pycurl.error: (') ? PYCURL.exec(text) : null;
  if (m) return finish(Number(m[1]), m[2], 'log', 'pycurl');
  // CODE_SUFFIX's lazy head tries every position of a line that lacks its `(Code `: look for that first
  m = text.includes('(Code ') ? CODE_SUFFIX.exec(text) : null;
  if (m && matchWording(m[1])) return finish(Number(m[2]), m[1], 'log', 'code-suffix');
  m = PHP_GENERIC.exec(text);
  if (m) {
    // `curl_errno=56 curl_error="Recv failure: …" url=…`: the quoted curl_error() text is the message.
    const q = PHP_QUOTED_ERROR.exec(text);
    const err = finish(Number(m[1]), q ? (q[1] ?? q[2]) : m[2], 'log', 'php');
    if (last !== undefined) {
      last.head = q ? phpHead(text, m, q) : undefined;
      last.err = last.head !== undefined ? err : undefined;
    }
    return err;
  }
  m = PHP_NO_CODE.exec(text);
  if (m) {
    const w = matchWording(cleanMessage(m[1]).message);
    if (w) return finish(w.code, m[1], 'wording', 'php');
  }
  // A bare libcurl wording (no code): only the strong ones, so that prose does not match.
  const bare = text.trim();
  const w = matchWording(bare);
  // At the start of the line or right after a `label: ` / `[tag] `: not inside prose or a code comment.
  if (w && STRONG_BARE.has(w.id)) {
    const at = bare.search(w.re);
    if (at === 0 || /[:\]]\s$/.test(bare.slice(0, at))) return finish(w.code, bare, 'wording', 'wording');
  }
  const inner = /(?:^|:\s)((?:Open|Libre)SSL SSL_read: .*|SSL read: .*|Server returned nothing \(no headers, no data\)\.?|Failure when receiving data from the peer|HTTP\/2 stream \d+ was not closed cleanly: .*)$/.exec(bare);
  if (inner) {
    const w2 = matchWording(inner[1]);
    if (w2) return finish(w2.code, inner[1], 'wording', 'wording');
  }
  return undefined;
}

/**
 * The head of a PHP error line (`text`, where PHP_GENERIC found `m` and PHP_QUOTED_ERROR `q`) that
 * decides findErrorLine's answer whatever follows it, or undefined. Where the head is `text` up to
 * and including the first character of PHP_GENERIC's `(.*)$` and the end of q's match, both
 * matches the first place their patterns could begin (no `curl` before m, no `curl_error` before
 * q, in any case), the patterns read no character past the head while they find them: every start
 * before theirs fails within the literal word, and along the way to m's `(.*)`, the tries that fail
 * stop at a character before that group's first one (its separator's runs end there). So a line
 * that begins with the head finds m at the same place with the same code (its `(.*)$` matches
 * whatever follows but a line terminator) and q the same, hence the same message: the same
 * ErrorLine. The forms tried before PHP's are told by their words (findErrorLine looks for them).
 */
function phpHead(text: string, m: RegExpExecArray, q: RegExpExecArray): string | undefined {
  if (firstWord(text, 'curl') !== m.index || firstWord(text, 'curl_error') !== q.index) return undefined;
  const rest = text.length - m[2].length; // where `(.*)$` begins
  const end = Math.max(rest + 1, q.index + q[0].length);
  if (end >= text.length) return undefined;
  const head = text.slice(0, end);
  // the words findErrorLine then looks for past the head's start only
  return head.includes('curl: (') || head.includes('cURL error ') || head.includes('pycurl.error: (') || head.includes('(Code ') ? undefined : head;
}

/** GUZZLE's fixed words, and where their `L` stands in them. */
const GUZZLE_WORD = 'cURL error ';
const GUZZLE_L = 3;

/**
 * `s.indexOf('cURL error ', from) >= 0`, found by the word's `L`: a search for one character (what
 * a search for a word costs several times over), in what follows a PHP head (a log's lower-case
 * `url=… http_code=0 …`) mostly none, and a look at the word around each.
 */
function guzzleWordFrom(s: string, from: number): boolean {
  for (let i = s.indexOf('L', from + GUZZLE_L); i >= 0; i = s.indexOf('L', i + 1)) {
    const at = i - GUZZLE_L;
    if (at < 0 || at < from) continue;
    let k = 0;
    while (k < GUZZLE_WORD.length && s.charCodeAt(at + k) === GUZZLE_WORD.charCodeAt(k)) k++;
    if (k === GUZZLE_WORD.length) return true;
  }
  return false;
}

/**
 * Whether `s` holds a line terminator (what `.` does not match) from `from` on: four searches of the
 * string's own (a search for \u2028 or \u2029 in a one-byte string ends before it starts), which
 * cost a fifth of a loop over the characters.
 */
function lineEndFrom(s: string, from: number): boolean {
  return s.indexOf('\n', from) >= 0 || s.indexOf('\r', from) >= 0 || s.indexOf('\u2028', from) >= 0 || s.indexOf('\u2029', from) >= 0;
}

/**
 * Where `word` (lower-case ASCII) first occurs in `s`, ASCII letters in any case: what the `i` flag
 * matches (without `u`, no character beyond ASCII matches an ASCII letter); -1 when nowhere.
 */
function firstWord(s: string, word: string): number {
  const n = word.length;
  const w0 = word.charCodeAt(0);
  for (let i = 0; i + n <= s.length; i++) {
    if ((s.charCodeAt(i) | 32) !== w0) continue;
    let k = 1;
    for (; k < n; k++) {
      const c = s.charCodeAt(i + k);
      const w = word.charCodeAt(k);
      if (c !== w && !(w >= 97 && w <= 122 && c === w - 32)) break;
    }
    if (k === n) return i;
  }
  return -1;
}

/** Wordings specific enough to be taken for curl errors without a code beside them. */
const STRONG_BARE: ReadonlySet<string> = new Set([
  'openssl-ssl_read-unexpected-eof',
  'openssl-ssl_read-syscall',
  'openssl-ssl_read',
  'ssl-read-old',
  'gnutls-recv',
  'failure-receiving',
  'empty-reply',
  'transfer-closed-remaining',
  'transfer-closed-outstanding',
  'http2-stream-not-closed',
]);

function finishLine(code: number, raw: string, codeSource: ErrorLine['codeSource'], form: ErrorLine['form'], memo: Map<string, CleanedMessage> | undefined): ErrorLine {
  let c = memo?.get(raw);
  if (!c) {
    const { message, url } = cleanMessage(raw);
    c = { message, url, wording: matchWording(message)?.id, errno: errnoOf(message), last: undefined };
    if (memo) {
      if (memo.size >= MAX_REMEMBERED_MESSAGES) memo.clear();
      memo.set(raw, c);
    }
  }
  const last = c.last;
  if (last !== undefined && last.code === code && last.codeSource === codeSource && last.form === form) return last;
  const out: ErrorLine = { code, message: c.message, codeSource, form };
  if (c.wording) out.wording = c.wording;
  if (c.errno !== undefined) out.errno = c.errno;
  if (c.url) out.url = c.url;
  // remembered only where the memo keeps `c` (a reader's): a caller without one gets its own
  if (memo !== undefined) c.last = out;
  return out;
}

/**
 * One Wordings made at load and never used: opaque (`unknown`), exported only to stay reachable.
 * V8 forgets a class's hidden class at a full collection once no instance of it is alive, and with
 * it the compiled code of every function that read one (see LOG_PAIR_CURSOR_SHAPE in pairs.ts).
 */
export const WORDINGS_SHAPE: unknown = new Wordings();
