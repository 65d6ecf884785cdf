/** Servers on loopback port 0 for the serve tests, and small HTTP helpers over real sockets. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunResult, RunSpec } from '../../src/model/index.js';
import { InProcessRunner } from '../../src/runner/inprocess.js';
import type { Runner, RunOptions } from '../../src/runner/types.js';
import { buildServer, type ServeOptions, type Server } from '../../src/serve/index.js';

export interface Running extends Server {
  url: string;
  dataDir: string;
  runner: Runner;
  close(): Promise<void>;
}

export function tempDir(prefix = 'faultline-serve-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function start(opts: Partial<ServeOptions> = {}): Promise<Running> {
  const dataDir = opts.dataDir ?? tempDir();
  const runner = opts.runner ?? new InProcessRunner();
  const s = await buildServer({ dataDir, runner, maxUploadBytes: 64 << 20, concurrency: 2, ...opts });
  const url = await s.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    ...s,
    url,
    dataDir,
    runner,
    close: async () => {
      await s.app.close();
      await runner.close();
    },
  };
}

export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

export function sampleFile(file: string, name = path.basename(file)): UploadFile {
  return { name, bytes: readFileSync(file) };
}

export function form(files: UploadFile[], name?: string): FormData {
  const fd = new FormData();
  if (name !== undefined) fd.append('name', name);
  for (const f of files) fd.append('files', new Blob([new Uint8Array(f.bytes)]), f.name);
  return fd;
}

export async function upload(url: string, files: UploadFile[], init: { name?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${url}/api/analyses`, { method: 'POST', body: form(files, init.name), headers: init.headers });
}

/**
 * A multipart body written byte by byte, for file names FormData would
 * rewrite (NUL bytes, backslashes, quotes).
 */
export function rawMultipart(files: { filename: string; bytes: Uint8Array; field?: string }[]): { body: Buffer; type: string } {
  const boundary = '----faultline-test-boundary-7c1e';
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'files'}"; filename="`, 'latin1'));
    chunks.push(Buffer.from(f.filename, 'utf8'));
    chunks.push(Buffer.from('"\r\nContent-Type: application/octet-stream\r\n\r\n', 'latin1'), Buffer.from(f.bytes), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

export async function getJson<T = any>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const r = await fetch(url, { headers });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Polls an analysis until it is done or failed (no sleeping on a clock: it waits on the server's state). */
export async function settle(url: string, id: string, headers: Record<string, string> = {}): Promise<any> {
  for (;;) {
    const a = await getJson(`${url}/api/analyses/${id}`, headers);
    if (a.status === 'done' || a.status === 'failed') return a;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A runner that holds every case until released: lets a test see analyses queued and running. */
export class GatedRunner implements Runner {
  private readonly inner = new InProcessRunner();
  private gate: Promise<void>;
  private open!: () => void;
  started = 0;
  constructor() {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open();
  }
  async run(spec: RunSpec, opts: RunOptions = {}): Promise<RunResult> {
    this.started++;
    await new Promise<void>((resolve, reject) => {
      void this.gate.then(resolve);
      opts.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    return this.inner.run(spec, opts);
  }
  async close(): Promise<void> {
    this.open();
  }
}
