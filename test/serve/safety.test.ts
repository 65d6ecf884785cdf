/**
 * The server's limits and guards over real HTTP on loopback: 413 keeps
 * nothing, client file names never become paths, the token guards every
 * route but /healthz, a flood of uploads gets 503 with Retry-After, and 20
 * concurrent uploads all finish with the same result.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/model/index.js';
import { PoolRunner } from '../../src/runner/pool.js';
import type { Runner } from '../../src/runner/types.js';
import { samplesDir } from '../helpers/paths.js';
import { GatedRunner, getJson, rawMultipart, sampleFile, settle, start, tempDir, upload, type Running } from './helpers.js';

const capture = path.join(samplesDir, 'incidents/reset-mid-body/capture.pcap');
const curlVerbose = path.join(samplesDir, 'incidents/reset-mid-body/curl-verbose.txt');

let servers: Running[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function server(opts: Parameters<typeof start>[0] = {}): Promise<Running> {
  const s = await start(opts);
  servers.push(s);
  return s;
}

function nothingKept(s: Running): void {
  expect(readdirSync(path.join(s.dataDir, 'analyses'))).toEqual([]);
  expect(readdirSync(path.join(s.dataDir, 'tmp'))).toEqual([]);
}

/** A raw POST with a chunked body (no Content-Length), written in pieces: the server cannot judge it by its header. */
function chunkedPost(url: string, body: Buffer, type: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${url}/api/analyses`);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': type, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536));
    req.end();
  });
}

describe('upload size limit', () => {
  it('answers 413 to an upload whose Content-Length is over --max-upload-mb, and keeps nothing', async () => {
    const s = await server({ maxUploadBytes: 1 << 20 });
    const r = await upload(s.url, [{ name: 'big.pcap', bytes: new Uint8Array(3 << 20) }]);
    expect(r.status).toBe(413);
    expect((await r.json()).error.code).toBe('E_TOO_LARGE');
    nothingKept(s);
    expect((await getJson(`${s.url}/api/analyses`)).analyses).toEqual([]);
  });

  it('answers 413 once the streamed bytes of all files pass the limit, and removes what was received', async () => {
    const s = await server({ maxUploadBytes: 1 << 20 });
    const { body, type } = rawMultipart([
      { filename: 'a.pcap', bytes: new Uint8Array(700 << 10) },
      { filename: 'b.pcap', bytes: new Uint8Array(700 << 10) },
    ]);
    const r = await chunkedPost(s.url, body, type);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe('E_TOO_LARGE');
    nothingKept(s);
  });

  it('takes an upload just under the limit', async () => {
    const s = await server({ maxUploadBytes: 1 << 20 });
    const r = await upload(s.url, [sampleFile(capture)]);
    expect(r.status).toBe(202);
    expect((await settle(s.url, (await r.json()).id)).status).toBe('done');
  });
});

describe('client file names are display text, never paths', () => {
  it.each([
    ['../../x', 'x'],
    ['/etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['a\u0000b.pcap', 'ab.pcap'],
    ['..', 'input-1'],
    ['....', 'input-1'],
    ['./', 'input-1'],
    ['', 'input-1'],
  ])('stores %j under a name of ours and shows it as %j', async (clientName, shown) => {
    const data = tempDir();
    const s = await server({ dataDir: path.join(data, 'd') });
    const { body, type } = rawMultipart([{ filename: clientName, bytes: readFileSync(curlVerbose) }]);
    const r = await fetch(`${s.url}/api/analyses`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': type } });
    expect(r.status).toBe(202);
    const { id } = await r.json();
    const a = await settle(s.url, id);
    expect(a.files.map((f: { name: string }) => f.name)).toEqual([shown]);
    expect(a.result.inputs.map((i: { path: string }) => i.path)).toEqual([shown]);
    // the bytes are where we put them, and nowhere a name could point
    expect(readdirSync(path.join(s.dataDir, 'analyses', id, 'inputs'))).toEqual(['1']);
    expect(readdirSync(data)).toEqual(['d']);
    expect(existsSync(path.join(s.dataDir, 'x'))).toBe(false);
    const dl = await fetch(`${s.url}/a/${id}/inputs/1`);
    const cd = dl.headers.get('content-disposition')!;
    expect(cd).toMatch(/^attachment; /);
    expect(cd).not.toMatch(/[/\\\u0000]/);
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(readFileSync(curlVerbose));
  });

  it('keeps two inputs of the same name apart', async () => {
    const s = await server();
    const r = await upload(s.url, [sampleFile(capture, 'x.pcap'), sampleFile(curlVerbose, 'dir/x.pcap')]);
    const a = await settle(s.url, (await r.json()).id);
    expect(a.files.map((f: { name: string }) => f.name)).toEqual(['x.pcap', 'x (2).pcap']);
  });
});

describe('token', () => {
  const TOKEN = 'correct horse battery staple';

  it('guards every route but /healthz: Bearer or the login cookie, compared whole', async () => {
    const s = await server({ token: TOKEN });
    const { id } = await (await upload(s.url, [sampleFile(curlVerbose)], { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    await settle(s.url, id, { authorization: `Bearer ${TOKEN}` });
    const routes: [string, string, (() => RequestInit)?][] = [
      ['GET', '/'],
      ['GET', '/app.js'],
      ['GET', '/app.css'],
      ['GET', '/api/analyses'],
      ['GET', `/api/analyses/${id}`],
      ['POST', '/api/analyses', () => ({ body: (() => { const f = new FormData(); f.append('files', new Blob(['x']), 'x'); return f; })() })],
      ['POST', `/api/analyses/${id}/notes`, () => ({ body: JSON.stringify({ text: 'n' }), headers: { 'content-type': 'application/json' } })],
      ['DELETE', `/api/analyses/${id}`],
      ['GET', `/a/${id}`],
      ['GET', `/a/${id}.md`],
      ['GET', `/a/${id}/inputs/1`],
      ['GET', '/no-such-route'],
    ];
    for (const [method, route, init] of routes) {
      for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`]) {
        const extra = init?.() ?? {};
        const headers = { ...((extra.headers as Record<string, string>) ?? {}), ...(auth ? { authorization: auth } : {}) };
        const r = await fetch(`${s.url}${route}`, { method, ...extra, headers });
        expect([method, route, auth, r.status]).toEqual([method, route, auth, 401]);
        await r.arrayBuffer();
      }
    }
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    // and with it, each gets through (the delete last)
    for (const [method, route, init] of routes) {
      const extra = init?.() ?? {};
      const r = await fetch(`${s.url}${route}`, { method, ...extra, headers: { ...((extra.headers as Record<string, string>) ?? {}), authorization: `Bearer ${TOKEN}` } });
      expect([route, r.status === 401]).toEqual([route, false]);
      await r.arrayBuffer();
    }
  });

  it('signs in through the form: a wrong token is refused, the right one sets an HttpOnly cookie that opens the page', async () => {
    const s = await server({ token: TOKEN });
    const page = await fetch(`${s.url}/`);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('action="/login"');
    const wrong = await fetch(`${s.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const right = await fetch(`${s.url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(right.status).toBe(303);
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0];
    expect((await fetch(`${s.url}/`, { headers: { cookie: pair } })).status).toBe(200);
    expect((await fetch(`${s.url}/api/analyses`, { headers: { cookie: pair } })).status).toBe(200);
    expect((await fetch(`${s.url}/api/analyses`, { headers: { cookie: pair.slice(0, -2) + 'xx' } })).status).toBe(401);
  });
});

