/**
 * Plain-words explanations of curl failures: the likely cause and what to
 * check next, chosen by the exit code and, for 56, by the wording and errno
 * (a reset, a TLS close without close_notify and a TCP timeout are three
 * different stories that curl numbers alike).
 */
import { CURL_CODES, RESET_ERRNOS, TIMEOUT_ERRNOS, type CurlTransfer } from '../../model/index.js';

export type RecvKind = 'reset' | 'eof' | 'timeout' | 'proxy' | 'other';

/**
 * recvKind's wordings, made once: a regular expression written in the function is a new object at
 * each call (one per pattern per failed transfer). None has the g or y flag, so `test` keeps no state.
 */
const FROM_PROXY = /from proxy after CONNECT/i;
const RESET_BY_PEER = /reset by peer/i;
const RESET_WORDS = /reset|ECONNRESET|Connection was reset/i;
const EOF_WORDS = /unexpected eof|Unexpected EOF|errno 0\b|SSL_ERROR_SYSCALL, errno 0/i;
const TIMEOUT_WORDS = /timed out|ETIMEDOUT/i;

/**
 * The explanations without a part of their own per transfer, each made once: a string joined with
 * `+` in a function is a new one at every call, and a finding keeps its explanation (10,000
 * failures held 10,000 copies of one text, each hashed again where the redaction looks it up).
 */
const WHY_RESET_56 =
  'The server, or something between (load balancer, reverse proxy, firewall, NAT), reset the TCP connection (RST) while curl was waiting for or reading the response. ' +
  'Check the server and proxy logs at that moment for a crashed or killed worker, a request cut by a timeout (proxy_read_timeout, request_terminate_timeout, max_execution_time), ' +
  'a reused keep-alive connection the server had already dropped, or a middlebox expiring idle connections. A capture on the client shows who sent the RST.';
const WHY_EOF_56 =
  'The peer closed the connection (a TCP FIN) in the middle of the TLS stream without a TLS close_notify. OpenSSL 3 reports that as an error ("unexpected eof while reading"). ' +
  'If the body was complete, the server or proxy simply closes without close_notify (old servers, some load balancers): compare the bytes received with the announced length. ' +
  'If it was not, the server or a proxy cut the response: check their timeouts and logs.';
const WHY_TIMEOUT_56 =
  'The receive failed with a TCP timeout (ETIMEDOUT): the peer stopped acknowledging data, so the kernel gave up on the connection. ' +
  'Look for a network path that drops packets, a firewall or NAT that forgot the connection, or a server host that went away; TCP keepalive settings decide how soon this shows.';
const WHY_PARTIAL_18 =
  'The server (or a proxy) ended the connection before the whole body arrived: the response announced more bytes (Content-Length) than came, or a chunked body stopped before its last chunk. ' +
  'Check the server for a crash or a timeout mid-response (upstream timeouts, a killed worker, max execution time), a proxy buffer or size limit, or a wrong Content-Length (computed before compression or on a stale file).';
const WHY_EMPTY_52 =
  'The server accepted the connection and the request but closed it without sending a single byte of response. ' +
  'Usual causes: the server process crashed or was killed while handling the request, a worker or proxy timeout closed it, curl reused a keep-alive connection the server had just closed, ' +
  'or plain HTTP was sent to a TLS port (or the reverse). Check the server and proxy error logs at that time.';
const WHY_TIMEOUT_28 =
  'The transfer ran into a time limit (--max-time / --connect-timeout, CURLOPT_TIMEOUT / CURLOPT_CONNECTTIMEOUT). ' +
  'See which phase was slow: connecting (a firewall dropping SYNs, an overloaded listener), the server thinking (time to first byte), or the body trickling in; raise the limit only once that is known.';
const WHY_SEND_55 =
  'curl failed while sending the request (e.g. EPIPE or a reset): the server closed or reset the connection while the request — usually a large upload body — was still being sent. ' +
  'Servers do this when they answer early (413 too large, 401, or a final status after reading part of the body) and close. Check the server\'s body size limits and whether it replies before reading the whole body.';
