import { describe, expect, it } from 'vitest';
import { drawnLanes, failureDraft, laneId } from '../../src/analysis/curl/index.js';
import type { CurlModel, CurlTransfer, Lane } from '../../src/model/index.js';

const PATH = 'logs/app.log';

function lane(id: string): Lane {
  return { id, input: PATH, kind: 'transfer', label: id, spans: [], markers: [], events: 0 } as Lane;
}

function transfer(n: number | undefined): CurlTransfer {
  return { line: 1, t: null, source: 'log', evidence: {}, exitCode: 56, n };
}

const spec = { detector: 'curl-error-56', severity: 'error' as const, title: 't', details: { source: 'log' as const }, evidenceKeys: ['error'], at: null };

describe("a failed transfer's lanes", () => {
  it('are its lane where the input drew it, none where it did not, whatever the lane ids hold', () => {
    const ids = [laneId(PATH, 0), laneId(PATH, 2), laneId(PATH, 9), laneId(PATH, 1000), `${PATH}#transfer:011`, `${PATH}#transfer:12.5`, `${PATH}#transfer:-3`, 'other.log#transfer:4', `${PATH}#tid:5`];
    const model = { kind: 'curl', transfers: [], lanes: ids.map(lane), clock: 'none', stats: {} } as unknown as CurlModel;
    const drawn = drawnLanes(model);
    const asked = [undefined, 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12.5, -3, 999, 1000, 1001, 5000, Number.NaN];
    for (const n of asked) {
      const key = laneId(PATH, n ?? 0);
      const want = drawn.has(key) ? [key] : [];
      expect(failureDraft(PATH, transfer(n), drawn, spec).lanes, `n=${n}`).toEqual(want);
      // the same answers for a set drawnLanes did not make, and for another input's path
      expect(failureDraft(PATH, transfer(n), new Set(drawn), spec).lanes).toEqual(want);
      expect(failureDraft('other.log', transfer(n), drawn, spec).lanes).toEqual(drawn.has(laneId('other.log', n ?? 0)) ? [laneId('other.log', n ?? 0)] : []);
    }
    expect(failureDraft(PATH, transfer(2), drawn, spec).lanes).toEqual([laneId(PATH, 2)]);
    expect(failureDraft(PATH, transfer(1001), drawn, spec).lanes).toEqual([]);
    expect(failureDraft('other.log', transfer(4), drawn, spec).lanes).toEqual(['other.log#transfer:4']);
  });
});
