/**
 * Writes a big classic pcap (microsecond, link type Ethernet) of HTTP/1.1
 * traffic for the capture benchmarks: thousands of keep-alive connections,
 * several requests each, full handshakes, responses framed by Content-Length
 * and sent in 1448-byte segments (what Linux sends on MTU 1500 with TCP
 * timestamps; the option itself is not written, headers are 20 bytes),
 * delayed ACKs, FIN closes, a few server resets mid-body and a few
 * `Expect: 100-continue` uploads (most answered at once, some left to the
 * client's 1 s timeout).
 *
 * Loopback captures are not representative (64 KB segments), hence a
 * generator. Headers are correct IPv4/TCP with right sequence and
 * acknowledgement numbers; the IPv4 header checksum is computed, the TCP
 * checksum is left 0 (tcpdump with checksum offload writes wrong ones too;
 * Wireshark does not check it by default).
 *
 * Deterministic: the same size and seed give the same file.
 *
 *   node dist/bench/gen-http-pcap.js [out.pcap] [megabytes] [seed] [--verify]
 *
 * `--verify` then reads the file with tshark (`-z conv,tcp`, `-z http,tree`)
 * and exits 1 unless its counts are the generator's.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface GenerateResult {
  bytes: number;
  packets: number;
  connections: number;
  /** Requests sent, by method. */
  requests: Record<string, number>;
  /**
   * Responses whose head and whole body are in the file, by status code
   * (`100` counts the interim `100 Continue`s).
   */
  responses: Record<string, number>;
  /** Connections the server reset in the middle of a response body. */
  resets: number;
  /** Uploads with `Expect: 100-continue`, and how many of them got no 100. */
  expectContinue: number;
  expectTimeouts: number;
  firstTime: number;
  lastTime: number;
}

const MSS = 1448; /* bytes: payload per full segment */
const ETH = 14;
const IP = 20;
const TCP = 20;
const TCP_SYN = 24; /* bytes: TCP header with the MSS option */
const CHUNK = 4 << 20; /* bytes: write buffer */
const EXPECT_TIMEOUT = 1.0; /* s: curl's default wait for 100 Continue */
const CONCURRENT = 48; /* connections open at once */

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const RST = 0x04;

/** mulberry32: small, fast, seedable; Math.random cannot be seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One side of a connection: its address, and the next sequence number it sends. */
interface End {
  mac: Buffer;
  ip: number;
  port: number;
  seq: number;
  ipId: number;
}

class PcapWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  bytes = 0;
  packets = 0;
  now = 0; /* s, epoch */

  constructor(private readonly fd: number) {
    const h = this.buf;
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(65535, 16); /* snaplen */
    h.writeUInt32LE(1, 20); /* LINKTYPE_ETHERNET */
    this.pos = 24;
  }

  /**
   * One TCP segment from `src` to `dst`. The payload is `head` followed by
   * `bodyLen` bytes of `body` starting at `bodyOff` (so body segments are
   * copied, never built). Advances `src.seq` by what the segment occupies.
   */
  tcp(src: End, dst: End, flags: number, head: Buffer | null, body: Buffer | null, bodyOff: number, bodyLen: number): void {
    const tcpLen = flags & SYN ? TCP_SYN : TCP;
    const payLen = (head ? head.length : 0) + bodyLen;
    const frame = ETH + IP + tcpLen + payLen;
    if (this.pos + 16 + frame > CHUNK) this.flush();
    const b = this.buf;
    let p = this.pos;
    const sec = Math.floor(this.now);
    b.writeUInt32LE(sec, p);
    b.writeUInt32LE(Math.min(999999, Math.round((this.now - sec) * 1e6)), p + 4);
    b.writeUInt32LE(frame, p + 8);
    b.writeUInt32LE(frame, p + 12);
    p += 16;
    dst.mac.copy(b, p);
    src.mac.copy(b, p + 6);
    b.writeUInt16BE(0x0800, p + 12);
    p += ETH;
    const ip = p;
    b[p] = 0x45;
    b[p + 1] = 0;
    b.writeUInt16BE(IP + tcpLen + payLen, p + 2);
    b.writeUInt16BE(src.ipId, p + 4);
    src.ipId = (src.ipId + 1) & 0xffff;
    b.writeUInt16BE(0x4000, p + 6); /* DF */
    b[p + 8] = 64;
    b[p + 9] = 6;
    b.writeUInt16BE(0, p + 10);
    b.writeUInt32BE(src.ip, p + 12);
    b.writeUInt32BE(dst.ip, p + 16);
    let sum = 0;
    for (let i = 0; i < IP; i += 2) sum += (b[ip + i] << 8) | b[ip + i + 1];
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    b.writeUInt16BE(~sum & 0xffff, ip + 10);
    p += IP;
    b.writeUInt16BE(src.port, p);
    b.writeUInt16BE(dst.port, p + 2);
    b.writeUInt32BE(src.seq >>> 0, p + 4);
    b.writeUInt32BE(flags & ACK ? dst.seq >>> 0 : 0, p + 8);
    b[p + 12] = (tcpLen / 4) << 4;
    b[p + 13] = flags;
    b.writeUInt16BE(flags & RST ? 0 : 64240, p + 14);
    b.writeUInt32BE(0, p + 16); /* checksum 0 (see the file comment), urgent 0 */
    p += TCP;
    if (flags & SYN) {
      b[p] = 2;
      b[p + 1] = 4;
      b.writeUInt16BE(1460, p + 2);
      p += 4;
    }
    if (head) {
      head.copy(b, p);
      p += head.length;
    }
    if (bodyLen > 0 && body) {
      body.copy(b, p, bodyOff, bodyOff + bodyLen);
      p += bodyLen;
    }
    this.pos = p;
    this.bytes += 16 + frame;
    this.packets++;
    src.seq = (src.seq + payLen + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
  }

  flush(): void {
    if (this.pos > 0) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }

  /** Bytes written so far, including what is still buffered. */
  get size(): number {
    return this.bytes + 24;
  }
}

