/**
 * HTML report rendering: three ways to write the same timeline SVG, measured
 * on the same scenes (layout and element tree from reports/html):
 * - strings: d3-scale positions and ticks, SVG written as strings (what the report uses);
 * - linkedom: d3-selection data joins (enter().append()) on a linkedom document, then outerHTML;
 * - d3-node: d3 on jsdom through d3-node, then outerHTML.
 * Each measurement runs in a fresh Node process, so import time and the cold
 * first render are what a CLI run pays. Shapes: threads (a busy strace, 8
 * threads), many threads (50 lanes of 2,000 spans), many connections (5,000 lanes).
 *
 * Run alone: `npm run build && node dist/bench/report.js`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/model/index.js';
import { large } from '../test/reports/fixtures.js';
import type { BenchResult } from './run.js';
import { peakRssKb } from './peak-rss.js';


type Approach = 'strings' | 'linkedom' | 'd3-node';
const APPROACHES: Approach[] = ['strings', 'linkedom', 'd3-node'];

const CASES: Record<string, () => RunResult> = {
  'threads-10k': () => large(10_000, 8),
  'threads-100k': () => large(100_000, 8),
  'many-threads-100k': () => large(100_000, 50),
  'connections-100k': () => large(100_000, 5000, { kind: 'connection' }),
};

interface ChildOut {
  importS: number;
  renderS: number;
  /** CPU seconds (user + system) of the first render: steadier than wall time on a busy machine */
  renderCpuS: number;
  warmS: number;
  svgBytes: number;
  pageBytes: number;
  elements: number;
  events: number;
  peakRssMb: number;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

interface SceneEl {
  tag: string;
  attrs?: Record<string, string | number | undefined>;
  text?: string;
  children?: SceneEl[];
}

function countElements(e: SceneEl): number {
  let n = 1;
  for (const c of e.children ?? []) n += countElements(c);
  return n;
}

/**
 * Writes a scene with d3-selection the way d3 code does: one data join per
 * child list (selectAll(null).data(children).enter().append(...)).
 */
function d3Write(select: any, doc: any, parent: any, root: SceneEl): any {
  const svg = doc.createElementNS(SVG_NS, root.tag);
  for (const [k, v] of Object.entries(root.attrs ?? {})) if (v !== undefined) svg.setAttribute(k, String(v));
  parent.appendChild(svg);
  const grow = (sel: any, children: SceneEl[]) => {
    sel
      .selectAll(null)
      .data(children)
      .enter()
      .append((d: SceneEl) => doc.createElementNS(SVG_NS, d.tag))
      .each(function (this: any, d: SceneEl) {
        for (const k in d.attrs) {
          const v = d.attrs[k];
          if (v !== undefined) this.setAttribute(k, typeof v === 'number' ? String(Math.round(v * 100) / 100) : v);
        }
        if (d.text !== undefined) this.textContent = d.text;
        if (d.children?.length) grow(select(this), d.children);
      });
  };
  if (root.text !== undefined) svg.textContent = root.text;
  grow(select(svg), root.children ?? []);
  return svg;
}

async function child(approach: Approach, caseName: string): Promise<ChildOut> {
  const result = CASES[caseName]();
  const events = result.inputs.reduce((n, i) => n + i.events, 0);
  const dynamicImport = (m: string) => import(m);
  const t0 = performance.now();
  const html = await import('../reports/html/index.js');
  const scene = await import('../reports/html/scene.js');
  let write: (root: SceneEl) => string = (root) => scene.serialize(root);
  if (approach === 'linkedom') {
    const { parseHTML } = await dynamicImport('linkedom');
    const { select } = await dynamicImport('d3-selection');
    write = (root) => {
      const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
      return d3Write(select, document, document.body, root).outerHTML;
    };
  } else if (approach === 'd3-node') {
    const { D3Node } = await dynamicImport('d3-node');
    write = (root) => {
      const d3n = new D3Node();
      return d3Write(d3n.d3.select, d3n.document, d3n.document.body, root).outerHTML;
    };
  }
  const importS = (performance.now() - t0) / 1000;
  const once = () => {
    const { panels } = html.buildTimeline(result);
    let bytes = 0;
    let elements = 0;
    for (const p of panels) {
      bytes += Buffer.byteLength(write(p.svg));
      elements += countElements(p.svg);
    }
    return { bytes, elements };
  };
  let t = performance.now();
  const c0 = process.cpuUsage();
  const first = once();
  const renderS = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(c0);
  const renderCpuS = (cpu.user + cpu.system) / 1e6;
  t = performance.now();
  once();
  const warmS = (performance.now() - t) / 1000;
  const pageBytes = approach === 'strings' ? Buffer.byteLength(html.renderHtml(result, {})) : 0;
  return { importS, renderS, renderCpuS, warmS, svgBytes: first.bytes, pageBytes, elements: first.elements, events, peakRssMb: peakRssKb() / 1024 };
}

