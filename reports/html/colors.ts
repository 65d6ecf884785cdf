/**
 * Colours of the timeline, in one place: the stylesheet is generated from
 * these, and the SVG also carries them as presentation attributes so it still
 * reads where a viewer drops the <style> (CSS wins where it is kept).
 */
import type { MarkerKind, Severity, SpanKind } from '../../src/model/index.js';

export const SPAN_COLORS: Record<SpanKind | 'merged', { fill: string; stroke: string }> = {
  syscall: { fill: '#94a3b8', stroke: '#64748b' },
  stop: { fill: '#c4b5fd', stroke: '#7c3aed' },
  connection: { fill: '#e2e8f0', stroke: '#cbd5e1' },
  request: { fill: '#5eead4', stroke: '#0d9488' },
  response: { fill: '#86efac', stroke: '#16a34a' },
  wait: { fill: '#fdba74', stroke: '#ea580c' },
  transfer: { fill: '#bae6fd', stroke: '#0284c7' },
  merged: { fill: '#cbd5e1', stroke: '#94a3b8' },
};

export const MARKER_COLORS: Record<MarkerKind, string> = {
  reset: '#c62828',
  error: '#c62828',
  fin: '#475569',
  syn: '#16a34a',
  signal: '#7c3aed',
  exit: '#111827',
  gap: '#d97706',
};

export const SEVERITY_COLORS: Record<Severity, string> = { error: '#c62828', warning: '#d97706', info: '#2563eb' };

export const DENSITY_COLOR = '#7c3aed';

export function colorCss(): string {
  const rules: string[] = [];
  for (const [k, c] of Object.entries(SPAN_COLORS)) rules.push(`.k-${k}{fill:${c.fill};stroke:${c.stroke}}`);
  for (const [k, c] of Object.entries(MARKER_COLORS)) rules.push(`line.k-${k}{stroke:${c}}`);
  for (const [k, c] of Object.entries(SEVERITY_COLORS)) rules.push(`rect.sev-${k}{fill:${c};stroke:${c}}`);
  return rules.join('\n');
}
