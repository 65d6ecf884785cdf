/**
 * LineMemo (parsers/curl/lines.ts) finds a remembered line by its exact bytes wherever they lie in
 * a chunk: it compares four bytes at a time through DataViews, then the last one to three bytes,
 * so lines that differ only in one byte of a word or of the tail, at any offset, must be told apart.
 */
import { describe, expect, it } from 'vitest';
import { LineMemo } from '../../parsers/curl/lines.js';

/** `text` inside a buffer at `offset`, with other bytes around it. */
function placed(text: string, offset: number): { buf: Buffer; from: number; to: number } {
  const bytes = Buffer.from(text, 'latin1');
  const buf = Buffer.alloc(offset + bytes.length + 7, 0x7e);
  bytes.copy(buf, offset);
  return { buf, from: offset, to: offset + bytes.length };
}

describe('LineMemo', () => {
  it('finds a line by its exact bytes at any offset, and no line that differs in any one byte', () => {
    for (let len = 0; len <= 13; len++) {
      const memo = new LineMemo<string>();
      const text = 'abcdefghijklm'.slice(0, len);
      const at = placed(text, 3);
      memo.set(at.buf, at.from, at.to, `v${len}`);
      for (let offset = 0; offset < 8; offset++) {
        const p = placed(text, offset);
        // twice: the second look-up is the front slot's
        expect(memo.get(p.buf, p.from, p.to), `${len} at ${offset}`).toBe(`v${len}`);
        expect(memo.get(p.buf, p.from, p.to), `${len} at ${offset}`).toBe(`v${len}`);
        for (let i = 0; i < len; i++) {
          const other = placed(text.slice(0, i) + 'Z' + text.slice(i + 1), offset);
          expect(memo.get(other.buf, other.from, other.to), `${len}: byte ${i} changed, at ${offset}`).toBeUndefined();
        }
        const longer = placed(text + 'n', offset);
        expect(memo.get(longer.buf, longer.from, longer.to)).toBeUndefined();
        if (len > 0) {
          const shorter = placed(text.slice(0, -1), offset);
          expect(memo.get(shorter.buf, shorter.from, shorter.to)).toBeUndefined();
        }
      }
    }
  });

  it('keeps its own copy: the buffer a line was remembered from may be written over', () => {
    const memo = new LineMemo<number>();
    const p = placed('* Recv failure: Connection reset by peer', 5);
    memo.set(p.buf, p.from, p.to, 56);
    const q = placed('* Recv failure: Connection reset by peer', 2);
    p.buf.fill(0x20);
    expect(memo.get(q.buf, q.from, q.to)).toBe(56);
    expect(memo.get(p.buf, p.from, p.to)).toBeUndefined();
  });
});
