import type { RunResult } from './result.js';
import type { ClockPlacement } from './time.js';

/**
 * Secret redaction: reports travel to wikis and mailboxes, so credentials seen
 * in a trace (curl -v headers, captured requests, strace buffers, URLs) are
 * replaced by REDACTED before any report is written. Pure: the input result is
 * left as it was.
 *
 * What counts as a secret:
 * - the value of an Authorization, Proxy-Authorization, Cookie or Set-Cookie
 *   header, and of headers whose name carries token/secret/api-key/password
 *   (X-Auth-Token, X-Api-Key); the auth scheme (Bearer, Basic…) is kept
 *   because it helps the reader and reveals nothing;
 * - query (or form, or `name=value` log) values whose name looks like a secret
 *   by its words (token, key, password, secret, sig, auth, session, cookie,
 *   otp, pin, hmac, an authorization or one-time `code`…, see isSecretName),
 *   also inside another's value, plain or percent-encoded once or more (`next=%2Fa%3Ftoken%3D…`, `%253D`);
 * - the password of `scheme://user:password@host`;
 * - JSON-looking `"password": "…"` pairs, also with strace's `\"` escapes;
 * - values whose shape gives them away wherever they stand (a JWT, an AWS,
 *   GitHub, GitLab, Slack, Stripe or Google key, a PEM private key).
 *
 * A header value ends at the first real or escaped line end (`\r`, `\n` as
 * strace and tshark print them), at an unescaped `"` (the end of a strace
 * string), or at the end of the text.
 */
export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** auth schemes kept in front of a redacted Authorization value */
const AUTH_SCHEME = /^(basic|bearer|digest|negotiate|ntlm|token|hawk|hoba|mutual|oauth|aws4-hmac-sha256|scram-sha-\d+)\s+/i;

/**
 * A header name where a header can start: text start, a line break (real or
 * escaped), curl's `> `/`< ` prefixes, trace-ascii's `0000: `, whitespace or a
 * quote (not `:`, so `http://host:…` is no header). The name itself: letters, digits, dashes.
 */
