/**
 * A response body that ended before its framing said, as curl saw it: exit
 * 18 (`transfer closed with N bytes remaining to read`, `… outstanding read
 * data remaining`, "Transferred a partial file"), or a receive failure (56)
 * after fewer body bytes than the Content-Length announced. Data that looks
 * complete to the application is not: whatever consumed it got a short body.
 */
import {
  type CurlDetails,
  baseDetails,
  curlInputs,
  drawnLanes,
  explainCode,
  failureDraft,
  failureTime,
  nameOf,
  receivedBody,
} from '../../analysis/curl/index.js';
import type { CurlTransfer, FindingDraft } from '../../model/index.js';
import type { DetectorPart } from '../types.js';

export type TruncatedResponseCurlDetails = CurlDetails & {
  /** how the body was framed: content-length, chunked, or close-delimited */
  framing: string;
  /** what said it was cut: curl's wording or exit code */
  how: string;
  expected_bytes?: number;
  received_bytes?: number;
  missing_bytes?: number;
};

const EVIDENCE_KEYS = ['command', 'request', 'status', 'contentLength', 'data', 'lastData', 'progress', 'remaining', 'errorInfo', 'error', 'var:exitcode', 'var:size_download', 'var:content_length_download'];

export const fromCurl: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of curlInputs(run)) {
    const drawn = drawnLanes(model);
    for (const t of model.transfers) {
      const why = truncation(t);
      if (!why) continue;
      const r = receivedBody(t);
      const at = failureTime(t);
      // added to baseDetails' own object, not a spread copy of it (see curl-error-56)
      const details = baseDetails(t) as TruncatedResponseCurlDetails;
      details.framing = framing(t);
      details.how = why;
      if (t.contentLength !== undefined) details.expected_bytes = t.contentLength;
      if (r.bytes !== undefined) details.received_bytes = r.bytes;
      if (t.contentLength !== undefined && r.bytes !== undefined) details.missing_bytes = t.contentLength - r.bytes;
      else if (t.bytesRemaining !== undefined) details.missing_bytes = t.bytesRemaining;
      out.push(
        failureDraft(path, t, drawn, {
          detector: 'truncated-response',
          severity: 'error',
          title: title(t),
          details,
          evidenceKeys: EVIDENCE_KEYS,
          at,
          subject: { ...(t.url ? { url: t.url } : {}), ...connection(t) },
          explanation: t.exitCode === 18 ? explainCode(t) : `${explainCode({ ...t, exitCode: 18 })} Here the connection failed with curl error ${t.exitCode} at that point, which is reported as its own finding.`,
        }),
      );
    }
  }
  return out;
};

function connection(t: CurlTransfer): { connection?: string } {
  if (!t.local?.ip || !t.remote) return {};
  const f = (e: { ip: string; port: number }) => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);
  return { connection: `${f(t.local)}->${f(t.remote)}` };
}

/** Why this transfer's body is short, or undefined when it is not known to be. */
export function truncation(t: CurlTransfer): string | undefined {
  if (t.exitCode === 18) return t.wording ?? 'curl exit 18';
  if (t.exitCode !== 56) return undefined;
  // A receive failure cuts the body only if the response had a body to cut.
  if (t.method === 'HEAD') return undefined;
  const st = t.httpStatus;
  if (st === undefined || st === 204 || st === 304 || (st >= 100 && st < 200)) return undefined;
  const r = receivedBody(t);
  if (t.contentLength !== undefined && r.bytes !== undefined && r.bytes < t.contentLength) return 'fewer body bytes than Content-Length before the failure';
  // curl ends a Content-Length body as soon as it is whole: a receive failure after a full head means it was not.
  if (t.contentLength !== undefined && t.contentLength > 0 && r.bytes === undefined) return 'receive failure before the Content-Length body was complete';
  // curl completes a chunked body it got whole; a receive failure after the head means the last chunk never came.
  if (framing(t) === 'chunked') return 'chunked body ended by the failure before its last chunk';
  return undefined;
}

function framing(t: CurlTransfer): string {
  const te = t.responseHeaders?.find((h) => /^transfer-encoding:/i.test(h));
  if (te && /chunked/i.test(te)) return 'chunked';
  if (t.contentLength !== undefined) return 'content-length';
  if (t.wording === 'transfer-closed-outstanding') return 'chunked (curl: outstanding read data)';
  return 'unknown';
}

function title(t: CurlTransfer): string {
  const r = receivedBody(t);
  const got = r.bytes !== undefined ? `${r.bytes}` : r.atLeast !== undefined ? `at least ${r.atLeast}` : r.approx !== undefined ? `~${r.approx}` : undefined;
  const of = t.contentLength !== undefined ? ` of ${t.contentLength}` : '';
  const missing = t.bytesRemaining !== undefined ? ` (${t.bytesRemaining} bytes missing)` : '';
  const counts = got !== undefined ? `: ${got}${of} bytes received${missing}` : missing ? `:${missing.replace(/[()]/g, '')}` : '';
  const src = t.url || t.host ? ` from ${nameOf(t)}` : '';
  return `Response body cut short${src}${counts}`;
}
