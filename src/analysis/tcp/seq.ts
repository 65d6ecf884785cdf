/**
 * TCP sequence arithmetic, modulo 2^32 (RFC 9293 §3.4). Every comparison of
 * sequence numbers in the analysis goes through here, so a stream that wraps
 * past 0xffffffff is reassembled like any other.
 */

/** b − a as a signed 32-bit distance: > 0 when b is after a (within 2^31). */
export function seqDiff(a: number, b: number): number {
  return (b - a) | 0;
}

/** a + n, wrapped to an unsigned 32-bit sequence number. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** a is strictly before b */
export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** distance from a base (ISN) as tshark's relative sequence numbers show it */
export function seqRel(base: number, s: number): number {
  return (s - base) >>> 0;
}
