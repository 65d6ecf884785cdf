/**
 * curl error 52, "Empty reply from server" (libcurl: "Server returned nothing
 * (no headers, no data)"): the server closed the connection after the request
 * without one byte of response — the same event the capture side reports as a
 * FIN before any response byte.
 */
import {
  baseDetails,
  type CurlDetails,
  curlInputs,
  drawnLanes,
  failureDraft,
  failureTime,
  joinOf,
  nameOf,
} from '../../analysis/curl/index.js';
import type { FindingDraft } from '../../model/index.js';
import type { DetectorPart } from '../types.js';

export type EmptyReplyCurlDetails = CurlDetails & {
  /** from the transfer's start to the close, when the input has both times */
  seconds_to_close?: number;
};

const EVIDENCE_KEYS = ['command', 'request', 'errorInfo', 'error', 'var:exitcode', 'close'];

export const fromCurl: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of curlInputs(run)) {
    const drawn = drawnLanes(model);
    for (const t of model.transfers) {
      if (t.exitCode !== 52) continue;
      const at = failureTime(t);
      const details: EmptyReplyCurlDetails = baseDetails(t);
      if (t.t !== null && at !== null && at !== t.t) details.seconds_to_close = Math.round((at - t.t) * 1e6) / 1e6;
      const join = joinOf(t, at);
      join.bytesReceived = 0;
      out.push(failureDraft(path, t, drawn, { detector: 'empty-reply', severity: 'warning', title: `Empty reply from server: the connection was closed without any response byte (${t.url || t.host ? `${nameOf(t)}, ` : ''}curl error 52)`, details, evidenceKeys: EVIDENCE_KEYS, at, join }));
    }
  }
  return out;
};
