/**
 * IP address strings, built once per distinct address and reused: a capture
 * holds few distinct addresses and millions of packets, and a string per
 * packet per address is most of what a naive reader spends its time on.
 * One `AddressCache` per parse (state per run, never per module).
 */

/** Bounded so a scan of a /8 cannot grow the cache without end. */
const MAX_V4_ENTRIES = 4096;
/** IPv6 keeps a small ring: comparing 16 bytes beats hashing them. */
const V6_RING = 8;

export class AddressCache {
  private readonly v4 = new Map<number, string>();
  private lastKey4a = -1;
  private lastStr4a = '';
  private lastKey4b = -1;
  private lastStr4b = '';
  private readonly v6Keys = new Uint8Array(16 * V6_RING);
  private readonly v6Strs: string[] = new Array<string>(V6_RING).fill('');
  private v6Used = 0;
  private v6Next = 0;

  /** IPv4 address at b[o..o+4) in dotted form. */
  v4At(b: Uint8Array, o: number): string {
    const key = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
    // Two one-entry caches first: a flow alternates between two addresses.
    if (key === this.lastKey4a) return this.lastStr4a;
    if (key === this.lastKey4b) return this.lastStr4b;
    let s = this.v4.get(key);
    if (s === undefined) {
      if (this.v4.size >= MAX_V4_ENTRIES) this.v4.clear();
      s = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
      this.v4.set(key, s);
    }
    this.lastKey4b = this.lastKey4a;
    this.lastStr4b = this.lastStr4a;
    this.lastKey4a = key;
    this.lastStr4a = s;
    return s;
  }

  /** IPv6 address at b[o..o+16) in RFC 5952 form (as Wireshark prints it). */
  v6At(b: Uint8Array, o: number): string {
    const keys = this.v6Keys;
    outer: for (let i = 0; i < this.v6Used; i++) {
      const k = i * 16;
      for (let j = 0; j < 16; j++) if (keys[k + j] !== b[o + j]) continue outer;
      return this.v6Strs[i];
    }
    const s = formatV6(b, o);
    const slot = this.v6Next;
    this.v6Next = (slot + 1) % V6_RING;
    if (this.v6Used < V6_RING) this.v6Used++;
    for (let j = 0; j < 16; j++) keys[slot * 16 + j] = b[o + j];
    this.v6Strs[slot] = s;
    return s;
  }
}

/** RFC 5952: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as `::`, IPv4-mapped in dotted form. */
export function formatV6(b: Uint8Array, o: number): string {
  const g: number[] = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[o + 2 * i] << 8) | b[o + 2 * i + 1];
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}`;
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestAt < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestAt).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestAt + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}
