/**
 * Secrets one step further in: a parameter percent-encoded inside another's value (a login
 * redirect's `next=%2Flogin%3Fpassword%3D…`, a logged URL encoded as a query value), and a
 * parameter named `cookie` (the Cookie header was redacted, `cookie=` in a log line was not).
 */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactText } from '../../src/model/redact.js';

const R = REDACTED;

describe('redactText: a secret parameter percent-encoded inside a value', () => {
  it.each([
    ['a login redirect', 'GET /auth?next=%2Flogin%3Fpassword%3Dhunter2&x=1', `GET /auth?next=%2Flogin%3Fpassword%3D${R}&x=1`],
    ['an encoded URL as a value, the secret first', 'url=http%3A%2F%2Fh%2Fp%3Faccess_token%3DT1%26page%3D2 http_code=0', `url=http%3A%2F%2Fh%2Fp%3Faccess_token%3D${R}%26page%3D2 http_code=0`],
    ['the secret after an encoded &', 'ret=%2Fcb%3Fpage%3D2%26token%3Dabc', `ret=%2Fcb%3Fpage%3D2%26token%3D${R}`],
    ['lower-case escapes', 'next=%2flogin%3fpassword%3dhunter2', `next=%2flogin%3fpassword%3d${R}`],
    ['the encoded pair at the value start', 'state=api_key%3Dk1%26v%3D1', `state=api_key%3D${R}%26v%3D1`],
    ['a value with encoded characters of its own', 'next=%2Fx%3Fpassword%3Dp%40ss%21word%26y%3D1', `next=%2Fx%3Fpassword%3D${R}%26y%3D1`],
    ['strace buffer', 'write(3, "POST /login?next=%2Fa%3Ftoken%3Dzz HTTP/1.1\\r\\n", 40) = 40', `write(3, "POST /login?next=%2Fa%3Ftoken%3D${R} HTTP/1.1\\r\\n", 40) = 40`],
  ])('%s', (_name, input, want) => {
    expect(redactText(input)).toBe(want);
  });

  it.each([
    ['an encoded pair of no secret', 'next=%2Fsearch%3Fq%3Dshoes%26page%3D2'],
    ['an encoded = in prose', 'q=a%3Db'],
    ['a percent sign', 'progress=10%25 done'],
    ['already redacted', `next=%2Flogin%3Fpassword%3D${R}`],
  ])('leaves alone %s', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });

  it('is idempotent', () => {
    const once = redactText('url=http%3A%2F%2Fh%2Fp%3Faccess_token%3DT1%26page%3D2 http_code=0');
    expect(redactText(once)).toBe(once);
  });
});

describe('redactText: a parameter named cookie', () => {
  it.each([
    ['in a log line', 'upstream=api cookie=sid%3Dabc123 status=502', `upstream=api cookie=${R} status=502`],
    ['in a query', '/p?cookie=abc&x=1', `/p?cookie=${R}&x=1`],
    ['set_cookie', 'set_cookie=abc status=200', `set_cookie=${R} status=200`],
  ])('%s', (_name, input, want) => {
    expect(redactText(input)).toBe(want);
  });

  it.each([
    ['cookies counted', 'cookies=3'],
    ['a cookie jar flag', 'cookie_jar_enabled'],
  ])('leaves alone %s', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});
