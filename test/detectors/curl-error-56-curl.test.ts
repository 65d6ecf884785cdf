import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromCurl } from '../../src/detectors/curl-error-56/curl.js';
import { fromCurl as truncatedFromCurl } from '../../src/detectors/truncated-response/curl.js';
import { samplesDir } from '../helpers/paths.js';
import { detectText, lines, modelOf, runOf } from '../parsers/curl-helpers.js';

const RESET_MID_BODY = lines(
  '*   Trying 127.0.0.1:45663...',
  '* Connected to 127.0.0.1 (127.0.0.1) port 45663 (#0)',
  '> GET /api/orders/reset-mid-body HTTP/1.1',
  '> Host: 127.0.0.1:45663',
  '> User-Agent: curl/7.88.1',
  '> ',
  '< HTTP/1.1 200 OK',
  '< Content-Length: 20000',
  '< ',
  '{ [4000 bytes data]',
  '* Recv failure: Connection reset by peer',
  '* Closing connection 0',
  'curl: (56) Recv failure: Connection reset by peer',
);

describe('curl-error-56 from curl output and logs', () => {
  it('reports a reset mid-body from -v with evidence, details, subject and join facts', async () => {
    const [f, ...rest] = await detectText(fromCurl, RESET_MID_BODY, 'inc/curl-verbose.txt');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: 'curl-error-56',
      severity: 'error',
      input: 'inc/curl-verbose.txt',
      subject: { url: 'http://127.0.0.1:45663/api/orders/reset-mid-body' },
      details: { exit_code: 56, wording: 'recv-failure', failure: 'reset', stage: 'while receiving the response body', bytes_received_at_least: 4000, content_length: 20000 },
      join: { server: { ip: '127.0.0.1', port: 45663 }, host: '127.0.0.1', method: 'GET', status: 200, url: 'http://127.0.0.1:45663/api/orders/reset-mid-body' },
      eventKeys: ['inc/curl-verbose.txt#transfer:1'],
      lanes: ['inc/curl-verbose.txt#transfer:1'],
    });
    expect(f.title).toMatch(/^Receive failed: connection reset by the peer mid-body after at least 4000 bytes of 20000/);
    expect(f.evidence.map((e) => e.line)).toEqual([3, 7, 8, 10, 11, 13]);
    expect(f.evidence.at(-1)?.text).toBe('curl: (56) Recv failure: Connection reset by peer');
    expect(f.explanation).toMatch(/reset the TCP connection/);
    // -v prints no client port: no connection string, no client join fact
    expect(f.subject.connection).toBeUndefined();
    expect(f.join?.client).toBeUndefined();
  });

  it('names the connection when %{json} printed both ends', async () => {
    const [f] = await detectText(
      fromCurl,
      '{"url_effective":"http://127.0.0.1:45663/x","http_code":200,"exitcode":56,"errormsg":"Recv failure: Connection reset by peer","local_ip":"127.0.0.1","local_port":48474,"remote_ip":"127.0.0.1","remote_port":45663,"size_download":7000}\n',
    );
    expect(f.subject.connection).toBe('127.0.0.1:48474->127.0.0.1:45663');
    expect(f.join).toMatchObject({ client: { ip: '127.0.0.1', port: 48474 }, bytesReceived: 7000, status: 200 });
  });

  const wordings: Array<[string, string, string]> = [
    ['OpenSSL errno 104', 'curl: (56) OpenSSL SSL_read: Connection reset by peer, errno 104', 'reset'],
    ['pt_BR strerror, errno 104', 'curl: (56) OpenSSL SSL_read: Conexão fechada pela outra ponta, errno 104', 'reset'],
    ['macOS errno 54', 'curl: (56) OpenSSL SSL_read: Connection reset by peer, errno 54', 'reset'],
    ['Windows 10054, no code', 'OpenSSL SSL_read: Connection was reset, errno 10054', 'reset'],
    ['OpenSSL 3 unexpected eof', 'curl: (56) OpenSSL SSL_read: error:0A000126:SSL routines::unexpected eof while reading, errno 0', 'eof'],
    ['LibreSSL errno 60', 'curl: (56) LibreSSL SSL_read: SSL_ERROR_SYSCALL, errno 60', 'timeout'],
    ['Guzzle NSS wording', "cURL error 56: TCP connection reset by peer (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)", 'reset'],
    ['proxy CONNECT 417', 'cURL error 56: Received HTTP code 417 from proxy after CONNECT', 'proxy'],
    // a translated strerror without errno cannot tell a reset from a timeout: the code alone decides
    ['zh_CN strerror', 'curl: (56) Recv failure: 连接被对方重设', 'other'],
  ];
  it.each(wordings)('reads the %s wording', async (_n, line, kind) => {
    const fs = await detectText(fromCurl, `${line}\n`);
    expect(fs).toHaveLength(1);
    expect(fs[0].details.failure).toBe(kind);
    expect(fs[0].severity).toBe('error');
    expect(fs[0].evidence).toEqual([{ input: 'curl.txt', line: 1, text: line }]);
  });

  const notHere: Array<[string, string]> = [
    ['a reset during the TLS handshake (35)', 'curl: (35) Recv failure: Connection reset by peer'],
    ['an empty reply (52)', 'curl: (52) Empty reply from server'],
    ['a success', '{"http_code":200,"exitcode":0,"time_total":0.1}'],
    ['a send failure (55)', 'curl: (55) Send failure: Broken pipe'],
  ];
  it.each(notHere)('does not report %s', async (_n, line) => {
    expect(await detectText(fromCurl, `${line}\n`)).toEqual([]);
  });

  it('shares its event key with the truncated-response finding of the same transfer', async () => {
    const { model } = await modelOf(RESET_MID_BODY, 'v.txt');
    const run = runOf([{ path: 'v.txt', model }]);
    const [a] = fromCurl(run);
    const [b] = truncatedFromCurl(run);
    expect(b.eventKeys).toEqual(a.eventKeys);
  });
});

const incident = path.join(samplesDir, 'incidents/reset-mid-body');
describe.skipIf(!existsSync(path.join(incident, 'curl-verbose.txt')))('curl-error-56 end to end on a real incident', () => {
  it('joins -w and %{json} to the capture on the connection, and -v on the request', async () => {
    const { analyze } = await import('../../src/pipeline/index.js');
    const r = await analyze([incident]);
    const f56 = r.findings.filter((f) => f.detector === 'curl-error-56');
    const cites = (f: (typeof f56)[number]) => new Set(f.evidence.map((e) => path.basename(e.input)));
    const wire = f56.find((f) => cites(f).has('curl.json'))!;
    expect([...cites(wire)]).toEqual(expect.arrayContaining(['capture.pcap', 'curl-w.txt', 'curl.json']));
    expect((wire.details.correlation as { joined_on: string[] }).joined_on).toEqual(expect.arrayContaining([expect.stringMatching(/^client 127\.0\.0\.1:/)]));
    // -v prints no client port: it joins on the request where the pipeline can (see the report)
    expect(f56.some((f) => cites(f).has('curl-verbose.txt'))).toBe(true);
    const trunc = r.findings.find((f) => f.detector === 'truncated-response' && cites(f).has('curl-verbose.txt'))!;
    expect(cites(trunc).has('capture.pcap')).toBe(true);
  });
});
