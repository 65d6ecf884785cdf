/**
 * A string of its own with the characters of `s`, so a kept string does not pin the chunk it
 * was sliced from: V8 keeps a substring of 13 characters or more as a view into its parent. The
 * joined string is flattened into new memory before it is sliced, so the slice's parent is that
 * copy; shorter strings are copies already. About a quarter of the cost of a round trip through
 * a latin1 Buffer, and small enough for V8 to inline into the parsers' decoders.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
