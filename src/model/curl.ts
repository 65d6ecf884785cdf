/**
 * curl transfers as the curl/app-log parsers emit them, and the analysed model.
 * Owners: parsers/curl, parsers/applog, src/analysis/curl.
 *
 * One `CurlTransfer` is what one input says about one HTTP transfer (or, for
 * an application log line, one failed call). Every field is something the
 * input really printed, or says how it was inferred; unknown stays undefined.
 */
import type { Endpoint } from './finding.js';
import type { Lane } from './timeline.js';

/** Where in the input a fact was read: cited as a finding's evidence. */
export interface CurlEvidenceLine {
  line: number;
  /** the line as written (trimmed, at most MAX_EVIDENCE_TEXT characters) */
  text: string;
  /** time of that line in the input's clock, when the line had one */
  t?: number | null;
}

export const MAX_EVIDENCE_TEXT = 300; /* characters */
/** Request/response header lines kept per transfer (the rest are counted only). */
export const MAX_HEADER_LINES = 40;
/** -w / %{json} / CSV variables kept per transfer. */
export const MAX_VARS = 120;

/**
 * Which view of curl produced the transfer.
 * - verbose: `curl -v` stderr (`*`, `>`, `<`, `{ [N bytes data]`)
 * - trace: `--trace` / `--trace-ascii` (`== Info:`, `=> Send header`)
 * - writeout: `-w` text template, `name: value` lines, or a `curl_getinfo()` print_r dump
 * - json: `-w '%{json}'` objects (or a binding's JSON dump of the same variables)
 * - csv: rows of a script's CSV whose header names curl variables
 * - log: one application-log line carrying a curl error (PHP, Guzzle, pycurl, the curl tool's one-liner)
 */
export type CurlSource = 'verbose' | 'trace' | 'writeout' | 'json' | 'csv' | 'log';

/**
 * How the exit code is known.
 * - curl: the tool's own `curl: (N) message` line
 * - variable: `%{exitcode}` / `curl_errno` / a CSV column
 * - log: a library's text that names the code (`cURL error 56:`, `(Code 56)`, pycurl `(18, '…')`)
 * - wording: no code printed; inferred from curl's wording of the message (`Recv failure: …` ⇒ 56)
 */
export type ExitCodeSource = 'curl' | 'variable' | 'log' | 'wording';

/** curl's timers, in seconds from the start of the transfer (as -w prints them). */
export interface CurlTimings {
  namelookup?: number;
  connect?: number;
  appconnect?: number;
  pretransfer?: number;
  posttransfer?: number;
  starttransfer?: number;
  total?: number;
  redirect?: number;
  queue?: number;
}

/**
 * The Expect: 100-continue handshake as curl showed it. Times are in the
 * input's clock and only present with --trace-time (or -v --trace-time).
 */
export interface CurlExpect100 {
  /** the request carried `Expect: 100-continue` */
  sent: boolean;
  tSent?: number | null;
  /** a `100 Continue` interim response arrived */
  got100?: boolean;
  t100?: number | null;
  /** `Done waiting for 100-continue` was printed */
  doneWaiting?: boolean;
  tDoneWaiting?: number | null;
  /** did `Done waiting` come before any 100 (curl gave up: its expect timeout ran out) */
  gaveUp?: boolean;
  /** first request body byte sent (trace `=> Send data`) */
  tBody?: number | null;
  /** a final (non-1xx) status arrived before any 100 and before curl gave up */
  finalFirst?: boolean;
  tFinal?: number | null;
}

/**
 * How an undated transfer (-w text, %{json}, CSV: no wall-clock time) was put on
 * the run's clock: the capture connection with the same two ends (local and
 * remote address and port) gave its time. Never set by parsers.
 */
export interface PlacedTime {
  /** the capture (inputs[].path) whose connection gave the time */
  input: string;
  /** that connection, `client->server` */
  connection: string;
  /** the frame the time was read from (1-based, as Wireshark numbers it) */
  packet: number;
  /** what was read and what was subtracted, in words */
  how: string;
}

export interface CurlTransfer {
  /** line where the transfer's record starts */
  line: number;
  endLine?: number;
  /**
   * start time in the input's clock; for an undated view the pipeline placed on a
   * capture's clock (`placed`), the run's clock
   */
  t: number | null;
  endT?: number | null;
  /** set by the pipeline when an undated view (-w, %{json}) took its time from a capture's connection */
  placed?: PlacedTime;
  url?: string;
  method?: string;
  exitCode?: number;
  errorMessage?: string;

