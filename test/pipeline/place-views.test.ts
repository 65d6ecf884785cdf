/**
 * Issue 9, item 16: undated curl views (`-w '%{json}'`: no wall-clock time) placed on the
 * capture's clock when their ends match a connection in it (samples/clock/placed, made by
 * samples/clock/make-placed.sh: three transfers of one command on one keep-alive connection,
 * the third reset mid-body, and a fourth to a port tcpdump did not capture).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout } from '../../reports/html/layout.js';
import { fromCurl } from '../../src/detectors/curl-error-56/curl.js';
import type { Detector } from '../../src/detectors/types.js';
import type { AnalysedInput, CaptureModel, CurlModel, Lane, RunResult } from '../../src/model/index.js';
import { buildSpec, readModels, runCase } from '../../src/pipeline/index.js';
import { placeUndatedViews } from '../../src/pipeline/place-views.js';
import { samplesDir } from '../helpers/paths.js';

const dir = path.join(samplesDir, 'clock/placed');
const capture = path.join(dir, 'capture.pcap');
const json = path.join(dir, 'curl.json');

/** The capture's connection and the JSON's transfers, read on their own. */
async function models(): Promise<{ cap: CaptureModel; curl: CurlModel }> {
  const out: Record<string, unknown> = {};
  await readModels(await buildSpec([capture, json], { tz: ['UTC'] }), {}, (input) => ({ tap: () => {}, done: (m) => (out[input] = m) }));
  return { cap: out[capture] as CaptureModel, curl: out[json] as CurlModel };
}

function lane(r: RunResult, n: number): Lane {
  const l = r.lanes.find((x) => x.id === `${json}#transfer:${n}`);
  if (!l) throw new Error(`no lane for transfer ${n}`);
  return l;
}

const transferSpan = (l: Lane) => l.spans.find((s) => s.kind === 'transfer')!;

