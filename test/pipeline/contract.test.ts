/**
 * The result contract (issue 8): ids from content, not from how a path was spelled;
 * every key under `details` snake_case; every read input digested.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline/index.js';
import type { Finding } from '../../src/model/index.js';
import { renderJson } from '../../reports/json.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';
import { validateResult } from '../helpers/schema.js';

/** Every case folder of samples/incidents, and the strace and curl samples as one case each. */
function cases(): string[] {
  const inc = path.join(samplesDir, 'incidents');
  const out = readdirSync(inc).map((d) => path.join(inc, d)).filter((d) => statSync(d).isDirectory());
  return [...out, path.join(samplesDir, 'strace'), path.join(samplesDir, 'curl')];
}

function camelKeys(v: unknown, at: string, out: string[]): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => camelKeys(x, `${at}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (!/^[a-z][a-z0-9_]*$/.test(k)) out.push(`${at}.${k}`);
      camelKeys(x, `${at}.${k}`, out);
    }
  }
  return out;
}

describe('the result contract', () => {
  it('gives identical finding ids for a folder named relatively and absolutely', async () => {
    const cwd = process.cwd();
    process.chdir(repoRoot);
    try {
      const rel = await analyze(['samples/incidents/incident-all'], { timezone: 'UTC' });
      const abs = await analyze([path.join(repoRoot, 'samples/incidents/incident-all')], { timezone: 'UTC' });
      expect(rel.findings.length).toBeGreaterThan(1);
      expect(rel.inputs[0].path).not.toBe(abs.inputs[0].path);
      const ids = (fs: Finding[]) => fs.map((f) => [f.id, f.related ?? []]);
      expect(ids(abs.findings)).toEqual(ids(rel.findings));
    } finally {
      process.chdir(cwd);
    }
  });

  it('keeps every key under details snake_case, joined views included, and the JSON valid against the schema', async () => {
    const bad: string[] = [];
    let joined = 0;
    for (const c of cases()) {
      const r = await analyze([c], { timezone: 'UTC' });
      expect(validateResult(JSON.parse(renderJson(r, {}))), c).toBe(true);
      for (const f of r.findings) {
        camelKeys(f.details, `${path.basename(c)}: ${f.detector}.details`, bad);
        if (f.details.other_views) joined++;
      }
    }
    expect(joined).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it('digests each read input (sha256 of its content) and says what it saw in it (stats)', async () => {
    const r = await analyze([path.join(samplesDir, 'incidents/incident-all')], { timezone: 'UTC' });
    for (const i of r.inputs) expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(r.inputs.map((i) => i.sha256)).size).toBe(r.inputs.length);
    const stats = Object.fromEntries(r.inputs.map((i) => [path.basename(i.path), i.stats]));
    expect(stats['capture.pcap']).toMatchObject({ connections: 1, http_exchanges: 1, tls_connections: 0 });
    expect(stats['capture.pcap']!.packets).toBe(r.inputs.find((i) => i.path.endsWith('capture.pcap'))!.events);
    expect(stats['client.strace']).toMatchObject({ processes: 1, stops: 0, socket_failures: 1 });
    expect(stats['client.strace']!.syscalls).toBeGreaterThan(5);
    expect(stats['curl-verbose.txt']).toEqual({ curl_transfers: 1, failed_transfers: 1 });
    expect(stats['app.log']).toMatchObject({ failed_transfers: 1 });
  });
});
