/**
 * readLines (parsers/curl/lines.ts) gives every line once, in order, with its number, the byte
 * offset where it starts and whether it was cut, however the input is cut into chunks: lines
 * inside a chunk (read by its per-line loop, offered to `quick` first), lines that straddle
 * chunks (copied, never offered), CRLF, a CR inside a line, over-long lines, a last line without
 * its newline. The reference is the plain reading: split on LF, cut at MAX_LINE_BYTES, one CR
 * before the LF dropped.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, readLines } from '../../parsers/curl/lines.js';
import { reusedChunks, wholeChunk } from '../helpers/chunks.js';

interface Got {
  text: string;
  line: number;
  at: number;
  cut: boolean;
  /** offered to quick and taken */
  quick: boolean;
}

/** What every line should be: split on LF, the text cut to MAX_LINE_BYTES, a CR before the LF dropped. */
function reference(bytes: Buffer): Omit<Got, 'quick'>[] {
  const out: Omit<Got, 'quick'>[] = [];
  let from = 0;
  let line = 1;
  while (from < bytes.length) {
    const nl = bytes.indexOf(0x0a, from);
    const end = nl < 0 ? bytes.length : nl;
    const cut = end - from > MAX_LINE_BYTES;
    const text = bytes.toString('utf8', from, cut ? from + MAX_LINE_BYTES : end);
    out.push({ text: text.endsWith('\r') ? text.slice(0, -1) : text, line: line++, at: from, cut });
    if (nl < 0) break;
    from = nl + 1;
  }
  return out;
}

/** readLines over `bytes` in chunks of `size` (whole when undefined); `take` says which offered lines quick takes. */
async function read(bytes: Buffer, size: number | undefined, take?: (n: number) => boolean): Promise<Got[]> {
  const got: Got[] = [];
  const counter = { bytes: 0 };
  const quick = take
    ? (buf: Buffer, from: number, to: number, n: number): boolean => {
        const text = buf.toString('utf8', from, to);
        // what is offered is the line less its LF and one CR before it, with no CR left in it
        expect(text.includes('\r')).toBe(false);
        if (!take(n)) return false;
        // the offset of a taken line is the reference's: recovered from the lines around it
        got.push({ text, line: n, at: -1, cut: false, quick: true });
        return true;
      }
    : undefined;
  await readLines(size ? reusedChunks(bytes, size) : wholeChunk(bytes), (text, line, at, cut) => got.push({ text, line, at, cut, quick: false }), counter, quick);
  expect(counter.bytes).toBe(bytes.length);
  return got;
}

const long = 'x'.repeat(MAX_LINE_BYTES + 10);
const INPUTS: Array<{ name: string; text: string }> = [
  { name: 'LF lines', text: '* one\n> two\n< three\n\n{ [5 bytes data]\n' },
  { name: 'CRLF lines and a CR inside a line', text: '< HTTP/1.1 200 OK\r\n< A: b\r\n100  5  0  5\r  100 5\r\n\r\n' },
  { name: 'a last line without its newline', text: 'a\nbb\nccc' },
  { name: 'UTF-8 that chunks cut through', text: 'é\n* héllo wörld ✓\n< Ünïcode: ✓✓✓\n' },
  { name: 'a line longer than 64 KiB between short ones', text: `a\n${long}\nb\n${long}\r\nc` },
  { name: 'only newlines', text: '\n\n\n' },
];

describe('readLines', () => {
  for (const input of INPUTS) {
    it(`gives every line once with its number, offset and cut, in any chunking: ${input.name}`, async () => {
      const bytes = Buffer.from(input.text);
      const want = reference(bytes);
      for (const size of [undefined, 1, 2, 3, 7, 61, 4096, MAX_LINE_BYTES + 3]) {
        expect(await read(bytes, size)).toEqual(want.map((w) => ({ ...w, quick: false })));
        // quick taking every other line it is offered: those lines are not given to onLine again
        const got = await read(bytes, size, (n) => n % 2 === 0);
        expect(got.map((g) => g.line)).toEqual(want.map((w) => w.line));
        for (const g of got) {
          const w = want[g.line - 1];
          expect(g.text).toBe(w.text);
          if (g.quick) expect(w.cut).toBe(false);
          else expect(g).toEqual({ ...w, quick: false });
        }
      }
    });
  }

  it('offers quick every whole line of a chunk that holds no CR but the one before its LF', async () => {
    const bytes = Buffer.from('a\r\nb\nc\rd\ne\n');
    const got = await read(bytes, undefined, () => true);
    expect(got.map((g) => [g.line, g.quick])).toEqual([
      [1, true],
      [2, true],
      [3, false],
      [4, true],
    ]);
  });
});
