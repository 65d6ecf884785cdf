/**
 * Lean transfers (parseCurl's `wanted` false: CurlAnalysis beyond its caps keeps
 * them only as counts) must begin, end, fail and be notable exactly as their full
 * forms do, on every real curl output we have: our samples, the incidents' curl
 * files, and the public corpus where it is present.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCurl, sniffCurl, type CurlFormat } from '../../parsers/curl/index.js';
import { CurlAnalysis, MAX_NOTABLE_TRANSFERS, MAX_OK_TRANSFERS } from '../../src/analysis/curl/index.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { corpusDir, samplesDir } from '../helpers/paths.js';
import { chunksOf } from './curl-helpers.js';

/** What a lean transfer must share with its full form: all CurlAnalysis reads of a transfer it only counts. */
function summary(t: CurlTransfer) {
  return {
    line: t.line,
    endLine: t.endLine,
    t: t.t,
    endT: t.endT,
    source: t.source,
    exitCode: t.exitCode,
    exitCodeSource: t.exitCodeSource,
    errorMessage: t.errorMessage,
    expect100: t.expect100,
    contentLength: t.contentLength,
    bytesReceived: t.bytesReceived,
  };
}

async function read(text: Buffer, format: CurlFormat, lean: boolean) {
  const diag = new Diagnostics();
  const out: CurlTransfer[] = [];
  const s = await parseCurl(format, chunksOf(text, 4096), { path: 'x', diag }, (t) => out.push(t), { wanted: () => !lean });
  return { transfers: out, summary: s, warnings: diag.warnings, notes: diag.notes };
}

function curlFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (!existsSync(dir) || depth > 3) return;
    for (const name of readdirSync(dir).sort()) {
      const f = path.join(dir, name);
      const st = statSync(f);
      if (st.isDirectory()) walk(f, depth + 1);
      else if (st.size < 4 << 20 && !/\.(pcapng?|strace|md|sh|py|json\.gz|gz|tar|zip)$/.test(name)) out.push(f);
    }
  };
  walk(path.join(samplesDir, 'curl'), 0);
  walk(path.join(samplesDir, 'incidents'), 0);
  walk(path.join(corpusDir, 'curl'), 0);
  return out.filter((f) => sniffCurl(readFileSync(f).subarray(0, 65536).toString('utf8')) !== null);
}

