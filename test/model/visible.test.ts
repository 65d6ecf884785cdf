import { describe, expect, it } from 'vitest';
import { visible } from '../../src/model/index.js';

describe('visible: control characters from traces shown, never obeyed', () => {
  it.each([
    ['a terminal title (OSC 0 … BEL)', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
    ['an OSC-8 link', '\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\', '\\x1b]8;;http://evil\\x1b\\click\\x1b]8;;\\x1b\\'],
    ['clear screen (CSI)', '\x1b[2J\x1b[H', '\\x1b[2J\\x1b[H'],
    ['a C1 CSI', 'a\u009b31mb', 'a\\x9b31mb'],
    ['a carriage return that would overwrite the line', 'ok\rFAKE', 'ok\\rFAKE'],
    ['DEL and NUL', 'a\x7fb\x00', 'a\\x7fb\\x00'],
    ['a bidi override (trojan source)', 'user\u202Etxt.exe', 'user\\u202etxt.exe'],
    ['a line separator', 'a\u2028b', 'a\\u2028b'],
    ['a newline in a one-line place', 'a\nb', 'a\\nb'],
  ])('escapes %s', (_name, input, want) => {
    expect(visible(input)).toBe(want);
  });

  it('leaves ordinary text, tabs and non-Latin letters alone', () => {
    for (const s of ['GET /x?q=1 HTTP/1.1', 'a\tb', 'Grüße 東京 ⏎ µs']) expect(visible(s)).toBe(s);
  });

  it('keeps line breaks when asked, but never a lone carriage return', () => {
    expect(visible('a\nb\rc\x1b', { keepNewlines: true })).toBe('a\nb\\rc\\x1b');
  });
});
