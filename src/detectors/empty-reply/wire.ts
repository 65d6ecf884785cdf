/**
 * curl error 52 as the wire shows it: the server closed the connection
 * cleanly (FIN) after a request and before any response byte. A RST there is
 * curl error 56 instead (see curl-error-56/wire.ts).
 */
import type { FindingDraft } from '../../model/index.js';
import { captureInputs, evidence, exchangeBase, fmtSeconds, joinFacts, ms, requestName, requestSent } from '../../analysis/tcp/findings.js';
import type { DetectorPart, ExchangeDetails } from '../types.js';

/** empty-reply as the capture saw it: the server's FIN before any response byte. */
export type EmptyReplyWireDetails = ExchangeDetails & {
  fin_frame: number;
  request_complete: boolean;
  request_to_close_ms?: number;
};

export const fromWire: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of captureInputs(run)) {
    for (const c of model.connections) {
      for (const ex of c.exchanges) {
        if (ex.end !== 'fin' || ex.endSide !== 'resp' || !ex.endAt || !ex.requestSeen) continue;
        if (ex.responseBytes > 0 || ex.gapped) continue;
        const fin = ex.endAt;
        const sent = requestSent(ex);
        const base = exchangeBase(path, c, ex);
        const wait = sent ? fin.t - sent.t : undefined;
        out.push({
          detector: 'empty-reply',
          severity: 'warning',
          title: `Empty reply from server: the connection was closed without a response (${requestName(ex)})`,
          input: path,
          start: ex.requestStart?.t ?? fin.t,
          end: fin.t,
          subject: base.subject,
          evidence: evidence(path, [ex.requestStart, ex.requestEnd, fin]),
          details: {
            ...(base.details as ExchangeDetails),
            fin_frame: fin.frame,
            request_complete: !!ex.requestEnd,
            ...(wait !== undefined ? { request_to_close_ms: ms(wait) } : {}),
          } satisfies EmptyReplyWireDetails,
          explanation:
            `The server sent FIN ${wait !== undefined ? `${fmtSeconds(wait)} after the request` : 'after the request'} without a single response byte. ` +
            `curl reports error 52 "Empty reply from server". Usually the server (or a proxy) dropped the request: ` +
            `a worker that exited, a keep-alive connection the server had already decided to close, or a request it refused to parse.`,
          join: joinFacts(c, ex, fin.t),
          eventKeys: base.eventKeys,
          lanes: base.lanes,
        });
      }
    }
  }
  return out;
};
