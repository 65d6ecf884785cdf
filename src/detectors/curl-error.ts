/**
 * Every other failure curl reported — DNS (6), connect (7), timeouts (28),
 * TLS (35), send errors (55, e.g. EPIPE), HTTP/2 streams (92, 16), … — with
 * curl's own wording, so nothing curl said is dropped. Codes another detector
 * claims (`claimsCurlExitCodes`: 56, 18 and 52 today) are left to it.
 */
import {
  baseDetails,
  type CurlDetails,
  curlInputs,
  drawnLanes,
  failureDraft,
  failureTime,
  nameOf,
} from '../analysis/curl/index.js';
import { CURL_CODES, type FindingDraft, type RunModel } from '../model/index.js';
import { claimsCurl as connectFailedClaims } from './connect-failed/curl.js';
import type { Detector } from './types.js';

export type CurlErrorDetails = CurlDetails & {
  /** libcurl's name for the code (CURLE_COULDNT_CONNECT …) and its text */
  code_name?: string;
  code_text?: string;
  timeout_after_ms?: number;
};

const EVIDENCE_KEYS = ['command', 'start', 'connected', 'request', 'status', 'errorInfo', 'error', 'var:exitcode', 'var:errormsg'];

/**
 * The catch-all over the codes `others` do not claim. When the pipeline says what the run's
 * whole registry claims (`run.options.claimedCurlExitCodes`), that decides instead, so a
 * library user's extra detector takes its codes from here too.
 */
export function curlErrorBesides(others: readonly Detector[]): Detector {
  const claimedHere: ReadonlySet<number> = new Set(others.flatMap((d) => d.claimsCurlExitCodes ?? []));
  return {
    id: 'curl-error',
    description: 'Any other transfer failure curl reported (DNS, connect, timeout, TLS, send errors, HTTP/2 stream errors).',
    detect: (run) => detect(run, run.options.claimedCurlExitCodes ?? claimedHere),
  };
}

function detect(run: RunModel, claimed: ReadonlySet<number>): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const { path, model } of curlInputs(run)) {
    const drawn = drawnLanes(model);
    for (const t of model.transfers) {
      if (t.exitCode === undefined || t.exitCode === 0 || claimed.has(t.exitCode)) continue;
      // 28 is connect-failed's only while connecting (a code alone cannot say so): when it claims 7, it takes those too
      if (t.exitCode === 28 && claimed.has(7) && connectFailedClaims(t)) continue;
      const at = failureTime(t);
      const code = CURL_CODES[t.exitCode];
      const details: CurlErrorDetails = baseDetails(t);
      if (code) {
        details.code_name = code.name;
        details.code_text = code.text;
      }
      if (t.timeoutAfterMs !== undefined) details.timeout_after_ms = t.timeoutAfterMs;
      const msg = t.errorMessage ?? code?.text ?? '';
      out.push(failureDraft(path, t, drawn, { detector: 'curl-error', severity: 'warning', title: `curl error ${t.exitCode}${code ? ` (${code.name})` : ''}${t.url || t.host ? ` for ${nameOf(t)}` : ''}: ${msg}`, details, evidenceKeys: EVIDENCE_KEYS, at }));
    }
  }
  return out;
}
