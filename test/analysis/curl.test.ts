import { describe, expect, it } from 'vitest';
import { CurlAnalysis, MAX_OK_TRANSFERS, MAX_TRANSFER_LANES, receivedBody } from '../../src/analysis/curl/index.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { lines, modelOf, tracedUpload, WAITED_1S_THEN_200 } from '../parsers/curl-helpers.js';

const summary = { events: 0, bytes: 0, clock: 'none' as const, firstT: null, lastT: null };

describe('CurlAnalysis', () => {
  it('numbers transfers and draws one lane each, grouped by host', async () => {
    const { model } = await modelOf(
      lines(
        '{"url_effective":"http://a.test/x","http_code":200,"exitcode":0,"time_pretransfer":0.1,"time_starttransfer":0.3,"time_total":0.4}',
        '{"url_effective":"http://b.test/y","http_code":0,"exitcode":56,"errormsg":"Recv failure: Connection reset by peer","time_total":0.2}',
      ),
      'run/curl.json',
    );
    expect(model.transfers.map((t) => t.n)).toEqual([1, 2]);
    expect(model.lanes.map((l) => [l.id, l.kind, l.group])).toEqual([
      ['run/curl.json#transfer:1', 'transfer', 'a.test'],
      ['run/curl.json#transfer:2', 'transfer', 'b.test'],
    ]);
    // no clock: the -w timers still draw the phases from the transfer's own start
    const ttfb = model.lanes[0].spans.find((s) => s.label === 'time to first byte')!;
    expect([ttfb.start, ttfb.end]).toEqual([0.1, 0.3]);
    expect(ttfb.details?.relativeToTransferStart).toBe(true);
    expect(model.lanes[1].markers).toEqual([expect.objectContaining({ kind: 'reset', t: 0.2, line: 2 })]);
  });

  it('draws the 100-continue wait and the transfer from --trace-time times', async () => {
    const { model } = await modelOf(
      tracedUpload([
        ...WAITED_1S_THEN_200,
        '10:00:01.004000 == Info: Connection #0 to host h left intact',
      ]),
    );
    expect(model.clock).toBe('time-of-day');
    const lane = model.lanes[0];
    const wait = lane.spans.find((s) => s.kind === 'wait')!;
    expect(wait.start).toBeCloseTo(36000.0001, 6);
    expect(wait.end).toBeCloseTo(36001.001, 6);
    expect(wait.label).toMatch(/sent the body unasked/);
    const tr = lane.spans.find((s) => s.kind === 'transfer')!;
    expect(tr.start).toBe(36000);
    expect(tr.end).toBeCloseTo(36001.004, 6);
  });

  it('keeps failures and bounds successes and lanes on a long input', () => {
    const a = new CurlAnalysis({ path: 'big.csv', diag: new Diagnostics() });
    const n = MAX_OK_TRANSFERS + 1500;
    for (let i = 0; i < n; i++) {
      const t: CurlTransfer = { line: i + 2, t: 1000 + i, endT: 1000.1 + i, url: 'http://h/', httpStatus: 200, exitCode: i % 1000 === 999 ? 56 : 0, evidence: {} };
      a.add(t);
    }
    const m = a.finish(summary);
    const failures = m.transfers.filter((t) => t.exitCode === 56);
    expect(failures).toHaveLength(Math.floor(n / 1000));
    expect(m.transfers.length).toBe(MAX_OK_TRANSFERS + failures.length);
    expect(m.transfersDropped).toBe(n - m.transfers.length);
    expect(m.lanes.length).toBe(MAX_TRANSFER_LANES);
    // every failure has its lane
    const laneIds = new Set(m.lanes.map((l) => l.id));
    for (const f of failures) expect(laneIds.has(`big.csv#transfer:${f.n}`)).toBe(true);
  });

  it('prefers exact byte counts over -v data lines and the progress meter', () => {
    const base = { line: 1, t: null, evidence: {} };
    expect(receivedBody({ ...base, contentLength: 100, bytesRemaining: 30, bytesReceivedAtLeast: 10 })).toMatchObject({ bytes: 70 });
    expect(receivedBody({ ...base, bytesReceived: 50, progressReceived: 40 })).toMatchObject({ bytes: 50 });
    expect(receivedBody({ ...base, bytesReceivedAtLeast: 4000 })).toMatchObject({ atLeast: 4000 });
    expect(receivedBody({ ...base, progressReceived: 2048 })).toMatchObject({ approx: 2048 });
  });
});