describe('lean transfers (parseCurl wanted: false)', () => {
  const files = curlFiles();

  it('finds the real curl outputs to compare', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('begin, end, fail and are notable as their full forms on every real curl output', async () => {
    for (const f of files) {
      const text = readFileSync(f);
      const format = sniffCurl(text.subarray(0, 65536).toString('utf8'))!.format;
      const full = await read(text, format, false);
      const lean = await read(text, format, true);
      const where = path.relative(samplesDir, f);
      expect(lean.transfers.map(summary), where).toEqual(full.transfers.map(summary));
      expect([lean.summary, lean.warnings, lean.notes], where).toEqual([full.summary, full.warnings, full.notes]);
      // and are lean: no evidence, headers or variables kept
      for (const t of lean.transfers) {
        expect(Object.keys(t.evidence), where).toEqual([]);
        expect([t.requestHeaders, t.responseHeaders], where).toEqual([undefined, undefined]);
        expect(Object.keys(t.vars ?? {}).filter((k) => k !== 'start_time'), where).toEqual([]);
      }
    }
  });

  it('keep -w start_time, which places a transfer in time', async () => {
    const text = Buffer.from('{"url":"http://a.test/","exitcode":0,"http_code":200,"start_time":"2026-11-23T02:00:00Z","time_total":0.5}\n');
    const lean = await read(text, 'curl-json', true);
    expect(lean.transfers[0].t).toBe(Date.UTC(2026, 10, 23, 2) / 1000);
    expect(lean.transfers[0].endT).toBe(Date.UTC(2026, 10, 23, 2) / 1000 + 0.5);
    expect(lean.summary.clock).toBe('epoch');
  });
});

describe('lean transfers of -w variables (applyLean)', () => {
  // what a lean transfer reads of its variables, in the spellings curl and the tools around it print
  const exits = ['"exitcode":0,', '"exitcode":56,', '"exitcode":-0,', '"exitcode":"7",', '"exitcode":" 28 ",', '"exitcode":null,', '"exitcode":1e1,', ''];
  const codes = ['', '"return_code":"ok",', '"return_code":"56",', '"return_code":"COULDNT_CONNECT",', '"return_code":"CURLE_RECV_ERROR",', '"return_code":"nonsense",'];
  const msgs = ['"errormsg":null,', '"errormsg":"",', '"errormsg":"Recv failure: Connection reset by peer",', '"errormsg":"\\"Empty reply from server\\" ",', '"errormsg":"null",', '"errormsg":"Operation timed out after 3001 milliseconds with 0 out of 20000 bytes received",', '"errormsg":"Failed to connect to 127.0.0.1 port 1: Connection refused",', ''];
  const lengths = ['', '"content_length_download":20000,', '"content_length_download":0,', '"content_length_download":-1,', '"content_length_download":"4000",', '"content_length_download":null,', '"content_length_download":0.5,'];
  const starts = ['', '"start_time":"2026-11-23T02:00:00Z",', '"start_time":1795402608.25,', '"start_time":null,'];
  const times = ['"time_total":0.5', '"time_total":2500000,"time_namelookup":12', '"time_total":"1,5"', '"time_total":4294.967396,"time_namelookup":0.001'];

  it('begin, end, fail and are notable as their full forms, %{json} lines and -w blocks alike', async () => {
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return xs[(seed >>> 8) % xs.length];
    };
    const objects: string[] = [];
    for (let i = 0; i < 600; i++) {
      const version = i % 5 === 0 ? '"curl_version":"libcurl/7.74.0 OpenSSL/1.1.1",' : '';
      objects.push(`{"url_effective":"http://h${i}.test/",${pick(exits)}${pick(codes)}${pick(msgs)}${pick(lengths)}${pick(starts)}${version}${pick(times)}}`);
    }
    // runs of one key list too, as curl prints them (read from their bytes line after line)
    const run = Array.from({ length: 200 }, (_, i) => `{"exitcode":${i % 3 === 0 ? 7 : 0},"errormsg":${i % 3 === 0 ? '"Failed to connect"' : 'null'},"content_length_download":${i % 4 === 0 ? -1 : i},"time_total":0.25}`);
    const text = Buffer.from([...objects, ...run].join('\n') + '\n');
    const full = await read(text, 'curl-json', false);
    const lean = await read(text, 'curl-json', true);
    expect(full.transfers.length).toBe(800);
    expect(lean.transfers.map(summary)).toEqual(full.transfers.map(summary));
    expect([lean.summary, lean.warnings, lean.notes]).toEqual([full.summary, full.warnings, full.notes]);
    // the spellings above give every outcome
    const outcomes = new Set(full.transfers.map((t) => `${t.exitCodeSource}:${t.exitCode === 0 ? 0 : t.exitCode === undefined ? '-' : 'n'}:${t.contentLength !== undefined}:${t.t !== null}`));
    expect(outcomes.size).toBeGreaterThan(9);
    // the same variables as -w blocks (read as a Map, not from bytes)
    const blocks = objects.map((o) => (JSON.parse(o.replace('"errormsg":"\\"Empty', '"errormsg":"Empty').replace('server\\" "', 'server"')) as Record<string, unknown>))
      .map((o) => Object.entries(o).map(([k, v]) => `${k}: ${v === null ? '' : String(v)}`).join('\n'))
      .join('\n\n');
    const wfull = await read(Buffer.from(blocks + '\n'), 'curl-writeout', false);
    const wlean = await read(Buffer.from(blocks + '\n'), 'curl-writeout', true);
    expect(wfull.transfers.length).toBeGreaterThan(100);
    expect(wlean.transfers.map(summary)).toEqual(wfull.transfers.map(summary));
    expect([wlean.summary, wlean.warnings, wlean.notes]).toEqual([wfull.summary, wfull.warnings, wfull.notes]);
  });
});