describe('undated curl views on the capture clock', () => {
  it("places a transfer that opened its connection at the connection's SYN, less curl's time_namelookup", async () => {
    const { cap, curl } = await models();
    const conn = cap.connections[0];
    const first = curl.transfers[0];
    expect(first.t).toBeNull(); // %{json} has no time of its own
    const r = await runCase(await buildSpec([capture, json], { tz: ['UTC'] }));
    const span = transferSpan(lane(r, 1));
    expect(span.start).toBeCloseTo(conn.syn!.t - first.timings!.namelookup!, 6);
    expect(span.end - span.start).toBeCloseTo(first.timings!.total!, 6);
    expect(span.details?.relativeToTransferStart).toBeUndefined();
    expect(lane(r, 1).placed).toContain(`by its connection ${conn.key}: the connection's SYN (packet ${conn.syn!.frame})`);
  });

  it("places a transfer on a reused connection at its own request's first byte, less time_pretransfer", async () => {
    const { cap, curl } = await models();
    const conn = cap.connections[0];
    const r = await runCase(await buildSpec([capture, json], { tz: ['UTC'] }));
    for (const [n, target] of [
      [2, '/b/ok'],
      [3, '/c/reset-mid-body'],
    ] as const) {
      const x = curl.transfers[n - 1];
      expect(x.vars?.num_connects).toBe(0);
      const req = conn.exchanges.find((e) => e.target === target)!.requestStart!;
      expect(transferSpan(lane(r, n)).start).toBeCloseTo(req.t - x.timings!.pretransfer!, 6);
      expect(lane(r, n).placed).toContain(`request GET ${target} (packet ${req.frame})`);
    }
  });

  it('keeps a transfer whose ends match no captured connection where it was: no time, drawn from its own start', async () => {
    const r = await runCase(await buildSpec([capture, json], { tz: ['UTC'] }));
    const l = lane(r, 4);
    expect(l.placed).toBeUndefined();
    expect(transferSpan(l).start).toBe(0);
    expect(transferSpan(l).details?.relativeToTransferStart).toBe(true);
    expect(r.clocks[json].absolute).toBe(false);
    expect(r.clocks[json].note).toBe(`no timestamps; 3 transfers placed on the clock of ${capture} by their connections (same local and remote address and port)`);
  });

  it('leaves the view undated when no capture is among the inputs', async () => {
    const r = await runCase(await buildSpec([json], { tz: ['UTC'] }));
    expect(r.lanes.every((l) => l.placed === undefined && transferSpan(l).start === 0)).toBe(true);
    expect(r.clocks[json].note).toBe('no timestamps');
  });

  it("follows the capture's --clock-offset", async () => {
    const plain = await runCase(await buildSpec([capture, json], { tz: ['UTC'] }));
    const moved = await runCase(await buildSpec([capture, json], { tz: ['UTC'], clockOffsets: [`${capture}=-30`] }));
    expect(transferSpan(lane(moved, 1)).start).toBeCloseTo(transferSpan(lane(plain, 1)).start - 30, 6);
  });

  it("keeps the capture's times on a joined finding, and never joins on a time the capture itself gave", async () => {
    const r = await runCase(await buildSpec([capture, json], { tz: ['UTC'] }));
    const [reset] = r.findings.filter((f) => f.detector === 'curl-error-56');
    const { cap } = await models();
    expect(reset.details.correlation?.inputs).toEqual([capture, json]);
    expect(reset.details.correlation?.joined_on.some((f) => f.startsWith('time'))).toBe(false);
    expect(reset.details.correlation?.time_spread_s).toBeUndefined();
    expect(reset.end).toBe(cap.connections[0].rst!.t);
    const curlView = reset.details.other_views!.find((v) => v.input === json)!;
    expect(curlView.time_placed).toMatchObject({ from: capture, packet: cap.connections[0].exchanges[2].requestStart!.frame });
  });

  it('gives a finding of the placed view alone the capture clock, and says where its time came from', async () => {
    // Only curl's side of curl-error-56: the capture's own view of the reset does not run.
    const curlSide: Detector = { id: 'curl-error-56', claimsCurlExitCodes: [56], description: 'curl side only', detect: fromCurl };
    const r = await runCase(await buildSpec([capture, json], { tz: ['UTC'] }), { registry: [curlSide] });
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    const x = (await models()).curl.transfers[2];
    expect(f.end).toBeCloseTo(transferSpan(lane(r, 3)).start + x.timings!.total!, 6);
    expect(f.start).toBeGreaterThan(1e9); // epoch seconds, not seconds from the run's start
    expect(f.details.time_placed).toMatchObject({ from: capture, connection: (await models()).cap.connections[0].key });
    expect(String((f.details.time_placed as { how: string }).how)).toMatch(/less curl's time_pretransfer/);
  });

  it('draws placed lanes where they were placed on the timeline, and only the unplaced one from the run start', async () => {
    const r = await runCase(await buildSpec([capture, json], { tz: ['UTC'] }));
    const l = layout(r);
    expect(l.notes.join('\n')).toContain(`${json} has no wall-clock time: 3 of its lanes were placed by a captured connection`);
    const rows = l.panels.flatMap((p) => p.blocks.flatMap((b) => b.rows));
    const row = (n: number) => rows.find((x) => x.lane?.id === `${json}#transfer:${n}`)!;
    const conn = rows.find((x) => x.lane?.kind === 'connection')!;
    // The first transfer starts just before the SYN that opened the connection: they line up.
    expect(Math.abs(row(1).spans[0].start - conn.spans[0].start)).toBeLessThan(0.001);
    expect(row(1).title).toContain('placed on the clock of');
  });
});

describe('undated views on one long keep-alive connection', () => {
  // Built by hand: the order rule on many requests for one URL, which a real capture of a
  // few transfers cannot show.
  const ends = { local: { ip: '127.0.0.1', port: 50000 }, remote: { ip: '127.0.0.1', port: 8080 } };
  const frame = (n: number) => ({ frame: n, t: 1_800_000_000 + n, summary: '' });
  function run(n: number, methods: (i: number) => string) {
    const exchanges = Array.from({ length: n }, (_, i) => ({ n: i + 1, requestSeen: true, method: methods(i), target: '/poll', headers: {}, requestStart: frame(10 + i), requestBody: { framing: 'none', seen: 0, missing: 0, complete: true }, interim: [], responseBytes: 0, end: 'complete' }));
    const conn = { index: 0, key: '127.0.0.1:50000->127.0.0.1:8080', orig: { ip: '127.0.0.1', port: 50000 }, resp: { ip: '127.0.0.1', port: 8080 }, syn: frame(1), exchanges };
    const transfers = Array.from({ length: n }, (_, i) => ({ line: i + 1, n: i + 1, t: null, url: 'http://127.0.0.1:8080/poll', method: 'GET', ...ends, timings: { namelookup: 0.5, pretransfer: 0.25, total: 0.5 }, vars: { num_connects: i === 0 ? 1 : 0 }, evidence: {} }));
    const inputs = [
      { info: { path: 'c.pcap', clock: 'epoch' }, placement: { offset: 0, absolute: true }, model: { kind: 'capture', connections: [conn], lanes: [] } },
      { info: { path: 'c.json', clock: 'none' }, placement: { offset: 0, absolute: false }, model: { kind: 'curl', transfers, lanes: [] } },
    ] as unknown as AnalysedInput[];
    const placed = placeUndatedViews(inputs, { 'c.pcap': { offset: 0, absolute: true }, 'c.json': { offset: 0, absolute: false } });
    return { transfers, placed };
  }

  it('gives each transfer on a reused connection the next request of its URL, in order', () => {
    const { transfers, placed } = run(2000, () => 'GET');
    expect(placed.byEventKey.size).toBe(2000);
    expect(transfers[0].t).toBe(1_800_000_001 - 0.5); // the SYN less time_namelookup
    for (let i = 1; i < 2000; i++) expect(transfers[i].t).toBe(1_800_000_000 + 10 + i - 0.25); // its own request less time_pretransfer
  });

  it('skips requests of another method', () => {
    const { transfers } = run(4, (i) => (i === 1 ? 'POST' : 'GET'));
    expect(transfers.map((x) => (x.t === null ? null : x.t - 1_800_000_000))).toEqual([0.5, 11.75, 12.75, null]);
  });
});
