/**
 * The timeline as SVG elements, one <svg> per panel. Everything placed in
 * time sits in `g.zoom`, which the page script scales horizontally (one
 * transform, however many elements); strokes do not scale (CSS
 * vector-effect), so a 0-px span stays a 1-px line at any zoom.
 * Hover texts of the many timed elements (spans, markers, density cells,
 * finding bars) are `data-tip` attributes, which the page's hover card
 * shows: a <title> child per element doubled the page's element count (a
 * 200 MB capture's page held 31,000 elements, 9,000 of them titles). Lane
 * labels and block headers, few, keep their <title> for readers without script.
 */
import type { RunResult } from '../../src/model/index.js';
import { groupBy } from '../../src/model/collections.js';
import { truncate, truncateStart } from './escape.js';
import { evidenceLocation, formatDuration, type TimeFormatter } from '../format.js';
import { AXIS_H, FINDING_ROW_H, HEADER_H, LABEL_W, LANE_H, PLOT_W, WIDTH, type DrawMarker, type DrawSpan, type FindingMark, type Layout, type LaneRow, type Panel } from './layout.js';
import { el, tw, tx, type El } from './scene.js';
import { DENSITY_COLOR, MARKER_COLORS, SEVERITY_COLORS, SPAN_COLORS } from './colors.js';

const SPAN_PAD = 3; /* px above and below a span inside its lane */
const DENSITY_H = 4; /* px, activity strip at the lane's foot */
const LABEL_CHARS = 34;
const TICK_TEXT_MARGIN = 24; /* px */
/** px per character of a finding label (10 px sans-serif), to tell whether it fits */
export const LABEL_CHAR_W = 5.6;
const FINDING_LABEL_CHARS = 40;

/** A finding bar's label: what happened, short (`curl-error-56: Receive failed: the server reset…`). */
export function findingLabel(f: { id: string; title: string }): string {
  return truncate(f.title, FINDING_LABEL_CHARS);
}