  /** which view of curl this came from */
  source?: CurlSource;
  /** 1-based order of the transfer in its input (set by the analysis) */
  n?: number;
  exitCodeSource?: ExitCodeSource;
  /** id of the known wording the message matched (see `CURL_WORDINGS` in parsers/curl/errors) */
  wording?: string;
  /** `errno N` printed in the message (OpenSSL/LibreSSL/GnuTLS wordings) */
  errno?: number;
  /** the errno's usual name and platform, e.g. 'ECONNRESET (Linux)' */
  errnoName?: string;
  /** earlier info-line wordings of the same failure (`* Recv failure: …`) */
  infoErrors?: string[];

  /** server host as written in the URL / Host header / `Connected to`, lower case */
  host?: string;
  /** final HTTP status (0 and 000 from -w mean none, left undefined) */
  httpStatus?: number;
  /** every status line seen, interim ones included (e.g. [100, 200]) */
  statuses?: number[];
  httpVersion?: string;
  /** HTTP status of a proxy's answer to CONNECT, when one was printed */
  proxyConnectStatus?: number;
  timings?: CurlTimings;
  /** what was odd about the printed timers and how it was corrected */
  timingNotes?: string[];

  /** -w size_download, or the sum of `{ [N bytes data]` / `<= Recv data` after the response head */
  sizeDownload?: number;
  sizeUpload?: number;
  headerSize?: number;
  requestSize?: number;
  /** Content-Length the response announced */
  contentLength?: number;
  /** Content-Length the request announced */
  requestContentLength?: number;
  /** response body bytes curl received: the sum of `<= Recv data` (trace), or what a failure message counted */
  bytesReceived?: number;
  /**
   * A lower bound from `-v`'s `{ [N bytes data]` lines: curl prints one such
   * line per run of data chunks, not one per chunk, so their sum undercounts.
   */
  bytesReceivedAtLeast?: number;
  /** request body bytes seen in `} [N bytes data]` / `=> Send data` lines or `upload completely sent off: N` */
  bytesSent?: number;
  /** `transfer closed with N bytes remaining to read` */
  bytesRemaining?: number;
  /** bytes received as the progress meter last showed them (rounded: `2585k`) */
  progressReceived?: number;
  /** `Operation timed out after N milliseconds with M bytes received` */
  timeoutAfterMs?: number;

  local?: Endpoint;
  remote?: Endpoint;
  /** `curl 7.88.1` → '7.88.1', from User-Agent, %{curl_version} or `curl --version` */
  curlVersion?: string;
  userAgent?: string;
  /** `(#0)` connection number; `reused` when curl said `Re-using existing connection` */
  connectionId?: number;
  reused?: boolean;
  /** the transfer sent (or meant to send) a request body */
  upload?: boolean;
  expect100?: CurlExpect100;
  /** how the connection ended as curl said: left intact or closed */
  closed?: 'intact' | 'closed';
  /** request/response header lines as printed (bounded by MAX_HEADER_LINES each) */
  requestHeaders?: string[];
  responseHeaders?: string[];
  headersDropped?: number;
  /** -w/%{json}/CSV variables as printed, unknown ones included (bounded by MAX_VARS) */
  vars?: Record<string, string | number | boolean | null>;
  /** `--trace-ids` `[conn-xfer]` of the transfer */
  traceId?: string;
  /**
   * Where each fact was read, so findings cite the right lines. Keys:
   * start, request, status, interim100, expect, doneWaiting, error, errorInfo,
   * contentLength, connected, remaining, data, close, version, upload,
   * and `var:<name>` for -w/%{json}/CSV variables.
   */
  evidence: Record<string, CurlEvidenceLine>;
}

export interface CurlModel {
  kind: 'curl';
  /** what was seen, counted in finish() (InputStats) */
  stats?: Record<string, number>;
  transfers: CurlTransfer[];
  lanes: Lane[];
  /** transfers not kept (successful ones beyond the cap; failures are always kept up to a larger cap) */
  transfersDropped?: number;
  /** lanes not built beyond the cap (their transfers are still in `transfers`) */
  lanesDropped?: number;
  /** the input's clock as the parser found it */
  clock?: 'epoch' | 'time-of-day' | 'relative' | 'none';
}

/**
 * libcurl's CURLcode numbers this project names, with the CURLE_ name and
 * curl_easy_strerror()'s text (the wording of libcurl 7.6x–8.x).
 */