type Step = number | undefined; /* a time (s) to sleep until, or go on at once */

/** The body every response carries: printable, so the file reads well in a hex view. */
function makeBodyPattern(n: number): Buffer {
  const line = 'faultline bench body 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n';
  return Buffer.from(line.repeat(Math.ceil(n / line.length)).slice(0, n), 'latin1');
}

const MAX_BODY = 96 * 1024; /* bytes */

export async function generate(file: string, targetBytes: number, seed = 1): Promise<GenerateResult> {
  const rnd = prng(seed);
  const pattern = makeBodyPattern(MAX_BODY);
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  const w = new PcapWriter(fd);
  w.now = 1_795_400_000; /* 2026-11-23, near when the samples were made */
  const res: GenerateResult = {
    bytes: 0, packets: 0, connections: 0, requests: {}, responses: {}, resets: 0,
    expectContinue: 0, expectTimeouts: 0, firstTime: w.now, lastTime: 0,
  };
  const count = (m: Record<string, number>, k: string | number) => { m[k] = (m[k] ?? 0) + 1; };
  const serverMac = Buffer.from([0x02, 0x42, 0xac, 0x10, 0x00, 0x02]);
  const gatewayMac = Buffer.from([0x02, 0x42, 0xac, 0x10, 0x00, 0x01]);
  const servers = [
    { ip: 0x0a010001, port: 80, host: 'api.example.test' },
    { ip: 0x0a010002, port: 8080, host: 'pay.example.test:8080' },
    { ip: 0x0a010003, port: 18000, host: 'assets.example.test:18000' },
  ];
  const CLIENTS = 40;
  // Ephemeral ports handed out in turn per client, as the kernel does.
  const nextPort = Array.from({ length: CLIENTS }, (_, i) => 32768 + ((i * 7919) % 20000));
  const paths = ['/v1/orders', '/v1/orders/42/items', '/v1/payments', '/static/app.js', '/static/logo.png', '/health', '/v1/search?q=widgets&page=3'];

  const dateHeader = 'Mon, 23 Nov 2026 03:00:00 GMT';
  function responseHead(status: number, reason: string, length: number, close: boolean): Buffer {
    return Buffer.from(
      `HTTP/1.1 ${status} ${reason}\r\nDate: ${dateHeader}\r\nServer: bench/1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`,
      'latin1',
    );
  }

  /** One connection, one packet per step; yields a wake-up time when it waits. */
  function* connection(id: number): Generator<Step, void, void> {
    const srv = servers[id % servers.length];
    const ci = Math.floor(rnd() * CLIENTS);
    const port = nextPort[ci];
    nextPort[ci] = port >= 60999 ? 32768 : port + 1;
    const c: End = { mac: gatewayMac, ip: 0x0a000000 | ((ci + 2) << 8) | (ci + 10), port, seq: (rnd() * 2 ** 32) >>> 0, ipId: (rnd() * 65536) | 0 };
    const s: End = { mac: serverMac, ip: srv.ip, port: srv.port, seq: (rnd() * 2 ** 32) >>> 0, ipId: (rnd() * 65536) | 0 };
    res.connections++;
    w.tcp(c, s, SYN, null, null, 0, 0);
    yield;
    w.tcp(s, c, SYN | ACK, null, null, 0, 0);
    yield;
    w.tcp(c, s, ACK, null, null, 0, 0);
    yield;

    const exchanges = 1 + Math.floor(rnd() * 8);
    const resetAt = rnd() < 0.01 ? Math.floor(rnd() * exchanges) : -1;
    for (let x = 0; x < exchanges; x++) {
      // Past the target size, connections finish after their current exchange.
      const last = x === exchanges - 1 || w.size >= targetBytes;
      const expect = rnd() < 0.01;
      const method = expect ? 'POST' : rnd() < 0.85 ? 'GET' : 'POST';
      const uploadLen = method === 'POST' ? (expect ? 4000 + Math.floor(rnd() * 60000) : 200 + Math.floor(rnd() * 1000)) : 0;
      const target = paths[Math.floor(rnd() * paths.length)];
      let reqText = `${method} ${target} HTTP/1.1\r\nHost: ${srv.host}\r\nUser-Agent: bench-client/1.0\r\nAccept: */*\r\n`;
      if (uploadLen) reqText += `Content-Type: application/json\r\nContent-Length: ${uploadLen}\r\n`;
      if (expect) reqText += 'Expect: 100-continue\r\n';
      reqText += '\r\n';
      const reqHead = Buffer.from(reqText, 'latin1');
      count(res.requests, method);
      if (uploadLen && !expect) {
        // A small body travels with its headers in one segment.
        w.tcp(c, s, PSH | ACK, reqHead, pattern, 0, uploadLen);
        yield;
      } else {
        w.tcp(c, s, PSH | ACK, reqHead, null, 0, 0);
        yield;
      }
      if (expect) {
        res.expectContinue++;
        if (rnd() < 0.3) {
          // No 100: the client sends the body after its own timeout.
          res.expectTimeouts++;
          w.tcp(s, c, ACK, null, null, 0, 0);
          yield w.now + EXPECT_TIMEOUT;
        } else {
          w.tcp(s, c, PSH | ACK, Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1'), null, 0, 0);
          count(res.responses, 100);
          yield;
        }
        for (let off = 0; off < uploadLen; off += MSS) {
          w.tcp(c, s, off + MSS >= uploadLen ? PSH | ACK : ACK, null, pattern, off, Math.min(MSS, uploadLen - off));
          yield;
          if ((off / MSS) % 2 === 1) {
            w.tcp(s, c, ACK, null, null, 0, 0);
            yield;
          }
        }
      }
      // Think time on the server.
      yield w.now + 0.0005 + rnd() * 0.004;

      const status = rnd() < 0.05 ? 404 : 200;
      const bodyLen = status === 404 ? 60 : Math.floor(200 + rnd() * rnd() * 60000);
      const close = last && rnd() < 0.2;
      const head = responseHead(status, status === 200 ? 'OK' : 'Not Found', bodyLen, close);
      const reset = x === resetAt;
      const total = head.length + bodyLen;
      // A reset stops somewhere past the head, before the end of the body.
      const stopAt = reset ? head.length + Math.floor(bodyLen * (0.1 + 0.6 * rnd())) : total;
      let sent = 0;
      let segs = 0;
      while (sent < stopAt) {
        const n = Math.min(MSS, stopAt - sent);
        const h = sent === 0 ? head : null;
        const fromBody = sent === 0 ? Math.min(n, total) - head.length : n;
        const bodyOff = sent === 0 ? 0 : sent - head.length;
        const endOfResponse = sent + n >= total;
        if (h && n < head.length) throw new Error('response head larger than a segment');
        w.tcp(s, c, endOfResponse ? PSH | ACK : ACK, h, pattern, bodyOff, Math.max(0, fromBody));
        sent += n;
        segs++;
        yield;
        // Delayed ACK: every second full segment, and at the end.
        if (segs % 2 === 0 || endOfResponse) {
          w.tcp(c, s, ACK, null, null, 0, 0);
          yield;
        }
      }
      if (reset) {
        res.resets++;
        w.tcp(s, c, RST | ACK, null, null, 0, 0);
        return;
      }
      count(res.responses, status);
      if (close) {
        w.tcp(s, c, FIN | ACK, null, null, 0, 0);
        yield;
        w.tcp(c, s, FIN | ACK, null, null, 0, 0);
        yield;
        w.tcp(s, c, ACK, null, null, 0, 0);
        return;
      }
      if (last) break;
      // Client think time before the next request on the kept-alive connection.
      yield w.now + 0.001 + rnd() * 0.02;
    }
    w.tcp(c, s, FIN | ACK, null, null, 0, 0);
    yield;
    w.tcp(s, c, FIN | ACK, null, null, 0, 0);
    yield;
    w.tcp(c, s, ACK, null, null, 0, 0);
  }

  interface Active {
    it: Generator<Step, void, void>;
    wake: number;
  }
  const active: Active[] = [];
  let nextId = 0;
  // Stop opening connections a little before the target, so those still open
  // finish and the file ends near the size asked for, with no cut exchange.
  const openUntil = targetBytes * 0.995;
  while (true) {
    while (active.length < CONCURRENT && w.size < openUntil) active.push({ it: connection(nextId++), wake: 0 });
    if (active.length === 0) break;
    // Pick a random connection that is awake; if none is, jump to the first wake-up.
    let i = Math.floor(rnd() * active.length);
    let found = false;
    for (let k = 0; k < active.length; k++) {
      const j = (i + k) % active.length;
      if (active[j].wake <= w.now) {
        i = j;
        found = true;
        break;
      }
    }
    if (!found) {
      let min = Infinity;
      for (let j = 0; j < active.length; j++) {
        if (active[j].wake < min) {
          min = active[j].wake;
          i = j;
        }
      }
      w.now = min;
    }
    const a = active[i];
    const r = a.it.next();
    // Wire time of one full frame at 1 Gbit/s is 12 µs; steps land 5–30 µs apart.
    w.now += 5e-6 + rnd() * 25e-6;
    if (r.done) {
      active[i] = active[active.length - 1];
      active.pop();
    } else {
      a.wake = r.value ?? 0;
    }
  }
  w.flush();
  closeSync(fd);
  res.bytes = w.size;
  res.packets = w.packets;
  res.lastTime = w.now;
  return res;
}

/** The capture of about `bytes` in `dataDir` (`http-200mb.pcap` …), generated once and reused by every bench that reads one. */
export async function ensureCapture(dataDir: string, bytes: number): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, `http-${Math.round(bytes / 1e6)}mb.pcap`);
  if (!existsSync(file)) await generate(file, bytes);
  return file;
}