/** The whole page with the string writer, cold, as `analyze --format html` pays it. */
async function childPage(caseName: string): Promise<ChildOut> {
  const result = CASES[caseName]();
  const events = result.inputs.reduce((n, i) => n + i.events, 0);
  const t0 = performance.now();
  const { loadRenderer } = await import('../reports/index.js');
  const render = await loadRenderer('html');
  const importS = (performance.now() - t0) / 1000;
  let t = performance.now();
  const c0 = process.cpuUsage();
  const page = await render(result, {});
  const renderS = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(c0);
  const renderCpuS = (cpu.user + cpu.system) / 1e6;
  t = performance.now();
  await render(result, {});
  const warmS = (performance.now() - t) / 1000;
  const out = path.join(repoRoot(), 'bench/data');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `report-${caseName}.html`), page);
  return { importS, renderS, renderCpuS, warmS, svgBytes: 0, pageBytes: Buffer.byteLength(page), elements: 0, events, peakRssMb: peakRssKb() / 1024 };
}

function repoRoot(): string {
  // dist/bench/report.js → repo root
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
}

function spawnChild(args: string[]): ChildOut {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildOut;
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const caseName of Object.keys(CASES)) {
    for (const approach of APPROACHES) {
      const o = spawnChild([approach, caseName]);
      results.push({
        name: `report-html-svg/${approach}/${caseName}`,
        bytes: o.svgBytes,
        seconds: r3(o.renderS),
        mbPerSec: r3(o.svgBytes / 1e6 / o.renderS),
        events: o.events,
        eventsPerSec: Math.round(o.events / o.renderS),
        peakRssMb: Math.round(o.peakRssMb),
        note: `import ${r3(o.importS)} s; first render ${r3(o.renderS)} s (CPU ${r3(o.renderCpuS)} s), second ${r3(o.warmS)} s; ${o.elements.toLocaleString('en')} SVG elements` + (o.pageBytes ? `; whole page ${(o.pageBytes / 1e6).toFixed(2)} MB` : ''),
      });
    }
    const p = spawnChild(['page', caseName]);
    results.push({
      name: `report-html-page/${caseName}`,
      bytes: p.pageBytes,
      seconds: r3(p.importS + p.renderS),
      mbPerSec: r3(p.pageBytes / 1e6 / (p.importS + p.renderS)),
      events: p.events,
      eventsPerSec: Math.round(p.events / (p.importS + p.renderS)),
      peakRssMb: Math.round(p.peakRssMb),
      note: `cold: lazy import ${r3(p.importS)} s + render ${r3(p.renderS)} s (CPU ${r3(p.renderCpuS)} s; second render ${r3(p.warmS)} s); written to bench/data/report-${caseName}.html`,
    });
  }
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const out = args[1] === 'page' ? await childPage(args[2]) : await child(args[1] as Approach, args[2]);
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const results = await run();
  console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const r of results) {
    console.log(`${r.name.padEnd(46)} ${r.seconds.toFixed(3).padStart(7)} s ${(r.bytes / 1e6).toFixed(2).padStart(6)} MB ${String(r.peakRssMb).padStart(5)} MB rss  ${r.note ?? ''}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
