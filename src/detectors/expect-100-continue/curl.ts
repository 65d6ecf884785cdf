/**
 * Expect: 100-continue as curl showed it: the header sent (`> Expect:
 * 100-continue`), then a `100 Continue`, a final status first, or curl giving
 * up (`Done waiting for 100-continue`) — with the wait from --trace-time
 * times where present. From -w/%{json}/CSV timers, curl older than 8.3 shows
 * the same wait as time_starttransfer − time_pretransfer ≈ the expect timeout
 * on an upload. Severities as on the wire: info when the 100 came quickly,
 * warning for a wait ≥ 200 ms, a timeout or a final status first, error when
 * the exchange then failed.
 */
import {
  type CurlDetails,
  baseDetails,
  curlEventKey,
  curlInputs,
  drawnLanes,
  evidenceOf,
  explainExpect,
  isFailure,
  joinOf,
  lanesOf,
  nameOf,
  round6,
  subjectOf,
  versionBefore,
} from '../../analysis/curl/index.js';
import type { CurlTransfer, FindingDraft, Severity } from '../../model/index.js';
import type { DetectorPart } from '../types.js';

/** A body held back this long is worth a warning. */
export const SLOW_100_CONTINUE = 0.2; /* s */
/** curl's default expect timeout (CURLOPT_EXPECT_100_TIMEOUT_MS). */
export const CURL_EXPECT_TIMEOUT = 1.0; /* s */
/** How close to the timeout the -w heuristic wants starttransfer − pretransfer. */
export const EXPECT_TIMEOUT_TOLERANCE = 0.2; /* s */

const EVIDENCE_KEYS = ['command', 'request', 'expect', 'expectSent', 'interim100', 'doneWaiting', 'bodySent', 'upload', 'status', 'errorInfo', 'error'];
const WRITEOUT_KEYS = ['command', 'var:time_pretransfer', 'var:time_starttransfer', 'var:size_upload', 'var:method', 'var:curl_version', 'version', 'error'];

type Outcome = 'got-100' | 'gave-up' | 'final-first' | 'failed';

export type Expect100CurlDetails = CurlDetails & {
  outcome: string;
  /** seconds the body waited for a 100 Continue */
  wait_seconds?: number;
  got100?: boolean;
  done_waiting?: boolean;
  request_body_bytes?: number;
  bytes_sent?: number;
  /** a wait inferred from -w timers: what it was computed from, and whether curl's version was known */
  inferred_from?: string;
  curl_version_known?: boolean;
};

export const fromCurl: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of curlInputs(run)) {
    const drawn = drawnLanes(model);
    for (const t of model.transfers) {
      // made only for a transfer that gives a draft: most give none (a log of 10,000 failures without
      // an Expect header), and a subject, a key and a lane list made for each was 3 MB of garbage
      const base = () => ({
        detector: 'expect-100-continue',
        input: path,
        subject: subjectOf(t),
        eventKeys: [curlEventKey(path, t)],
        lanes: lanesOf(path, drawn, t),
      });
      if (t.expect100?.sent) {
        const e = t.expect100;
        const outcome = outcomeOf(t);
        const wait = waitOf(t);
        const severity: Severity =
          outcome === 'failed' ? 'error' : outcome === 'got-100' ? (wait !== undefined && wait >= SLOW_100_CONTINUE ? 'warning' : 'info') : 'warning';
        const details: Expect100CurlDetails = { ...baseDetails(t), outcome };
        if (wait !== undefined) details.wait_seconds = round6(wait);
        details.got100 = !!e.got100;
        details.done_waiting = !!e.doneWaiting;
        if (t.requestContentLength !== undefined) details.request_body_bytes = t.requestContentLength;
        if (t.bytesSent !== undefined) details.bytes_sent = t.bytesSent;
        out.push({
          ...base(),
          severity,
          title: titleOf(t, outcome, wait),
          start: e.tSent ?? t.t,
          end: endOf(t) ?? t.endT ?? null,
          evidence: evidenceOf(path, t, EVIDENCE_KEYS),
          details,
          explanation: explainExpect(outcome),
          join: joinOf(t, e.tSent ?? t.t),
        });
        continue;
      }
      const h = writeoutWait(t);
      if (h) {
        const details: Expect100CurlDetails = { ...baseDetails(t), outcome: 'gave-up (inferred from -w timers)' };
        details.wait_seconds = round6(h.wait);
        details.inferred_from = 'time_starttransfer - time_pretransfer on an upload, curl < 8.3 semantics';
        details.curl_version_known = h.versionKnown;
        out.push({
          ...base(),
          severity: h.versionKnown ? 'warning' : 'info',
          title: `Expect: 100-continue: upload${t.url || t.host ? ` to ${nameOf(t)}` : ` at line ${t.line}`} ${h.versionKnown ? '' : 'probably '}waited ~${h.wait.toFixed(3)} s for a 100 Continue (time_starttransfer − time_pretransfer${h.versionKnown ? `, curl ${t.curlVersion}` : ', curl version unknown'})`,
          start: t.t,
          end: t.endT ?? null,
          evidence: evidenceOf(path, t, WRITEOUT_KEYS),
          details,
          explanation:
            explainExpect('writeout') +
            (h.versionKnown ? '' : ' The curl version is not in this input: from 8.3.0 on, time_starttransfer means the first response byte and this gap would be server time instead.'),
          join: joinOf(t, t.t),
        });
      }
    }
  }
  return out;
};

