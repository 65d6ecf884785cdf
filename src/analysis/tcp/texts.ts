/**
 * The texts a kept HTTP exchange holds, made small. Header values and lines are cut out of the
 * header block they were read in, and V8 keeps such a substring (13 characters or more) as a
 * view that holds the whole block alive: a kept exchange held its two blocks (~260 bytes) for a
 * few short values. Kept texts are made strings of their own instead, and the ones that repeat
 * from one exchange to the next (Host, User-Agent, Content-Type, status lines, methods) one
 * string per capture. Measured on a 1.6 GB capture (~10,000 exchanges kept): see the commit.
 */

/** Distinct texts shared per capture; beyond, each further one is its own copy (counted in `full`). */
export const MAX_SHARED_TEXTS = 4096;
/** Longer texts are never shared: they rarely repeat. */
const MAX_SHARED_LENGTH = 256;

/** A string of its own with the characters of `s` (not a view into a longer string). */
export function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** One per capture (state per run): the texts its kept exchanges share. */
export class TextTable {
  private readonly known = new Map<string, string>();
  /** texts not shared because the table was full (each kept as its own copy) */
  full = 0;

  /** `s` as a string of its own, the one already kept for the same characters when there is one. */
  shared(s: string): string {
    const k = this.known.get(s);
    if (k !== undefined) return k;
    const own = ownCopy(s);
    if (s.length > MAX_SHARED_LENGTH) return own;
    if (this.known.size >= MAX_SHARED_TEXTS) {
      this.full++;
      return own;
    }
    this.known.set(own, own);
    return own;
  }

  /** `shared`, passing undefined through */
  maybe(s: string | undefined): string | undefined {
    return s === undefined ? s : this.shared(s);
  }

  get size(): number {
    return this.known.size;
  }
}
