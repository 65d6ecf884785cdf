#!/usr/bin/env node
// A deliberately misbehaving HTTP/1.1 test server for faultline's samples.
//
// Built on raw `net` sockets (not `http`) so that it can break the protocol on
// purpose: reset mid-body, close short, withhold `100 Continue`, and so on.
// The scenario is chosen by the request path (see SCENARIOS below).
//
// Usage:  node server.mjs [--port N] [--host 127.0.0.1] [--tls CERT KEY]
// Prints one line `LISTENING <port>` on stdout once it accepts connections;
// exits on SIGTERM/SIGINT. Listens on 127.0.0.1 only: nothing here must ever
// talk to another machine.

import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';

const args = process.argv.slice(2);
let port = 0;
let host = '127.0.0.1';
let tlsOptions = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') port = Number(args[++i]);
  else if (args[i] === '--host') host = args[++i];
  else if (args[i] === '--tls') {
    tlsOptions = { cert: fs.readFileSync(args[++i]), key: fs.readFileSync(args[++i]) };
  } else {
    process.stderr.write(`unknown argument ${args[i]}\n`);
    process.exit(2);
  }
}
if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
  process.stderr.write('refusing to listen anywhere but loopback\n');
  process.exit(2);
}

// Long enough that curl's 1 s expect timeout is seen as a timeout, short enough
// that a sample run stays quick.
const SLOW_REPLY_STALL = 5000; /* ms */
// A small delay between a response's pieces so that they land in separate TCP
// segments (and separate read() calls on the client), as on a real network.
const PIECE_GAP = 20; /* ms */
// Size of the body the server announces in the failing-body scenarios.
const ANNOUNCED_BODY = 20000; /* bytes */

// An idle keep-alive connection is reset after this long without a request.
const IDLE_RESET = 300; /* ms */
// trickle: a 20000-byte body in 10 pieces, 200 ms apart (2 s in all).
const TRICKLE_PIECES = 10;
const TRICKLE_GAP = 200; /* ms */

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function body(n, seed = 'faultline sample body ') {
  // Printable, deterministic bytes so the captures are readable in a hex view.
  let s = '';
  while (s.length < n) s += seed + String(s.length).padStart(8, '0') + '\n';
  return Buffer.from(s.slice(0, n), 'latin1');
}

function head(status, reason, headers) {
  let h = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [k, v] of headers) h += `${k}: ${v}\r\n`;
  return Buffer.from(h + '\r\n', 'latin1');
}

const DATE = () => new Date().toUTCString();
const common = () => [['Date', DATE()], ['Server', 'faultline-sample/1']];

/**
 * Reads one request head from `conn`; resolves { method, target, version,
 * headers (lower-cased names), rest (bytes after the head) } or null on EOF.
 * The parser is minimal on purpose: it only has to understand curl.
 */
function readHead(conn, buffered) {
  return new Promise((resolve) => {
    let buf = buffered;
    const tryParse = () => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const text = buf.subarray(0, end).toString('latin1');
      const [line, ...lines] = text.split('\r\n');
      const [method, target, version] = line.split(' ');
      const headers = new Map();
      for (const l of lines) {
        const c = l.indexOf(':');
        if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
      }
      cleanup();
      resolve({ method, target, version, headers, rest: buf.subarray(end + 4) });
      return true;
    };
    const onData = (d) => { buf = Buffer.concat([buf, d]); tryParse(); };
    const onEnd = () => { cleanup(); resolve(null); };
    const cleanup = () => { conn.off('data', onData); conn.off('end', onEnd); conn.off('close', onEnd); };
    if (tryParse()) return;
    conn.on('data', onData);
    conn.on('end', onEnd);
    conn.on('close', onEnd);
  });
}

/** Reads exactly `n` body bytes (some may already be in `rest`); returns leftovers. */
function readBody(conn, rest, n) {
  return new Promise((resolve) => {
    let got = rest;
    const done = () => {
      cleanup();
      resolve({ complete: got.length >= n, leftover: got.subarray(Math.min(n, got.length)) });
    };
    const onData = (d) => { got = Buffer.concat([got, d]); if (got.length >= n) done(); };
    const cleanup = () => { conn.off('data', onData); conn.off('end', done); conn.off('close', done); };
    if (got.length >= n) return done();
    conn.on('data', onData);
    conn.on('end', done);
    conn.on('close', done);
  });
}

/**
 * Resets the TCP connection under `conn` (RST instead of FIN). For TLS the
 * reset must go to the raw socket underneath, not the TLS wrapper.
 */
function reset(conn) {
  const raw = conn.rawSocket ?? conn;
  raw.resetAndDestroy();
}

