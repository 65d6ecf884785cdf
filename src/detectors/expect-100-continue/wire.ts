/**
 * Every request sent with `Expect: 100-continue`, on the wire: how long its
 * body waited after the headers, and what ended the wait — the server's
 * 100 Continue, a final status first (417, or a 200 that ignores the body),
 * or the client giving up and sending the body unasked (curl waits 1 s).
 */
import type { FindingDraft, FrameRef, HttpExchange, Severity } from '../../model/index.js';
import { captureInputs, evidence, exchangeBase, fmtSeconds, joinFacts, ms, requestName } from '../../analysis/tcp/findings.js';
import type { DetectorPart, ExchangeDetails } from '../types.js';

/** A body held back this long is a delay worth a warning */
/** expect-100-continue as the capture saw it. */
export type Expect100WireDetails = ExchangeDetails & {
  expect: string | undefined;
  wait_ms: number;
  ended_by: string;
  body_bytes_sent: number;
  body_bytes_expected?: number;
  continue_frame?: number;
  interim_statuses?: number[];
  client_timeout_note?: string;
  exchange_end?: string;
  ttfb_ms?: number;
};

export const SLOW_100_CONTINUE = 0.2; /* s */
/** curl's default --expect100-timeout */
const CURL_EXPECT_TIMEOUT = 1; /* s */

type EndedBy = '100-continue' | 'final-status' | 'client-timeout' | 'close' | 'capture-end';

interface Wait {
  endedBy: EndedBy;
  wait: number;
  until: FrameRef;
}

function waitOf(ex: HttpExchange, from: FrameRef): Wait | undefined {
  const body = ex.requestBody.first;
  const cont = ex.continueAt;
  const final = ex.response?.start;
  if (body) {
    const wait = body.t - from.t;
    if (cont && cont.t <= body.t) return { endedBy: '100-continue', wait, until: body };
    if (final && final.t <= body.t) return { endedBy: 'final-status', wait, until: body };
    return { endedBy: 'client-timeout', wait, until: body };
  }
  const first = [cont, final].filter((x): x is FrameRef => !!x).sort((a, b) => a.t - b.t)[0];
  if (first) return { endedBy: first === cont ? '100-continue' : 'final-status', wait: first.t - from.t, until: first };
  if (ex.endAt) return { endedBy: ex.end === 'capture-end' ? 'capture-end' : 'close', wait: ex.endAt.t - from.t, until: ex.endAt };
  return undefined;
}

export const fromWire: DetectorPart = (run) => {
  const out: FindingDraft[] = [];
  for (const { path, model } of captureInputs(run)) {
    for (const c of model.connections) {
      for (const ex of c.exchanges) {
        if (!ex.headers.expect || !/100-continue/i.test(ex.headers.expect) || !ex.requestHeadersEnd) continue;
        const from = ex.requestHeadersEnd;
        const w = waitOf(ex, from);
        if (!w) continue;
        const r = ex.response;
        // failed: closed or reset with no complete final response (none, or a truncated body)
        const failed = (ex.end === 'rst' || ex.end === 'fin') && !r?.body.complete;
        const finalFirst = w.endedBy === 'final-status';
        let severity: Severity = 'info';
        if (failed) severity = 'error';
        else if (w.wait >= SLOW_100_CONTINUE || w.endedBy === 'client-timeout' || finalFirst || w.endedBy === 'capture-end') severity = 'warning';
        const base = exchangeBase(path, c, ex);
        const details: Expect100WireDetails = {
          ...(base.details as ExchangeDetails),
          expect: ex.headers.expect,
          wait_ms: ms(w.wait),
          ended_by: w.endedBy,
          body_bytes_sent: ex.requestBody.seen,
        };
        if (ex.requestBody.expected !== undefined) details.body_bytes_expected = ex.requestBody.expected;
        if (ex.continueAt) details.continue_frame = ex.continueAt.frame;
        if (ex.interim.length > 1) details.interim_statuses = ex.interim.map((i) => i.status);
        if (w.endedBy === 'client-timeout' && Math.abs(w.wait - CURL_EXPECT_TIMEOUT) < 0.2) {
          details.client_timeout_note = `matches curl's default --expect100-timeout of ${CURL_EXPECT_TIMEOUT} s`;
        }
        if (failed) details.exchange_end = ex.end;
        if (ex.ttfb !== undefined) details.ttfb_ms = ms(ex.ttfb);
        const endedText: Record<EndedBy, string> = {
          '100-continue': 'the server answered 100 Continue',
          'final-status': `the server answered ${r ? r.status : 'with a final status'} instead of 100 Continue`,
          'client-timeout': 'no 100 Continue came, so the client gave up waiting and sent the body unasked',
          close: `the connection was closed (${ex.end}) with no answer`,
          'capture-end': 'the capture ended with no answer',
        };
        out.push({
          detector: 'expect-100-continue',
          severity,
          title: `Expect: 100-continue: ${requestName(ex)} waited ${fmtSeconds(w.wait)}: ${endedText[w.endedBy]}`,
          input: path,
          start: from.t,
          end: w.until.t,
          subject: base.subject,
          evidence: evidence(path, [ex.requestStart, ex.continueAt, ex.requestBody.first, r?.start, failed ? ex.endAt : undefined]),
          details,
          explanation: [
            'The client sent its headers with Expect: 100-continue and held the body back until the server agreed.',
            ex.requestBody.first ? `The body waited ${fmtSeconds(w.wait)}; ${endedText[w.endedBy]}.` : `No body was sent; after ${fmtSeconds(w.wait)} ${endedText[w.endedBy]}.`,
            w.endedBy === 'client-timeout'
              ? 'Every such upload pays this delay (curl waits 1 s by default): make the server answer 100 Continue, or send an empty "Expect:" header to skip the wait.'
              : '',
            finalFirst ? 'A final status before the body means the server refused or ignored the upload.' : '',
            failed ? `The exchange then failed (${ex.end === 'rst' ? 'reset' : ex.end === 'fin' ? 'closed' : 'incomplete response'}).` : '',
          ]
            .filter(Boolean)
            .join(' '),
          join: joinFacts(c, ex, w.until.t),
          eventKeys: base.eventKeys,
          lanes: base.lanes,
        });
      }
    }
  }
  return out;
};
