#!/usr/bin/env node
// A small HTTP CONNECT proxy for faultline's wire samples, on 127.0.0.1 only.
// It tunnels CONNECT 127.0.0.1:PORT / localhost:PORT to that port, and answers
// a few made-up host names (`.test`, RFC 2606: never resolved, never real) the
// way failing proxies do, so each refusal can be captured on loopback:
//   deny-403.test      403 Forbidden (a policy refusal)
//   auth-407.test      407 Proxy Authentication Required
//   bad-400.test       400 Bad Request
//   gw-502.test        502 Bad Gateway (the proxy could not reach the target)
//   close-200.test     200 Connection Established, then the proxy closes at once
// Usage: node proxy.mjs [--port N]   (prints `LISTENING <port>` when ready)
import net from 'node:net';

const args = process.argv.slice(2);
const port = args[0] === '--port' ? Number(args[1]) : 0;

const REFUSALS = {
  'deny-403.test': ['403 Forbidden', [], 'CONNECT to this host is not allowed by policy\n'],
  'auth-407.test': ['407 Proxy Authentication Required', [['Proxy-Authenticate', 'Basic realm="sample-proxy"']], 'proxy authentication required\n'],
  'bad-400.test': ['400 Bad Request', [], 'bad CONNECT request\n'],
  'gw-502.test': ['502 Bad Gateway', [], 'upstream unreachable\n'],
};

function reply(sock, status, headers, body) {
  let h = `HTTP/1.1 ${status}\r\n`;
  for (const [k, v] of headers) h += `${k}: ${v}\r\n`;
  h += `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  sock.end(h + body);
}

const server = net.createServer((client) => {
  let buf = Buffer.alloc(0);
  const onData = (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    client.off('data', onData);
    const rest = buf.subarray(end + 4);
    const [method, target] = buf.subarray(0, end).toString('latin1').split('\r\n')[0].split(' ');
    if (method !== 'CONNECT') return reply(client, '405 Method Not Allowed', [], 'CONNECT only\n');
    const [host, p] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const refusal = REFUSALS[host];
    if (refusal) return reply(client, refusal[0], refusal[1], refusal[2]);
    if (host === 'close-200.test') {
      client.end('HTTP/1.1 200 Connection Established\r\n\r\n');
      return;
    }
    if (host !== '127.0.0.1' && host !== 'localhost') return reply(client, '403 Forbidden', [], 'loopback only\n');
    const up = net.connect(p, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (rest.length) up.write(rest);
      client.pipe(up);
      up.pipe(client);
    });
    up.on('error', () => reply(client, '502 Bad Gateway', [], 'upstream unreachable\n'));
    client.on('error', () => up.destroy());
  };
  client.on('data', onData);
  client.on('error', () => undefined);
});
server.listen(port, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
