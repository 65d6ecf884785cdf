import { describe, expect, it } from 'vitest';
import { curlError } from '../../src/detectors/index.js';
import { connectFailed } from '../../src/detectors/connect-failed/index.js';
import { detectText, lines } from '../parsers/curl-helpers.js';

describe('curl-error: every other failure curl reported', () => {
  it.each([
    ['DNS', 'curl: (6) Could not resolve host: nope.invalid\n', 6, 'CURLE_COULDNT_RESOLVE_HOST'],
    ['timeout', 'curl: (28) Operation timed out after 1501 milliseconds with 1000 out of 20000 bytes received\n', 28, 'CURLE_OPERATION_TIMEDOUT'],
    ['TLS handshake reset', 'curl: (35) Recv failure: Connection reset by peer\n', 35, 'CURLE_SSL_CONNECT_ERROR'],
    ['send failure, no code printed', '* Send failure: Connection reset by peer\n', 55, 'CURLE_SEND_ERROR'],
    ['HTTP/2 stream', 'curl: (92) HTTP/2 stream 1 was not closed cleanly: INTERNAL_ERROR (err 2)\n', 92, 'CURLE_HTTP2_STREAM'],
  ])('%s', async (_n, text, code, name) => {
    const fs = await detectText(curlError.detect, text);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ detector: 'curl-error', severity: 'warning', details: { exit_code: code, code_name: name } });
    expect(fs[0].title).toContain(`curl error ${code} (${name})`);
    expect(fs[0].explanation).toBeTruthy();
    expect(fs[0].evidence.length).toBeGreaterThan(0);
  });

  it('keeps curl’s own wording in the title and details', async () => {
    const [f] = await detectText(curlError.detect, 'curl: (92) HTTP/2 stream 1 was not closed cleanly: PROTOCOL_ERROR (err 1)\n');
    expect(f.title).toMatch(/PROTOCOL_ERROR \(err 1\)$/);
    expect(f.details.message).toBe('HTTP/2 stream 1 was not closed cleanly: PROTOCOL_ERROR (err 1)');
  });

  it.each([
    ['56 (its own detector)', 'curl: (56) Recv failure: Connection reset by peer'],
    ['18 (truncated-response)', 'curl: (18) transfer closed with 5 bytes remaining to read'],
    ['52 (empty-reply)', 'curl: (52) Empty reply from server'],
    ['7 (connect-failed)', "curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server"],
    ['28 while connecting (connect-failed)', 'curl: (28) Failed to connect to 10.0.0.1 port 80 after 3001 ms: Connection timed out'],
    ['a success', '{"http_code":200,"exitcode":0,"time_total":0.1}'],
  ])('leaves %s alone', async (_n, line) => {
    expect(await detectText(curlError.detect, `${line}\n`)).toEqual([]);
  });
});

describe('connect-failed: curl exit 7, and 28 while connecting (issue 13)', () => {
  it.each([
    ['connection refused', lines('*   Trying 127.0.0.1:1...', '* connect to 127.0.0.1 port 1 failed: Connection refused', "* Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server", '* Closing connection 0', "curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server"), 7, 'connect refused or unreachable'],
    ['-w exitcode', "http_code: 000\nexitcode: 7\nerrormsg: Failed to connect to h port 1 after 0 ms: Couldn't connect to server\n", 7, 'connect refused or unreachable'],
    ['connect timeout', 'curl: (28) Failed to connect to 10.0.0.1 port 80 after 3001 ms: Connection timed out\n', 28, 'timed out while connecting'],
    ['--connect-timeout (old wording)', 'curl: (28) Connection timed out after 3001 milliseconds\n', 28, 'timed out while connecting'],
  ])('%s', async (_n, text, code, stage) => {
    const fs = await detectText(connectFailed.detect, text);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ detector: 'connect-failed', severity: 'error', details: { exit_code: code, stage } });
    expect(fs[0].evidence.length).toBeGreaterThan(0);
  });

  it('leaves a transfer timeout to curl-error', async () => {
    const text = 'curl: (28) Operation timed out after 1501 milliseconds with 1000 out of 20000 bytes received\n';
    expect(await detectText(connectFailed.detect, text)).toEqual([]);
    expect(await detectText(curlError.detect, text)).toHaveLength(1);
  });
});