export const CURL_CODES: Readonly<Record<number, { name: string; text: string }>> = {
  1: { name: 'CURLE_UNSUPPORTED_PROTOCOL', text: 'Unsupported protocol' },
  2: { name: 'CURLE_FAILED_INIT', text: 'Failed initialization' },
  3: { name: 'CURLE_URL_MALFORMAT', text: 'URL using bad/illegal format or missing URL' },
  5: { name: 'CURLE_COULDNT_RESOLVE_PROXY', text: "Couldn't resolve proxy name" },
  6: { name: 'CURLE_COULDNT_RESOLVE_HOST', text: "Couldn't resolve host name" },
  7: { name: 'CURLE_COULDNT_CONNECT', text: "Couldn't connect to server" },
  8: { name: 'CURLE_WEIRD_SERVER_REPLY', text: 'Weird server reply' },
  16: { name: 'CURLE_HTTP2', text: 'Error in the HTTP2 framing layer' },
  18: { name: 'CURLE_PARTIAL_FILE', text: 'Transferred a partial file' },
  22: { name: 'CURLE_HTTP_RETURNED_ERROR', text: 'HTTP response code said error' },
  23: { name: 'CURLE_WRITE_ERROR', text: 'Failed writing received data to disk/application' },
  25: { name: 'CURLE_UPLOAD_FAILED', text: 'Upload failed' },
  26: { name: 'CURLE_READ_ERROR', text: 'Failed to open/read local data from file/application' },
  27: { name: 'CURLE_OUT_OF_MEMORY', text: 'Out of memory' },
  28: { name: 'CURLE_OPERATION_TIMEDOUT', text: 'Timeout was reached' },
  33: { name: 'CURLE_RANGE_ERROR', text: 'Requested range was not delivered by the server' },
  35: { name: 'CURLE_SSL_CONNECT_ERROR', text: 'SSL connect error' },
  42: { name: 'CURLE_ABORTED_BY_CALLBACK', text: 'Operation was aborted by an application callback' },
  43: { name: 'CURLE_BAD_FUNCTION_ARGUMENT', text: 'A libcurl function was given a bad argument' },
  47: { name: 'CURLE_TOO_MANY_REDIRECTS', text: 'Number of redirects hit maximum amount' },
  52: { name: 'CURLE_GOT_NOTHING', text: 'Server returned nothing (no headers, no data)' },
  55: { name: 'CURLE_SEND_ERROR', text: 'Failed sending data to the peer' },
  56: { name: 'CURLE_RECV_ERROR', text: 'Failure when receiving data from the peer' },
  58: { name: 'CURLE_SSL_CERTPROBLEM', text: 'Problem with the local SSL certificate' },
  59: { name: 'CURLE_SSL_CIPHER', text: "Couldn't use specified SSL cipher" },
  60: { name: 'CURLE_PEER_FAILED_VERIFICATION', text: "SSL peer certificate or SSH remote key was not OK" },
  61: { name: 'CURLE_BAD_CONTENT_ENCODING', text: 'Unrecognized or bad HTTP Content or Transfer-Encoding' },
  63: { name: 'CURLE_FILESIZE_EXCEEDED', text: 'Maximum file size exceeded' },
  65: { name: 'CURLE_SEND_FAIL_REWIND', text: 'Send failed since rewinding of the data stream failed' },
  77: { name: 'CURLE_SSL_CACERT_BADFILE', text: 'Problem with the SSL CA cert (path? access rights?)' },
  80: { name: 'CURLE_SSL_SHUTDOWN_FAILED', text: 'Failed to shut down the SSL connection' },
  92: { name: 'CURLE_HTTP2_STREAM', text: 'Stream error in the HTTP/2 framing layer' },
  95: { name: 'CURLE_HTTP3', text: 'HTTP/3 error' },
  97: { name: 'CURLE_PROXY', text: 'proxy handshake error' },
};

/**
 * errno values curl appends to TLS read/write errors, with the platform that
 * uses that number (54 and 60 mean other things on Linux; in an
 * `SSL_read: …, errno N` message they come from macOS/BSD).
 */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  0: 'none (the peer closed: end of file)',
  32: 'EPIPE (Linux)',
  54: 'ECONNRESET (macOS/BSD)',
  60: 'ETIMEDOUT (macOS/BSD)',
  104: 'ECONNRESET (Linux)',
  110: 'ETIMEDOUT (Linux)',
  111: 'ECONNREFUSED (Linux)',
  113: 'EHOSTUNREACH (Linux)',
  10053: 'WSAECONNABORTED (Windows)',
  10054: 'WSAECONNRESET (Windows)',
  10060: 'WSAETIMEDOUT (Windows)',
};

/** errno values that mean the peer reset (or aborted) the connection. */
export const RESET_ERRNOS: ReadonlySet<number> = new Set([104, 54, 10054, 10053]);
/** errno values that mean the receive timed out at the TCP level. */
export const TIMEOUT_ERRNOS: ReadonlySet<number> = new Set([110, 60, 10060]);