export interface Verification {
  ok: boolean;
  mismatches: string[];
  tshark: { connections: number; requests: Record<string, number>; responses: Record<string, number> };
}

/**
 * Counts tshark finds in `file`, compared with what `generate` says it wrote.
 * tshark's http,tree counts a response only once its whole body is in the
 * capture (it reassembles), so the responses cut by a reset are not in it;
 * `GenerateResult.responses` leaves them out for that reason.
 */
export function verifyWithTshark(file: string, r: GenerateResult): Verification {
  const conv = spawnSync('tshark', ['-n', '-r', file, '-q', '-z', 'conv,tcp'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const http = spawnSync('tshark', ['-n', '-r', file, '-q', '-z', 'http,tree'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (conv.status !== 0 || http.status !== 0) throw new Error(`tshark failed: ${conv.stderr}${http.stderr}`);
  const connections = conv.stdout.split('\n').filter((l) => l.includes('<->')).length;
  const requests: Record<string, number> = {};
  const responses: Record<string, number> = {};
  let section = '';
  for (const line of http.stdout.split('\n')) {
    const t = line.trim();
    if (t.startsWith('HTTP Response Packets')) section = 'resp';
    else if (t.startsWith('HTTP Request Packets')) section = 'req';
    else if (t.startsWith('Other HTTP Packets')) section = '';
    // Depth shows the level: "  GET  278" under requests, "   200 OK  312" under responses.
    const req = /^ {2}([A-Z]+) +(\d+)/.exec(line);
    const resp = /^ {3}(\d{3}) [^\d]*?(\d+) /.exec(line);
    if (section === 'req' && req) requests[req[1]] = Number(req[2]);
    if (section === 'resp' && resp && Number(resp[2]) > 0) responses[resp[1]] = Number(resp[2]);
  }
  const mismatches: string[] = [];
  if (connections !== r.connections) mismatches.push(`connections: tshark ${connections}, generated ${r.connections}`);
  const cmp = (what: string, a: Record<string, number>, b: Record<string, number>) => {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if ((a[k] ?? 0) !== (b[k] ?? 0)) mismatches.push(`${what} ${k}: tshark ${a[k] ?? 0}, generated ${b[k] ?? 0}`);
    }
  };
  cmp('requests', requests, r.requests);
  cmp('responses', responses, r.responses);
  return { ok: mismatches.length === 0, mismatches, tshark: { connections, requests, responses } };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--verify');
  const verify = process.argv.includes('--verify');
  const file = args[0] ?? path.resolve('bench/data/http-200mb.pcap');
  const mb = Number(args[1] ?? 200);
  const seed = Number(args[2] ?? 1);
  const t0 = process.hrtime.bigint();
  const r = await generate(file, mb * 1e6, seed);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    JSON.stringify({ file, ...r, seconds: Number(s.toFixed(3)), mbPerSec: Number((r.bytes / 1e6 / s).toFixed(1)) }) + '\n',
  );
  if (verify) {
    const v = verifyWithTshark(file, r);
    process.stdout.write(JSON.stringify({ verified: v.ok, ...v }) + '\n');
    if (!v.ok) process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
