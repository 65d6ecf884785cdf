/**
 * An exchange the capture did not see whole: the capture ended while it was
 * open, or packets were lost or cut by the snaplen. Not proof of a truncated
 * response — the client may have received everything — so it is info, and it
 * is what truncated-response reports instead of guessing.
 */
import type { FindingDraft, HttpExchange } from '../model/index.js';
import { captureInputs, evidence, exchangeBase, joinFacts, requestName } from '../analysis/tcp/findings.js';
import type { Detector, ExchangeDetails } from './types.js';

/** Findings per input before the rest are summed into one */
const MAX_PER_INPUT = 50;

type Why = 'capture-end' | 'gap';

function why(ex: HttpExchange): Why | undefined {
  const done = ex.response?.body.complete === true;
  if (ex.end === 'gap') return 'gap';
  if (ex.end === 'capture-end' && !done) return ex.gapped ? 'gap' : 'capture-end';
  if (ex.gapped) return 'gap';
  return undefined;
}

/** An exchange the capture did not see whole (its end, or bytes inside it). */
export type IncompleteInCaptureDetails = ExchangeDetails & {
  reason: string;
  response_bytes_seen: number;
  framing?: string;
  body_bytes_seen?: number;
  body_bytes_expected?: number;
  body_bytes_not_captured?: number;
  gap_causes?: string[];
  gap_bytes_client?: number;
  gap_bytes_server?: number;
};

/** The count of exchanges beyond the per-input cap. */
export type IncompleteInCaptureSummaryDetails = { exchanges: number };

export const incompleteInCapture: Detector = {
  id: 'incomplete-in-capture',
  description: 'A response the capture did not see whole (capture ended, packets lost, snaplen cut): not proof of a truncated response.',
  detect: (run) => {
    const out: FindingDraft[] = [];
    for (const { path, model } of captureInputs(run)) {
      let n = 0;
      let more = 0;
      for (const c of model.connections) {
        const gapBytes = (side: 'orig' | 'resp') => c.gaps.filter((g) => g.side === side).reduce((s, g) => s + g.bytes, 0);
        for (const ex of c.exchanges) {
          const w = why(ex);
          if (!w) continue;
          if (n >= MAX_PER_INPUT) {
            more++;
            continue;
          }
          n++;
          const base = exchangeBase(path, c, ex);
          const r = ex.response;
          const causes = [...new Set(c.gaps.map((g) => g.cause))];
          const details: IncompleteInCaptureDetails = {
            ...(base.details as ExchangeDetails),
            reason: w,
            response_bytes_seen: ex.responseBytes,
          };
          if (r) {
            details.framing = r.body.framing;
            details.body_bytes_seen = r.body.seen;
            if (r.body.expected !== undefined) details.body_bytes_expected = r.body.expected;
            if (r.body.missing) details.body_bytes_not_captured = r.body.missing;
          }
          if (w === 'gap') {
            details.gap_causes = causes;
            details.gap_bytes_client = gapBytes('orig');
            details.gap_bytes_server = gapBytes('resp');
          }
          const state = r ? `${r.status} response, ${r.body.seen}${r.body.expected !== undefined ? ` of ${r.body.expected}` : ''} body bytes seen` : ex.responseBytes ? 'a partial response header' : 'no response yet';
          const title =
            w === 'capture-end'
              ? `Capture ended during ${requestName(ex)} (${state})`
              : `Bytes missing from the capture in ${requestName(ex)} (${causes.join(', ') || 'loss'})`;
          const endAt = ex.endAt ?? r?.last ?? ex.requestStart;
          out.push({
            detector: 'incomplete-in-capture',
            severity: 'info',
            title,
            input: path,
            start: ex.requestStart?.t ?? r?.start.t ?? null,
            end: endAt?.t ?? null,
            subject: base.subject,
            evidence: evidence(path, [ex.requestStart, r?.start, r?.last, c.gaps.length ? { frame: c.gaps[0].frame, t: c.gaps[0].t, summary: `${c.gaps[0].bytes} bytes not captured (${c.gaps[0].cause}) after this frame` } : undefined]),
            details,
            explanation:
              w === 'capture-end'
                ? 'The capture stops while this exchange is still open. Nothing shows the response failed: the capture (tcpdump -c, a rotated file, a stopped capture) simply did not record its end.'
                : 'Some bytes of this exchange never reached the capture (packets dropped by the capturing host, or cut by a snaplen). The client may well have received them: a short body here is not proof of a truncated response.',
            join: joinFacts(c, ex, endAt?.t),
            eventKeys: base.eventKeys,
            lanes: base.lanes,
          });
        }
      }
      if (more) {
        out.push({
          detector: 'incomplete-in-capture',
          severity: 'info',
          title: `${more} more exchanges not seen whole by the capture`,
          input: path,
          start: null,
          subject: {},
          evidence: [{ input: path }],
          details: { exchanges: more } satisfies IncompleteInCaptureSummaryDetails,
        });
      }
    }
    return out;
  },
};
