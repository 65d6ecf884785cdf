/**
 * num() and varValue() read a value's number from its digits where it is a plain integer, and tell
 * a plain decimal ending in 0 to stay text without printing the number again: what the reader
 * keeps must be what reading it with Number() and comparing String() of it gave, for any text.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng.js';
import { num, varValue } from '../../parsers/curl/text.js';

/** num as it was, by Number() and regular expressions alone. */
function numByRegex(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (/^-?\d+(?:\.\d+)?$/.test(v)) return Number(v);
  const s = v.trim().replace(/^"|"$/g, '').replace(/\s?s$/, '');
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^-?\d+[.,]\d+$/.test(s)) return Number(s.replace(',', '.'));
  return undefined;
}

/** varValue as it was: the number where printing it gives the trimmed text back. */
function varValueByString(value: string | null): string | number | null {
  if (value === null || value.length === 0) return value;
  const n = numByRegex(value);
  return n !== undefined && String(n) === value.trim() ? n : value;
}

/** Equal, -0 told from 0 (String(-0) is '0': a -0 kept would print as 0). */
function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}

describe('a value read as a number', () => {
  it.each([
    '0', '-0', '00', '007', '-05', '-5', '40000', '999999999999999', '9999999999999999', '12345678901234567890', '0.102140', '0.5', '-0.50',
    '1.0', '10', '100.00', '0.0', '-0.0', '1e3', '12s', ' 12 ', '"7"', '1,5', '1,50', '', '-', '.', '5.', '.5', '0x10', '١٢', 'abc',
  ])('%j', (v) => {
    expect(same(num(v), numByRegex(v)), `num(${JSON.stringify(v)})`).toBe(true);
    expect(same(varValue(v), varValueByString(v)), `varValue(${JSON.stringify(v)})`).toBe(true);
  });

  it('agrees on 20,000 generated values of the characters that matter', () => {
    const alphabet = ['0', '0', '1', '9', '5', '-', '.', ',', 's', ' ', '"', 'e', '0000000'];
    const next = rng(20);
    for (let k = 0; k < 20000; k++) {
      let v = '';
      const len = Math.floor(next() * 20);
      for (let i = 0; i < len; i++) v += alphabet[Math.floor(next() * alphabet.length)];
      if (!same(num(v), numByRegex(v))) expect(num(v), `num(${JSON.stringify(v)})`).toBe(numByRegex(v));
      if (!same(varValue(v), varValueByString(v))) expect(varValue(v), `varValue(${JSON.stringify(v)})`).toBe(varValueByString(v));
    }
  });
});
