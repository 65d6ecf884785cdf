import { CaptureAnalysis } from './src/analysis/tcp/index.js';
import { Diagnostics, type CaptureEvent } from './src/model/index.js';
// 2000 keep-alive connections × 20 exchanges × 20 KB bodies in 1448-byte segments, interleaved 50 at a time
const seg = Buffer.alloc(1448, 0x61);
const req = Buffer.from('GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
const head = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n');
let frame = 0, t = 1e9, bytes = 0;
function* conn(i: number): Generator<CaptureEvent> {
  const cp = 10000 + i; let cs = 1000, ss = 5000;
  const mk = (c2s: boolean, payload: Buffer, flags: number, len = payload.length): CaptureEvent => ({ kind: 'tcp', seg: { frame: ++frame, t: (t += 1e-5), byteOffset: 0, ipVersion: 4, src: c2s ? '10.0.0.1' : '10.0.0.2', dst: c2s ? '10.0.0.2' : '10.0.0.1', srcPort: c2s ? cp : 80, dstPort: c2s ? 80 : cp, seq: c2s ? cs : ss, ack: c2s ? ss : cs, flags, window: 100, payload, payloadLen: len } });
  yield mk(true, Buffer.alloc(0), 2); cs++; yield mk(false, Buffer.alloc(0), 0x12); ss++; yield mk(true, Buffer.alloc(0), 0x10);
  for (let x = 0; x < 20; x++) {
    yield mk(true, req, 0x18); cs += req.length;
    let left = 20000 + head.length; let first = true;
    while (left > 0) { const n = Math.min(1448, left); const p = first ? Buffer.concat([head, seg]).subarray(0, n) : seg.subarray(0, n); first = false; yield mk(false, p, 0x10); ss += n; left -= n; bytes += n + 54; }
    yield mk(true, Buffer.alloc(0), 0x10);
  }
  yield mk(true, Buffer.alloc(0), 0x11); cs++; yield mk(false, Buffer.alloc(0), 0x11);
}
function* all(): Generator<CaptureEvent> {
  for (let g = 0; g < 2000; g += 50) {
    const gens = Array.from({ length: 50 }, (_, k) => conn(g + k));
    let live = gens.length;
    while (live) { live = 0; for (const gen of gens) { const r = gen.next(); if (!r.done) { live++; yield r.value; } } }
  }
}
let gen0 = process.cpuUsage(); let n0 = 0; for (const _ of all()) n0++; const g1 = process.cpuUsage(gen0); const genT = (g1.user + g1.system) / 1e6; bytes = 0; frame = 0;
for (const _ of all()) {}
console.log('events', n0, 'MB', (bytes / 1e6).toFixed(0), 'generation alone', genT.toFixed(2), 's');
for (let rep = 0; rep < Number(process.env.REPS ?? 3); rep++) {
  const a = new CaptureAnalysis({ path: 'b', diag: new Diagnostics() });
  const t0 = process.cpuUsage();
  for (const e of all()) a.add(e);
  const m = a.finish({ events: 0, bytes: 0, clock: 'epoch', firstT: 0, lastT: 0 });
  const c1 = process.cpuUsage(t0); const dt = (c1.user + c1.system) / 1e6 - genT;
  console.log(`analysis ${dt.toFixed(2)} s, ${(n0 / dt / 1e6).toFixed(2)} M packets/s, ${(832e6 / 1e6 / dt).toFixed(0)} MB/s, conns ${m.connections.length}, exchanges ${m.connections.reduce((s, c) => s + c.exchanges.length, 0)}, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB, live heap with the model ${((globalThis as any).gc?.(), process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
}