function outcomeOf(t: CurlTransfer): Outcome {
  const e = t.expect100!;
  const badExit = isFailure(t) && t.exitCode !== 22;
  if (badExit) return 'failed';
  if (e.got100 && !e.gaveUp) return 'got-100';
  if (e.gaveUp) return 'gave-up';
  if (e.finalFirst) return 'final-first';
  // Nothing printed after the request: the input ends there (an excerpt) or the exchange never finished.
  return t.httpStatus === undefined ? 'failed' : 'final-first';
}

/** When the wait ended: the first of 100, curl giving up, the body going out, a final status. */
function endOf(t: CurlTransfer): number | undefined {
  const e = t.expect100!;
  const ends = [e.t100, e.tDoneWaiting, e.tBody, e.tFinal].filter((v): v is number => typeof v === 'number');
  return ends.length ? Math.min(...ends) : undefined;
}

function waitOf(t: CurlTransfer): number | undefined {
  const s = t.expect100?.tSent;
  const end = endOf(t);
  if (typeof s !== 'number' || end === undefined || end < s) return undefined;
  return end - s;
}

function titleOf(t: CurlTransfer, o: Outcome, wait: number | undefined): string {
  const w = wait !== undefined ? `${wait.toFixed(3)} s` : undefined;
  const to = nameOf(t);
  switch (o) {
    case 'got-100':
      return `Expect: 100-continue: upload to ${to}${w ? ` waited ${w}` : ''}: the server answered 100 Continue`;
    case 'gave-up':
      return `Expect: 100-continue: upload to ${to} waited ${w ?? 'its expect timeout'}: no 100 Continue came, so curl gave up waiting and sent the body unasked`;
    case 'final-first':
      return `Expect: 100-continue: upload to ${to}${w ? ` waited ${w}` : ''}: the server answered ${t.httpStatus ?? 'with a final status'} instead of 100 Continue`;
    case 'failed':
      return `Expect: 100-continue: upload to ${to} failed${t.httpStatus === undefined ? ' before a final response' : ''}${t.exitCode ? ` (curl error ${t.exitCode})` : ''}`;
  }
}

/** The pre-8.3 -w reading: on an upload, the gap between pretransfer and starttransfer is the expect wait. */
function writeoutWait(t: CurlTransfer): { wait: number; versionKnown: boolean } | undefined {
  if (t.source !== 'writeout' && t.source !== 'json' && t.source !== 'csv') return undefined;
  if (t.expect100) return undefined; // the input says what happened (or that Expect was switched off)
  const tm = t.timings;
  if (tm?.pretransfer === undefined || tm.starttransfer === undefined) return undefined;
  const upload = t.upload || (t.sizeUpload ?? 0) > 0;
  if (!upload) return undefined;
  const before = versionBefore(t.curlVersion, 8, 3);
  if (before === false) return undefined;
  const wait = tm.starttransfer - tm.pretransfer;
  if (Math.abs(wait - CURL_EXPECT_TIMEOUT) > EXPECT_TIMEOUT_TOLERANCE) return undefined;
  return { wait, versionKnown: before === true };
}
