import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng.js';
import { forEachLogPair, LogPairCursor } from '../../parsers/curl/pairs.js';
import { hostOf } from '../../parsers/curl/builder.js';

/** What the scanner stands for: the regex the log reader used, run with exec in a loop. */
function byRegex(s: string, max: number): Array<[string, string]> {
  const re = /\b([A-Za-z_][\w.]{1,40})=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;]+)/g;
  const out: Array<[string, string]> = [];
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(s)) && n++ < max) out.push([m[1], m[2]]);
  return out;
}

function byScan(s: string, max: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  forEachLogPair(s, max, (name, value) => out.push([name, value]));
  return out;
}


describe('log pairs: the scanner finds what the regex found', () => {
  it.each([
    ['a PHP curl log line', 'payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://svc0.internal.test:10000/orders/0 http_code=0 size_download=0 total_time=0.102140 local_port=40000'],
    ['quoted values with escapes', 'x="a \\" b" y=\'c d\' z="unclosed w=1'],
    ['a backslash before the end', 'k="abc\\'],
    ['dotted and too long names', 'a.b=1 .c=2 x.=3 ' + 'n'.repeat(41) + '=4 ' + 'm'.repeat(40) + '=5 q.' + 'r'.repeat(45) + '.s=6'],
    ['names inside words and after digits', 'foo_bar=1 9ab=2 é=3 _x=4 a=5 ab= cd=,e ef=;g gh= ij'],
    ['values stopped by , ; and unicode spaces', 'a1=x,y b1=z;w c1=u\u00a0v d1=\u2028e e1=f\u3000g'],
    ['a value holding more pairs', 'url=http://h/?a1=b&c1=d next=1'],
    ['nothing', 'no pairs here: just = signs = and words'],
  ])('%s', (_name, line) => {
    expect(byScan(line, 60)).toEqual(byRegex(line, 60));
  });

  it('stops after the first 60 pairs, as the reader did', () => {
    const line = Array.from({ length: 80 }, (_, i) => `k${i}=${i}`).join(' ');
    expect(byScan(line, 60)).toHaveLength(60);
    expect(byScan(line, 60)).toEqual(byRegex(line, 60));
  });

  it('agrees on 5,000 generated lines of the characters that matter', () => {
    const alphabet = ['a', 'b', 'Z', '_', '1', '.', '=', '"', "'", '\\', ' ', ',', ';', '\t', '\n', '\u00a0', 'é', ':', '/', 'x=', 'url=', '="', '\\"'];
    const next = rng(8);
    for (let k = 0; k < 5000; k++) {
      let line = '';
      const len = Math.floor(next() * 40);
      for (let i = 0; i < len; i++) line += alphabet[Math.floor(next() * alphabet.length)];
      expect(byScan(line, 60), JSON.stringify(line)).toEqual(byRegex(line, 60));
    }
  });
});

/** The pairs a cursor finds given `names` as its hints (the reader's names of the line before), and the names it says it was given. */
function byHints(s: string, max: number, names: Array<string | undefined>): { pairs: Array<[string, string]>; hinted: number } {
  const c = new LogPairCursor().reset(s);
  const pairs: Array<[string, string]> = [];
  let hinted = 0;
  while (c.step(s, max, names)) {
    const name = s.slice(c.from, c.eq);
    if (c.hinted) {
      expect(name).toBe(names[c.found - 1]);
      hinted++;
    }
    pairs.push([name, s.slice(c.eq + 1, c.end)]);
  }
  return { pairs, hinted };
}

