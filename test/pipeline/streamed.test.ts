import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, DETECTORS } from '../../src/pipeline/index.js';
import { eachOf, streamed, type Detector } from '../../src/detectors/index.js';
import { baseDetails } from '../../src/analysis/curl/facts.js';
import type { FindingDraft, RunModel } from '../../src/model/index.js';
import { samplesDir } from '../helpers/paths.js';
import { modelOf } from '../parsers/curl-helpers.js';

const log = path.join(samplesDir, 'curl/php-errors.log');
const curl56 = DETECTORS.find((d) => d.id === 'curl-error-56')!;

/** A detector from curl-error-56's drafts, changed by `change`, streamed or as a list. */
function derived(id: string, how: 'streamed' | 'list', change: (d: FindingDraft) => FindingDraft, thenThrow = false): Detector {
  const each = (run: RunModel, emit: (d: FindingDraft) => void): void => {
    for (const d of curl56.detect(run)) emit(change(d));
    if (thenThrow) throw new Error('half way');
  };
  return { id, description: id, detect: how === 'streamed' ? streamed(each) : (run) => { const out: FindingDraft[] = []; each(run, (d) => out.push(d)); return out; } };
}

const same = (d: FindingDraft): FindingDraft => d;

describe('streamed detectors', () => {
  it('list what they hand on, and keep it on detect for the pipeline', () => {
    const seen: number[] = [];
    const detect = streamed((_run, emit) => {
      for (const n of [3, 1, 2]) emit({ detector: 'x', severity: 'info', title: `t${n}`, input: 'a', start: n, end: null, subject: {}, details: {}, evidence: [] });
    });
    expect(detect({ inputs: [], options: { joinWindow: 1, claimedCurlExitCodes: new Set() } }).map((d) => d.start)).toEqual([3, 1, 2]);
    eachOf(detect)!({ inputs: [], options: { joinWindow: 1, claimedCurlExitCodes: new Set() } }, (d) => seen.push(d.start as number));
    expect(seen).toEqual([3, 1, 2]);
    expect(eachOf((() => []) as Detector['detect'])).toBeUndefined();
    expect(eachOf(curl56.detect)).toBeDefined();
  });

  it('give a run the result the same drafts as a list give', async () => {
    const a = await analyze([log], { timezone: 'UTC', registry: [derived('d', 'streamed', same), ...DETECTORS] });
    const b = await analyze([log], { timezone: 'UTC', registry: [derived('d', 'list', same), ...DETECTORS] });
    expect(a.findings.length).toBeGreaterThan(1);
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('add none of their findings when they throw half way (the failure is reported)', async () => {
    const half = derived('d', 'streamed', same, true);
    const r = await analyze([log], { timezone: 'UTC', registry: [half, ...DETECTORS] });
    expect(r.detector_failures).toEqual([{ detector: 'd', code: 'E_DETECTOR', error: 'half way' }]);
    const plain = await analyze([log], { timezone: 'UTC' });
    expect(r.findings).toEqual(plain.findings);
  });

  it('run the general way when a draft names another input, as a list does', async () => {
    const other = (d: FindingDraft): FindingDraft => ({ ...d, input: 'elsewhere.log' });
    const a = await analyze([log], { timezone: 'UTC', registry: [derived('d', 'streamed', other), ...DETECTORS] });
    const b = await analyze([log], { timezone: 'UTC', registry: [derived('d', 'list', other), ...DETECTORS] });
    expect(a.findings.some((f) => f.detector === 'curl-error-56')).toBe(true);
    expect(a).toEqual(b);
  });

  it('are run by their own detect when a library user replaces it', async () => {
    const mine: Detector = { ...curl56, detect: () => [] };
    const r = await analyze([log], { timezone: 'UTC', registry: [mine] });
    expect(r.findings).toEqual([]);
  });
});

describe('baseDetails', () => {
  it('gives a plain object, keys in the order set, like a literal', async () => {
    const { model } = await modelOf('[23-Nov-2026 02:00:00 UTC] curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://a.test/ http_code=0 size_download=0 total_time=0.1 local_port=40000\n', 'php.log');
    const d = baseDetails(model.transfers[0]);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(d).toStrictEqual(JSON.parse(JSON.stringify(d)));
    expect(Object.keys(d)[0]).toBe('source');
    expect(structuredClone(d)).toStrictEqual(d);
  });
});
