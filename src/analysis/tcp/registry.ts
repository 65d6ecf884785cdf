/**
 * The application analyzers the capture analysis knows, in the order their
 * sniffers are asked. Adding a protocol: a registration here and an
 * `AppAnalyzer`; `Conn` and the UDP flows need no change.
 */
import type { AppRegistration, Sniffed } from './app.js';
import { DnsTcpAnalyzer, DnsUdpAnalyzer, sniffDnsTcp, sniffDnsUdp } from './dns.js';
import { HttpAnalyzer } from './http-analyzer.js';
import { sniffPayload } from './sniff.js';
import { looksLikeTls, TlsAnalyzer } from './tls.js';

const fromHttpSniff = (b: Uint8Array, final: boolean, want: 'tls' | 'http'): Sniffed => {
  const d = sniffPayload(b, final);
  if (d === undefined) return undefined;
  if (want === 'http') return d === 'request' ? 'client' : d === 'response' ? 'server' : 'no';
  return d === 'tls' ? 'either' : 'no';
};

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0', 'latin1');

/** the HTTP/2 client preface, compared in place (no text made: this runs on every connection's first bytes) */
function sniffH2(b: Uint8Array, final: boolean): Sniffed {
  const n = Math.min(b.length, H2_PREFACE.length);
  for (let i = 0; i < n; i++) if (b[i] !== H2_PREFACE[i]) return 'no';
  return n === H2_PREFACE.length ? 'client' : final ? 'no' : undefined;
}

export const TCP_ANALYZERS: readonly AppRegistration[] = [
  { protocol: 'tls', sniff: (b, final) => (b.length >= 3 ? (looksLikeTls(b) ? 'either' : 'no') : fromHttpSniff(b, final, 'tls')), create: () => new TlsAnalyzer() },
  { protocol: 'http2', sniff: sniffH2 },
  { protocol: 'http', sniff: (b, final) => fromHttpSniff(b, final, 'http'), create: (host) => new HttpAnalyzer(host) },
  { protocol: 'dns', sniff: sniffDnsTcp, create: (host) => new DnsTcpAnalyzer(host, () => host.ends()) },
];

export const UDP_ANALYZERS: readonly AppRegistration[] = [{ protocol: 'dns', sniff: (b) => sniffDnsUdp(b), create: (host) => new DnsUdpAnalyzer(host, () => host.ends()) }];
