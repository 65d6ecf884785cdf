/**
 * Escaping for text that comes from a trace (attacker-controlled: URLs,
 * headers, strace strings, file names). One function for text and
 * attributes: with `"` and `'` escaped too, the result is safe in element
 * content and in quoted attribute values alike.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: string | number | boolean | null | undefined): string {
  if (s === null || s === undefined) return '';
  // drop C0 controls other than tab/newline/CR, which XML (inline SVG titles read as XML by some viewers) forbids
  return String(s)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON for a `<script type="application/json">` data block: `<`, `>` and `&`
 * become \u escapes so no `</script>` or `<!--` can end or change the block.
 */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v)
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
