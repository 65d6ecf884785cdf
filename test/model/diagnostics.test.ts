import { describe, expect, it } from 'vitest';
import { Diagnostics, MAX_WARNINGS_PER_INPUT } from '../../src/model/index.js';

describe('Diagnostics', () => {
  it('a warning placed first is kept even when 100 are already kept: the last kept one is dropped and counted', () => {
    const d = new Diagnostics();
    for (let i = 1; i <= MAX_WARNINGS_PER_INPUT + 5; i++) d.warn({ line: i }, 'not a strace line');
    d.warnFirst({ byteOffset: 6209 }, 'gzip data is corrupt', 'compressed byte 6209');
    expect(d.warnings).toHaveLength(MAX_WARNINGS_PER_INPUT);
    expect(d.warnings[0]).toBe('compressed byte 6209: gzip data is corrupt');
    expect(d.warnings[1]).toBe('line 1: not a strace line');
    expect(d.warnings.at(-1)).toBe(`line ${MAX_WARNINGS_PER_INPUT - 1}: not a strace line`);
    expect(d.dropped).toBe(6);
  });
});
