#!/usr/bin/env node
// An HTTP/1.1 server on raw sockets for faultline's wire samples, 127.0.0.1
// only: it answers each request path with bytes written by hand, most of them
// breaking HTTP on purpose, so a capture holds each violation whole (nothing
// lost: the capture is complete, the *server* is wrong).
//   /bad-chunk        chunked body whose first chunk size is `zz`
//   /cl-max           Content-Length: 18446744073709551615 (2^64-1)
//   /cl-neg           Content-Length: -1
//   /cl-zeros         Content-Length: 0000000000000000000005 (leading zeros, valid digits)
//   /te-chunked-identity  Transfer-Encoding: chunked, identity
//   /lower            status line `http/1.1 200 OK` (lower case)
//   /status-2xx       status line `HTTP/1.0 2XX OK`
//   /size/N           a valid 200 with an N-byte body (keep-alive)
//   /hold             never answers (a client waiting inside a tunnel)
//   anything not a request line   a valid 400 Bad Request, then close
// Usage: node raw-server.mjs [--port N]   (prints `LISTENING <port>` when ready)
import net from 'node:net';

const args = process.argv.slice(2);
const port = args[0] === '--port' ? Number(args[1]) : 0;

const plain = (status, headers, body) => `${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
const CANNED = {
  '/bad-chunk': plain('HTTP/1.1 200 OK', ['Transfer-Encoding: chunked'], 'zz\r\nhello\r\n0\r\n\r\n'),
  '/cl-max': plain('HTTP/1.1 200 OK', ['Content-Length: 18446744073709551615'], 'hello'),
  '/cl-neg': plain('HTTP/1.1 200 OK', ['Content-Length: -1'], 'hello'),
  '/cl-zeros': plain('HTTP/1.1 200 OK', ['Content-Length: 0000000000000000000005'], 'hello'),
  '/te-chunked-identity': plain('HTTP/1.1 200 OK', ['Transfer-Encoding: chunked, identity'], '5\r\nhello\r\n0\r\n\r\n'),
  '/lower': plain('http/1.1 200 OK', ['Content-Length: 5'], 'hello'),
  '/status-2xx': plain('HTTP/1.0 2XX OK', ['Content-Length: 5'], 'hello'),
};
const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]$/;

function body(n) {
  let s = '';
  while (s.length < n) s += `sample body ${String(s.length).padStart(8, '0')}\n`;
  return s.slice(0, n);
}

const server = net.createServer((sock) => {
  let buf = '';
  sock.on('data', (chunk) => {
    buf += chunk.toString('latin1');
    // pipelined requests are answered in one write: their responses share segments, as on a busy server
    sock.cork();
    process.nextTick(() => sock.uncork());
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const line = buf.slice(0, buf.indexOf('\r\n'));
      buf = buf.slice(end + 4);
      if (!REQUEST_LINE.test(line)) {
        sock.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbad request\n');
        return;
      }
      const path = line.split(' ')[1];
      const size = /^\/size\/(\d+)$/.exec(path);
      if (size) {
        const b = body(Number(size[1]));
        sock.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${b.length}\r\n\r\n${b}`);
      } else if (path === '/hold') {
        // nothing: the client waits
      } else if (CANNED[path]) sock.write(CANNED[path]);
      else sock.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    }
  });
  sock.on('error', () => undefined);
});
server.listen(port, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