const HEADER_NAME_SOURCE = /(^|[\s"'>]|\\[rn])([A-Za-z][A-Za-z0-9-]*)([ \t]*:[ \t]*)/g;

export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || isSecretName(name);
}

/**
 * What one redaction pass (one result) has already worked out: a result repeats the same
 * texts (explanations, curl's wording, paths) and the same names (`url`, `http_code`, every
 * key of every finding) thousands of times. Lives in one call, never in the module; bounded,
 * forgotten wholesale when full, as VarNames does.
 */
class Memo {
  private readonly texts = new Map<string, string>();
  private readonly secretNames = new Map<string, boolean>();
  private readonly secretKeys = new Map<string, boolean>();
  private readonly secretHeaders = new Map<string, boolean>();

  /**
   * How often the texts under each key (`title`, `text`, `explanation`…) were found here already:
   * where they hardly ever repeat (one title, one log line per finding), remembering them costs
   * more (hashing, a growing map) than it saves, and is stopped for that key.
   */
  private readonly byKey = new Map<string | undefined, { tries: number; hits: number }>();

  text(s: string, key?: string): string {
    // short texts, and shorter texts no rule but the shapes' can touch, cost less to redact again than to
    // look up; a long one (an explanation, the same string in every finding) costs a scan of every character
    if (s.length < MEMO_MIN || (s.length < MEMO_PLAIN_MIN && s.indexOf(':') < 0 && s.indexOf('=') < 0)) return redactTextIn(s, this);
    let seen = this.byKey.get(key);
    if (seen === undefined) this.byKey.set(key, (seen = { tries: 0, hits: 0 }));
    if (seen.tries >= MEMO_PROBE && seen.hits * MEMO_HIT_RATIO < seen.tries) return redactTextIn(s, this);
    seen.tries++;
    let r = this.texts.get(s);
    if (r !== undefined) seen.hits++;
    else {
      r = redactTextIn(s, this);
      if (this.texts.size >= MEMO_MAX) this.texts.clear();
      this.texts.set(s, r);
    }
    return r;
  }

  /** isSecretName, remembered */
  secretName(name: string): boolean {
    return remember(this.secretNames, name, isSecretName);
  }

  /**
   * isSecretHeader, remembered (a lower-cased copy per ask was a tenth of what a clean result's
   * redaction allocated). Asked as a method, not through a function made per memo: a function
   * made per run, called from code used by every run, is compiled into that code, which is then
   * thrown away with the run's function at the next full collection (as MEMO_SHAPE tells of hidden classes).
   */
  secretHeader(name: string): boolean {
    let r = this.secretHeaders.get(name);
    if (r === undefined) {
      r = SECRET_HEADERS.has(name.toLowerCase()) || this.secretName(name);
      if (this.secretHeaders.size >= MEMO_MAX) this.secretHeaders.clear();
      this.secretHeaders.set(name, r);
    }
    return r;
  }

  /** A value under this key is redacted whole (see walk). */
  secretKey(key: string): boolean {
    return remember(this.secretKeys, key, isSecretKey);
  }
}

/**
 * One memo made at load and never used: opaque (`unknown`), exported only to stay reachable. V8
 * forgets a class's hidden class at a full collection once no instance of it is alive, and with it
 * the compiled code of every function that read one: each run after a full collection (a batch's or
 * a server's next case, each run of a benchmark) began by compiling the redaction again. Kept, the
 * hidden class outlives the runs, and the code with it.
 */
export const MEMO_SHAPE: unknown = new Memo();

/** `map`'s answer for `key`, worked out by `compute` the first time; the map forgotten wholesale when full. */
function remember<V>(map: Map<string, V>, key: string, compute: (key: string) => V): V {
  let r = map.get(key);
  if (r === undefined) {
    r = compute(key);
    if (map.size >= MEMO_MAX) map.clear();
    map.set(key, r);
  }
  return r;
}

/** a bare `code` key is our own vocabulary (error and exit codes), not an OAuth code */
function isSecretKey(key: string): boolean {
  return key.toLowerCase() !== 'code' && (isSecretHeader(key) || isSecretName(key));
}

/** Texts this long (explanations, evidence lines) repeat across findings: worth remembering once redacted; shorter ones cost less to redact again than to look up. */
const MEMO_MIN = 48;
/** Texts with neither `:` nor `=` this long are remembered too: only the shapes' scan touches them, but over every character. */
const MEMO_PLAIN_MIN = 160;
/** Texts under one key looked up before judging whether they repeat, and the share of them found (1 in MEMO_HIT_RATIO) for the memo to go on. */
const MEMO_PROBE = 512;
const MEMO_HIT_RATIO = 8;
/** Entries one memo holds at most: far more than the distinct texts of a 10,000-finding result. */
const MEMO_MAX = 1 << 17;

/**
 * Words that make a parameter name a secret wherever they stand in it
 * (`otp`, `mfa_otp`, `pinCode`, `X-Hmac-SHA256`): one-time codes, PINs, MACs
 * and signatures are as good as a password for as long as they live.
 */
const SECRET_WORDS = new Set([
  'token', 'secret', 'password', 'passwd', 'passphrase', 'pwd', 'pass', 'key', 'apikey', 'sig', 'signature', 'sid',
  'hmac', 'otp', 'totp', 'hotp', 'pin', 'jwt', 'credential', 'credentials', 'session', 'ticket', 'cvv', 'cvc', 'cvv2', 'ssn',
  // a cookie's value is a session (the Cookie and Set-Cookie headers are secret headers): `cookie=`, `set_cookie=` in a log line
  'cookie',
]);
/** `code` alone is an OAuth authorization code; after one of these words it is a one-time code too (`verification_code`, `smsCode`) */
const CODE_QUALIFIERS = new Set(['auth', 'authorization', 'verification', 'verify', 'otp', 'mfa', '2fa', 'reset', 'access', 'confirm', 'confirmation', 'activation', 'security', 'sms', 'login', 'recovery', 'backup', 'device', 'user', 'one', 'time', 'pin']);

/** `authToken` → auth, token; `X-Amz-Signature` → x, amz, signature; `pin_code` → pin, code */
function nameWords(name: string): string[] {
  return name
    .split(/[-_.[\]\s]+|(?<=[a-z0-9])(?=[A-Z])/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

/** Spellings that make a name a secret wherever they stand in it, words or not (`PHPSESSID`, `xapikey`); each starts with three plain letters (see SECRET_TRIGRAMS). */
const SECRET_SPELLINGS = ['token', 'secret', 'passw', 'passwd', 'pwd', 'apikey', 'api[-_.]?key', 'signature', 'session', 'sessid', 'credential', 'jwt', 'private[-_.]?key', 'access[-_.]?key', 'hmac'];
const SECRET_SPELLING = new RegExp(SECRET_SPELLINGS.join('|'));

/** Does a query/form/JSON key name look like it holds a secret? By its words, and by the spellings no word split finds (`PHPSESSID`). */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  if (SECRET_SPELLING.test(n)) return true;
  if (/auth(?!or)/.test(n)) return true;
  const words = nameWords(name);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  // `code` is also the name of status and country codes: a secret alone or after a qualifying word only
  const code = words.lastIndexOf('code');
  if (code >= 0 && (words.length === 1 || words.slice(0, code).some((w) => CODE_QUALIFIERS.has(w)))) return true;
  return false;
}

/**
 * The first three letters of everything that makes a name a secret (isSecretName's spellings,
 * `auth`, its words, `code`, and the secret headers), lower-cased, as a 26³ table: a name of
 * ASCII characters in none of whose runs of three letters one of them stands (case aside) is no
 * secret's, and is not asked. Every name a gate below would ask is a part of the text of
 * header/parameter name characters (ASCII), so its lower-cased words and spellings are parts of
 * the lower-cased text. Asking (a copy of the name, a map look-up) was most of a clean
 * result's redaction: `curl_errno=`, `http:`, `size_download=` in every finding.
 */
const SECRET_TRIGRAMS = new Uint8Array(26 * 26 * 26);
for (const w of [...SECRET_SPELLINGS, 'auth', ...SECRET_WORDS, 'code', ...SECRET_HEADERS]) {
  // three letters every match of it holds: none of them optional or repeated (`ab?c`, `abc?`, `abc*`)
  if (!/^[a-z]{3}(?![?*{])/.test(w)) throw new Error(`redact: a secret name's spelling must start with three letters: ${w}`);
  // a secret header already known by a word it holds (`proxy-authorization`: auth) adds nothing
  if (SECRET_HEADERS.has(w) && mayHoldSecretName(w, 0, w.length)) continue;
  SECRET_TRIGRAMS[(w.charCodeAt(0) - 97) * 676 + (w.charCodeAt(1) - 97) * 26 + (w.charCodeAt(2) - 97)] = 1;
}

/**
 * Whether `s[i, e)`, a run of ASCII name characters, holds three letters SECRET_TRIGRAMS knows
 * (in any case): when not, no name in it is a secret header's or a secret parameter's.
 */
function mayHoldSecretName(s: string, i: number, e: number): boolean {
  let a = -1;
  let b = -1;
  for (let k = i; k < e; k++) {
    // a letter (either case) and nothing else lands in 0..25
    const c = (s.charCodeAt(k) | 32) - 97;
    if (c < 0 || c > 25) {
      a = b = -1;
      continue;
    }
    if (a >= 0 && SECRET_TRIGRAMS[a * 676 + b * 26 + c] === 1) return true;
    a = b;
    b = c;
  }
  return false;
}

/**
 * Values that are secrets by their shape, whatever they are called or
 * wherever they stand: JSON Web Tokens, and the prefixed keys of the big
 * providers (AWS access keys, GitHub, GitLab, Slack, Stripe, Google API keys),
 * and PEM private key blocks.
 */
const SECRET_SHAPES: RegExp[] = [
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT: base64url '{"' header and payload
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key id
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}/g, // GitHub
  /\bglpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe secret and restricted keys
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[^]*?(?:-----END (?:[A-Z]+ )?PRIVATE KEY-----|$)/g,
];

/** One cheap test before the shapes: every one of them starts with one of these. */
const SHAPE_HINT = /eyJ|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|_live_|_test_|AIza|-----BEGIN/;

function redactShapes(s: string): string {
  for (const re of SECRET_SHAPES) {
    re.lastIndex = 0;
    if (re.test(s)) s = s.replace(re, REDACTED);
  }
  return s;
}

/** Where a header value that starts at `from` ends (exclusive). */
function headerValueEnd(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === '\r' || c === '\n' || c === '"') return i;
    if (c === '\\') {
      const next = s[i + 1];
      if (next === 'r' || next === 'n' || next === undefined) return i;
      if (next === 'x' && /^x0[da]/i.test(s.slice(i + 1, i + 4))) return i;
      i += 2; // an escaped character (\" \\ \t \177) is part of the value
      continue;
    }
    i++;
  }
  return i;
}