async function sendPieces(conn, pieces) {
  for (const p of pieces) {
    conn.write(p);
    await sleep(PIECE_GAP);
  }
}

// Each scenario gets (conn, req) and returns 'keep' to read the next request
// on the same connection, or 'done' when it has closed/reset the connection.
const SCENARIOS = {
  // Keep-alive 200 framed by Content-Length.
  async ok(conn) {
    const b = body(3000);
    conn.write(Buffer.concat([head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length]]), b]));
    return 'keep';
  },
  // 200 with no length, ended by the server's FIN (HTTP/1.0-style framing).
  async close(conn) {
    const b = body(5000);
    await sendPieces(conn, [head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Connection', 'close']]), b.subarray(0, 2500), b.subarray(2500)]);
    conn.end();
    return 'done';
  },
  // Chunked 200 with three chunks, an extension and the last chunk.
  async chunked(conn) {
    const parts = [body(1000), body(2000, 'second chunk '), body(500, 'third ')];
    const h = head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Transfer-Encoding', 'chunked']]);
    const chunk = (b, ext = '') => Buffer.concat([Buffer.from(b.length.toString(16) + ext + '\r\n'), b, Buffer.from('\r\n')]);
    await sendPieces(conn, [h, chunk(parts[0]), chunk(parts[1], ';note=x'), Buffer.concat([chunk(parts[2]), Buffer.from('0\r\n\r\n')])]);
    return 'keep';
  },
  // Expect: 100-continue answered at once; then 200 after the body.
  async 'upload-100'(conn, req) {
    if (/100-continue/i.test(req.headers.get('expect') ?? '')) conn.write(head(100, 'Continue', []));
    const r = await readBody(conn, req.rest, Number(req.headers.get('content-length') ?? 0));
    if (!r.complete) return 'done';
    const b = Buffer.from(`received ${req.headers.get('content-length')} bytes\n`);
    conn.write(Buffer.concat([head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length]]), b]));
    req.leftover = r.leftover;
    return 'keep';
  },
  // 100 withheld: the client waits its expect timeout (curl: 1 s) and sends
  // the body unasked; then 200.
  async 'upload-no100'(conn, req) {
    const r = await readBody(conn, req.rest, Number(req.headers.get('content-length') ?? 0));
    if (!r.complete) return 'done';
    const b = Buffer.from(`received ${req.headers.get('content-length')} bytes without 100\n`);
    conn.write(Buffer.concat([head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length]]), b]));
    req.leftover = r.leftover;
    return 'keep';
  },
  // A final 417 before any body byte; the server then closes, since the
  // client may still send the body it had announced.
  async 'upload-417'(conn) {
    const b = Buffer.from('expectation refused by policy\n');
    conn.write(Buffer.concat([head(417, 'Expectation Failed', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length], ['Connection', 'close']]), b]));
    conn.end();
    return 'done';
  },
  // Headers and part of a Content-Length body, then RST (curl 56).
  async 'reset-mid-body'(conn) {
    const b = body(ANNOUNCED_BODY);
    await sendPieces(conn, [
      head(200, 'OK', [...common(), ['Content-Type', 'application/json'], ['Content-Length', b.length]]),
      b.subarray(0, 4000),
      b.subarray(4000, 7000),
    ]);
    reset(conn);
    return 'done';
  },
  // The request is read, then RST with no reply at all (curl 56).
  async 'reset-before-reply'(conn) {
    await sleep(100);
    reset(conn);
    return 'done';
  },
  // Content-Length larger than what is sent, then FIN (curl 18).
  async 'short-body'(conn) {
    const b = body(ANNOUNCED_BODY);
    await sendPieces(conn, [
      head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length]]),
      b.subarray(0, 6000),
    ]);
    conn.end();
    return 'done';
  },
  // Chunked body without the last (zero) chunk, then FIN (curl 18).
  async 'chunked-no-last'(conn) {
    const chunk = (b) => Buffer.concat([Buffer.from(b.length.toString(16) + '\r\n'), b, Buffer.from('\r\n')]);
    await sendPieces(conn, [
      head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Transfer-Encoding', 'chunked']]),
      chunk(body(1500)),
      chunk(body(1500, 'more ')),
    ]);
    conn.end();
    return 'done';
  },
  // FIN before any response byte (curl 52, "Empty reply from server").
  async empty(conn) {
    await sleep(100);
    conn.end();
    return 'done';
  },
  // Headers and a first piece, then a stall longer than the client's
  // --max-time (curl 28); the server closes later on its own.
  async slow(conn) {
    const b = body(ANNOUNCED_BODY);
    await sendPieces(conn, [head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length]]), b.subarray(0, 1000)]);
    await sleep(SLOW_REPLY_STALL);
    if (!conn.destroyed) conn.end();
    return 'done';
  },
  // Hostile text in headers and body, for the report's escaping tests.
  async hostile(conn) {
    const b = Buffer.from('<html><body><script>alert(1)</script><img src=x onerror=alert(1)></body></html>\n');
    conn.write(Buffer.concat([head(200, 'OK', [...common(),
      ['Content-Type', 'text/html'],
      ['X-Note', '<script>alert(1)</script>'],
      ['X-Img', '<img src=x onerror=alert(1)>'],
      ['X-Quote', '"\'><svg onload=alert(1)>'],
      ['Content-Length', b.length]]), b]));
    return 'keep';
  },
  // The request carries secrets (Authorization, Cookie, token in the query);
  // the reply sets a cookie too, for the redaction tests.
  async secret(conn) {
    const b = Buffer.from('{"status":"ok"}\n');
    conn.write(Buffer.concat([head(200, 'OK', [...common(),
      ['Content-Type', 'application/json'],
      ['Set-Cookie', 'session=SESSION-SECRET-5f2c9a; Path=/; HttpOnly'],
      ['Content-Length', b.length]]), b]));
    return 'keep';
  },
  // A normal keep-alive 200; if no next request comes within IDLE_RESET the
  // server resets the idle connection (as load balancers do): a RST after the
  // exchange completed, which is not a failure of any transfer.
  async 'idle-reset'(conn) {
    const b = body(3000);
    conn.write(Buffer.concat([head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length]]), b]));
    const timer = setTimeout(() => { if (!conn.destroyed) reset(conn); }, IDLE_RESET);
    conn.once('data', () => clearTimeout(timer));
    conn.once('close', () => clearTimeout(timer));
    return 'keep';
  },
  // A complete 200 sent slowly: TRICKLE_PIECES pieces TRICKLE_GAP apart, so a
  // capture can start or stop in the middle of the body.
  async trickle(conn) {
    const b = body(ANNOUNCED_BODY);
    conn.write(head(200, 'OK', [...common(), ['Content-Type', 'text/plain'], ['Content-Length', b.length]]));
    const piece = Math.ceil(b.length / TRICKLE_PIECES);
    for (let off = 0; off < b.length; off += piece) {
      await sleep(TRICKLE_GAP);
      if (conn.destroyed) return 'done';
      conn.write(b.subarray(off, off + piece));
    }
    return 'keep';
  },
  // TLS: the request (application data) is read, then the raw TCP connection
  // is reset with no close_notify (curl 56 over TLS).
  async 'tls-reset'(conn) {
    await sleep(100);
    reset(conn);
    return 'done';
  },
};

