/**
 * issue 14: shortcuts of the strace parser held to its general readers.
 * - A `-f -tt` time whose "HH:MM:SS" is the line before's is read from its fraction only.
 * - A quoted string with no escape is cut at its closing quote in builtin scans.
 * - A kept string is copied without a trip through a Buffer.
 */
import { describe, expect, it } from 'vitest';
import { cstr, LineScanner } from '../../parsers/strace/index.js';
import { cstrGeneral } from '../../parsers/strace/decode.js';
import { TOD_WARM_LINES } from '../../parsers/strace/line.js';
import { ownString } from '../../src/model/strings.js';
import { rng } from '../helpers/rng.js';

/** What the scanner's prefix readers make of a line. */
function prefixOf(sc: LineScanner, line: string, fast: boolean) {
  const b = Buffer.from(line, 'latin1');
  sc.setLine(b, 0, b.length);
  if (fast) sc.prefix(line, 7);
  else sc.anyPrefix(line, 7);
  return { body: sc.body, pid: sc.pid, timeKind: sc.timeKind, time: sc.timeKind === undefined ? undefined : sc.time, number: sc.number, ip: sc.ip };
}

const pad = (v: number) => String(v).padStart(2, '0');

/** Bytes a time's tail could hold instead of the right one. */
const ODD = ['0', '9', ':', '.', ' ', '(', '[', 'a', '\t', '\xb9', '/', ''];

describe('a -f -tt time in the same second as the line before', () => {
  it('is read as the general reader reads it, whatever follows its seconds', () => {
    const next = rng(14);
    // one scanner for the whole run, as the parser has: each line may find the words of the line before
    const sc = new LineScanner();
    let lines = 0;
    for (let n = 0; n < 60; n++) {
      const hms = `${pad(Math.floor(next() * 24))}:${pad(Math.floor(next() * 60))}:${pad(Math.floor(next() * 61))}`;
      const frac = String(Math.floor(next() * 1e6)).padStart(6, '0');
      const good = `9688  ${hms}.${frac} read(3, "", 1) = 0 <0.000012>`;
      // a line in that second read the long way first, then lines whose bytes after the seconds go wrong in turn
      const variants = [good, `9688  ${hms}.${frac} read(3, "", 1) = 0`, `12  ${hms}.000000 exit_group(0) = ?`];
      const tail = `.${frac} read(3, "", 1) = 0`;
      for (let k = 0; k <= 8; k++) {
        for (const c of ODD) variants.push(`9688  ${hms}${tail.slice(0, k)}${c}${tail.slice(k + 1)}`);
      }
      variants.push(`9688  ${hms}.${frac}`, `9688  ${hms}.${frac} `, `9688  ${hms}.${frac}(x`, `9688  ${hms}.${frac} [  59] read() = 0`, `9688  ${hms}.${frac} (+     0.000525) read() = 0`, `9688  ${hms}`);
      for (const line of variants) {
        // the line before each is a good one in the same second, so the shortcut is tried on every variant
        expect(prefixOf(sc, good, true)).toEqual(prefixOf(new LineScanner(), good, false));
        const fast = prefixOf(sc, line, true);
        const general = prefixOf(new LineScanner(), line, false);
        if (JSON.stringify(fast) !== JSON.stringify(general)) expect({ line, fast }).toEqual({ line, fast: general });
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(5000);
  });

  it('takes the seconds of the line before only when the whole "HH:MM:SS" matches', () => {
    const sc = new LineScanner();
    // past the scanner's first lines, which are all read the long way
    for (let k = 0; k <= TOD_WARM_LINES; k++) prefixOf(sc, '1  09:00:00.000001 a() = 0', true);
    const lines = ['1  10:20:30.000001 a() = 0', '1  10:20:31.000001 a() = 0', '1  10:21:31.000001 a() = 0', '1  11:21:31.000001 a() = 0', '1  11:21:31.500000 a() = 0', '1  00:00:00.250000 a() = 0'];
    expect(lines.map((l) => prefixOf(sc, l, true).time)).toEqual([37230.000001, 37231.000001, 37291.000001, 40891.000001, 40891.5, 0.25]);
  });
});

describe('a quoted string', () => {
  it('reads as the general reader reads it, escapes or none', () => {
    const next = rng(2026);
    const alphabet = ['a', 'b', '/', ' ', ',', '"', '"', '\\', '\\', 'n', 'x', '4', '1', '7', '.', '...', '\xe9'];
    let quoted = 0;
    for (let n = 0; n < 3000; n++) {
      let a = '';
      const len = Math.floor(next() * 40);
      for (let k = 0; k < len; k++) a += alphabet[Math.floor(next() * alphabet.length)];
      for (let q = a.indexOf('"'); q >= 0; q = a.indexOf('"', q + 1)) {
        quoted++;
        expect(cstr(a, q)).toEqual(cstrGeneral(a, q));
      }
    }
    expect(quoted).toBeGreaterThan(3000);
  });

  it.each([
    ['"/usr/lib/python3/dist-packages/foo.py", O_RDONLY', 0],
    ['"no closing quote', 0],
    ['""', 0],
    ['"cut here"..., 64', 0],
    ['"tab\\there", 3', 0],
    ['"a\\"b", 3', 0],
    ['x, "after an escape \\\\", 1', 3],
  ])('%j from %i', (a, q) => {
    expect(cstr(a, q)).toEqual(cstrGeneral(a, q));
  });
});

describe('a kept string of its own (ownString, the strace parser\'s and analysis\'s copy)', () => {
  it('is the same text, short or long, any character', () => {
    const window = `${'x'.repeat(70000)}/usr/share/locale/de/LC_MESSAGES/coreutils.mo … ☃ ${'y'.repeat(100)}`;
    for (const [a, e] of [
      [70000, 70040],
      [70000, 70050],
      [70000, 70005],
      [0, 70100],
    ]) {
      const s = window.slice(a, e);
      expect(ownString(s)).toBe(s);
    }
    expect(ownString('')).toBe('');
  });
});
