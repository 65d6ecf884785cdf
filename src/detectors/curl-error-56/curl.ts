/**
 * curl error 56 ("Failure when receiving data from the peer") as curl itself
 * or an application log reported it, in any wording: `Recv failure: …`,
 * `OpenSSL SSL_read: …, errno 104`, `SSL_read: unexpected eof`, NSS's
 * `TCP connection reset by peer`, translated strerror texts (the code and the
 * errno decide, not the English). The commonest way a production HTTP call
 * dies mid-response; the details say which layer failed and how far the body got.
 */
import {
  baseDetails,
  type CurlDetails,
  type ReceivedBody,
  type RecvKind,
  curlInputs,
  drawnLanes,
  explainCode,
  failureDraft,
  failureTime,
  joinOf,
  nameOf,
  receivedBody,
  recvKind,
} from '../../analysis/curl/index.js';
import type { CurlTransfer } from '../../model/index.js';
import { streamed, type DetectEach } from '../types.js';

/** curl-error-56 as curl or a log saw it. */
export type CurlError56CurlDetails = CurlDetails & {
  /** which layer failed: a reset, an EOF without close_notify, a timeout, a proxy refusing CONNECT */
  failure: RecvKind;
  /** how far the exchange had got */
  stage: string;
};

const EVIDENCE_KEYS = ['command', 'request', 'status', 'contentLength', 'data', 'lastData', 'progress', 'errorInfo', 'error', 'var:exitcode', 'var:return_code'];

/** The curl-side drafts, each handed on as it is made. */
export const eachFromCurl: DetectEach = (run, emit) => {
  for (const { path, model } of curlInputs(run)) {
    const drawn = drawnLanes(model);
    // recvKind of the transfer before, by what it reads (message, info lines, wording, errno, proxy
    // status): a log of failures has the same message on every one, and recvKind tries up to six
    // regular expressions on it (whose compiled code a full collection throws away with the rest)
    let known: CurlTransfer | undefined;
    let knownKind: RecvKind = 'other';
    for (const t of model.transfers) {
      if (t.exitCode !== 56) continue;
      // each worked out once per transfer: the title, the details and the explanation all use them
      const same =
        known !== undefined &&
        t.errorMessage === known.errorMessage &&
        t.infoErrors === undefined &&
        known.infoErrors === undefined &&
        t.wording === known.wording &&
        t.errno === known.errno &&
        t.proxyConnectStatus === known.proxyConnectStatus;
      const kind: RecvKind = same ? knownKind : recvKind(t);
      known = t;
      knownKind = kind;
      const at = failureTime(t);
      const received = receivedBody(t);
      const st = stage(t, received);
      // the fields added to baseDetails' own object: a spread copy of it takes V8's slow generic path (details vary in shape)
      const details = baseDetails(t, received) as CurlError56CurlDetails;
      details.failure = kind;
      details.stage = st;
      const explanation = explainCode(t, kind);
      emit(failureDraft(path, t, drawn, { detector: 'curl-error-56', severity: 'error', title: title(t, kind, received, st), details, evidenceKeys: EVIDENCE_KEYS, at, explanation, join: joinOf(t, at, received) }));
    }
  }
};

export const fromCurl = streamed(eachFromCurl);

/** How far the exchange had got when it failed, as far as the input shows. */
function stage(t: CurlTransfer, r: ReceivedBody): string {
  if (t.httpStatus !== undefined) {
    return r.bytes || r.approx ? 'while receiving the response body' : 'after the response head';
  }
  if (t.proxyConnectStatus !== undefined) return 'while setting up the proxy tunnel';
  if (t.evidence.request || t.method) return 'before any response';
  return 'unknown (the input shows only the error)';
}

function title(t: CurlTransfer, kind: RecvKind, r: ReceivedBody, st: string): string {
  const what =
    kind === 'reset'
      ? 'connection reset by the peer'
      : kind === 'eof'
        ? 'connection closed without TLS close_notify'
        : kind === 'timeout'
          ? 'receive timed out'
          : kind === 'proxy'
            ? 'proxy refused the CONNECT tunnel'
            : 'receive failure';
  let where = '';
  if (st === 'while receiving the response body') {
    const n = r.bytes ?? r.approx;
    const q = r.bytes !== undefined ? '' : r.atLeast !== undefined ? 'at least ' : '~';
    where = ` mid-body${n !== undefined ? ` after ${q}${n} bytes` : ''}${t.contentLength !== undefined ? ` of ${t.contentLength}` : ''}`;
  } else if (st === 'before any response') where = ' before any response';
  const of = t.url || t.host ? ` from ${nameOf(t)}` : '';
  return `Receive failed: ${what}${where}${of} (curl error 56)`;
}
