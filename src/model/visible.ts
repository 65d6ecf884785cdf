/**
 * Text from a trace or a file name, made safe to print: control characters
 * (C0 but tab, DEL, C1) and the Unicode controls that reorder or break lines
 * (bidi overrides and isolates, line/paragraph separators) are written as
 * visible escapes (`\x1b`, `\x07`, `\u202e`), so a crafted log line cannot
 * retitle or clear a terminal, plant an OSC-8 link, or make a report read
 * differently from what it holds. One helper for every text output: the text
 * and Markdown reports, CSV cells and messages on stderr.
 *
 * Newlines are escaped too unless `keepNewlines` (a multi-line block the
 * caller lays out itself).
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_AND_NEWLINES = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function escape(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function visible(s: string, opts: { keepNewlines?: boolean } = {}): string {
  const re = opts.keepNewlines ? CONTROLS : CONTROLS_AND_NEWLINES;
  re.lastIndex = 0;
  return re.test(s) ? s.replace(re, escape) : s;
}

/** True when `s` holds a character `visible` would escape (newlines aside). */
export function hasControls(s: string): boolean {
  CONTROLS.lastIndex = 0;
  return CONTROLS.test(s);
}
