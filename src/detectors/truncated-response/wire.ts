/**
 * A response body shorter than its framing said (Content-Length not reached,
 * chunked without its last chunk) when the server closed (FIN) or reset (RST).
 * Not when the capture merely ended or missed bytes: that is
 * incomplete-in-capture, since the bytes may have arrived all the same.
 */
import type { FindingDraft } from '../../model/index.js';
import { captureInputs, evidence, exchangeBase, joinFacts, requestName } from '../../analysis/tcp/findings.js';
import type { DetectorPart, ExchangeDetails } from '../types.js';

/** truncated-response as the capture saw it: a body ended (FIN/RST) before its framing said. */
export type TruncatedResponseWireDetails = ExchangeDetails & {
  framing: string;
  body_bytes_received: number;
  ended_by: string;
  end_frame: number;
  body_bytes_expected?: number;
  body_bytes_missing?: number;
  last_chunk_seen?: false;
};

export const fromWire: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of captureInputs(run)) {
    for (const c of model.connections) {
      for (const ex of c.exchanges) {
        const r = ex.response;
        if (!r || r.body.complete || ex.gapped || !ex.endAt) continue;
        if ((ex.end !== 'fin' && ex.end !== 'rst') || ex.endSide !== 'resp') continue;
        if (r.body.framing !== 'content-length' && r.body.framing !== 'chunked') continue;
        const base = exchangeBase(path, c, ex);
        const how = ex.end === 'rst' ? 'reset (RST)' : 'closed (FIN)';
        const short =
          r.body.framing === 'content-length'
            ? `${r.body.seen} of ${r.body.expected} bytes (Content-Length)`
            : `${r.body.seen} bytes of a chunked body without its last chunk`;
        const details: TruncatedResponseWireDetails = {
          ...(base.details as ExchangeDetails),
          framing: r.body.framing,
          body_bytes_received: r.body.seen,
          ended_by: ex.end,
          end_frame: ex.endAt.frame,
        };
        if (r.body.expected !== undefined) {
          details.body_bytes_expected = r.body.expected;
          details.body_bytes_missing = r.body.expected - r.body.seen;
        }
        if (r.body.framing === 'chunked') details.last_chunk_seen = false;
        out.push({
          detector: 'truncated-response',
          severity: 'error',
          title: `Response body cut short: ${short}, then the server ${ex.end === 'rst' ? 'sent a RST' : 'closed (FIN)'}; HTTP ${r.status} for ${requestName(ex)}`,
          input: path,
          start: r.start.t,
          end: ex.endAt.t,
          subject: base.subject,
          evidence: evidence(path, [ex.requestStart, r.start, r.last, ex.endAt]),
          details,
          explanation:
            `The server's ${r.status} response to ${requestName(ex)} announced ` +
            (r.body.framing === 'content-length' ? `${r.body.expected} body bytes` : 'a chunked body') +
            ` but the connection was ${how} after ${r.body.seen}. The client got a partial body ` +
            `(curl: error 18 "transfer closed with … bytes remaining to read", or 56 on a reset). ` +
            `Status ${r.status} does not mean success here: the body is incomplete.`,
          join: joinFacts(c, ex, ex.endAt.t),
          eventKeys: base.eventKeys,
          lanes: base.lanes,
        });
      }
    }
  }
  return out;
};