describe('log pairs: the names of the line before as hints change nothing found', () => {
  it('on the bench log\'s lines, each pair found by its hint', () => {
    const line = (i: number): string =>
      `payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://svc${i}.internal.test:${10000 + i}/orders/${i} http_code=0 size_download=0 total_time=0.102140 local_port=${40000 + i}`;
    const names = byRegex(line(0), 60).map(([n]) => n);
    const { pairs, hinted } = byHints(line(1), 60, names);
    expect(pairs).toEqual(byRegex(line(1), 60));
    expect(hinted).toBe(names.length);
  });

  it('agrees with the regex on 5,000 generated lines, hinted by the line before and by near misses', () => {
    const alphabet = ['a', 'b', 'Z', '_', '1', '.', '=', '"', "'", '\\', ' ', ',', ';', 'x=', 'url=', 'a_b=', 'ab.c=', '="', 'é', 'bb'];
    // names the search could have found (a letter or `_`, then 1 to 40 of [\w.]), as the reader's are
    const misses = ['ab', 'url', 'a_b', 'b.c', 'ab.c', '_1', 'Zb', 'bb', 'a.', 'Z_'];
    const next = rng(41);
    let before: Array<string | undefined> = [];
    let hintedAll = 0;
    for (let k = 0; k < 5000; k++) {
      let line = '';
      const len = Math.floor(next() * 40);
      for (let i = 0; i < len; i++) line += alphabet[Math.floor(next() * alphabet.length)];
      const names = next() < 0.5 ? before : Array.from({ length: 6 }, () => (next() < 0.8 ? misses[Math.floor(next() * misses.length)] : undefined));
      const { pairs, hinted } = byHints(line, 60, names);
      expect(pairs, JSON.stringify({ line, names })).toEqual(byRegex(line, 60));
      hintedAll += hinted;
      before = pairs.map(([n]) => n);
    }
    // hints were taken often enough for this to prove something
    expect(hintedAll).toBeGreaterThan(300);
  });
});

describe('hostOf: the host URL gives, read without URL for plain http(s) hosts', () => {
  const byUrl = (u: string): string | undefined => {
    try {
      return new URL(u).hostname.toLowerCase().replace(/^\[|\]$/g, '');
    } catch {
      return undefined;
    }
  };

  it.each([
    'http://svc0.internal.test:10000/orders/0', 'https://a:443', 'http://localhost', 'http://a.b:00080/x', 'http://-a.b/', 'http://ab--cd.e',
    'http://xn--a.b', 'http://a.xn--b', 'http://1.2.3', 'http://a.0x10', 'http://a.b.:1/', 'http://a..b/', 'http://A.B/', 'http://a.b:65536/',
    'http://a.b:/x', 'http://a.b x', 'http://[::1]:8080/', 'http://u:p@h.example/', 'ftp://a.b/', '/orders/0', 'http://a.b\\c',
    'http://127.0.0.1:46526/ok', 'https://10.0.0.255/', 'http://0.0.0.0', 'http://1.2.3.04/', 'http://1.2.3.256/', 'http://1.2.3.4.5/',
    'http://1.2.3/', 'http://1.2.3.4./', 'http://01.2.3.4/', 'http://0x7f.0.0.1/', 'http://1.2.3.4a/', 'http://a.1.2.3.4/', 'http://1234.1.1.1/',
  ])('%s', (url) => {
    expect(hostOf(url)).toBe(byUrl(url));
  });

  it('agrees with URL on 2,000 generated dotted addresses', () => {
    const parts = ['0', '1', '7', '25', '199', '255', '256', '01', '00', '1000', '0x1', ''];
    const next = rng(15);
    for (let k = 0; k < 2000; k++) {
      const n = 3 + Math.floor(next() * 3);
      const host = Array.from({ length: n }, () => parts[Math.floor(next() * parts.length)]).join('.');
      const url = `${next() < 0.5 ? 'http' : 'https'}://${host}${['', ':80', ':443', ':65536', '/x', '.', '?q'][Math.floor(next() * 7)]}`;
      expect(hostOf(url), url).toBe(byUrl(url));
    }
  });

  it('agrees with URL on 5,000 generated URLs', () => {
    const alphabet = ['a', 'z', '0', '9', '-', '.', ':', '/', '?', '#', 'x', 'n', '1', '5', '6', 'A', '@', '_', '%', ' ', '\\', '[', ']', 'xn--', '.com', ':65535', ':65536', '25', '255', '256', '.0', '.1'];
    const schemes = ['http://', 'https://', 'http:/', 'ftp://', 'HTTP://'];
    const next = rng(14);
    for (let k = 0; k < 5000; k++) {
      let url = schemes[Math.floor(next() * schemes.length)];
      const len = Math.floor(next() * 14);
      for (let i = 0; i < len; i++) url += alphabet[Math.floor(next() * alphabet.length)];
      expect(hostOf(url), url).toBe(byUrl(url));
    }
  });
});
