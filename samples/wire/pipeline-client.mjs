#!/usr/bin/env node
// Sends N requests pipelined on one connection (all written at once, as a
// pipelining client does), reads until the server has answered all of them
// or closes. Loopback only. Usage: node pipeline-client.mjs PORT PATH...
import net from 'node:net';

const [port, ...paths] = process.argv.slice(2);
const sock = net.connect(Number(port), '127.0.0.1', () => {
  sock.end(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`).join(''));
});
let got = 0;
sock.on('data', (b) => (got += b.length));
sock.on('close', () => console.log(`read ${got} bytes`));
sock.on('error', (e) => console.log(`error ${e.code}`));
