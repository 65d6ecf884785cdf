/**
 * The `name=value` pairs an application logs beside a curl error
 * (`url=… http_code=0 size_download=0 total_time=0.102`), found as the
 * global regular expression
 *
 *   /\b([A-Za-z_][\w.]{1,40})=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;]+)/g
 *
 * finds them with `exec` in a loop (same pairs, same order, same strings),
 * by a scan of char codes: a log of failures has one such line per failure,
 * and the regex's match arrays were a tenth of all a run allocated.
 * test/parsers/curl-pairs.test.ts holds the two to each other.
 */

/** [A-Za-z0-9_]: `\w` and `\b` without the u flag */
function isWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** `\s` of JavaScript regular expressions */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** the line terminators `.` does not match */
function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** Where the value starting at `v` ends (exclusive), or -1 when no value starts there. */
function valueEnd(s: string, v: number): number {
  const n = s.length;
  if (v >= n) return -1;
  const c0 = s.charCodeAt(v);
  if (c0 === 34 /* " */) {
    for (let i = v + 1; i < n; ) {
      const c = s.charCodeAt(i);
      if (c === 34) return i + 1;
      if (c === 92 /* \ */) {
        if (i + 1 >= n || isLineEnd(s.charCodeAt(i + 1))) break;
        i += 2;
      } else i++;
    }
    // an unclosed quote: the bare form below takes it as it is
  } else if (c0 === 39 /* ' */) {
    const close = s.indexOf("'", v + 1);
    if (close >= 0) return close + 1;
  }
  let i = v;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 44 /* , */ || c === 59 /* ; */ || isSpace(c)) break;
    i++;
  }
  return i > v ? i : -1;
}

/**
 * Calls `each(name, value)` for the first `max` pairs of `s`, in order; the
 * value with its quotes, as the regex's second group has it.
 */
export function forEachLogPair(s: string, max: number, each: (name: string, value: string) => void): void {
  const n = s.length;
  let found = 0;
  let p = 0;
  while (p < n && found < max) {
    const c = s.charCodeAt(p);
    // a name starts with [A-Za-z_] at a word boundary
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) || (p > 0 && isWord(s.charCodeAt(p - 1)))) {
      p++;
      continue;
    }
    let q = p + 1;
    while (q < n) {
      const d = s.charCodeAt(q);
      if (isWord(d) || d === 46 /* . */) q++;
      else break;
    }
    const len = q - p - 1;
    const end = q < n && s.charCodeAt(q) === 61 /* = */ && len >= 1 && len <= 40 ? valueEnd(s, q + 1) : -1;
    if (end < 0) {
      p++;
      continue;
    }
    found++;
    each(s.slice(p, q), s.slice(q + 1, end));
    p = end;
  }
}
