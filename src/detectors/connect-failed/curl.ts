/**
 * connect-failed as curl reports it: exit 7 (couldn't connect) and exit 28
 * when the time ran out while connecting. These are claimed from the
 * catch-all curl-error; the join facts (server, time) meet strace's and the
 * capture's view of the same connect.
 */
import { baseDetails, curlInputs, drawnLanes, failureDraft, failureTime, nameOf, type CurlDetails } from '../../analysis/curl/index.js';
import type { CurlTransfer, FindingDraft } from '../../model/index.js';
import type { DetectorPart } from '../types.js';

export type ConnectFailedCurlDetails = CurlDetails & {
  /** where the transfer stopped: refused or unreachable (7), or out of time while connecting (28) */
  stage: string;
};

const EVIDENCE_KEYS = ['command', 'start', 'errorInfo', 'error', 'var:exitcode', 'var:errormsg'];

/** The curl exits this detector claims: 7, and 28 while still connecting. */
export function claimsCurl(t: CurlTransfer): boolean {
  if (t.exitCode === 7) return true;
  if (t.exitCode !== 28) return false;
  // 28 during the transfer ("Operation timed out after … with N bytes received") is not a connect failure
  if (t.httpStatus !== undefined || t.evidence.request !== undefined) return false;
  const m = t.errorMessage ?? '';
  return /Failed to connect|Connection timed out after/i.test(m);
}

export const fromCurl: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of curlInputs(run)) {
    const drawn = drawnLanes(model);
    for (const t of model.transfers) {
      if (!claimsCurl(t)) continue;
      // added to baseDetails' own object, not a spread copy of it (see curl-error-56)
      const details = baseDetails(t) as ConnectFailedCurlDetails;
      details.stage = t.exitCode === 7 ? 'connect refused or unreachable' : 'timed out while connecting';
      const msg = t.errorMessage ?? (t.exitCode === 7 ? "Couldn't connect to server" : 'Connection timed out');
      out.push(
        failureDraft(path, t, drawn, {
          detector: 'connect-failed',
          severity: 'error',
          title: `Could not connect to ${nameOf(t)}: ${msg} (curl error ${t.exitCode})`,
          details,
          evidenceKeys: EVIDENCE_KEYS,
          at: failureTime(t),
        }),
      );
    }
  }
  return out;
};