type Wanted = (a: CurlAnalysis) => ((failed: boolean, ok?: boolean) => boolean) | undefined;

/** A %{json} text through parseCurl and CurlAnalysis, `wanted` as the case asks; `bare`: transfers built lean (no evidence). */
async function jsonModel(text: Buffer, wanted: Wanted) {
  const diag = new Diagnostics();
  const a = new CurlAnalysis({ path: 'x', diag });
  let bare = 0;
  const add = (t: CurlTransfer) => {
    if (Object.keys(t.evidence).length === 0) bare++;
    a.add(t);
  };
  const w = wanted(a);
  const s = await parseCurl('curl-json', chunksOf(text), { path: 'x', diag }, add, w ? { wanted: w } : {});
  return { result: { model: a.finish(s), notes: diag.notes, warnings: diag.warnings }, bare };
}

describe('CurlAnalysis.wanted', () => {
  const ok: CurlTransfer = { line: 1, t: null, source: 'json', evidence: {}, exitCode: 0 };
  const failed: CurlTransfer = { line: 1, t: null, source: 'json', evidence: {}, exitCode: 56 };

  it('stays true while either cap has room, then false for good', () => {
    const a = new CurlAnalysis({ path: 'x', diag: new Diagnostics() });
    for (let i = 0; i < MAX_OK_TRANSFERS + 10; i++) a.add({ ...ok, evidence: {} });
    expect(a.wanted()).toBe(true); // failures may still be kept
    for (let i = 0; i < MAX_NOTABLE_TRANSFERS - 1; i++) a.add({ ...failed, evidence: {} });
    expect(a.wanted()).toBe(true);
    a.add({ ...failed, evidence: {} });
    expect(a.wanted()).toBe(false);
    a.add({ ...ok, evidence: {} });
    expect(a.wanted()).toBe(false);
  });

  it('told a transfer will not be notable, answers by the cap of successful ones alone', () => {
    const a = new CurlAnalysis({ path: 'x', diag: new Diagnostics() });
    for (let i = 0; i < MAX_OK_TRANSFERS - 1; i++) a.add({ ...ok, evidence: {} });
    expect(a.wanted(false, true)).toBe(true);
    a.add({ ...ok, evidence: {} });
    expect([a.wanted(false, true), a.wanted(), a.wanted(true)]).toEqual([false, true, true]);
  });

  it('builds the successes of a %{json} run lean once their cap is full, failures still in full, the same model', async () => {
    // successes fill their cap first; exit codes as curl prints them and as it does not (`-0`, a
    // float, a string, none), an error line left pending before a line, a failure with exit code 0
    const lines: string[] = [];
    for (let i = 0; lines.length < MAX_OK_TRANSFERS + MAX_NOTABLE_TRANSFERS + 3000; i++) {
      const fail = i % 3 === 0;
      const exit = fail ? '56' : ['0', '0', '0', '-0', '0.0', '"0"', '0', '00'][i % 8];
      if (i % 101 === 0) lines.push('curl: (56) Recv failure: Connection reset by peer');
      const exitPart = i % 89 === 0 ? '' : `"exitcode":${exit},`;
      lines.push(
        `{"url_effective":"http://h${i % 7}.test/p${i}","http_code":${fail ? 0 : 200},${exitPart}` +
          `"errormsg":${fail || i % 13 === 0 ? '"Recv failure: Connection reset by peer"' : 'null'},"local_port":${20000 + (i % 30000)},"time_total":0.01}`,
      );
    }
    const text = Buffer.from(lines.join('\n') + '\n');
    const model = (hint: boolean | undefined) =>
      jsonModel(text, (a) => (hint === undefined ? undefined : hint ? (failed: boolean, ok?: boolean) => a.wanted(failed, ok) : () => a.wanted()));
    const hinted = await model(true);
    const unhinted = await model(false);
    const full = await model(undefined);
    const dropped = full.result.model.transfersDropped ?? 0;
    expect(dropped).toBeGreaterThan(3000);
    // failures never fill their cap: without the hint every transfer is built in full; with it, the
    // successes beyond their cap that print an integer exit code (5 lines in 8) on a line read from its bytes
    expect(unhinted.bare).toBe(0);
    expect(hinted.bare).toBeGreaterThan(dropped / 2);
    expect(hinted.bare).toBeLessThanOrEqual(dropped);
    expect(JSON.stringify(hinted.result)).toBe(JSON.stringify(full.result));
    expect(JSON.stringify(unhinted.result)).toBe(JSON.stringify(full.result));
  });

  it('gives the same model for a run past both caps with and without lean transfers', async () => {
    const lines: string[] = [];
    for (let i = 0; lines.length < MAX_OK_TRANSFERS + MAX_NOTABLE_TRANSFERS + 600; i++) {
      const fail = i % 3 !== 0;
      lines.push(
        `{"url_effective":"http://h${i % 7}.test/p${i}","http_code":${fail ? 0 : 200},"exitcode":${fail ? 56 : 0},` +
          `"errormsg":${fail ? '"Recv failure: Connection reset by peer"' : 'null'},"local_port":${20000 + (i % 30000)},"time_total":0.01}`,
      );
    }
    const text = Buffer.from(lines.join('\n') + '\n');
    const model = (lean: boolean) => jsonModel(text, (a) => (lean ? () => a.wanted() : undefined));
    const lean = await model(true);
    const full = await model(false);
    expect([lean.result.model.transfersDropped, lean.bare, full.bare]).toEqual([600, 600, 0]);
    expect(JSON.stringify(lean.result)).toBe(JSON.stringify(full.result));
  });
  it('past the cap of failures, builds the failures of a log lean while its successes are still kept', async () => {
    // An application log: failures (some echoed on the next line, some with a Content-Length among their pairs,
    // some with a pair that is no curl variable), a `cURL error 0` that is no failure, successes in -w form.
    const lines: string[] = [];
    let failures = 0;
    for (let i = 0; failures < MAX_NOTABLE_TRANSFERS + 600; i++) {
      const at = `[23-Nov-2026 02:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} UTC]`;
      if (i % 5 === 0) lines.push(`${at} {"url_effective":"http://ok${i}.test/","http_code":200,"exitcode":0,"time_total":0.01}`);
      else if (i % 97 === 0) lines.push(`${at} app: cURL error 0: nothing wrong content_length_download=${i} url=http://zero${i}.test/`);
      else {
        failures++;
        const pairs = i % 3 === 0 ? `content_length_download=${i * 10} size_download=7 ` : i % 7 === 0 ? 'tenant=acme ' : '';
        lines.push(`${at} app: call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" ${pairs}url=http://h${i}.test:${1000 + i}/`);
        if (i % 4 === 1) lines.push(`${at} app: retry failed: cURL error 56: Recv failure: Connection reset by peer`);
      }
    }
    const text = Buffer.from(lines.join('\n') + '\n');
    const model = async (lean: boolean) => {
      const diag = new Diagnostics();
      const a = new CurlAnalysis({ path: 'x', diag });
      let bare = 0;
      let kept = 0;
      const add = (t: CurlTransfer) => {
        if (Object.keys(t.evidence).length === 0) bare++;
        else if (t.exitCode === 0) kept++;
        a.add(t);
      };
      const s = await parseCurl('app-log', chunksOf(text), { path: 'x', diag }, add, lean ? { wanted: (failed) => a.wanted(failed) } : {});
      return { result: { model: a.finish(s), notes: diag.notes, warnings: diag.warnings }, bare, kept };
    };
    const lean = await model(true);
    const full = await model(false);
    expect(lean.result.model.transfersDropped).toBeGreaterThan(500);
    expect([lean.bare, full.bare]).toEqual([lean.result.model.transfersDropped, 0]);
    // successes after the cap of failures are still built in full and kept
    expect(lean.kept).toBe(full.kept);
    expect(lean.kept).toBeGreaterThan(2000);
    expect(JSON.stringify(lean.result)).toBe(JSON.stringify(full.result));
  });
});
