/**
 * `faultline serve` over real HTTP on loopback: uploads of real samples give
 * the result runCase gives on the same files, reports and downloads are
 * served safely, notes are kept and shown, bad files are per-file errors.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/json.js';
import type { SourceRef } from '../../src/model/index.js';
import { runCase, specFromSources } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';
import { PoolRunner } from '../../src/runner/pool.js';
import { getJson, sampleFile, settle, start, tempDir, upload, type Running } from './helpers.js';

const incidents = path.join(samplesDir, 'incidents');

/** What runCase says about the same files under the same names, in the JSON report's shape. */
async function expected(dir: string, files: string[]): Promise<unknown> {
  const sources: SourceRef[] = files.map((f) => ({ kind: 'file', path: path.join(dir, f), name: f }));
  return JSON.parse(renderJson(await runCase(specFromSources(sources, {})), {}));
}

describe('serve API on loopback', () => {
  let s: Running;
  beforeAll(async () => {
    // the runner `serve` uses: analyses on worker threads (the worker module comes from the build)
    s = await start({ runner: new PoolRunner({ jobs: 2 }) });
  });
  afterAll(async () => {
    await s?.close();
  });

  for (const name of ['reset-mid-body', 'incident-all', 'expect-100-withheld', 'tls-reset']) {
    it(`an upload of samples/incidents/${name} gives the result runCase gives on the same files`, async () => {
      const dir = path.join(incidents, name);
      const files = readdirSync(dir).sort();
      const r = await upload(s.url, files.map((f) => sampleFile(path.join(dir, f))), { name });
      expect(r.status).toBe(202);
      const body = await r.json();
      expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(body).toEqual({ id: body.id, url: `/a/${body.id}`, status: 'queued' });
      const a = await settle(s.url, body.id);
      expect(a.status).toBe('done');
      expect(a.result).toEqual(await expected(dir, files));
      expect(a.files.map((f: { name: string }) => f.name)).toEqual(files);
    });
  }

  it('lists analyses newest first, searches by name, and counts findings by severity', async () => {
    const dir = path.join(incidents, 'short-body');
    const r = await upload(s.url, [sampleFile(path.join(dir, 'capture.pcap'))], { name: 'Checkout 502s on Friday' });
    const { id } = await r.json();
    const a = await settle(s.url, id);
    const all = await getJson(`${s.url}/api/analyses`);
    expect(all.analyses[0].id).toBe(id);
    expect(all.analyses[0]).toMatchObject({ name: 'Checkout 502s on Friday', status: 'done', inputs: ['capture.pcap'], url: `/a/${id}` });
    const sev = { error: 0, warning: 0, info: 0 } as Record<string, number>;
    for (const f of a.result.findings) sev[f.severity]++;
    expect(all.analyses[0].counts).toEqual(sev);
    const hit = await getJson(`${s.url}/api/analyses?q=${encodeURIComponent('502S ON')}`);
    expect(hit.analyses.map((x: { id: string }) => x.id)).toEqual([id]);
    const none = await getJson(`${s.url}/api/analyses?q=nothing-like-this`);
    expect(none.analyses).toEqual([]);
  });

  it('serves the HTML report under its own CSP, Markdown, and inputs only as downloads', async () => {
    const dir = path.join(incidents, 'reset-mid-body');
    const r = await upload(s.url, [sampleFile(path.join(dir, 'capture.pcap')), sampleFile(path.join(dir, 'curl-verbose.txt'))]);
    const { id } = await r.json();
    await settle(s.url, id);

    const html = await fetch(`${s.url}/a/${id}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = html.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[^']+'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(await html.text()).toContain('Receive failed: the server reset the connection');

    const md = await fetch(`${s.url}/a/${id}.md`);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(await md.text()).toMatch(/^# faultline: \d+ findings?/);
    const pm = await fetch(`${s.url}/a/${id}.postmortem.md`);
    expect(pm.status).toBe(200);
    expect(pm.headers.get('content-type')).toMatch(/^text\/markdown/);

    const input = await fetch(`${s.url}/a/${id}/inputs/2`);
    expect(input.headers.get('content-type')).toBe('application/octet-stream');
    expect(input.headers.get('content-disposition')).toMatch(/^attachment; filename="curl-verbose.txt"/);
    expect(input.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await input.arrayBuffer())).toEqual(readFileSync(path.join(dir, 'curl-verbose.txt')));
    expect((await fetch(`${s.url}/a/${id}/inputs/3`)).status).toBe(404);

    const page = await fetch(`${s.url}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('keeps notes on the analysis and on a finding, and shows them, escaped, in the HTML and Markdown reports', async () => {
    const dir = path.join(incidents, 'reset-mid-body');
    const { id } = await (await upload(s.url, [sampleFile(path.join(dir, 'capture.pcap'))])).json();
    const a = await settle(s.url, id);
    const finding = a.result.findings[0].id;
    const post = (body: unknown) => fetch(`${s.url}/api/analyses/${id}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const n1 = await post({ text: 'root cause: the <script>alert(1)</script> proxy idle timeout' });
    expect(n1.status).toBe(201);
    const n2 = await post({ text: 'known, ticket OPS-1234', finding });
    expect(n2.status).toBe(201);
    expect((await post({ text: 'x', finding: 'no-such-finding' })).status).toBe(404);
    expect((await post({ text: '' })).status).toBe(400);
    expect((await post({ text: 'x'.repeat(4001) })).status).toBe(400);

    const again = await getJson(`${s.url}/api/analyses/${id}`);
    expect(again.notes.analysis.map((n: { text: string }) => n.text)).toEqual(['root cause: the <script>alert(1)</script> proxy idle timeout']);
    expect(again.notes.findings[finding].map((n: { text: string }) => n.text)).toEqual(['known, ticket OPS-1234']);

    const html = await (await fetch(`${s.url}/a/${id}`)).text();
    expect(html).toContain('root cause: the &lt;script&gt;alert(1)&lt;/script&gt; proxy idle timeout');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('known, ticket OPS-1234');
    const md = await (await fetch(`${s.url}/a/${id}.md`)).text();
    expect(md).toContain('## Notes');
    expect(md).toContain('root cause: the \\<script>alert(1)\\</script> proxy idle timeout');
    expect(md).toContain(`On ${finding}`);
    expect(md).toContain('known, ticket OPS-1234');
  });

  it('reports a file it cannot read as that input’s error and analyses the others', async () => {
    const dir = path.join(incidents, 'reset-mid-body');
    const junk = { name: 'notes.docx', bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 0xff, 0xfe]) };
    const r = await upload(s.url, [junk, sampleFile(path.join(dir, 'capture.pcap'))]);
    expect(r.status).toBe(202);
    const a = await settle(s.url, (await r.json()).id);
    expect(a.status).toBe('done');
    expect(a.input_errors).toBe(1);
    const byName = Object.fromEntries(a.result.inputs.map((i: { path: string }) => [i.path, i]));
    expect(byName['notes.docx']).toMatchObject({ status: 'error', error_code: 'E_UNKNOWN_FORMAT' });
    expect(byName['capture.pcap'].status).toBe('read');
    expect(a.result.findings.length).toBeGreaterThan(0);
  });

  it('analyses one uploaded archive as one case of its members, with the findings the loose files give', async () => {
    const dir = path.join(incidents, 'reset-mid-body');
    const files = ['capture.pcap', 'client.strace', 'curl-verbose.txt'];
    const bundle = path.join(tempDir(), 'bundle.tgz');
    execFileSync('tar', ['-czf', bundle, '-C', dir, ...files]);
    const fromArchive = await settle(s.url, (await (await upload(s.url, [sampleFile(bundle)])).json()).id);
    const loose = await settle(s.url, (await (await upload(s.url, files.map((f) => sampleFile(path.join(dir, f))))).json()).id);
    expect(fromArchive.status).toBe('done');
    expect(fromArchive.result.inputs.map((i: { path: string }) => i.path)).toEqual(files.map((f) => `bundle.tgz!${f}`));
    expect(fromArchive.result.inputs.map((i: { sha256: string }) => i.sha256)).toEqual(loose.result.inputs.map((i: { sha256: string }) => i.sha256));
    const summary = (r: any) => r.findings.map((f: any) => [f.id, f.detector, f.severity, f.title]);
    expect(summary(fromArchive.result)).toEqual(summary(loose.result));
    expect(fromArchive.result.findings.length).toBeGreaterThan(0);
  });

  it('reports an archive it cannot read as the analysis’s input error', async () => {
    const r = await upload(s.url, [{ name: 'broken.zip', bytes: new TextEncoder().encode('not a zip at all') }]);
    const a = await settle(s.url, (await r.json()).id);
    expect(a.status).toBe('done');
    expect(a.result.inputs).toHaveLength(1);
    expect(a.result.inputs[0]).toMatchObject({ path: 'broken.zip', status: 'error', error_code: 'E_ARCHIVE' });
  });

  it('refuses an upload without files, or with files in another field', async () => {
    const fd = new FormData();
    fd.append('name', 'nothing');
    const r = await fetch(`${s.url}/api/analyses`, { method: 'POST', body: fd });
    expect(r.status).toBe(400);
    const other = new FormData();
    other.append('evidence', new Blob(['x']), 'a.txt');
    expect((await fetch(`${s.url}/api/analyses`, { method: 'POST', body: other })).status).toBe(400);
    expect((await fetch(`${s.url}/api/analyses`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });

  it('deletes an analysis: gone from the list, its links 404, its files removed', async () => {
    const dir = path.join(incidents, 'reset-mid-body');
    const { id } = await (await upload(s.url, [sampleFile(path.join(dir, 'curl-verbose.txt'))], { name: 'to delete' })).json();
    await settle(s.url, id);
    expect((await fetch(`${s.url}/api/analyses/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${s.url}/api/analyses/${id}`)).status).toBe(404);
    expect((await fetch(`${s.url}/a/${id}`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/analyses/${id}`, { method: 'DELETE' })).status).toBe(404);
    const list = await getJson(`${s.url}/api/analyses`);
    expect(list.analyses.some((x: { id: string }) => x.id === id)).toBe(false);
    expect(readdirSync(path.join(s.dataDir, 'analyses'))).not.toContain(id);
  });

  it('answers 404 to ids that are not ids, without touching the disk', async () => {
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'AAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(500), 'AAAAAAAAAAAAAAAAAAAAAA.md']) {
      const r = await fetch(`${s.url}/api/analyses/${bad}`);
      expect([400, 404, 414]).toContain(r.status);
      expect([400, 404, 414]).toContain((await fetch(`${s.url}/a/${bad}`)).status);
    }
  });
});
