import { createReadStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromStrace } from '../../src/detectors/curl-error-56/strace.js';
import { repoRoot } from '../helpers/paths.js';
import { runOf, straceInput as input, textChunks } from '../helpers/strace.js';

const run = runOf;
const text = (lines: string[]) => input('t.strace', textChunks(lines.join('\n')));

describe('curl-error-56 from strace', () => {
  it('finds the reset curl saw in the -yy sample, with the socket ends to join on', async () => {
    const found = fromStrace(run(await input('curl-reset-yy.strace', createReadStream(path.join(repoRoot, 'samples', 'strace', 'curl-reset-yy.strace')))));
    expect(found).toHaveLength(1);
    const f = found[0];
    expect(f).toMatchObject({
      detector: 'curl-error-56',
      severity: 'error',
      subject: { syscall: 'recvfrom', connection: expect.stringMatching(/^127\.0\.0\.1:\d+->127\.0\.0\.1:18056$/) },
      details: { errno: 'ECONNRESET', wording: 'Connection reset by peer', protocol: 'TCP', request_seen: true },
      join: { client: { ip: '127.0.0.1', port: expect.any(Number) }, server: { ip: '127.0.0.1', port: 18056 } },
    });
    expect(f.join!.t).toBeGreaterThan(f.start!);
    expect(f.details.sent_bytes as number).toBeGreaterThan(0);
    expect(f.details.received_bytes as number).toBeGreaterThan(0);
    expect(f.evidence[0].text).toContain('ECONNRESET');
    expect(f.explanation).toMatch(/error 56/);
    expect(f.lanes).toHaveLength(1);
  });

  it('ignores a failed MSG_PEEK: curl checking an idle pooled connection before reuse (samples/incidents/idle-reset-after-exchange)', async () => {
    const lines = [
      '300 10:00:00.000000 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 5',
      '300 10:00:00.000100 connect(5, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.1.2.3")}, 16) = 0',
      '300 10:00:00.000200 sendto(5, "GET / HTTP/1.1\\r\\n", 16, MSG_NOSIGNAL, NULL, 0) = 16',
      '300 10:00:00.000300 recvfrom(5, "HTTP/1.1 200 OK\\r\\n", 16384, 0, NULL, NULL) = 17',
      '300 10:00:05.000000 recvfrom(5, 0x7fff17e0c907, 1, MSG_PEEK, NULL, NULL) = -1 ECONNRESET (Connection reset by peer)',
    ];
    expect(fromStrace(run(await text(lines)))).toEqual([]);
    const real = fromStrace(run(await input('idle.strace', createReadStream(path.join(repoRoot, 'samples/incidents/idle-reset-after-exchange/client.strace')))));
    expect(real).toEqual([]);
  });

  it('finds a reset on a socket tracked from connect(), with the peer only', async () => {
    const found = fromStrace(
      run(
        await text([
          '300 10:00:00.000000 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3',
          '300 10:00:00.000100 connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.1.2.3")}, 16) = 0',
          '300 10:00:00.000200 write(3, "POST /api HTTP/1.1\\r\\n", 21) = 21',
          '300 10:00:00.000300 recvfrom(3, 0x7ffd, 16384, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer) <0.250000>',
        ]),
      ),
    );
    expect(found).toHaveLength(1);
    expect(found[0].join).toEqual({ t: 36000.2503, server: { ip: '10.1.2.3', port: 80 } });
    expect(found[0].subject).toEqual({ pid: 300, tid: 300, syscall: 'recvfrom' });
  });

  it('reports a failure on a socket whose start the log missed (strace -p attached later)', async () => {
    const found = fromStrace(run(await text(['9 read(7<TCP:[10.0.0.1:5000->10.0.0.2:80]>, 0x1, 100) = -1 ETIMEDOUT (Connection timed out)'])));
    expect(found).toHaveLength(1);
    expect(found[0].details).toMatchObject({ errno: 'ETIMEDOUT', request_seen: false, wording: 'Connection timed out' });
    expect(found[0].join).toMatchObject({ client: { ip: '10.0.0.1', port: 5000 }, server: { ip: '10.0.0.2', port: 80 } });
  });

  it.each([
    ['nothing was sent on a socket opened in the log', ['1 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3', '1 recvfrom(3, 0x1, 10, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer)']],
    ['the error is not a reset or timeout', ['1 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3', '1 sendto(3, "x", 1, 0, NULL, 0) = 1', '1 recvfrom(3, 0x1, 10, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)']],
    ['the reset is on a send', ['1 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3', '1 sendto(3, "x", 1, 0, NULL, 0) = -1 ECONNRESET (Connection reset by peer)']],
  ])('finds nothing when %s', async (_what, lines) => {
    expect(fromStrace(run(await text(lines)))).toEqual([]);
  });
});
