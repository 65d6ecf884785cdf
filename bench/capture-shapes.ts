/**
 * Pathological capture shapes straight into CaptureAnalysis (no file: the
 * segments are made in memory, so only the analysis is measured):
 * - pipelining: N requests pipelined on one connection, then their N
 *   responses, in 1448-byte segments (issue 9.9: 30k vs 300k must be ~10×);
 * - many connections: N tiny connections (handshake, one GET, one 200, FIN
 *   both ways), and N refused ones (SYN, RST): memory must stay flat (issue
 *   9.8: 1 M connections under 300 MB).
 * Each case runs in a child process of its own, so its peak RSS is its own.
 *
 *   node dist/bench/capture-shapes.js            # all cases, as `npm run bench` does
 *   node dist/bench/capture-shapes.js CASE N     # one case in this process
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CaptureAnalysis } from '../src/analysis/tcp/index.js';
import { Diagnostics, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpSegment } from '../src/model/index.js';
import type { BenchResult } from './run.js';
import { peakRssKb } from './peak-rss.js';

const MSS = 1448;

function seg(frame: number, t: number, src: string, sp: number, dst: string, dp: number, seq: number, ack: number, flags: number, payload: Uint8Array): TcpSegment {
  return { frame, t, byteOffset: frame * 100, ipVersion: 4, src, dst, srcPort: sp, dstPort: dp, seq: seq >>> 0, ack: ack >>> 0, flags, window: 65535, payload, payloadLen: payload.length };
}

const EMPTY = new Uint8Array(0);

function pipelining(n: number, a: CaptureAnalysis): number {
  let frame = 0;
  let t = 1_800_000_000;
  const C = '10.0.0.1';
  const S = '10.0.0.2';
  let cs = 1000;
  let ss = 5000;
  const add = (from: 'c' | 's', flags: number, p: Uint8Array = EMPTY) => {
    t += 1e-5;
    const s = from === 'c' ? seg(++frame, t, C, 50000, S, 80, cs, ss, flags, p) : seg(++frame, t, S, 80, C, 50000, ss, cs, flags, p);
    a.add({ kind: 'tcp', seg: s });
    const used = p.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
    if (from === 'c') cs += used;
    else ss += used;
  };
  add('c', TCP_SYN);
  add('s', TCP_SYN | TCP_ACK);
  add('c', TCP_ACK);
  const send = (from: 'c' | 's', whole: Buffer) => {
    for (let i = 0; i < whole.length; i += MSS) add(from, TCP_ACK | TCP_PSH, whole.subarray(i, i + MSS));
  };
  send('c', Buffer.from('GET /x HTTP/1.1\r\nHost: bench\r\n\r\n'.repeat(n), 'latin1'));
  send('s', Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'.repeat(n), 'latin1'));
  add('c', TCP_FIN | TCP_ACK);
  add('s', TCP_FIN | TCP_ACK);
  add('c', TCP_ACK);
  return frame;
}

function manyConnections(n: number, a: CaptureAnalysis, refused: boolean): number {
  const req = Buffer.from('GET / HTTP/1.1\r\nHost: b\r\n\r\n', 'latin1');
  const res = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1');
  let frame = 0;
  let t = 1_800_000_000;
  for (let i = 0; i < n; i++) {
    // distinct 4-tuples: client addresses and ports vary
    const C = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const cp = 1024 + (i % 60000);
    const S = '10.255.0.1';
    let cs = 1000;
    let ss = 9000;
    const add = (from: 'c' | 's', flags: number, p: Uint8Array = EMPTY) => {
      t += 1e-5;
      a.add({ kind: 'tcp', seg: from === 'c' ? seg(++frame, t, C, cp, S, 80, cs, ss, flags, p) : seg(++frame, t, S, 80, C, cp, ss, cs, flags, p) });
      const used = p.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
      if (from === 'c') cs += used;
      else ss += used;
    };
    add('c', TCP_SYN);
    if (refused) {
      add('s', TCP_RST | TCP_ACK);
      continue;
    }
    add('s', TCP_SYN | TCP_ACK);
    add('c', TCP_ACK);
    add('c', TCP_ACK | TCP_PSH, req);
    add('s', TCP_ACK | TCP_PSH, res);
    add('c', TCP_FIN | TCP_ACK);
    add('s', TCP_FIN | TCP_ACK);
    add('c', TCP_ACK);
  }
  return frame;
}

/** one case in this process: prints a JSON line with seconds, frames, peak RSS */
function one(kind: string, n: number): void {
  // as the pipeline runs it: lanes are always built (the timeline keeps up to MAX_QUIET_CONNECTIONS quiet ones)
  const a = new CaptureAnalysis({ path: 'bench', diag: new Diagnostics() });
  const t0 = process.hrtime.bigint();
  const frames = kind.startsWith('pipelining') ? pipelining(n, a) : manyConnections(n, a, kind.startsWith('refused'));
  const model = a.finish({ events: frames } as never);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // the kernel's high-water mark: the analysis is synchronous, a timer sampling RSS would never fire
  const peak = peakRssKb() * 1024;
  const kept = model.connections.length;
  console.log(JSON.stringify({ seconds, frames, peakRssMb: peak / 2 ** 20, note: `kept ${kept}, summed ${model.summarized?.connections ?? 0}, not kept ${JSON.stringify(model.notKept ?? {})}, dropped ${model.connectionsDropped ?? 0}` }));
}

export async function run(): Promise<BenchResult[]> {
  const self = fileURLToPath(import.meta.url);
  const cases: [string, number][] = [
    ['pipelining', 30_000],
    ['pipelining', 300_000],
    ['tiny-connections', 1_000_000],
    ['refused-connections', 1_000_000],
  ];
  const out: BenchResult[] = [];
  for (const [kind, n] of cases) {
    const r = spawnSync(process.execPath, ['--max-old-space-size=4096', self, kind, String(n)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${kind} ${n}: ${r.stderr.slice(-400)}`);
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; frames: number; peakRssMb: number; note: string };
    out.push({ name: `capture analysis, ${kind} ×${n.toLocaleString('en')}`, bytes: 0, seconds: j.seconds, mbPerSec: 0, events: j.frames, eventsPerSec: j.frames / j.seconds, peakRssMb: j.peakRssMb, note: j.note });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2]) one(process.argv[2], Number(process.argv[3]));
