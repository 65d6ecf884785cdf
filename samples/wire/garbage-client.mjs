#!/usr/bin/env node
// Sends a request whose request line is not HTTP, and prints the server's answer.
// Loopback only. Usage: node garbage-client.mjs PORT
import net from 'node:net';

const port = Number(process.argv[2]);
const sock = net.connect(port, '127.0.0.1', () => sock.write('HELLO THERE this is not http\r\nHost: x\r\n\r\n'));
sock.on('data', (b) => process.stdout.write(b.toString('latin1')));
sock.on('error', (e) => console.log(`error ${e.code}`));
