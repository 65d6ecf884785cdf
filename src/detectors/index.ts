/** The registry: every detector, in the order `faultline detectors` lists them. */
import { curlErrorBesides } from './curl-error.js';
import { connectFailed } from './connect-failed/index.js';
import { curlError56 } from './curl-error-56/index.js';
import { dnsFailed } from './dns-failed/index.js';
import { execFailed } from './exec-failed.js';
import { httpViolation } from './http-violation.js';
import { localServiceMissing } from './local-service-missing.js';
import { pathMissing } from './path-missing.js';
import { proxyRefused } from './proxy-refused.js';
import { emptyReply } from './empty-reply/index.js';
import { expect100Continue } from './expect-100-continue/index.js';
import { incompleteInCapture } from './incomplete-in-capture.js';
import { processStopped } from './process-stopped.js';
import { sigcontNoRestart } from './sigcont-no-restart.js';
import { truncatedResponse } from './truncated-response/index.js';
import { writeDenied } from './write-denied.js';
import type { Detector } from './types.js';

export type { Detector, DetectorPart, DetectEach } from './types.js';
export { eachOf, streamed } from './types.js';

const SPECIFIC: readonly Detector[] = [
  sigcontNoRestart,
  processStopped,
  curlError56,
  expect100Continue,
  truncatedResponse,
  emptyReply,
  connectFailed,
  localServiceMissing,
  writeDenied,
  pathMissing,
  execFailed,
  dnsFailed,
  proxyRefused,
  httpViolation,
  incompleteInCapture,
];

/** curl's other failures: every exit code the detectors above do not claim. */
export const curlError: Detector = curlErrorBesides(SPECIFIC);

export const DETECTORS: readonly Detector[] = [...SPECIFIC, curlError];

/** The curl exit codes a registry's detectors claim (the catch-all reports the rest). */
export function claimedCurlExitCodes(registry: readonly Detector[]): ReadonlySet<number> {
  return new Set(registry.flatMap((d) => d.claimsCurlExitCodes ?? []));
}
