/** The first look at a direction's bytes: TLS, HTTP/2, an HTTP/1.x request or response, or none of those. */
import { REQUEST_LINE } from './http.js';
import { looksLikeTls } from './tls.js';

/** Bytes held while deciding what a connection speaks (one request line is enough). */
export const MAX_DETECT_BYTES = 8192; /* bytes */

export type Decision = 'tls' | 'http2' | 'unknown' | 'request' | 'response' | undefined;

const H2_PREFACE = 'PRI * HTTP/2.0';
const TOKEN_START = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}( \S*( (H|HT|HTT|HTTP|HTTP\/|HTTP\/1|HTTP\/1\.|HTTP\/1\.[01]\r?)?)?)?$/;



/** What the first bytes of a direction say it speaks; undefined: need more bytes. */
export function sniffPayload(b: Uint8Array, final: boolean): Decision {
  if (b.length === 0) return final ? 'unknown' : undefined;
  if (looksLikeTls(b)) return 'tls';
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 16)).toString('latin1');
  if (head.startsWith(H2_PREFACE)) return 'http2';
  if (head.toUpperCase().startsWith('HTTP/1.')) return 'response';
  const short = !final && b.length < 16;
  if (short && (H2_PREFACE.startsWith(head) || 'HTTP/1.'.startsWith(head.toUpperCase()))) return undefined;
  const nl = b.indexOf(10);
  if (nl >= 0) {
    const line = Buffer.from(b.buffer, b.byteOffset, nl).toString('latin1').replace(/\r$/, '');
    return REQUEST_LINE.test(line) ? 'request' : 'unknown';
  }
  if (final || b.length >= MAX_DETECT_BYTES) return 'unknown';
  const text = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 200)).toString('latin1');
  // a request line still arriving, or a long target: wait for its end
  return TOKEN_START.test(text) || (b.length > 200 && /^[A-Z]{2,20} \S+$/.test(text)) ? undefined : 'unknown';
}

