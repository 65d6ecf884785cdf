/**
 * Restart durability of `faultline serve` (the CLI itself is the behaviour:
 * a process killed with SIGKILL). An upload cut mid-body is never listed; an
 * analysis killed mid-run is run again at the next start; nothing is ever
 * listed half-written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/gen-http-pcap.js';
import { binRun, samplesDir } from '../helpers/paths.js';
import { getJson, sampleFile, settle, tempDir, upload } from './helpers.js';

const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

function serve(dataDir: string): Promise<{ proc: ChildProcess; url: string; log: () => string }> {
  const proc = spawn(process.execPath, [binRun, 'serve', '--port', '0', '--data', dataDir, '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(proc);
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (c) => {
      err += c;
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(err);
      if (m) resolve({ proc, url: m[1], log: () => err });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

async function kill9(proc: ChildProcess): Promise<void> {
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await gone;
}

async function until<T>(what: () => T | Promise<T>): Promise<NonNullable<T>> {
  for (;;) {
    const v = await what();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every listed analysis is whole: its files are there, and a done one has its result and report. */
async function everyListedIsWhole(url: string, dataDir: string): Promise<void> {
  const list = await getJson(`${url}/api/analyses`);
  for (const a of list.analyses) {
    const dir = path.join(dataDir, 'analyses', a.id);
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    for (const i of meta.inputs) expect(readFileSync(path.join(dir, 'inputs', String(i.n))).length).toBe(i.size);
    if (a.status === 'done') {
      expect(existsSync(path.join(dir, 'result.json'))).toBe(true);
      expect((await fetch(`${url}/a/${a.id}`)).status).toBe(200);
    }
  }
}

const isBuilt = existsSync(path.join(path.dirname(binRun), '../dist/src/cli/commands/serve.js'));

describe.skipIf(!isBuilt)('serve survives kill -9 (needs a build: npm test builds first)', () => {
  let bigCapture: string;
  beforeAll(async () => {
    bigCapture = path.join(tempDir('faultline-serve-big-'), 'big.pcap');
    await generate(bigCapture, 40e6);
  }, 120_000);

  it('never lists an upload cut mid-body, and empties tmp/ at the next start', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = await serve(dataDir);
    const u = new URL(first.url);
    const boundary = 'cut-mid-body';
    const req = request({ host: u.hostname, port: u.port, path: '/api/analyses', method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="half.pcap"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    req.write(Buffer.alloc(512 << 10, 7));
    // the server has begun writing it to disk
    await until(() => {
      const tmp = path.join(dataDir, 'tmp');
      const up = readdirSync(tmp).find((d) => d.startsWith('upload-'));
      return up && existsSync(path.join(tmp, up, 'inputs', '1'));
    });
    await kill9(first.proc);
    req.destroy();

    const second = await serve(dataDir);
    expect((await getJson(`${second.url}/api/analyses`)).analyses).toEqual([]);
    expect(readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
    expect(readdirSync(path.join(dataDir, 'analyses'))).toEqual([]);
    await kill9(second.proc);
  }, 120_000);

  it('runs an analysis killed mid-run again at the next start, and keeps every analysis and note', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = await serve(dataDir);
    // one finished analysis with a note, to be kept
    const small = path.join(samplesDir, 'incidents/reset-mid-body/capture.pcap');
    const kept = (await (await upload(first.url, [sampleFile(small)], { name: 'kept' })).json()).id as string;
    const keptDone = await settle(first.url, kept);
    await fetch(`${first.url}/api/analyses/${kept}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'root cause: idle timeout', finding: keptDone.result.findings[0].id }) });

    const big = (await (await upload(first.url, [sampleFile(bigCapture)], { name: 'big' })).json()).id as string;
    const waiting = (await (await upload(first.url, [sampleFile(small)], { name: 'waiting' })).json()).id as string;
    await until(async () => (await getJson(`${first.url}/api/analyses/${big}`)).status === 'running');
    await kill9(first.proc);

    const onDisk = (id: string) => JSON.parse(readFileSync(path.join(dataDir, 'analyses', id, 'meta.json'), 'utf8'));
    expect(onDisk(big).status).toBe('running');
    expect(onDisk(waiting).status).toBe('queued');

    const second = await serve(dataDir);
    expect(second.log()).toMatch(/2 run again after a stop/);
    await everyListedIsWhole(second.url, dataDir);
    const again = await settle(second.url, big);
    expect(again.status).toBe('done');
    expect(again.remark).toMatch(/run again/);
    expect(again.result.inputs[0]).toMatchObject({ path: 'big.pcap', status: 'read' });
    expect((await settle(second.url, waiting)).status).toBe('done');
    const keptAfter = await getJson(`${second.url}/api/analyses/${kept}`);
    expect(keptAfter.result).toEqual(keptDone.result);
    expect(Object.values(keptAfter.notes.findings).flat().map((n: any) => n.text)).toEqual(['root cause: idle timeout']);
    expect((await getJson(`${second.url}/api/analyses`)).analyses.map((a: { name: string }) => a.name).sort()).toEqual(['big', 'kept', 'waiting']);
    await everyListedIsWhole(second.url, dataDir);
    await kill9(second.proc);
  }, 120_000);
});
