import { describe, expect, it } from 'vitest';
import { TimeFormatter } from '../../reports/format.js';
import {
  AGGREGATE_EVENTS,
  DEFAULT_LIMITS,
  layout,
  mergeShortSpans,
  PLOT_W,
  shareBudget,
  shortenWalls,
  timeDomain,
  type DrawSpan,
  type Layout,
  type LaneRow,
} from '../../reports/html/layout.js';
import { expect100, large, mergedIncident, relativeOnly, straceStopContinue, T0, timeOfDay } from './fixtures.js';

function rows(l: Layout): LaneRow[] {
  return l.panels.flatMap((p) => p.blocks.flatMap((b) => b.rows));
}

describe('lanes', () => {
  it('draws one lane per thread, connection and transfer, grouped by input in the inputs\' order', () => {
    const r = mergedIncident();
    const l = layout(r);
    expect(l.panels).toHaveLength(1);
    expect(l.panels[0].blocks.map((b) => b.title)).toEqual(['capture/reset.pcap', 'curl/reset-v.txt', 'incident-1/app.strace']);
    expect(l.panels[0].blocks.map((b) => b.rows.length)).toEqual([2, 1, 1]);
    expect(l.panels[0].blocks[0].subtitle).toBe('pcap · 2 connections');
    expect(l.panels[0].blocks[1].subtitle).toBe('curl-verbose · 1 transfer');
    const ys = rows(l).map((r) => r.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(ys).size).toBe(ys.length);
  });

  it('orders lanes of one input by group, then by first time', () => {
    const r = straceStopContinue();
    r.lanes.reverse();
    expect(rows(layout(r)).map((x) => x.label)).toEqual(['pid 4211 (main)', 'tid 4213', 'tid 4212']);
  });

  it('maps every finding lane to its row', () => {
    const r = mergedIncident();
    const l = layout(r);
    for (const id of r.findings.flatMap((f) => f.lanes ?? [])) expect(l.rowOfLane.get(id)).toBeTypeOf('number');
    const row = rows(l).find((x) => x.lane?.id === r.findings[0].lanes![0])!;
    expect(row.findings).toEqual([0, 1]);
  });
});