function redactHeaders(s: string, memo: Memo | undefined): string {
  let out = '';
  let last = 0;
  // A regex with /g carries state (lastIndex): one per call, never shared between callers.
  const HEADER_NAME = new RegExp(HEADER_NAME_SOURCE);
  for (let m = HEADER_NAME.exec(s); m; m = HEADER_NAME.exec(s)) {
    const name = m[2];
    if (!(memo ? memo.secretHeader(name) : isSecretHeader(name))) {
      // let the next search start inside this match: a secret header can follow `Host:` with no separator but `\r\n`
      HEADER_NAME.lastIndex = m.index + m[1].length + name.length;
      continue;
    }
    const valueStart = m.index + m[0].length;
    const valueEnd = headerValueEnd(s, valueStart);
    let value = s.slice(valueStart, valueEnd);
    if (value.trim() === '' || value === REDACTED) {
      HEADER_NAME.lastIndex = valueEnd > m.index ? Math.max(valueEnd, m.index + 1) : m.index + 1;
      continue;
    }
    let kept = '';
    if (/authorization/i.test(name)) {
      const scheme = AUTH_SCHEME.exec(value);
      if (scheme) {
        kept = scheme[0];
        value = value.slice(kept.length);
      }
    }
    if (value !== REDACTED && value.trim() !== '') {
      out += s.slice(last, valueStart) + kept + REDACTED;
      last = valueEnd;
    }
    HEADER_NAME.lastIndex = Math.max(valueEnd, m.index + 1);
  }
  return last === 0 ? s : out + s.slice(last);
}