function px2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The layout's finding marks by the finding's index (a panel's lanes draw the bars of their findings). */
export function markIndex(layout: Layout): Map<number, FindingMark> {
  return new Map(layout.findingMarks.map((m) => [m.index, m]));
}

export function panelSvg(layout: Layout, panel: Panel, result: RunResult, fmt: TimeFormatter, marks = markIndex(layout)): El {
  const h = panel.height;
  const clipId = `clip-${panel.id}`;
  const labels: El[] = [];
  const laneLabels: El[] = [];
  const rows: El[] = [];
  const zoom: El[] = [];

  if (panel.findingRows > 0) {
    const top = AXIS_H;
    labels.push(el('text', { class: 'bh', x: 8, y: top + 15 }, 'Findings'));
    rows.push(el('rect', { class: 'fo-bg', fill: 'none', x: 0, y: top, width: PLOT_W, height: HEADER_H + panel.findingRows * FINDING_ROW_H }));
    for (const m of layout.findingMarks) {
      const f = result.findings[m.index];
      zoom.push(
        el('rect', { class: `fo sev-${m.severity}${m.w < 2 ? ' pt' : ''}`, fill: SEVERITY_COLORS[m.severity], x: tx(m.x), y: top + 5 + m.row * FINDING_ROW_H + (HEADER_H - 10) / 2, width: tw(m.w), height: FINDING_ROW_H - 3, 'data-f': m.index, 'data-tip': `${f.id} · ${f.severity} · ${f.detector}\n${f.title}\n${fmt.format(f.start)}${f.end !== null && f.end !== f.start ? ` → ${fmt.format(f.end)} (${formatDuration(f.end - (f.start ?? f.end))})` : ''}` }),
      );
    }
  }

  const flabels: El[] = [];
  if (panel.findingRows > 0) {
    // labels beside the finding bars, where there is room; the page script places them again on every zoom
    const rowEnd: number[] = [];
    // the bar after each one in its row: a label right of its bar must end before it
    const nextInRow = new Map<number, number>();
    for (const ms of groupBy(layout.findingMarks, (m) => m.row).values()) {
      ms.sort((a, b) => a.x - b.x);
      ms.forEach((m, i) => nextInRow.set(m.index, ms[i + 1]?.x ?? PLOT_W));
    }
    for (const m of layout.findingMarks) {
      const text = findingLabel(result.findings[m.index]);
      const w = text.length * LABEL_CHAR_W;
      const x1 = m.x + Math.max(m.w, 2);
      const end = rowEnd[m.row] ?? -Infinity;
      // right of the bar, or else left of it
      let x = x1 + 3;
      let fits = x >= end && x + w <= Math.min(PLOT_W, nextInRow.get(m.index)! - 2);
      if (!fits) {
        x = m.x - 3 - w;
        fits = x >= Math.max(end, 0);
      }
      if (fits) rowEnd[m.row] = Math.max(x + w, x1) + 6;
      flabels.push(el('text', { class: 'fl', x: px2(x), y: AXIS_H + 5 + m.row * FINDING_ROW_H + (HEADER_H - 10) / 2 + FINDING_ROW_H - 5, 'data-f': m.index, 'data-r': m.row, visibility: fits ? undefined : 'hidden' }, text));
    }
  }

  panel.blocks.forEach((b) => {
    labels.push(el('text', { class: 'bh', x: 8, y: b.y + 15 }, [el('tspan', {}, truncateStart(b.title, 44)), el('tspan', { class: 'sub', dx: 8 }, truncate(b.subtitle, 30)), el('title', {}, `${b.title}\n${b.subtitle}`)]));
    rows.push(el('rect', { class: 'bh-bg', fill: '#f1f5f9', x: -LABEL_W, y: b.y + 2, width: WIDTH, height: HEADER_H - 4 }));
    for (const r of b.rows) laneElements(r, marks, laneLabels, rows, zoom, result, fmt);
  });

  return el('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'tl', id: `tl-${panel.id}`, width: WIDTH, height: h, viewBox: `0 0 ${WIDTH} ${h}`, role: 'img', 'aria-label': `timeline: ${panel.title}` }, [
    el('defs', {}, [
      el('clipPath', { id: clipId }, [el('rect', { x: 0, y: 0, width: PLOT_W, height: h })]),
      el('clipPath', { id: `${clipId}-labels` }, [el('rect', { x: 0, y: 0, width: LABEL_W - 6, height: h })]),
    ]),
    el('g', { class: 'plot', transform: `translate(${LABEL_W},0)` }, [
      el('g', { class: 'rows' }, rows),
      axis(layout, h),
      el('g', { 'clip-path': `url(#${clipId})` }, [el('g', { class: 'zoom' }, zoom), el('g', { class: 'flabels' }, flabels)]),
    ]),
    el('g', { class: 'labels' }, labels),
    el('g', { class: 'labels', 'clip-path': `url(#${clipId}-labels)` }, laneLabels),
  ]);
}

function axis(layout: Layout, h: number): El {
  const ticks: El[] = [];
  for (const t of layout.ticks) {
    ticks.push(el('line', { class: 'grid', stroke: '#eef0f3', x1: t.x, x2: t.x, y1: AXIS_H - 4, y2: h }));
    if (t.x > PLOT_W - TICK_TEXT_MARGIN) continue; // its label would run off the right edge
    ticks.push(el('text', { class: 'tick', 'text-anchor': 'middle', x: t.x, y: 16 }, t.rel));
    if (t.wall) ticks.push(el('text', { class: 'tick wall', 'text-anchor': 'middle', x: t.x, y: 32 }, t.wall));
  }
  return el('g', { class: 'axis', 'data-h': h }, [el('rect', { class: 'axis-bg', fill: '#fff', x: -LABEL_W, y: 0, width: WIDTH, height: AXIS_H - 4 }), ...ticks]);
}

