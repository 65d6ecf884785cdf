/**
 * curl error 52, "Empty reply from server" (libcurl: "Server returned nothing
 * (no headers, no data)"): the server closed the connection after the request
 * without one byte of response — the same event the capture side reports as a
 * FIN before any response byte.
 */
import {
  baseDetails,
  curlEventKey,
  curlInputs,
  drawnLanes,
  evidenceOf,
  explainCode,
  failureTime,
  joinOf,
  lanesOf,
  nameOf,
  subjectOf,
} from '../../analysis/curl/index.js';
import type { FindingDraft } from '../../model/index.js';
import type { DetectorPart } from '../types.js';

const EVIDENCE_KEYS = ['command', 'request', 'errorInfo', 'error', 'var:exitcode', 'close'];

export const fromCurl: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of curlInputs(run)) {
    const drawn = drawnLanes(model);
    for (const t of model.transfers) {
      if (t.exitCode !== 52) continue;
      const at = failureTime(t);
      const details = baseDetails(t);
      if (t.t !== null && at !== null && at !== t.t) details.secondsToClose = Math.round((at - t.t) * 1e6) / 1e6;
      const join = joinOf(t, at);
      join.bytesReceived = 0;
      out.push({
        detector: 'empty-reply',
        severity: 'warning',
        title: `Empty reply from server${t.url || t.host ? ` ${nameOf(t)}` : ''}: the connection was closed without any response byte`,
        input: path,
        start: at ?? t.t,
        end: t.endT ?? null,
        subject: subjectOf(t),
        evidence: evidenceOf(path, t, EVIDENCE_KEYS),
        details,
        explanation: explainCode(t),
        join,
        eventKeys: [curlEventKey(path, t)],
        lanes: lanesOf(path, drawn, t),
      });
    }
  }
  return out;
};
