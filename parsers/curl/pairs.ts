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

/** [\w.]: what a pair's name is made of */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46;
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

/**
 * valueEnd's scans: the run of characters a value goes on over from lastIndex, read back from
 * lastIndex after the test (sticky, and able to match nothing: it always matches where it stands).
 * A character loop in JavaScript pays a string read per character; a class run is one native loop,
 * which irregexp runs without a backtrack entry per character (no limit on a value's length).
 * Shared: valueEnd sets lastIndex before each use and reads it at once.
 */
const QUOTED_RUN = /[^"\\]*/y;
const BARE_RUN = /[^\s,;]*/y;

/** Where the value starting at `v` ends (exclusive), or -1 when no value starts there. */
function valueEnd(s: string, v: number): number {
  const n = s.length;
  if (v >= n) return -1;
  const c0 = s.charCodeAt(v);
  if (c0 === 34 /* " */) {
    for (let i = v + 1; i < n; ) {
      // past the run of characters that are neither `"` nor `\`, by one native scan
      QUOTED_RUN.lastIndex = i;
      QUOTED_RUN.test(s);
      i = QUOTED_RUN.lastIndex;
      if (i >= n) break;
      if (s.charCodeAt(i) === 34) return i + 1;
      // a `\`: it escapes the next character, unless that ends the line (or the text)
      if (i + 1 >= n || isLineEnd(s.charCodeAt(i + 1))) break;
      i += 2;
    }
    // an unclosed quote: the bare form below takes it as it is
  } else if (c0 === 39 /* ' */) {
    const close = s.indexOf("'", v + 1);
    if (close >= 0) return close + 1;
  }
  // up to the first `,`, `;` or \s (isSpace) from v on
  BARE_RUN.lastIndex = v;
  BARE_RUN.test(s);
  const i = BARE_RUN.lastIndex;
  return i > v ? i : -1;
}

/**
 * Calls `each(name, value)` for the first `max` pairs of `s`, in order; the
 * value with its quotes, as the regex's second group has it.
 */
export function forEachLogPair(s: string, max: number, each: (name: string, value: string) => void): void {
  forEachLogPairAt(s, max, (from, eq, end) => each(s.slice(from, eq), s.slice(eq + 1, end)));
}

/**
 * forEachLogPair by places: the name is `s[from, eq)`, the value `s[eq + 1, end)`; the caller
 * slices what it keeps. Found from the `=` signs (indexOf) rather than by a look at every
 * character: a match is a name ending at a `=`, so each `=` from where the search stands is
 * tried in turn, and its name is the leftmost start the regex would take — a letter or `_` at a
 * word boundary, no earlier than the search, with only `[\w.]` from there to the `=`, 1 to 40
 * of them after the start. Two matches never share a run of `[\w.]` (it cannot hold a `=`), so
 * matches come in the order of their `=` signs, as the regex's leftmost search finds them; a `=`
 * whose value is empty (`a= b`) is no match from any start.
 */
export function forEachLogPairAt(s: string, max: number, each: (from: number, eq: number, end: number) => void): void {
  const c = new LogPairCursor().reset(s);
  while (c.step(s, max)) each(c.from, c.eq, c.end);
}

/**
 * Where a search for pairs stands (nextLogPair), and the pair it found last: the name is
 * `s[from, eq)`, the value `s[eq + 1, end)`. One per reader, reset per line: the pairs of a log
 * of failures are read without a callback (its closure and the lists it fills) per line.
 */
export class LogPairCursor {
  /** the pair found last */
  from = 0;
  eq = 0;
  end = 0;
  /** pairs found so far */
  found = 0;
  /** the name of the pair found last is the one `names` gave for it (step's hint) */
  hinted = false;
  /** where the regex's next search starts (its lastIndex): no match starts before it */
  private at = 0;
  /** the next `=` to try (-1: none) */
  private next = -1;

  reset(s: string): this {
    this.found = 0;
    this.at = 0;
    this.next = s.indexOf('=', 1);
    return this;
  }

  /**
   * The next pair of `s` (the string given to reset) into from/eq/end, while fewer than `max`
   * were found: false when there is none. The search of forEachLogPairAt's comment, step by step.
   * `names`: a name each pair may have, by its place among the line's pairs (the names of the line
   * before: a log's lines of one kind name the same pairs in the same order), each a name this
   * search found (a letter or `_`, then 1 to 40 of [\w.]). Where the text before a `=` is that name
   * with no [\w.] before it, the name starts there (the run the name lies in starts there, and so
   * does the leftmost start in it), found without reading the run back and forth; `hinted` tells so.
   */
  step(s: string, max: number, names?: ReadonlyArray<string | undefined>): boolean {
    let eq = this.next;
    while (eq >= 0 && this.found < max) {
      // the name's start: at least 2 before the `=`, at most 41, not before `at`
      const lo = eq - 41 > this.at ? eq - 41 : this.at;
      let p = -1;
      const known = names !== undefined && this.found < names.length ? names[this.found] : undefined;
      let hinted = false;
      if (known !== undefined) {
        const r = eq - known.length;
        if (r >= this.at && (r === 0 || !isNameChar(s.charCodeAt(r - 1))) && s.slice(r, eq) === known) {
          p = r;
          hinted = true;
        }
      }
      if (p < 0 && eq - 2 >= lo) {
        // back over [\w.] to lo: the run the name must lie in
        let r = eq;
        // [\w.] written out: called for every pair of every line, the helper was not always inlined here
        for (; r > lo; r--) {
          const c = s.charCodeAt(r - 1);
          if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46)) break;
        }
        for (let q = r; q <= eq - 2; q++) {
          const c = s.charCodeAt(q);
          if (((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) && (q === 0 || !isWord(s.charCodeAt(q - 1)))) {
            p = q;
            break;
          }
        }
      }
      const end = p >= 0 ? valueEnd(s, eq + 1) : -1;
      if (end < 0) {
        eq = s.indexOf('=', eq + 1);
        continue;
      }
      this.found++;
      this.hinted = hinted;
      this.from = p;
      this.eq = eq;
      this.end = end;
      this.at = end;
      this.next = s.indexOf('=', end);
      return true;
    }
    this.next = -1;
    return false;
  }
}

/**
 * One cursor made at load and never used: opaque (`unknown`), exported only to stay reachable. V8
 * forgets a class's hidden class at a full collection once no instance of it is alive, and with it
 * the compiled code of every function that read one: each read after a full collection (a batch's
 * or a server's next case, each run of a benchmark) began by compiling the pair search again.
 */
export const LOG_PAIR_CURSOR_SHAPE: unknown = new LogPairCursor();