function laneElements(r: LaneRow, marks: Map<number, FindingMark>, labels: El[], rows: El[], zoom: El[], result: RunResult, fmt: TimeFormatter): void {
  const y = r.y;
  labels.push(
    el('text', { class: r.lane ? 'll' : 'll sum', x: 18, y: y + 14, 'data-row': r.key }, [
      el('tspan', {}, truncate(r.label, LABEL_CHARS)),
      ...(r.aggregated ? [el('tspan', { class: 'agg', dx: 4 }, '≋')] : []),
      el('title', {}, r.title),
    ]),
  );
  rows.push(el('rect', { class: `row${r.findings.length ? ' has-f' : ''}`, fill: 'none', id: `row-${r.key}`, 'data-row': r.key, x: -LABEL_W, y, width: WIDTH, height: LANE_H }));
  for (const fi of r.findings) {
    const f = result.findings[fi];
    const mark = marks.get(fi);
    if (!mark) continue; // no time: listed in the table only
    zoom.push(el('rect', { class: `fb sev-${f.severity}${mark.w < 2 ? ' pt' : ''}`, fill: SEVERITY_COLORS[f.severity], 'fill-opacity': 0.16, x: tx(mark.x), y: y + 1, width: tw(mark.w), height: LANE_H - 2, 'data-f': fi, 'data-tip': `${f.id} · ${f.severity} · ${f.title}` }));
  }
  for (const c of r.density) {
    zoom.push(el('rect', { class: 'd', fill: DENSITY_COLOR, x: tx(c.x), y: y + LANE_H - DENSITY_H - 1, width: tw(c.w), height: DENSITY_H, 'fill-opacity': c.level, 'data-tip': `${c.count} events in ${formatDuration(c.end - c.start)} from ${fmt.format(c.start)}` }));
  }
  for (const s of r.spans) zoom.push(spanEl(s, y, fmt));
  for (const m of r.markers) zoom.push(markerEl(m, y, fmt));
}

function spanEl(s: DrawSpan, y: number, fmt: TimeFormatter): El {
  const h = LANE_H - 2 * SPAN_PAD - (s.kind === 'connection' ? 6 : 0);
  const top = y + SPAN_PAD + (s.kind === 'connection' ? 3 : 0);
  return el('rect', { class: `s k-${s.kind}`, fill: SPAN_COLORS[s.kind].fill, x: tx(s.x), y: top, width: tw(s.w), height: h - DENSITY_H + 2, 'data-tip': spanTitle(s, fmt) });
}

export function spanTitle(s: DrawSpan, fmt: TimeFormatter): string {
  const lines = [s.label, `${s.kind} · ${fmt.format(s.start)} → ${fmt.format(s.end)} (${formatDuration(s.end - s.start)})`];
  const where = evidenceLocation(s);
  if (where) lines.push(where);
  if (s.details) for (const [k, v] of Object.entries(s.details)) lines.push(`${k}: ${v}`);
  return lines.join('\n');
}

function markerEl(m: DrawMarker, y: number, fmt: TimeFormatter): El {
  const where = evidenceLocation(m);
  if (m.w !== undefined) {
    // a whole-second time: the event happened somewhere in this second
    return el('rect', { class: `m iv k-${m.kind}`, fill: MARKER_COLORS[m.kind], stroke: MARKER_COLORS[m.kind], 'fill-opacity': 0.25, x: tx(m.x), y: y + 2, width: tw(m.w), height: LANE_H - 4, 'data-tip': `${m.label}\n${m.kind} · ${fmt.format(m.t)} (to the second: some time within it)${where ? `\n${where}` : ''}` });
  }
  const x = tx(m.x);
  return el('line', { class: `m k-${m.kind}`, stroke: MARKER_COLORS[m.kind], x1: x, x2: x, y1: y + 2, y2: y + LANE_H - 2, 'data-tip': `${m.label}\n${m.kind} · ${fmt.format(m.t)}${where ? `\n${where}` : ''}` });
}
