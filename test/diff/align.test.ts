import { describe, expect, it } from 'vitest';
import { align } from '../../src/diff/align.js';

const codes = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Rebuilds both sequences from the edit script: every element of each, in order, once. */
function replay(a: string, b: string, ops: ReturnType<typeof align>['ops']): [string, string] {
  let ra = '';
  let rb = '';
  for (const o of ops) {
    if (o.op !== 'ins') ra += a[o.a];
    if (o.op !== 'del') rb += b[o.b];
  }
  return [ra, rb];
}

function lcs(a: string, b: string): number {
  const L = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) L[i][j] = a[i - 1] === b[j - 1] ? L[i - 1][j - 1] + 1 : Math.max(L[i - 1][j], L[i][j - 1]);
  return L[a.length][b.length];
}

describe('align (Myers)', () => {
  it.each([
    ['Myers paper example', 'ABCABBA', 'CBABAC', 5],
    ['one inserted', 'abcdef', 'abcXdef', 1],
    ['identical', 'same', 'same', 0],
    ['nothing shared', 'xyz', 'abc', 6],
    ['empty on one side', '', 'abc', 3],
    ['both empty', '', '', 0],
  ])('%s: the shortest edit script, replaying to both sides', (_n, a, b, distance) => {
    const r = align(codes(a), codes(b));
    expect(r.distance).toBe(distance);
    expect(replay(a, b, r.ops)).toEqual([a, b]);
  });

  it('finds a shortest script on random sequences (checked against a plain LCS table)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 1000) / 1000;
    for (let t = 0; t < 300; t++) {
      const gen = () => Array.from({ length: Math.floor(rnd() * 14) }, () => 'abc'[Math.floor(rnd() * 3)]).join('');
      const a = gen();
      const b = gen();
      const r = align(codes(a), codes(b));
      expect(replay(a, b, r.ops)).toEqual([a, b]);
      expect(r.distance).toBe(a.length + b.length - 2 * lcs(a, b));
    }
  });

  it('stops at the edit cap instead of growing quadratic, keeping the shared prefix and suffix', () => {
    const a = 'P'.repeat(50) + 'x'.repeat(400) + 'S'.repeat(20);
    const b = 'P'.repeat(50) + 'y'.repeat(400) + 'S'.repeat(20);
    const r = align(codes(a), codes(b), 100);
    expect(r.tooDifferent).toBe(true);
    expect(r.ops.filter((o) => o.op === 'eq')).toHaveLength(70);
  });
});
