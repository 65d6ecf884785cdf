/**
 * A peer broke HTTP/1.x (a bad chunk size, a Content-Length that is no length,
 * a status line that is not one, a malformed request line): named with its
 * packet and byte, as the server's (or client's) fault — never as capture
 * loss, which would send people to check their capture instead of the server.
 */
import type { FindingDraft } from '../model/index.js';
import { captureInputs, evidence, exchangeBase, joinFacts, requestName } from '../analysis/tcp/findings.js';
import type { Detector, ExchangeDetails } from './types.js';

/** where a message broke HTTP/1.x, and whether reading went on */
export type HttpViolationDetails = ExchangeDetails & {
  /** whose message: orig (request) or resp (response) */
  side: 'orig' | 'resp';
  violation: string;
  packet: number;
  /** 0-based offset in that side's byte stream */
  stream_offset: number;
  /** true: read on as RFC 9112 says; false: nothing after it could be read as HTTP */
  read_on: boolean;
};

/** Findings per input before the rest are summed into one */
const MAX_PER_INPUT = 50;

export const httpViolation: Detector = {
  id: 'http-violation',
  description: 'An HTTP/1.x message that breaks the protocol (framing, status or request line), located by packet and byte: the peer’s fault, not capture loss.',
  detect: (run) => {
    const out: FindingDraft[] = [];
    for (const { path, model } of captureInputs(run)) {
      let n = 0;
      let more = 0;
      for (const c of model.connections) {
        for (const ex of c.exchanges) {
          const v = ex.violation;
          if (!v) continue;
          if (n++ >= MAX_PER_INPUT) {
            more++;
            continue;
          }
          const base = exchangeBase(path, c, ex);
          const who = v.side === 'resp' ? 'server' : 'client';
          out.push({
            detector: 'http-violation',
            severity: 'info',
            title: `HTTP ${v.side === 'resp' ? 'response' : 'request'} breaks the protocol in ${requestName(ex)}: ${v.what}`,
            input: path,
            start: v.at.t,
            end: ex.endAt?.t ?? v.at.t,
            subject: base.subject,
            evidence: evidence(path, [ex.requestStart, ex.response?.start, v.at]),
            details: {
              ...(base.details as ExchangeDetails),
              side: v.side,
              violation: v.what,
              packet: v.at.frame,
              stream_offset: v.streamOffset,
              read_on: !v.fatal,
            } satisfies HttpViolationDetails,
            explanation:
              `The ${who} sent bytes that are not valid HTTP/1.x, starting at byte ${v.streamOffset} of its stream (packet ${v.at.frame}). ` +
              (v.fatal
                ? `Nothing after it on this connection can be read as HTTP; clients give up here (curl: "Illegal or missing hexadecimal sequence", "Invalid Content-Length", "Unsupported response code"). The capture itself is complete.`
                : `Clients read on the way RFC 9112 says, but such a message confuses some of them.`),
            join: joinFacts(c, ex, v.at.t),
            eventKeys: base.eventKeys,
            lanes: base.lanes,
          });
        }
      }
      if (more) {
        out.push({ detector: 'http-violation', severity: 'info', title: `${more} more HTTP protocol violations`, input: path, start: null, subject: {}, evidence: [{ input: path }], details: { violations: more } });
      }
    }
    return out;
  },
};
