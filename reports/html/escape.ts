/**
 * Escaping for text that comes from a trace (attacker-controlled: URLs,
 * headers, strace strings, file names). One function for text and
 * attributes: with `"` and `'` escaped too, the result is safe in element
 * content and in quoted attribute values alike.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const SPECIAL = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

export function esc(s: string | number | boolean | null | undefined): string {
  if (s === null || s === undefined) return '';
  const str = String(s);
  // most text has nothing to escape: one test instead of a replace
  if (!NEEDS_ESCAPE.test(str)) return str;
  // C0 controls other than tab/newline/CR become U+FFFD: XML (SVG read as XML by some viewers) forbids them
  return str.replace(SPECIAL, (c) => ENTITIES[c] ?? '\ufffd');
}

/**
 * JSON for a `<script type="application/json">` data block: `<`, `>` and `&`
 * become \u escapes so no `</script>` or `<!--` can end or change the block.
 */
export function jsonForScript(v: unknown): string {
  return escapeJsonForScript(JSON.stringify(v));
}

/** `jsonForScript` of JSON text already made: each escape is of one character, so it holds for the text in pieces. */
export function escapeJsonForScript(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** At most `max` characters, with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(0, max - 1)) + '…';
}

/** At most `max` characters, cut at the start: for paths, whose end names the file. */
export function truncateStart(s: string, max: number): string {
  return s.length <= max ? s : '…' + s.slice(s.length - Math.max(0, max - 1));
}
