#!/usr/bin/env node
// A tiny DNS responder for faultline's wire samples, on 127.0.0.1 only, over
// UDP and TCP (RFC 1035 §4.2.2 length-prefixed messages) on the same port.
//   --mode nxdomain   answers every query NXDOMAIN (rcode 3), no records
//   --mode servfail   answers every query SERVFAIL (rcode 2)
//   --mode silent     reads every query and never answers (a dead resolver)
//   --mode answer     answers A queries with 127.0.0.1, others with no records
// Usage: node dns.mjs --port N --mode MODE   (prints `LISTENING <port>` when ready)
import dgram from 'node:dgram';
import net from 'node:net';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const port = Number(opt('--port', '0'));
const mode = opt('--mode', 'nxdomain');
const RCODE = { nxdomain: 3, servfail: 2, answer: 0 };

/** the reply to `q` (a whole DNS message), or undefined to stay silent */
function answer(q) {
  if (mode === 'silent' || q.length < 12) return undefined;
  // end of the question: QNAME labels, then QTYPE and QCLASS
  let p = 12;
  while (p < q.length && q[p] !== 0) p += q[p] + 1;
  const qend = p + 5;
  const qtype = q.readUInt16BE(p + 1);
  const withA = mode === 'answer' && qtype === 1;
  const head = Buffer.alloc(12);
  q.copy(head, 0, 0, 2); // id
  head[2] = 0x80 | (q[2] & 0x01); // QR, RD copied
  head[3] = 0x80 | RCODE[mode]; // RA, rcode
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(withA ? 1 : 0, 6);
  const parts = [head, q.subarray(12, qend)];
  if (withA) parts.push(Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]));
  return Buffer.concat(parts);
}

const udp = dgram.createSocket('udp4');
udp.on('message', (msg, rinfo) => {
  const a = answer(msg);
  if (a) udp.send(a, rinfo.port, rinfo.address);
});
const tcp = net.createServer((sock) => {
  let buf = Buffer.alloc(0);
  sock.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      const a = answer(msg);
      if (a) sock.write(Buffer.concat([Buffer.from([a.length >> 8, a.length & 255]), a]));
    }
  });
  sock.on('error', () => undefined);
});
udp.bind(port, '127.0.0.1', () => {
  const p = udp.address().port;
  tcp.listen(p, '127.0.0.1', () => console.log(`LISTENING ${p}`));
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
