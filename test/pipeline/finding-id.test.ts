import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FindingIds, findingIdOf } from '../../src/pipeline/finding-id.js';

/** Subjects, lines and packets the buffer writes, and every kind it must leave to findingIdOf. */
const SUBJECTS: unknown[] = [
  { url: 'http://svc0.internal.test:10000/orders/0' },
  { connection: '10.0.0.1:50000->10.0.0.2:8080', url: 'http://example.test/a?b=c&d=e' },
  { pid: 4242, tid: 0, syscall: 'connect', address: '127.0.0.1:80' },
  { pid: -1, tid: 1.5, name: 'x' },
  { pid: -0, tid: 1e21, name: 'big' },
  { pid: Number.NaN, tid: Number.POSITIVE_INFINITY },
  { url: undefined, name: 'skips undefined' },
  { url: 'ünïcödé.test/ä' },
  { url: 'emoji 😀 and a lone \ud800 surrogate' },
  { url: 'a "quoted" \\ back\\slash' },
  { url: 'control \u0001 \t \n \u007f del' },
  { 'we"ird': 'key', '10': 'integer key first', b: 'then' },
  { __proto__: null, url: 'null prototype' } as unknown,
  Object.create({ inherited: 'enumerable, not own' }, { url: { value: 'own', enumerable: true } }),
  { nested: { url: 'x' } },
  { list: [1, 2] },
  { flag: true, none: null },
  { toJSON: () => 'custom' },
  [1, 2, 3],
  'a string subject',
  undefined,
  null,
  {},
  { url: 'x'.repeat(70_000) },
  { url: 'y'.repeat(900) },
];
const LINES: unknown[] = [undefined, null, 0, 1, 17, 123456789, 2 ** 53 - 1, 2 ** 53, -3, 2.5, '12', 'ü'];

describe('FindingIds', () => {
  it('gives the id of the basis string (findingIdOf) for every subject, line and packet, whatever came before', () => {
    const ids = new FindingIds();
    const detectors = ['curl-error-56', 'dns-failed', 'détecteur', 'x'];
    const digests = ['a'.repeat(64), '#0', '#12', 'dïgest'];
    let n = 0;
    for (const detector of detectors)
      for (const digest of digests)
        for (const subject of SUBJECTS)
          for (const line of LINES) {
            const packet = LINES[(n++ * 7) % LINES.length];
            expect(ids.id(detector, digest, line, packet, subject)).toBe(findingIdOf(detector, digest, line, packet, subject));
          }
  });

  it('keeps the ids of the first wave: the sha1 of the parts joined by NUL', () => {
    const subject = { url: 'http://a.test/', connection: '127.0.0.1:5000->127.0.0.1:80' };
    const basis = ['curl-error-56', 'd'.repeat(64), 1, '', JSON.stringify(subject)].join('\u0000');
    const want = `curl-error-56-${createHash('sha1').update(basis).digest('hex').slice(0, 10)}`;
    expect(new FindingIds().id('curl-error-56', 'd'.repeat(64), 1, undefined, subject)).toBe(want);
    expect(findingIdOf('curl-error-56', 'd'.repeat(64), 1, undefined, subject)).toBe(want);
  });
});

describe('FindingIds.mayRepeat', () => {
  it('says no while every id made differs, yes once one is made twice (by the buffer or by findingIdOf)', () => {
    const ids = new FindingIds();
    const made = new Set<string>();
    for (let line = 1; line <= 5000; line++) made.add(ids.id('curl-error-56', 'a'.repeat(64), line, undefined, { url: `http://svc${line}.test/` }));
    expect(made.size).toBe(5000);
    expect(ids.mayRepeat()).toBe(false);
    ids.id('curl-error-56', 'a'.repeat(64), 17, undefined, { url: 'http://svc17.test/' });
    expect(ids.mayRepeat()).toBe(true);

    const other = new FindingIds();
    other.id('x', 'd', 1, undefined, { url: 'ünïcödé' });
    expect(other.mayRepeat()).toBe(false);
    other.id('x', 'd', 1, undefined, { url: 'ünïcödé' });
    expect(other.mayRepeat()).toBe(true);
  });
});
