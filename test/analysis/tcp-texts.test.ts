/**
 * The texts kept exchanges hold (issue 14): strings of their own, the ones that repeat shared per
 * capture up to a cap that counts what it could not share.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SHARED_TEXTS, ownCopy, TextTable } from '../../src/analysis/tcp/texts.js';

describe('texts kept by exchanges', () => {
  it('gives one string per distinct text, with the same characters', () => {
    const block = 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n';
    const table = new TextTable();
    const a = table.shared(block.slice(31, 55));
    const b = table.shared(`text/html; ${'charset=utf-8'}`);
    expect(a).toBe('text/html; charset=utf-8');
    expect(b).toBe(a);
    expect(table.size).toBe(1);
    expect(table.maybe(undefined)).toBeUndefined();
    expect(ownCopy(block.slice(0, 15))).toBe('HTTP/1.1 200 OK');
  });

  it('shares at most MAX_SHARED_TEXTS texts and counts the ones it kept as copies', () => {
    const table = new TextTable();
    const extra = 300;
    for (let i = 0; i < MAX_SHARED_TEXTS + extra; i++) expect(table.shared(`host-${i}.example:8080`)).toBe(`host-${i}.example:8080`);
    expect(table.size).toBe(MAX_SHARED_TEXTS);
    expect(table.full).toBe(extra);
    // the ones it holds are still shared
    expect(table.shared('host-7.example:8080')).toBe('host-7.example:8080');
    expect(table.full).toBe(extra);
  });

  it('never holds long texts (they rarely repeat)', () => {
    const table = new TextTable();
    const long = 'x'.repeat(300);
    expect(table.shared(long)).toBe(long);
    expect(table.size).toBe(0);
    expect(table.full).toBe(0);
  });
});