function scenarioOf(target) {
  const path = (target ?? '/').split('?')[0];
  // The path's first segment names the scenario; the rest is free (e.g. /pay/reset-mid-body).
  const segs = path.split('/').filter(Boolean);
  for (let i = segs.length - 1; i >= 0; i--) if (SCENARIOS[segs[i]]) return segs[i];
  return null;
}

async function serve(conn) {
  conn.on('error', () => {});
  let buffered = Buffer.alloc(0);
  for (;;) {
    const req = await readHead(conn, buffered);
    if (!req) { if (!conn.destroyed) conn.end(); return; }
    const name = scenarioOf(req.target);
    if (!name) {
      const b = Buffer.from('no such scenario\n');
      conn.write(Buffer.concat([head(404, 'Not Found', [...common(), ['Content-Length', b.length]]), b]));
      buffered = req.rest;
      continue;
    }
    // Request bodies of scenarios that do not read them are consumed here so
    // keep-alive framing stays right.
    const wantsBody = name.startsWith('upload-');
    if (!wantsBody) {
      const n = Number(req.headers.get('content-length') ?? 0);
      if (n > 0) { const r = await readBody(conn, req.rest, n); req.rest = r.leftover; }
    }
    const next = await SCENARIOS[name](conn, req);
    if (next === 'done' || conn.destroyed) return;
    buffered = req.leftover ?? (wantsBody ? Buffer.alloc(0) : req.rest);
  }
}

let server;
if (tlsOptions) {
  // Wrap each raw socket ourselves so the scenario can reset the TCP layer.
  server = net.createServer((raw) => {
    raw.on('error', () => {});
    const t = new tls.TLSSocket(raw, { isServer: true, ...tlsOptions });
    t.rawSocket = raw;
    serve(t);
  });
} else {
  server = net.createServer((conn) => serve(conn));
}
server.listen(port, host, () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