describe('time scale', () => {
  it('puts the first event at the left margin and every event inside the plot', () => {
    const r = straceStopContinue();
    const { t0, t1 } = timeDomain(r);
    expect(t0).toBeLessThan(T0);
    expect(t1).toBeGreaterThan(T0 + 6);
    const l = layout(r);
    for (const row of rows(l)) {
      for (const s of row.spans) {
        expect(s.x).toBeGreaterThanOrEqual(0);
        expect(s.x + s.w).toBeLessThanOrEqual(PLOT_W);
      }
    }
    const stop = rows(l).flatMap((x) => x.spans).find((s) => s.kind === 'stop')!;
    expect(stop.x).toBeCloseTo(((T0 + 1.2 - l.t0) / l.span) * PLOT_W, 6);
    expect(stop.w).toBeCloseTo((4 / l.span) * PLOT_W, 6);
  });

  it.each([
    ['wall clock in the run\'s zone', straceStopContinue, /^(02:13)?:\d\d(\.\d{1,2})?$/, 'absolute'],
    ['no wall clock for relative inputs', relativeOnly, /^$/, 'relative'],
  ])('labels ticks with relative seconds and %s', (_n, make, wall, kind) => {
    const r = make();
    const l = layout(r);
    expect(l.clock).toBe(kind);
    expect(l.ticks.length).toBeGreaterThanOrEqual(5);
    expect(l.ticks[0].rel).toBe('0 s');
    for (const t of l.ticks) {
      expect(t.rel).toMatch(/^\d+(\.\d+)? s$/);
      expect(t.wall).toMatch(wall);
    }
    const xs = l.ticks.map((t) => t.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const walls = l.ticks.map((t) => t.wall).filter(Boolean);
    expect(new Set(walls).size).toBe(walls.length);
    if (walls.length) expect(walls[0]).toMatch(/^\d\d:\d\d:\d\d/);
    // the axis starts on a round time, so the first tick is 0 s
  });

  it('shows time-of-day inputs as HH:MM:SS', () => {
    const r = timeOfDay();
    const fmt = new TimeFormatter(r);
    expect(fmt.kind).toBe('time-of-day');
    const ticks = layout(r, fmt).ticks;
    expect(ticks[0].wall).toMatch(/^(00:59:59|01:00:00)(\.\d{1,2})?$/);
    for (const t of ticks.slice(1)) expect(t.wall).toMatch(/^(01:00)?:\d\d(\.\d{1,2})?$/);
  });

  it('draws an unplaced input from the run\'s start and says so', () => {
    const r = mergedIncident();
    const st = 'incident-1/app.strace';
    const lane = r.lanes.find((x) => x.input === st)!;
    for (const s of lane.spans) { s.start -= T0; s.end -= T0; }
    for (const m of lane.markers) m.t -= T0;
    lane.first = (lane.first ?? T0) - T0;
    lane.last = (lane.last ?? T0) - T0;
    if (lane.density) lane.density.start -= T0;
    r.clocks[st] = { offset: 0, absolute: false };
    const l = layout(r);
    expect(l.span).toBeLessThan(10);
    expect(l.notes.join(' ')).toContain(`${st} has no wall-clock time`);
  });

  it('stacks overlapping findings on separate rows of the overview strip', () => {
    const l = layout(mergedIncident());
    expect(l.findingMarks).toHaveLength(2);
    expect(new Set(l.findingMarks.map((m) => m.row)).size).toBe(2);
    expect(l.panels[0].findingRows).toBe(2);
  });
});

function spanAt(start: number, end: number, secondsPerPx: number): DrawSpan {
  return { x: start / secondsPerPx, w: (end - start) / secondsPerPx, kind: 'syscall', label: 'read', start, end, count: 1 };
}

describe('shortenWalls', () => {
  it.each([
    [['02:55:23.307', '02:55:23.317', '02:56:00'], ['02:55:23.307', ':23.317', '02:56:00']],
    [['23:59:59', '00:00:00'], ['23:59:59', '00:00:00']],
    [['', ''], ['', '']],
  ])('%j → %j', (input, want) => {
    expect(shortenWalls(input)).toEqual(want);
  });
});

describe('aggregation', () => {
  const spp = 0.001; // 1 ms per px
  it.each([
    ['two short neighbours merge', [[0, 0.0005], [0.001, 0.0015]], [['merged', 2]]],
    ['short spans far apart stay apart', [[0, 0.0005], [0.01, 0.0105]], [['syscall', 1], ['syscall', 1]]],
    ['a wide span is never merged', [[0, 0.0005], [0.001, 0.01], [0.0101, 0.0102]], [['syscall', 1], ['syscall', 1], ['syscall', 1]]],
    ['a run of short calls becomes one bar', [[0, 0.0001], [0.0005, 0.0006], [0.001, 0.0011], [0.0015, 0.0016]], [['merged', 4]]],
  ])('%s', (_n, input, want) => {
    const out = mergeShortSpans(input.map(([a, b]) => spanAt(a, b, spp)), 2, spp);
    expect(out.map((s) => [s.kind, s.count])).toEqual(want);
  });

  it('draws a busy lane aggregated: merged bars, a density strip, and a note', () => {
    const r = large(40_000, 4);
    expect(r.lanes[0].events).toBeGreaterThan(AGGREGATE_EVENTS);
    const l = layout(r);
    for (const row of rows(l)) {
      expect(row.aggregated).toMatch(/events; .*merged into/);
      expect(row.density.length).toBeGreaterThan(0);
      expect(row.spans.some((s) => s.kind === 'merged')).toBe(true);
      expect(row.spans.length).toBeLessThan(row.lane!.spans.length);
      for (const c of row.density) expect(c.level).toBeGreaterThan(0);
    }
    expect(l.laneNotes).toHaveLength(4);
  });

  it('draws a quiet lane span by span, without a density strip', () => {
    const l = layout(expect100());
    const row = rows(l)[0];
    expect(row.aggregated).toBeUndefined();
    expect(row.density).toEqual([]);
    expect(row.spans).toHaveLength(row.lane!.spans.length);
  });

  it('keeps the page within its span and marker budget however many lanes there are', () => {
    const l = layout(large(100_000, 50), undefined, { ...DEFAULT_LIMITS, maxSpans: 5000, maxMarkers: 100 });
    expect(l.drawn.spans).toBeLessThanOrEqual(5000);
    expect(l.drawn.markers).toBeLessThanOrEqual(100);
  });

  it.each([
    [[5, 100, 100], 105, [5, 50, 50]],
    [[1, 2, 3], 100, [1, 2, 3]],
    [[10, 10, 10, 10], 20, [5, 5, 5, 5]],
    [[], 10, []],
  ])('shareBudget(%j, %i) = %j', (wants, budget, want) => {
    expect(shareBudget(wants, budget)).toEqual(want);
  });
});

describe('folding', () => {
  const limits = { ...DEFAULT_LIMITS, maxOpenLanes: 50, maxLanesPerFold: 20 };
  const r = large(20_000, 400, { kind: 'connection' });
  const l = layout(r, undefined, limits);

  it('shows the lanes that carry findings first', () => {
    const main = l.panels[0];
    expect(main.folded).toBe(false);
    const withFindings = new Set(r.findings.flatMap((f) => f.lanes ?? []));
    expect(main.blocks.flatMap((b) => b.rows.map((x) => x.lane!.id)).sort()).toEqual([...withFindings].sort());
  });

  it('folds the other lanes by group, the busiest drawn and the rest summed', () => {
    const folds = l.panels.slice(1);
    expect(folds.length).toBe(7); // 7 server endpoints
    for (const f of folds) {
      expect(f.folded).toBe(true);
      expect(f.title).toMatch(/^big\/many\.pcap · 10\.1\.0\.\d:443$/);
      const fr = f.blocks[0].rows;
      expect(fr.filter((x) => x.lane).length).toBeLessThanOrEqual(20);
      const sum = fr.find((x) => x.lane === null);
      expect(sum?.label).toMatch(/^\+ \d+ more lanes \(summed\)$/);
      expect(sum!.density.length).toBeGreaterThan(0);
      expect(f.summary).toMatch(/lanes, [\d,]+ events \(20 drawn, \d+ summed/);
    }
    expect(l.notes.join(' ')).toMatch(/400 lanes: the 12 lanes that carry findings are shown first; the other 388 are folded/);
  });

  it('still maps every lane to a row', () => {
    for (const lane of r.lanes) expect(l.rowOfLane.has(lane.id)).toBe(true);
  });

  it('does not fold below the limit', () => {
    expect(layout(large(2000, 200, { kind: 'connection' })).panels).toHaveLength(1);
  });
});
