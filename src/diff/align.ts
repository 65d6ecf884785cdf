/**
 * Aligning two call sequences: Myers' O((N+M)·D) difference algorithm
 * ("An O(ND) Difference Algorithm and Its Variations", 1986), the one
 * behind `diff` and git. Common prefix and suffix are trimmed first (two
 * runs of one program share most of their calls), and D is capped: past
 * `maxEdits` the sequences are reported as too different to align instead of
 * costing quadratic memory. Memory is O(D²) integers for the trace: 9 MB at
 * the default cap of 1,500.
 */

export type EditOp = { op: 'eq' | 'del' | 'ins'; a: number; b: number };

export interface Alignment {
  /** edits in order; `a`/`b` are indices into each sequence (for 'ins' `a` is where it goes, for 'del' `b` likewise) */
  ops: EditOp[];
  /** number of inserted plus deleted elements */
  distance: number;
  /** true when the sequences differ in more than `maxEdits` places: `ops` then covers only the common prefix and suffix */
  tooDifferent: boolean;
}

export const MAX_EDITS = 1500;

export function align(a: ArrayLike<number>, b: ArrayLike<number>, maxEdits = MAX_EDITS): Alignment {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  const ops: EditOp[] = [];
  for (let i = 0; i < pre; i++) ops.push({ op: 'eq', a: i, b: i });
  const mid = middle(a, b, pre, n, m, maxEdits);
  if (mid === null) {
    for (let i = 0; i < suf; i++) ops.push({ op: 'eq', a: a.length - suf + i, b: b.length - suf + i });
    return { ops, distance: n + m, tooDifferent: true };
  }
  ops.push(...mid);
  for (let i = 0; i < suf; i++) ops.push({ op: 'eq', a: a.length - suf + i, b: b.length - suf + i });
  let distance = 0;
  for (const o of mid) if (o.op !== 'eq') distance++;
  return { ops, distance, tooDifferent: false };
}

/** Myers on a[off, off+n) against b[off, off+m); null past maxEdits. */
function middle(a: ArrayLike<number>, b: ArrayLike<number>, off: number, n: number, m: number, maxEdits: number): EditOp[] | null {
  if (n === 0 && m === 0) return [];
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[off + x] === b[off + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break outer;
      }
    }
  }
  if (found < 0) return null;
  // Walk the trace back from (n, m): each d's snapshot holds v[-d-1 .. d+1] as it was before step d.
  const rev: EditOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const snap = trace[d];
    const at = (k: number): number => snap[k + d + 1];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX + (down ? 0 : 1) && y > prevY + (down ? 1 : 0)) {
      x--;
      y--;
      rev.push({ op: 'eq', a: off + x, b: off + y });
    }
    if (down) {
      y--;
      rev.push({ op: 'ins', a: off + x, b: off + y });
    } else {
      x--;
      rev.push({ op: 'del', a: off + x, b: off + y });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    rev.push({ op: 'eq', a: off + x, b: off + y });
  }
  return rev.reverse();
}