const WHY_HTTP2_92 =
  'An HTTP/2 stream ended without being closed cleanly: the server or a proxy reset it (RST_STREAM) or closed the connection (GOAWAY) with the error code shown. ' +
  'INTERNAL_ERROR usually hides an upstream failure behind an HTTP/2 proxy; check its logs and limits (idle timeouts, max concurrent streams). Retrying with --http1.1 tells whether HTTP/2 itself is involved.';

/** explainExpect's texts, made once (see WHY_RESET_56): the wait explained, then what this case shows. */
const EXPECT_BASE =
  'curl sends `Expect: 100-continue` on uploads (by default on bodies over 1 MiB in current versions, smaller ones in old versions, or when asked with -H) and holds the body back until the server answers `100 Continue` or its expect timeout runs out (1 s by default; --expect100-timeout, CURLOPT_EXPECT_100_TIMEOUT_MS). ';
const EXPECT_WHY: Record<'gave-up' | 'final-first' | 'got-100' | 'failed' | 'writeout', string> = {
  'gave-up':
    EXPECT_BASE +
    'Here no 100 came, so curl waited its timeout and then sent the body unasked: every such upload pays that wait. Servers and proxies that ignore Expect are common. ' +
    'Remove the header (`-H "Expect:"`, or an empty "Expect:" in CURLOPT_HTTPHEADER / Guzzle\'s `expect => false`) or make the server answer 100.',
  'final-first':
    EXPECT_BASE +
    'Here the server sent its final answer before any 100, without waiting for the body: it refused or did not need the upload (417 Expectation Failed, 401, 413, or an early 2xx). ' +
    'If the status is an error, that is the problem to look at; if it is a success, the server may have ignored the body.',
  'got-100':
    EXPECT_BASE +
    'Here the server answered 100 Continue and the body followed: the handshake worked; the finding records how long it took.',
  failed:
    EXPECT_BASE +
    'Here the upload then failed. When a server does not understand Expect it may wait for a body that curl holds back, or reject the request and close the connection while curl starts sending: ' +
    'check whether the server or a proxy supports Expect, and retry with the header removed (`-H "Expect:"`).',
  writeout:
    EXPECT_BASE +
    'Before curl 8.3.0, time_starttransfer was taken when the first body byte was *sent*, so on an upload time_starttransfer − time_pretransfer ≈ the expect timeout is that wait, not server think time (curl/curl#11669). ' +
    'Check with -v (look for `Done waiting for 100-continue`) and remove the header (`-H "Expect:"`) if the server does not answer 100.',
};

/** What kind of receive failure a 56 was, from its wording and errno. */
export function recvKind(t: CurlTransfer): RecvKind {
  // the message and the info lines, one space apart (none of the patterns below can tell whether a
  // space ends the text: without info lines the message alone, not a copy per transfer)
  const msg = t.infoErrors?.length ? `${t.errorMessage ?? ''} ${t.infoErrors.join(' ')}` : (t.errorMessage ?? '');
  if (t.wording === 'proxy-connect-status' || FROM_PROXY.test(msg)) {
    // 7.38's `Recv failure: Connection reset by peer` then `Received HTTP code 0 from proxy`: the proxy reset.
    if (RESET_BY_PEER.test(msg) || t.proxyConnectStatus === 0) return 'reset';
    return 'proxy';
  }
  if (t.errno !== undefined && RESET_ERRNOS.has(t.errno)) return 'reset';
  if (t.errno !== undefined && TIMEOUT_ERRNOS.has(t.errno)) return 'timeout';
  if (RESET_WORDS.test(msg)) return 'reset';
  if (EOF_WORDS.test(msg)) return 'eof';
  if (TIMEOUT_WORDS.test(msg)) return 'timeout';
  return 'other';
}

