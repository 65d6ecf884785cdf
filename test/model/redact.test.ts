import { describe, expect, it } from 'vitest';
import { isSecretName, MIN_SHAPE_LENGTH, REDACTED, redactDeep, redactResult, redactText } from '../../src/model/redact.js';
import type { RunResult } from '../../src/model/index.js';

const R = REDACTED;

describe('redactText: header values', () => {
  it.each([
    ['curl -v request header', '> Authorization: Bearer eyJhbGciOi.abc.def', `> Authorization: Bearer ${R}`],
    ['curl -v basic auth', '> Authorization: Basic dXNlcjpwYXNz', `> Authorization: Basic ${R}`],
    ['scheme-less authorization', 'Authorization: s3cr3t', `Authorization: ${R}`],
    ['proxy authorization', '> Proxy-Authorization: Basic Zm9vOmJhcg==', `> Proxy-Authorization: Basic ${R}`],
    ['curl -v cookie', '> Cookie: sid=abc123; theme=dark', `> Cookie: ${R}`],
    ['curl -v set-cookie response', '< Set-Cookie: sid=abc; Path=/; HttpOnly', `< Set-Cookie: ${R}`],
    ['HTTP/2 lower case', '> authorization: Bearer tok', `> authorization: Bearer ${R}`],
    ['trace-ascii line', '0045: Cookie: a=b', `0045: ${'Cookie'}: ${R}`],
    ['tab after the colon', 'Cookie:\ta=b', `Cookie:\t${R}`],
    ['x-api-key header', '> X-Api-Key: 12345', `> X-Api-Key: ${R}`],
    ['x-auth-token header', '> X-Auth-Token: 12345', `> X-Auth-Token: ${R}`],
    ['real CRLF ends the value', 'Cookie: a=b\r\nHost: x', `Cookie: ${R}\r\nHost: x`],
  ])('%s', (_name, input, want) => {
    expect(redactText(input)).toBe(want);
  });

  it.each([
    [
      'strace write with escaped CRLF',
      'write(3, "GET / HTTP/1.1\\r\\nHost: a\\r\\nCookie: a=b\\r\\n\\r\\n", 45) = 45',
      `write(3, "GET / HTTP/1.1\\r\\nHost: a\\r\\nCookie: ${R}\\r\\n\\r\\n", 45) = 45`,
    ],
    [
      'strace string ending inside the value',
      'sendto(3, "Authorization: Bearer abcdef"..., 300, 0, NULL, 0) = 300',
      `sendto(3, "Authorization: Bearer ${R}"..., 300, 0, NULL, 0) = 300`,
    ],
    [
      'strace value with an escaped quote inside',
      'write(3, "Cookie: a=\\"q\\"; b=c\\r\\n", 20) = 20',
      `write(3, "Cookie: ${R}\\r\\n", 20) = 20`,
    ],
    [
      'strace -x hex line end',
      'write(3, "Cookie: a=b\\x0d\\x0a", 13) = 13',
      `write(3, "Cookie: ${R}\\x0d\\x0a", 13) = 13`,
    ],
    [
      'two secret headers in one buffer',
      '"Authorization: Basic Zm9v\\r\\nCookie: x=1\\r\\n"',
      `"Authorization: Basic ${R}\\r\\nCookie: ${R}\\r\\n"`,
    ],
  ])('%s', (_name, input, want) => {
    expect(redactText(input)).toBe(want);
  });

  it.each([
    ['a header of no secret', '> Host: example.com'],
    ['an empty value', 'Cookie: '],
    ['prose naming the header', 'request sent without Authorization'],
    ['a url with a port', 'http://authorization:8080/x'],
    ['already redacted text', `> Cookie: ${R}`],
  ])('leaves %s alone', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('redactText: URLs, forms, JSON', () => {
  it.each([
    ['a token query value', 'GET /api?token=abc123&page=2 HTTP/1.1', `GET /api?token=${R}&page=2 HTTP/1.1`],
    ['api_key and apikey', 'https://h/x?api_key=1&apikey=2&q=ok', `https://h/x?api_key=${R}&apikey=${R}&q=ok`],
    ['password and passwd', '/login?user=bob&password=hunter2&passwd=x', `/login?user=bob&password=${R}&passwd=${R}`],
    ['signed URL', '/o?X-Amz-Credential=AKIA%2F&X-Amz-Signature=ff00&X-Amz-Expires=60', `/o?X-Amz-Credential=${R}&X-Amz-Signature=${R}&X-Amz-Expires=60`],
    ['sig and access_token', '/p?sig=abc&access_token=t#frag', `/p?sig=${R}&access_token=${R}#frag`],
    ['session ids', '/p?sessionId=1&PHPSESSID=2', `/p?sessionId=${R}&PHPSESSID=${R}`],
    ['value ended by an escaped CRLF in strace', '"POST /x HTTP/1.1\\r\\n\\r\\nuser=a&password=b\\r\\n"', `"POST /x HTTP/1.1\\r\\n\\r\\nuser=a&password=${R}\\r\\n"`],
    ['form body starting at the string', '"password=b&user=a"', `"password=${R}&user=a"`],
    ['URL user info', 'curl https://bob:hunter2@example.com/x', `curl https://bob:${R}@example.com/x`],
    ['JSON body', '{"user":"bob","password":"hunter2"}', `{"user":"bob","password":"${R}"}`],
    ['JSON in a strace string', 'write(3, "{\\"api_key\\": \\"k1\\", \\"n\\": 1}", 30)', `write(3, "{\\"api_key\\": \\"${R}\\", \\"n\\": 1}", 30)`],
    ['a log line', 'level=info auth=xyz user=bob', `level=info auth=${R} user=bob`],
    // a parameter whose value is itself a URL or a path with a query: its first parameter too
    ['a URL logged as a value, its secret first', 'url=http://svc.test/orders?access_token=t1 http_code=0', `url=http://svc.test/orders?access_token=${R} http_code=0`],
    ['a redirect target with an OAuth code', 'redirect=https://h/cb?code=abc&state=1', `redirect=https://h/cb?code=${R}&state=1`],
    ['a path logged as a value', 'next=/login?password=hunter2', `next=/login?password=${R}`],
    ['nested twice', 'q=url=http://h?token=z', `q=url=http://h?token=${R}`],
    ['a secret value holding a `?`, redacted whole', 'password=ab?cd=1 user=bob', `password=${R} user=bob`],
    // a `|` may be part of a secret's value: the value is redacted up to the next space, as a secret's value always is
    ['pairs split by `|` in a log line', 'user=bob|token=t1|n=2 level=info', `user=bob|token=${R} level=info`],
    // curl's user and password on a command line, and in the argv strace prints for an execve
    ['curl -u', 'curl -s -u bob:hunter2 http://h/', `curl -s -u bob:${R} http://h/`],
    ['curl --user=', 'curl --user=bob:hunter2 http://h/', `curl --user=bob:${R} http://h/`],
    ['curl -u attached', 'curl -ubob:hunter2 http://h/', `curl -ubob:${R} http://h/`],
    ['curl --proxy-user', 'curl --proxy-user "bob:hunter2" -x p:3128 http://h/', `curl --proxy-user "bob:${R}" -x p:3128 http://h/`],
    ['an execve of curl -u', 'execve("/usr/bin/curl", ["curl", "-u", "bob:hunter2", "http://h/"], 0x7ffd /* 3 vars */) = 0', `execve("/usr/bin/curl", ["curl", "-u", "bob:${R}", "http://h/"], 0x7ffd /* 3 vars */) = 0`],
  ])('%s', (_name, input, want) => {
    expect(redactText(input)).toBe(want);
  });

  it.each([
    ['plain query values', '/search?q=token&page=2&author=me'],
    ['strace signal info', '--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=123, si_uid=0} ---'],
    ['strace sockaddr', 'connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16)'],
    ['an empty secret value', '/x?token=&a=1'],
    ['curl -u with a user only (curl asks for the password)', 'curl -u bob http://h:8080/'],
    ['an option -u of another kind, with no colon', 'sort -u names.txt'],
  ])('leaves %s alone', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('isSecretName', () => {
  it.each([
    ['token', true], ['refresh_token', true], ['authToken', true], ['key', true], ['api.key', true], ['private_key', true],
    ['sig', true], ['x_sig', true], ['secret', true], ['client_secret', true], ['auth', true], ['oauth_nonce', true],
    ['pass', true], ['pwd', true], ['sid', true],
    ['author', false], ['keyword', false], ['monkey_count', false], ['signal', false], ['page', false], ['q', false], ['si_pid', false],
  ])('%s → %s', (name, want) => {
    expect(isSecretName(name)).toBe(want);
  });
});

describe('redactDeep', () => {
  it('redacts strings inside nested objects and arrays, and values under secret keys whole', () => {
    const v = {
      n: 3,
      ok: true,
      headers: { Authorization: 'Bearer abc', Cookie: 'a=b', Host: 'h' },
      list: ['GET /?token=1', { password: 'x', url: 'http://u:p@h/' }],
    };
    expect(redactDeep(v)).toEqual({
      n: 3,
      ok: true,
      headers: { Authorization: `Bearer ${R}`, Cookie: R, Host: 'h' },
      list: [`GET /?token=${R}`, { password: R, url: `http://u:${R}@h/` }],
    });
  });
});

function result(): RunResult {
  return {
    tool: 'faultline',
    version: '0.1.0',
    inputs: [
      { path: 'curl.log', format: 'curl-verbose', status: 'read', events: 3, clock: 'none', warnings: ['line 4: odd header "Cookie: z=9"'] },
    ],
    findings: [
      {
        id: 'F1',
        detector: 'curl-error-56',
        severity: 'error',
        title: 'GET https://api/x?token=t1 failed: (56) Recv failure',
        start: 1,
        end: 2,
        subject: { url: 'https://api/x?token=t1' },
        evidence: [{ input: 'curl.log', line: 3, text: '> Authorization: Bearer t2' }],
        details: { request: { headers: ['Cookie: c=3'] }, wireshark_filter: 'tcp.port == 80' },
        explanation: 'sent with Set-Cookie: q=1',
      },
    ],
    detector_failures: [],
    clocks: { 'curl.log': { offset: 0, absolute: false } },
    lanes: [
      {
        id: 'curl.log#transfer:1',
        input: 'curl.log',
        kind: 'transfer',
        label: 'GET /x?api_key=k',
        spans: [{ start: 1, end: 2, kind: 'transfer', label: 'GET /x?sig=s', details: { cookie: 'a=b', bytes: 3 } }],
        markers: [{ t: 2, kind: 'error', label: 'Proxy-Authorization: Basic Zm9v' }],
        events: 3,
      },
    ],
    assumptions: { timezone: 'UTC', join_window: 2 },
    redacted: false,
  };
}

describe('redactResult', () => {
  it('redacts secrets in every part of the result and marks it redacted', () => {
    const r = redactResult(result());
    expect(r.redacted).toBe(true);
    const f = r.findings[0];
    expect(f.title).toBe(`GET https://api/x?token=${R} failed: (56) Recv failure`);
    expect(f.subject.url).toBe(`https://api/x?token=${R}`);
    expect(f.evidence[0].text).toBe(`> Authorization: Bearer ${R}`);
    expect(f.details).toEqual({ request: { headers: [`Cookie: ${R}`] }, wireshark_filter: 'tcp.port == 80' });
    expect(f.explanation).toBe(`sent with Set-Cookie: ${R}`);
    expect(r.inputs[0].warnings[0]).toBe(`line 4: odd header "Cookie: ${R}"`);
    const lane = r.lanes[0];
    expect(lane.label).toBe(`GET /x?api_key=${R}`);
    expect(lane.spans[0].label).toBe(`GET /x?sig=${R}`);
    expect(lane.spans[0].details).toEqual({ cookie: R, bytes: 3 });
    expect(lane.markers[0].label).toBe(`Proxy-Authorization: Basic ${R}`);
    const text = JSON.stringify(r);
    for (const secret of ['t1', 't2', 'c=3', 'q=1', 'z=9', 'Zm9v', 'api_key=k', 'sig=s', 'a=b']) expect(text).not.toContain(secret);
  });

  it('leaves the given result unchanged (pure)', () => {
    const before = result();
    const copy = structuredClone(before);
    redactResult(before);
    expect(before).toEqual(copy);
  });

  it('keeps paths and their references in step', () => {
    const base = result();
    const odd = 'logs/x?token=1.log';
    base.inputs[0].path = odd;
    base.findings[0].evidence[0].input = odd;
    base.clocks = { [odd]: { offset: 0, absolute: false } };
    base.lanes[0].input = odd;
    const r = redactResult(base);
    expect(r.findings[0].evidence[0].input).toBe(r.inputs[0].path);
    expect(Object.keys(r.clocks)).toEqual([r.inputs[0].path]);
    expect(r.lanes[0].input).toBe(r.inputs[0].path);
  });

  it('is idempotent', () => {
    const once = redactResult(result());
    expect(redactResult(once)).toEqual(once);
  });
});

describe('isSecretName: real-world parameter names (issue 9 item 13)', () => {
  // names as they appear in OAuth 2.0/OIDC, AWS/GCP/Azure signed URLs, payment forms, 2FA flows, web frameworks
  it.each([
    // OAuth 2.0 / OIDC
    ['code', true], ['client_secret', true], ['refresh_token', true], ['id_token', true], ['code_verifier', false], ['user_code', true], ['device_code', true],
    ['state', false], ['redirect_uri', false], ['response_type', false], ['grant_type', false], ['scope', false], ['client_id', false],
    // one-time codes, PINs, MACs
    ['otp', true], ['totp', true], ['mfa_code', true], ['verification_code', true], ['smsCode', true], ['pin', true], ['pinCode', true], ['PIN', true],
    ['hmac', true], ['X-Hmac-SHA256', true], ['hmac_signature', true], ['one_time_code', true],
    // signed URLs
    ['X-Amz-Signature', true], ['X-Amz-Security-Token', true], ['X-Goog-Signature', true], ['sig', true], ['se', false], ['sv', false],
    // sessions, CSRF
    ['PHPSESSID', true], ['JSESSIONID', true], ['connect.sid', true], ['csrf_token', true], ['_csrf', false], ['authenticity_token', true],
    // payment
    ['cvv', true], ['cvc', true], ['card_cvv2', true],
    // never secrets
    ['status_code', false], ['country_code', false], ['zip_code', false], ['error_code', false], ['http_code', false], ['promo_code', false],
    ['mac_address', false], ['spinner', false], ['opinion', false], ['keyword', false], ['monkey', false], ['author', false], ['page', false], ['lang', false],
  ])('%s → %s', (name, want) => {
    expect(isSecretName(name)).toBe(want);
  });

  it.each([
    ['an OAuth authorization code in a callback', 'GET /callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz HTTP/1.1', `GET /callback?code=${R}&state=xyz HTTP/1.1`],
    ['a one-time password in a form', 'username=bob&otp=123456', `username=bob&otp=${R}`],
    ['a PIN in JSON', '{"account":"42","pin":"1234"}', `{"account":"42","pin":"${R}"}`],
    ['an HMAC header', '> X-Hub-Signature-256: sha256=abcdef0123', `> X-Hub-Signature-256: ${R}`],
    ['a status code left alone', '/x?status_code=502&code_verifier_len=43', '/x?status_code=502&code_verifier_len=43'],
  ])('redacts %s', (_name, input, want) => {
    expect(redactText(input)).toBe(want);
  });
});

describe('redactText: secrets by the shape of their value', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  it.each([
    ['a JWT in a log line', `level=warn msg="upstream said 401" bearer=${jwt} user=bob`, `level=warn msg="upstream said 401" bearer=${R} user=bob`],
    ['a JWT in a path', `GET /v1/links/${jwt}/open HTTP/1.1`, `GET /v1/links/${R}/open HTTP/1.1`],
    ['an AWS access key id', 'using AKIAIOSFODNN7EXAMPLE for s3', `using ${R} for s3`],
    ['a GitHub token', 'git clone https://x:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r', `git clone https://x:${R}@github.com/o/r`],
    ['a Slack token', 'hook=xoxb-123456789012-abcdefABCDEF', `hook=${R}`],
    ['a Stripe key', 'stripe key sk_live_4eC39HqLyjWDarjtT1zdp7dc', `stripe key ${R}`],
    ['a PEM private key', '"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----"', `"${R}"`],
  ])('%s', (_name, input, want) => {
    expect(redactText(input)).toBe(want);
  });

  it('redacts a shape at its shortest, so texts shorter than MIN_SHAPE_LENGTH may skip the shapes', () => {
    // each shape at the least length its pattern takes; the Slack one is the shortest of all
    const shortest = ['xoxb-1234567890', 'AKIAIOSFODNN7EXAMPLE', 'sk_live_0123456789abcdef', 'glpat-01234567890123456789'];
    for (const s of shortest) expect(redactText(s), s).toBe(R);
    expect(Math.min(...shortest.map((s) => s.length))).toBe(MIN_SHAPE_LENGTH);
    expect(redactText('xoxb-123456789')).toBe('xoxb-123456789');
  });

  it('leaves ordinary long identifiers alone', () => {
    for (const s of ['GET /v1/items/5f3a9c2e7b1d4e8f9a0b1c2d3e4f5a6b HTTP/1.1', 'trace_id=4bf92f3577b34da6a3ce929d0e0e4736']) expect(redactText(s)).toBe(s);
  });
});

describe('redactResult keeps its own vocabulary', () => {
  it('does not take an error code field for an OAuth code', () => {
    expect(redactDeep({ detector_failures: [{ detector: 'x', code: 'E_DETECTOR', error: 'kaput' }] })).toEqual({ detector_failures: [{ detector: 'x', code: 'E_DETECTOR', error: 'kaput' }] });
    expect(redactDeep({ url: '/cb?code=abc123&state=1' })).toEqual({ url: `/cb?code=${R}&state=1` });
  });
});
