/**
 * Memory stays bounded on captures of very many connections (issue 9.8): loud
 * connections beyond a cap are counted by state, closed ones stop lingering
 * when too many wait, and every attempt still counts in the client's
 * destinations. Peak memory is measured in bench/capture-shapes.ts.
 */
import { describe, expect, it } from 'vitest';
import { CaptureAnalysis, MAX_KEPT_CONNECTIONS } from '../../src/analysis/tcp/index.js';
import { Diagnostics, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../../src/model/index.js';

const EMPTY = new Uint8Array(0);
let frame = 0;
let t = 1_800_000_000;
function seg(src: string, sp: number, dst: string, dp: number, seq: number, ack: number, flags: number): TcpSegment {
  t += 1e-5;
  return { frame: ++frame, t, byteOffset: 0, ipVersion: 4, src, dst, srcPort: sp, dstPort: dp, seq, ack, flags, window: 65535, payload: EMPTY, payloadLen: 0 };
}
const feed = (a: CaptureAnalysis, s: TcpSegment) => a.add({ kind: 'tcp', seg: s });
const refused = (a: CaptureAnalysis, port: number) => {
  feed(a, seg('10.0.0.1', port, '10.0.0.2', 81, 100, 0, TCP_SYN));
  feed(a, seg('10.0.0.2', 81, '10.0.0.1', port, 0, 101, TCP_RST | TCP_ACK));
};

describe('captures of very many connections', () => {
  it('keeps the first MAX_KEPT_CONNECTIONS refused connections, counts the rest by state, and counts every attempt', () => {
    const a = new CaptureAnalysis({ path: 'many.pcap', diag: new Diagnostics(), timeline: false });
    const n = MAX_KEPT_CONNECTIONS + 300;
    for (let i = 0; i < n; i++) refused(a, 1024 + (i % 60000));
    const m = a.finish({} as never);
    expect(m.connections).toHaveLength(MAX_KEPT_CONNECTIONS);
    expect(m.notKept).toEqual({ REJ: 300 });
    expect(m.clients![0].destinations).toEqual([expect.objectContaining({ ip: '10.0.0.2', port: 81, attempts: n, refused: n, outcome: 'refused' })]);
  });

  it('finalizes closed connections early when thousands wait, without a lone late ACK becoming a connection of its own', () => {
    const a = new CaptureAnalysis({ path: 'linger.pcap', diag: new Diagnostics(), timeline: false });
    // one connection closed both ways, its last ACK held back
    feed(a, seg('10.0.0.1', 40000, '10.0.0.2', 80, 100, 0, TCP_SYN));
    feed(a, seg('10.0.0.2', 80, '10.0.0.1', 40000, 500, 101, TCP_SYN | TCP_ACK));
    feed(a, seg('10.0.0.1', 40000, '10.0.0.2', 80, 101, 501, TCP_ACK));
    feed(a, seg('10.0.0.1', 40000, '10.0.0.2', 80, 101, 501, TCP_FIN | TCP_ACK));
    feed(a, seg('10.0.0.2', 80, '10.0.0.1', 40000, 501, 102, TCP_FIN | TCP_ACK));
    // 5,000 refused connections close meanwhile (well within LINGER)
    for (let i = 0; i < 5000; i++) refused(a, 1024 + i);
    feed(a, seg('10.0.0.1', 40000, '10.0.0.2', 80, 102, 502, TCP_ACK));
    const m = a.finish({} as never);
    expect(m.connections.filter((c) => c.state === 'OTH')).toEqual([]);
    expect(m.connections.length + (m.summarized?.connections ?? 0)).toBe(5001);
  });
});