describe('requests from elsewhere', () => {
  it('refuses a state-changing request from another site’s page, and a Host that is not loopback when it serves loopback only', async () => {
    const s = await server({ allowedHosts: ['127.0.0.1', 'localhost', '[::1]'] });
    const fd = new FormData();
    fd.append('files', new Blob([readFileSync(curlVerbose)]), 'c.txt');
    const r = await fetch(`${s.url}/api/analyses`, { method: 'POST', body: fd, headers: { origin: 'http://evil.example' } });
    expect(r.status).toBe(403);
    nothingKept(s);
    const port = new URL(s.url).port;
    const rebound = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/api/analyses', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(rebound).toBe(421);
    expect((await fetch(`${s.url}/api/analyses`)).status).toBe(200);
  });
});

describe('bounded work', () => {
  it('queues uploads up to --max-pending, then answers 503 with Retry-After, and runs them all once there is room', async () => {
    const runner = new GatedRunner();
    const s = await server({ runner, concurrency: 1, maxPending: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await upload(s.url, [sampleFile(curlVerbose)]);
      expect(r.status).toBe(202);
      ids.push((await r.json()).id);
    }
    const states = await Promise.all(ids.map((id) => getJson(`${s.url}/api/analyses/${id}`)));
    expect(states.map((a) => a.status).sort()).toEqual(['queued', 'queued', 'running']);
    const refused = await upload(s.url, [sampleFile(curlVerbose)]);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('E_BUSY');
    expect((await getJson(`${s.url}/api/analyses`)).analyses).toHaveLength(3);
    runner.release();
    for (const id of ids) expect((await settle(s.url, id)).status).toBe('done');
    expect((await upload(s.url, [sampleFile(curlVerbose)])).status).toBe(202);
  });

  it('marks an analysis the runner fails (a time limit, a worker out of memory) failed with its code, and goes on', async () => {
    const failing: Runner = {
      run: async () => {
        throw new FaultlineError('E_TIMEOUT', 'the case ran past its time limit of 1 s');
      },
      close: async () => undefined,
    };
    const s = await server({ runner: failing });
    const a = await settle(s.url, (await (await upload(s.url, [sampleFile(curlVerbose)])).json()).id);
    expect(a).toMatchObject({ status: 'failed', error: { code: 'E_TIMEOUT', message: 'the case ran past its time limit of 1 s' } });
    expect(a.result).toBeUndefined();
    expect((await fetch(`${s.url}/a/${a.id}.md`)).status).toBe(409);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('takes 20 concurrent uploads and gives each the same result', async () => {
    const s = await server({ concurrency: 2, runner: new PoolRunner({ jobs: 2 }) });
    const files = [sampleFile(capture), sampleFile(curlVerbose)];
    const posted = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(s.url, files, { name: `upload ${i}` })));
    expect(posted.map((r) => r.status)).toEqual(Array(20).fill(202));
    const ids = await Promise.all(posted.map(async (r) => (await r.json()).id as string));
    expect(new Set(ids).size).toBe(20);
    const done = await Promise.all(ids.map((id) => settle(s.url, id)));
    expect(done.map((a) => a.status)).toEqual(Array(20).fill('done'));
    for (const a of done) expect(a.result).toEqual(done[0].result);
    expect((await getJson(`${s.url}/api/analyses`)).analyses).toHaveLength(20);
  }, 180_000);
});
