import { esc } from './escape.js';

/**
 * A minimal element tree for the SVG: the layout produces it, `serialize`
 * writes it as a string. Kept as data (not strings straight away) so the
 * benchmark can hand the very same scene to DOM-based writers (d3-selection
 * on linkedom, d3-node) and compare like with like.
 */
export interface El {
  tag: string;
  attrs?: Record<string, string | number | undefined>;
  /** text content (escaped when written) */
  text?: string;
  children?: El[];
}

export function el(tag: string, attrs?: El['attrs'], children?: El[] | string): El {
  return typeof children === 'string' ? { tag, attrs, text: children } : { tag, attrs, children };
}

/** Numbers in the SVG: two decimals are sub-pixel enough and keep the file small. */
export function px(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * Positions on the time axis: the page zooms up to MAX_ZOOM times, so they
 * keep five decimals (1e-5 px at full view is at most 1 px at the deepest zoom).
 */
export const MAX_ZOOM = 100_000;
export function tx(n: number): string {
  const r = Math.round(n * 1e5) / 1e5;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * A width on the time axis. Never 0: SVG does not draw a zero-width rect at
 * all (not even its stroke), and a zero-length span is still an event.
 */
export function tw(n: number): string {
  return n < 1e-5 ? '0.00001' : tx(n);
}

export function serialize(root: El): string {
  const out: string[] = [];
  write(root, out);
  return out.join('');
}

function write(e: El, out: string[]): void {
  let open = '<' + e.tag;
  if (e.attrs) {
    for (const k in e.attrs) {
      const v = e.attrs[k];
      if (v === undefined) continue;
      open += ' ' + k + '="' + (typeof v === 'number' ? px(v) : esc(v)) + '"';
    }
  }
  if (!e.children?.length && e.text === undefined) {
    out.push(open + '/>');
    return;
  }
  out.push(open + '>');
  if (e.text !== undefined) out.push(esc(e.text));
  if (e.children) for (const c of e.children) write(c, out);
  out.push('</' + e.tag + '>');
}