/** `kind`: recvKind(t) when the caller has worked it out already (it reads the messages with regexes). */
export function explainCode(t: CurlTransfer, kind?: RecvKind): string {
  const code = t.exitCode;
  switch (code) {
    case 56: {
      switch (kind ?? recvKind(t)) {
        case 'reset':
          return WHY_RESET_56;
        case 'eof':
          return WHY_EOF_56;
        case 'timeout':
          return WHY_TIMEOUT_56;
        case 'proxy':
          return (
            `The proxy refused or failed the CONNECT tunnel${t.proxyConnectStatus !== undefined ? ` (it answered HTTP ${t.proxyConnectStatus})` : ''}; curl before 7.73 reports this as error 56. ` +
            'Check the proxy settings (HTTPS_PROXY/https_proxy, CURLOPT_PROXY) and the proxy\'s policy and logs; 407 means it wants credentials, 403/417 that it refuses the target or the request.'
          );
        default:
          return 'curl failed while receiving the response (error 56, "Failure when receiving data from the peer"). The wording names the layer that failed; a capture or an strace of the client shows whether the peer reset or closed the connection.';
      }
    }
    case 18:
      return WHY_PARTIAL_18;
    case 52:
      return WHY_EMPTY_52;
    case 7:
      return 'curl could not open the TCP connection: refused (nothing listens on that address and port, or a firewall rejects it) or unreachable. Check that the service is up and listening where the URL points, and any firewall in between.';
    case 6:
      return 'The host name did not resolve. Check the name in the URL, the resolver configuration (/etc/resolv.conf, container DNS), and that the resolver is reachable.';
    case 5:
      return 'The proxy host name did not resolve. Check the proxy setting (HTTP(S)_PROXY, CURLOPT_PROXY) and DNS.';
    case 28:
      return WHY_TIMEOUT_28;
    case 35:
      return /reset/i.test(t.errorMessage ?? '')
        ? 'The TLS handshake was cut by a reset: the server or a middlebox (firewall, TLS-inspecting proxy) rejected the connection during the handshake — often a TLS version, cipher or SNI that it refuses. Try the handshake with `openssl s_client -connect host:443 -servername host`.'
        : 'The TLS handshake failed (protocol version, cipher, SNI, or the peer closing during the handshake). Try the handshake with `openssl s_client -connect host:443 -servername host` and compare the TLS versions both sides allow.';
    case 55:
      return WHY_SEND_55;
    case 92:
      return WHY_HTTP2_92;
    case 16:
      return 'The HTTP/2 framing layer failed (a protocol error between curl and the server or proxy). Check the proxy/server HTTP/2 logs; retrying with --http1.1 tells whether HTTP/2 is involved.';
    case 26:
      return 'curl could not read the data it was to upload: the file or stream it read the body from ended before the announced length, or the read callback failed. Check the local file or the application feeding the upload.';
    case 22:
      return 'The server answered with an HTTP error status and -f/--fail (CURLOPT_FAILONERROR) turned it into a failure; the status and the server\'s logs are what to look at.';
    case 23:
      return 'curl could not write what it received (disk full, a closed pipe, or a write callback that refused the data). The problem is on the client side, not the network.';
    case 47:
      return 'Redirects went on past the limit (--max-redirs): probably a redirect loop between URLs or schemes. Follow them with -v to see the loop.';
    case 58:
    case 77:
      return 'curl could not use the local certificate or CA bundle it was given. Check the file paths, formats and permissions of the client certificate, key and CA bundle.';
    case 60:
      return 'The server certificate did not verify against the CA bundle (expired, self-signed, wrong name, missing intermediate). Check the chain with `openssl s_client -showcerts`.';
    default: {
      const c = code !== undefined ? CURL_CODES[code] : undefined;
      return c
        ? `curl reported error ${code} (${c.name}: ${c.text}). The message says which step failed; the curl error documentation (libcurl-errors) lists what the code covers.`
        : `curl reported error ${code ?? '(unknown code)'}; the message says which step failed.`;
    }
  }
}

/** Why an Expect: 100-continue wait happens and what to change. */
export function explainExpect(kind: 'gave-up' | 'final-first' | 'got-100' | 'failed' | 'writeout'): string {
  return EXPECT_WHY[kind];
}
