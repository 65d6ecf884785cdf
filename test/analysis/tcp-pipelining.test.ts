/** Deep pipelining stays linear (issue 9.9): the work per exchange does not grow with the queue. Timing lives in bench/pipelining.ts. */
import { describe, expect, it } from 'vitest';
import { HttpTracker } from '../../src/analysis/tcp/http.js';
import type { Pkt } from '../../src/analysis/tcp/packet.js';

const at: Pkt = { frame: 1, t: 1, byteOffset: 0, from: { ip: '10.0.0.1', port: 50000 }, to: { ip: '10.0.0.2', port: 80 }, flags: 0x18, seq: 1, ack: 1, len: 0 };

/** n requests sent at once, then n responses: the deepest queue pipelining gives */
function pipeline(n: number): { steps: number; done: number } {
  let done = 0;
  const t = new HttpTracker({ done: () => done++, warn: () => undefined, switched: () => undefined, tunnel: () => undefined });
  const req = Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(n), 'latin1');
  const res = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'.repeat(n), 'latin1');
  for (let i = 0; i < req.length; i += 65536) t.data('orig', req.subarray(i, i + 65536), at);
  for (let i = 0; i < res.length; i += 65536) t.data('resp', res.subarray(i, i + 65536), at);
  t.end(at);
  return { steps: t.steps, done };
}

describe('pipelined requests on one connection', () => {
  it('visits each queued exchange a bounded number of times: 10× the requests is 10× the work', () => {
    const small = pipeline(3000);
    const big = pipeline(30000);
    expect(small.done).toBe(3000);
    expect(big.done).toBe(30000);
    expect(big.steps / big.done).toBeLessThan(8);
    expect(big.steps / small.steps).toBeLessThan(11);
  });
});