/** `?token=…&x=1`, `password=…` in a form body or a log line. */
const PARAM = /(^|[?&;|\s"'(,{[])([A-Za-z0-9_.\-[\]]+)=(\[REDACTED\]|[^&#\s"'<>;,)}\]\\]*)/g;
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]+):([^\s@/"'<>]+)@/gi;
/**
 * curl's `-u user:password` (`-U`, `--user`, `--proxy-user`; `-ubob:pw` and `--user=bob:pw` too),
 * on a command line or in the argv strace prints for an execve (`"-u", "bob:pw"`): the password.
 */
const CURL_USER = /((?:^|[\s"'[,])(?:--user|--proxy-user|-u|-U)(?:=|\s+|",\s*"|)["']?[^\s:"',\]]*):(\[REDACTED\]|[^\s"',\]]+)/g;
/** `"name": "value"`, quotes maybe escaped (`\"name\": \"value\"`, strace) */
const JSON_PAIR = /(\\?")([A-Za-z0-9_.-]+)\1(\s*:\s*)(\\?")((?:[^"\\]|\\(?!"))*)\4/g;

/** Redact the secrets in one piece of text. */
export function redactText(s: string): string {
  return redactTextIn(s, undefined);
}

/** [A-Za-z0-9-]: the characters of a header name */
function isHeaderNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45;
}

/**
 * Whether any name HEADER_NAME could match in `s` is a secret header: when none is,
 * redactHeaders changes nothing and is not run. A header name ends before `[ \t]*:` and
 * starts with a letter after its delimiter: at the start of the run of name characters
 * before the `:`, or after an escaped `\r` / `\n` in it (whose `r`, `n` are name
 * characters too). Every such name is asked, so none HEADER_NAME would take is missed.
 */
function anySecretHeaderName(s: string, memo: Memo | undefined): boolean {
  // plain functions and the memo's methods, not closures made per call or per memo: every text with a `:` in every finding comes here
  const letter = isAsciiLetter;
  for (let c = s.indexOf(':'); c >= 0; c = s.indexOf(':', c + 1)) {
    let e = c;
    while (e > 0 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
    let i = e;
    while (i > 0 && isHeaderNameChar(s.charCodeAt(i - 1))) i--;
    // every name asked below is a part of s[i, e)
    if (i === e || !mayHoldSecretName(s, i, e)) continue;
    if (letter(s.charCodeAt(i)) && secretHeaderIn(memo, s.slice(i, e))) return true;
    for (let j = i + 1; j < e; j++) {
      const r = s.charCodeAt(j - 1);
      if ((r === 114 || r === 110) && j >= 2 && s.charCodeAt(j - 2) === 92 /* \ */ && letter(s.charCodeAt(j)) && secretHeaderIn(memo, s.slice(j, e))) return true;
    }
  }
  return false;
}

/** isSecretHeader, through the memo where there is one */
function secretHeaderIn(memo: Memo | undefined, name: string): boolean {
  return memo === undefined ? isSecretHeader(name) : memo.secretHeader(name);
}

/** isSecretName, through the memo where there is one */
function secretNameIn(memo: Memo | undefined, name: string): boolean {
  return memo === undefined ? isSecretName(name) : memo.secretName(name);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * Every secret `name=value` of `s` with its value redacted. A value that is not a secret's is
 * searched too: it can hold parameters of its own (`url=http://h/p?access_token=…` in a log line,
 * `next=/login?password=…`), which one pass of PARAM over the text would have taken as part of it.
 */
function redactParams(s: string, memo: Memo | undefined): string {
  return redactPairs(s, memo, PARAM);
}

/**
 * Every secret pair `pattern` finds in `s` (groups: what precedes the name, the name, …, the
 * value: the last group, and last in the match) with its value redacted. Where the name is no secret's, the
 * search goes on from the value's start: the value can hold pairs of its own.
 */
function redactPairs(s: string, memo: Memo | undefined, pattern: RegExp): string {
  // a regex with /g carries state (lastIndex): one per call, never shared between callers
  const re = new RegExp(pattern);
  let out = '';
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const name = m[2];
    const value = m[m.length - 1];
    // the `=` between name and value is one character, or an escape of any depth (`%3D`, `%253D`)
    const valueStart = m.index + m[0].length - value.length;
    if (value !== '' && value !== REDACTED && secretNameIn(memo, name)) {
      out += s.slice(last, valueStart) + REDACTED;
      last = valueStart + value.length;
      re.lastIndex = last;
    } else {
      // past the `=`: always ahead of where this match began, so the search ends
      re.lastIndex = valueStart;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * A parameter percent-encoded inside another's value or a path (`next=%2Flogin%3Fpassword%3D…`, a
 * URL logged encoded: `url=http%3A%2F%2Fh%2Fp%3Ftoken%3D…`): its `=` encoded (`%3D`), its name after
 * an encoded `?`, `&`, `;`, `/` or space, or where PARAM's names start (a value's `=` among them),
 * its value up to an encoded `&`, `#`, `;` or space, or where PARAM's values end. Each escape may
 * be encoded again, as often as it was (`%253D`, `%25253D`): a URL put into a parameter of a URL
 * that is itself put into a parameter (a login redirect's return address, an OAuth `state`). The
 * value ends only at an `&`, `#`, `;` or space encoded as often as its `=` or less (group 3: the
 * `=`'s `25`s): one encoded more is the value's own (`password%3Dcorrect%2520horse` is one value).
 * Groups: what precedes the name, the name, the `=`'s depth, the value (last, as redactPairs reads it).
 */
const ENCODED_PARAM = /(^|%(?:25)*(?:3F|26|3B|2F|20)|\+|[?&;|\s"'(,{[=])([A-Za-z0-9_.\-]+)%((?:25)*)3D(\[REDACTED\]|(?:[^%&#\s"'<>;,)}\]\\]|%\3(?:25)+(?:26|23|3B|20)|%(?!(?:25)*(?:26|23|3B|20))[0-9A-F]{2})*)/gi;

/** Every secret encoded `name%3Dvalue` of `s` (ENCODED_PARAM) with its value redacted; a value of no secret is searched for more. */
function redactEncodedParams(s: string, memo: Memo | undefined): string {
  return redactPairs(s, memo, ENCODED_PARAM);
}

/**
 * Whether any name ENCODED_PARAM could match in `s` is a secret one (as anySecretParamName for
 * PARAM): the run of name characters before each encoded `=` (`%3D`, `%253D`…), its part after
 * the escape it follows (`%3Fpassword` is read as the run `3Fpassword`, `%253Fpassword` as
 * `253Fpassword`: the escape's hex digits are name characters), and each part after a `[` in it.
 */
function anySecretEncodedName(s: string, memo: Memo | undefined): boolean {
  for (let e = encodedEquals(s, 0); e >= 0; e = encodedEquals(s, e + 1)) {
    let i = e;
    while (i > 0 && isParamNameChar(s.charCodeAt(i - 1))) i--;
    // every name asked below is a part of s[i, e)
    if (i === e || !mayHoldSecretName(s, i, e)) continue;
    if (secretNameIn(memo, s.slice(i, e))) return true;
    // the run begins just after an escape (`%` is no name character): the name may start past its digits
    if (i >= 1 && s.charCodeAt(i - 1) === 37 /* % */) {
      const n = escapeEnd(s, i - 1);
      if (n < e && secretNameIn(memo, s.slice(n, e))) return true;
    }
    // a `[` is a delimiter too, and a name character of the run (as in anySecretParamName)
    if (anySecretAfterBracket(s, i, e, memo)) return true;
  }
  return false;
}

/**
 * Brackets in one run of name characters past which the names are asked one by one; past them
 * the gate says yes and leaves it to the pattern. Each ask reads the rest of the run: a line
 * of `[a[a[a…=` made the gate quadratic (20 kB: 2.5 s), the pattern takes it in one pass.
 */
const MAX_BRACKETS_ASKED = 16;

/** Whether the name after any `[` in `s[i, e)` is a secret one (or too many `[` to ask each: see MAX_BRACKETS_ASKED). */
function anySecretAfterBracket(s: string, i: number, e: number, memo: Memo | undefined): boolean {
  let asked = 0;
  for (let j = s.indexOf('[', i); j >= 0 && j < e - 1; j = s.indexOf('[', j + 1)) {
    if (++asked > MAX_BRACKETS_ASKED) return true;
    if (secretNameIn(memo, s.slice(j + 1, e))) return true;
  }
  return false;
}

/** Where the escape at `s[at]` (a `%`) ends: past any `25`s of an escape encoded again, and two hex digits. */
function escapeEnd(s: string, at: number): number {
  let j = at + 1;
  while (s.charCodeAt(j) === 50 /* 2 */ && s.charCodeAt(j + 1) === 53 /* 5 */) j += 2;
  return j + 2;
}

/** Where the next encoded `=` of `s` from `from` is (`%3D`, `%3d`, `%253D`…: at its `%`), or -1. */
function encodedEquals(s: string, from: number): number {
  for (let i = s.indexOf('%', from); i >= 0; i = s.indexOf('%', i + 1)) {
    let j = i + 1;
    while (s.charCodeAt(j) === 50 /* 2 */ && s.charCodeAt(j + 1) === 53 /* 5 */) j += 2;
    const c = s.charCodeAt(j + 1);
    if (s.charCodeAt(j) === 51 /* 3 */ && (c === 68 || c === 100)) return i;
  }
  return -1;
}

/** [A-Za-z0-9_.\-[\]]: the characters of a PARAM name */
function isParamNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 91 || c === 93;
}

/**
 * Whether any name PARAM could match in `s` is a secret one: when none is, PARAM changes
 * nothing and its replace (a callback and a new string per pair) is not run. A PARAM name
 * ends at a `=` and starts after its delimiter: at the start of the run of name characters
 * before the `=`, or after a `[` in it (a delimiter that is a name character too). Every
 * such suffix is asked, so no name PARAM would take is missed.
 */
function anySecretParamName(s: string, memo: Memo | undefined): boolean {
  for (let e = s.indexOf('='); e >= 0; e = s.indexOf('=', e + 1)) {
    let i = e;
    while (i > 0 && isParamNameChar(s.charCodeAt(i - 1))) i--;
    // every name asked below is a part of s[i, e)
    if (i === e || !mayHoldSecretName(s, i, e)) continue;
    if (secretNameIn(memo, s.slice(i, e))) return true;
    if (anySecretAfterBracket(s, i, e, memo)) return true;
  }
  return false;
}

/**
 * Whether `s` holds `"name":` (quotes maybe escaped) — what every JSON_PAIR match holds: a `"`
 * and then, past any whitespace (isRegExpSpace), a `:`. A look at each `"` (indexOf), not a
 * regex over the whole text: most texts with a `:` have no `"`, or few.
 */
function jsonPairHint(s: string): boolean {
  for (let q = s.indexOf('"'); q >= 0; q = s.indexOf('"', q + 1)) {
    let k = q + 1;
    while (k < s.length && isRegExpSpace(s.charCodeAt(k))) k++;
    if (s.charCodeAt(k) === 58 /* : */) return true;
  }
  return false;
}

/** What a regex's `\s` matches: Unicode's white space (Zs, tab, VT, FF, BOM) and line ends (LF, CR, LS, PS). */
function isRegExpSpace(c: number): boolean {
  if (c < 0xa0) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Whether `s` holds `-u` or `-U` (as CURL_USER needs): one pass over its dashes. */
function hasDashU(s: string): boolean {
  for (let d = s.indexOf('-'); d >= 0; d = s.indexOf('-', d + 1)) if ((s.charCodeAt(d + 1) | 32) === 117 /* u */) return true;
  return false;
}

/** Whether a short text has none of `:`, `=`, `%`: one pass, not three searches (a result's many short values). */
function noneOfColonEqualsPercent(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58 || c === 61 || c === 37) return false;
  }
  return true;
}

/**
 * Whether `s` holds a character every SHAPE_HINT match holds (`J` of eyJ; `A` of AKIA, ASIA,
 * AIza; `_` of GitHub's, Stripe's; `-` of GitLab's, Slack's, a PEM block's): four searches for
 * one character each cost less than the hint's scan, which most texts (titles, URLs) then skip.
 */
function mayHoldShape(s: string): boolean {
  return s.indexOf('_') >= 0 || s.indexOf('-') >= 0 || s.indexOf('A') >= 0 || s.indexOf('J') >= 0;
}

/**
 * The shortest text any of SECRET_SHAPES can match (Slack's `xoxb-` and ten characters): a shorter
 * text with neither `:` nor `=` is left as it is by every rule, without running one (a result's
 * many short values: `log`, `reset`, `error`, `port 40000`).
 */
export const MIN_SHAPE_LENGTH = 15;

function redactTextIn(s: string, memo: Memo | undefined): string {
  if (s.length < MIN_SHAPE_LENGTH && noneOfColonEqualsPercent(s)) return s;
  const shaped = mayHoldShape(s) && SHAPE_HINT.test(s) ? redactShapes(s) : s;
  // Every rule below needs a ':' (a header, a JSON pair, user:pass@), a '=' (a parameter) or a '%' (an encoded one).
  const colon = shaped.indexOf(':') >= 0;
  if (!colon && shaped.indexOf('=') < 0 && shaped.indexOf('%') < 0) return shaped;
  // Each rule runs only where the characters its pattern cannot match without are there; the
  // redactions before it only put `[REDACTED]` in, which none of those characters is part of.
  let r = colon && anySecretHeaderName(shaped, memo) ? redactHeaders(shaped, memo) : shaped;
  if (r.indexOf('@') >= 0) r = r.replace(USERINFO, (all, pre: string, pass: string) => (pass === REDACTED ? all : `${pre}:${REDACTED}@`));
  if (colon && hasDashU(r)) r = r.replace(CURL_USER, (all, pre: string, pass: string) => (pass === REDACTED ? all : `${pre}:${REDACTED}`));
  if (r.indexOf('=') >= 0 && anySecretParamName(r, memo)) {
    r = redactParams(r, memo);
  }
  if (r.indexOf('%') >= 0 && anySecretEncodedName(r, memo)) r = redactEncodedParams(r, memo);
  // the rules above only take characters out and put `[REDACTED]` in: without a `:` in `shaped`, r has none
  if (colon && jsonPairHint(r)) {
    r = r.replace(JSON_PAIR, (all, q: string, name: string, colon: string, q2: string, value: string) =>
      value !== '' && value !== REDACTED && secretNameIn(memo, name) ? `${q}${name}${q}${colon}${q2}${REDACTED}${q2}` : all,
    );
  }
  return r;
}

/**
 * Redact every string inside a value (objects and arrays, deep). A string
 * under a key that is itself a secret header or name (`details.headers.Cookie`,
 * `{password: "…"}`) is redacted whole. Pure: an object or array in which
 * nothing changed is returned as it was (shared, never modified), so a result
 * of many findings is not copied whole to change a few strings.
 */
export function redactDeep<T>(value: T): T {
  return walk(value, undefined, new Memo()) as T;
}

/** Object.prototype.hasOwnProperty, called on the objects walk reads (see there) */
const hasOwnProperty = Object.prototype.hasOwnProperty;

function walk(v: unknown, key: string | undefined, memo: Memo): unknown {
  if (typeof v === 'string') {
    // a bare `code` key is our own vocabulary here (error and exit codes: `E_DETECTOR`); an OAuth code in a URL or form is caught by redactText
    if (key !== undefined && v !== '' && memo.secretKey(key)) {
      if (/authorization/i.test(key)) {
        const scheme = AUTH_SCHEME.exec(v);
        if (scheme) return scheme[0] + REDACTED;
      }
      return REDACTED;
    }
    return memo.text(v, key);
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const r = walk(x, undefined, memo);
      if (r !== x && !out) out = v.slice(0, i);
      if (out) out.push(r);
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    // hasOwnProperty.call, not Object.hasOwn (the same answer): V8 knows the former on a for-in's own key and
    // answers it from the loop's enum cache; the latter it asks in full (a tenth of a clean result's redaction)
    if (!hasOwnProperty.call(o, k)) continue;
    const x = o[k];
    const r = walk(x, k, memo);
    if (r !== x && !out) {
      // the keys before this one, unchanged, in their order
      out = {};
      for (const k0 in o) {
        if (k0 === k) break;
        if (hasOwnProperty.call(o, k0)) out[k0] = o[k0];
      }
    }
    if (out) out[k] = r;
  }
  return out ?? v;
}

/**
 * The result with every secret redacted, everywhere: finding titles, evidence
 * text, details (deep), subjects, explanations, lanes (labels, span and marker
 * labels, details), inputs (warnings, notes, errors) and clock notes. Paths
 * go through the same text redaction everywhere they appear (inputs, evidence,
 * lane ids, the keys of `clocks`), so references between them still match.
 */
export function redactResult(result: RunResult): RunResult {
  // Many findings repeat the same texts (explanations, curl's wording, paths) and names: each is
  // worked out once. The memo lives in this call only.
  const memo = new Memo();
  const clocks: RunResult['clocks'] = {};
  for (const [path, placement] of Object.entries(result.clocks)) clocks[memo.text(path)] = walk(placement, undefined, memo) as ClockPlacement;
  return {
    ...result,
    inputs: walk(result.inputs, undefined, memo) as RunResult['inputs'],
    findings: walk(result.findings, undefined, memo) as RunResult['findings'],
    detector_failures: walk(result.detector_failures, undefined, memo) as RunResult['detector_failures'],
    clocks,
    lanes: walk(result.lanes, undefined, memo) as RunResult['lanes'],
    assumptions: { ...result.assumptions },
    redacted: true,
  };
}
