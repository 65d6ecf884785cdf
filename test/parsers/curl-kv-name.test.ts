/**
 * kvName tells the name KV would match without running KV, with one look at the line: it must
 * give KV's name (or null where KV cannot match) wherever it is sure, and the name it was given
 * before where the two are the same text.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng.js';
import { kvName } from '../../parsers/curl/text.js';

const KV = /^([A-Za-z_@%{][\w.{}%@ -]{0,48}?)\s*(?::|=)\s*(.*)$/;

function check(line: string, last?: string): void {
  const got = kvName(line, last);
  if (got === undefined) return; // unsure: the reader runs KV
  const m = KV.exec(line);
  expect(got, JSON.stringify(line)).toBe(m ? m[1] : null);
  if (got !== null && got === last) expect(last).toBe(m![1]);
}

describe('kvName: the name of a `name: value` line, as KV has it', () => {
  it.each([
    'payments: upstream call failed: curl_errno=56', 'time_total: 0.102', 'Time total  : 1', 'a\tb: 1', 'ab\t: 1', 'ab \t = 1', '%{http_code}=200',
    'x'.repeat(49) + ': 1', 'x'.repeat(50) + ': 1', 'no sign here', '9lives: 1', 'a-b.c@d{e}%: x', 'a\u000bb: 1', 'ab\u000c: 1', 'a:', 'a=\u2028',
    // a \r inside the line (the reader takes off a line's last one only): `.` does not match it either
    'a=b\rc', 'time_total: 0.5\r x', 'ab\r= 1', 'ab \r: 1',
  ])('%j', (line) => check(line));

  it('gives the name it was given before where the line names the same, and only then', () => {
    const last = kvName('payments: upstream call ok')!;
    expect(kvName('payments: upstream call failed', last)).toBe(last);
    expect(kvName('payment: upstream call failed', last)).toBe('payment');
    expect(kvName('paymentz: upstream call failed', last)).toBe('paymentz');
  });

  it('agrees with KV on 20,000 generated lines of the characters that matter', () => {
    const alphabet = ['a', 'Z', '_', '1', '.', '-', ' ', '\t', '\u000b', '\u000c', ':', '=', '%', '{', '}', '@', '/', '\u00e9', '\u2028', '\r', 'ab', 'abc'];
    const lasts = [undefined, 'a', 'ab', 'abc', 'a b', 'Z_1'];
    const next = rng(49);
    for (let k = 0; k < 20000; k++) {
      let line = '';
      const len = 1 + Math.floor(next() * (next() < 0.1 ? 70 : 12));
      for (let i = 0; i < len; i++) line += alphabet[Math.floor(next() * alphabet.length)];
      check(line, lasts[Math.floor(next() * lasts.length)]);
    }
  });
});
