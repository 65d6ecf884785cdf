import { describe, expect, it } from 'vitest';
import { isSecretHeader, isSecretName, REDACTED, redactText } from '../../src/model/redact.js';

const R = REDACTED;

/** A small seeded generator: the same names on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces of secret names (every word and spelling, in several cases), near misses, and ordinary words and separators. */
const PIECES = [
  'token', 'Token', 'TOKEN', 'secret', 'Secret', 'passw', 'Passwd', 'pass', 'PASSPHRASE', 'pwd', 'api', 'Key', 'KEY', 'apikey', 'sig', 'Signature',
  'sid', 'SID', 'sessid', 'session', 'Session', 'hmac', 'otp', 'Totp', 'hotp', 'pin', 'PIN', 'Pin', 'jwt', 'JWT', 'credential', 'Credentials', 'ticket',
  'cvv', 'cvv2', 'cvc', 'ssn', 'cookie', 'Cookie', 'code', 'Code', 'CODE', 'auth', 'Auth', 'author', 'Authorization', 'private', 'access', 'verification',
  'sms', 'Sms', 'mfa', 'reset', 'x', 'X', 'id', 'Id', 'user', 'http', 'url', 'curl', 'errno', 'port', 'time', 'to', 'ke', 'se', 'ss', 'co', 'au', 'pa',
  'tok', 'ses', 'cod', 'coo', 'aut', 'pi', 'n', 'e', '2', '_', '-', '.',
];

function names(count: number, seed: number): string[] {
  const next = rng(seed);
  const out = new Set<string>();
  while (out.size < count) {
    const n = 1 + Math.floor(next() * 4);
    let name = '';
    for (let i = 0; i < n; i++) name += PIECES[Math.floor(next() * PIECES.length)];
    out.add(name);
  }
  return [...out];
}

describe('redactText: a name is redacted exactly when it is a secret one, wherever it stands', () => {
  const all = names(4000, 8);
  const headerNames = all.filter((n) => /^[A-Za-z][A-Za-z0-9-]*$/.test(n));
  const paramNames = all.filter((n) => /^[A-Za-z0-9_.-]+$/.test(n));

  it('as a header, in a curl -v line and in a strace buffer', () => {
    expect(headerNames.filter((n) => isSecretHeader(n)).length).toBeGreaterThan(300);
    for (const name of headerNames) {
      const secret = isSecretHeader(name);
      expect(redactText(`> ${name}: v4lue`), name).toBe(secret ? `> ${name}: ${R}` : `> ${name}: v4lue`);
      const buffer = `write(3, "GET / HTTP/1.1\\r\\n${name}: v4lue\\r\\n\\r\\n", 40) = 40`;
      expect(redactText(buffer), name).toBe(secret ? buffer.replace('v4lue', R) : buffer);
    }
  });

  it('as a parameter, plain, after a bracket, and percent-encoded in another value', () => {
    expect(paramNames.filter((n) => isSecretName(n)).length).toBeGreaterThan(300);
    for (const name of paramNames) {
      const secret = isSecretName(name);
      expect(redactText(`a=1&${name}=v4lue level=info`), name).toBe(secret ? `a=1&${name}=${R} level=info` : `a=1&${name}=v4lue level=info`);
      const bracketed = `user[${name}=v4lue`;
      expect(redactText(bracketed), name).toBe(secret || isSecretName(`user[${name}`) ? `user[${name}=${R}` : bracketed);
      const encoded = `next=%2Fp%3F${name}%3Dv4lue&n=2`;
      expect(redactText(encoded), name).toBe(secret ? `next=%2Fp%3F${name}%3D${R}&n=2` : encoded);
    }
  });
});

describe('redactText: what the cheap looks before each rule must not miss', () => {
  it('a JSON pair whose colon follows any white space a regex knows', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (!/\s/.test(ch)) continue;
      expect(redactText(`{"password"${ch}:${ch}"hunter2"}`), c.toString(16)).toBe(`{"password"${ch}:${ch}"${R}"}`);
    }
    // no white space to a regex: no JSON pair
    for (const ch of ['\u200b', '\u180e', 'x']) expect(redactText(`{"password"${ch}: "hunter2"}`)).toBe(`{"password"${ch}: "hunter2"}`);
  });

  it("curl's -U as its -u", () => {
    expect(redactText('curl -U bob:hunter2 -x p:3128 http://h/')).toBe(`curl -U bob:${R} -x p:3128 http://h/`);
    expect(redactText('curl -x p:3128 -Ubob:hunter2 http://h/')).toBe(`curl -x p:3128 -Ubob:${R} http://h/`);
  });

  it('every shape, alone in a text with no other rule to run', () => {
    const shapes = [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'AKIAIOSFODNN7EXAMPLE', 'ASIAIOSFODNN7EXAMPLE',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'gho_abcdefghijklmnopqrstuvwxyz0123456789', 'ghu_abcdefghijklmnopqrstuvwxyz0123456789',
      'ghs_abcdefghijklmnopqrstuvwxyz0123456789', 'ghr_abcdefghijklmnopqrstuvwxyz0123456789', 'github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz0123456789',
      'glpat-abcdefghij0123456789', 'xoxa-1234567890', 'xoxb-1234567890', 'xoxp-1234567890', 'xoxr-1234567890', 'xoxs-1234567890',
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'rk_test_4eC39HqLyjWDarjtT1zdp7dc', 'AIzaSyA-abcdefghijklmnopqrstuvwxyz01234',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEvQ\n-----END RSA PRIVATE KEY-----',
    ];
    for (const s of shapes) expect(redactText(`see ${s} here`), s).toBe(`see ${R} here`);
  });
});
