// A tiny HTTP/1.1 server for the capture-format samples: answers every request
// with a short text body (keep-alive), or a 3000-byte one for /big.
// Usage: node server.mjs HOST PORT   (prints LISTENING when ready)
import http from 'node:http';

const [host = '127.0.0.1', port = '0'] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const body = req.url === '/big' ? 'x'.repeat(3000) + '\n' : `hello ${req.url}\n`;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(port), host, () => {
  console.log(`LISTENING ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
