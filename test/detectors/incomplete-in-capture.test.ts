import { describe, expect, it } from 'vitest';
import { incompleteInCapture } from '../../src/detectors/incomplete-in-capture.js';
import { Cap, GET, incident, KEY1, OK, only, runOfFile, runWith } from '../analysis/tcp-wire-fixtures.js';

const detect = incompleteInCapture.detect;
const HEAD100 = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n';

describe('incomplete-in-capture: what the capture did not see whole is not called truncated', () => {
  it('reports a capture that ends mid-body, as info', () => {
    const d = only(detect(runWith((f) => f.c(GET()).s(HEAD100 + 'x'.repeat(30)))));
    expect(d).toMatchObject({ severity: 'info', details: { reason: 'capture-end', body_bytes_seen: 30, body_bytes_expected: 100 }, eventKeys: [KEY1] });
  });

  it('reports a capture that ends before any response', () => {
    expect(only(detect(runWith((f) => f.c(GET())))).details).toMatchObject({ reason: 'capture-end', response_bytes_seen: 0 });
  });

  it('reports bytes lost from a body, with the cause', () => {
    const d = only(
      detect(
        runWith((f) => {
          f.c(GET()).s(HEAD100 + 'x'.repeat(40));
          f.next.s += 30;
          f.s('x'.repeat(10)).fin('s');
        }),
      ),
    );
    expect(d.details).toMatchObject({ reason: 'gap', gap_causes: ['loss'], gap_bytes_server: 30, body_bytes_not_captured: 30 });
  });

  it('reports a snaplen cut', () => {
    const d = only(detect(runWith((f) => f.c(GET()).s(OK('0123456789'), { caplen: 40 }).close())));
    expect(d.details).toMatchObject({ reason: 'gap', gap_causes: ['snaplen'] });
  });

  const negatives: [string, Parameters<typeof runWith>[0]][] = [
    ['a complete exchange', (f) => f.c(GET()).s(OK('abc')).close()],
    ['a truncated response (the server closed: that is proof, not a capture gap)', (f) => f.c(GET()).s(HEAD100 + 'x').fin('s')],
    ['a connection with no HTTP', (f) => f.c('SSH-2.0-x\r\n')],
  ];
  it.each(negatives)('does not report %s', (_name, build) => {
    expect(detect(runWith(build))).toEqual([]);
  });

  it('sums what is beyond its cap into one finding', () => {
    const cap = new Cap();
    for (let i = 0; i < 60; i++) cap.flow({ cport: 40000 + i }).handshake().c(GET());
    const fs = detect(cap.run());
    expect(fs).toHaveLength(51);
    expect(fs[50]).toMatchObject({ title: '10 more exchanges not seen whole by the capture', details: { exchanges: 10 } });
  });

  const real: [string, string | null][] = [
    ['capture-ends-mid-body', 'capture-end'],
    ['snaplen-cut', 'gap'],
    ['short-body', null],
  ];
  it.each(real)('on the real capture %s', async (name, reason) => {
    const file = incident(name);
    if (!file) return;
    const fs = detect(await runOfFile(file));
    if (!reason) return expect(fs).toEqual([]);
    expect(only(fs).details.reason).toBe(reason);
  });
});
