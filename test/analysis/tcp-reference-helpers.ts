/**
 * Counts of connections and HTTP exchanges, ours and tshark's, on one capture
 * file — the reference the analysis is checked against.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { parseCapture } from '../../parsers/pcap/index.js';
import { CaptureAnalysis } from '../../src/analysis/tcp/index.js';
import { Diagnostics, type CaptureModel } from '../../src/model/index.js';
import { corpusDir, repoRoot } from '../helpers/paths.js';

export const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

export interface Counts {
  /** TCP connections (tshark: distinct tcp.stream) */
  connections: number;
  /** HTTP requests (tshark: http.request.method occurrences) */
  requests: number;
  /** final HTTP responses, status ≥ 200 (and 101) */
  responses: number;
  /** interim 1xx responses other than 101 */
  interim: number;
}

export async function analyseFile(file: string): Promise<{ model: CaptureModel; diag: Diagnostics }> {
  const diag = new Diagnostics();
  const a = new CaptureAnalysis({ path: file, diag });
  const src = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const summary = await parseCapture(src, { path: file, diag }, (e) => a.add(e));
  return { model: a.finish(summary), diag };
}

export function ourCounts(m: CaptureModel): Counts {
  let requests = 0;
  let responses = 0;
  let interim = 0;
  for (const c of m.connections) {
    // exchanges counted but not kept were whole: one request and one final response each
    requests += c.exchangesDropped ?? 0;
    responses += c.exchangesDropped ?? 0;
    for (const x of c.exchanges) {
      if (x.requestSeen) requests++;
      if (x.response) responses++;
      interim += x.interim.length;
    }
  }
  // quiet connections summed, not kept: each exchange in them had one request and one final response
  const s = m.summarized ?? { connections: 0, exchanges: 0 };
  return { connections: m.connections.length + s.connections, requests: requests + s.exchanges, responses: responses + s.exchanges, interim };
}

const run = promisify(execFile);

export async function tsharkCounts(file: string): Promise<Counts> {
  const { stdout } = await run('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'tcp.stream', '-e', 'http.request.method', '-e', 'http.response.code'], {
    maxBuffer: 64 << 20,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' })); // tshark exits non-zero on a cut-short file, after printing what it read
  const streams = new Set<string>();
  const c: Counts = { connections: 0, requests: 0, responses: 0, interim: 0 };
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [stream, methods, codes] = line.split('\t');
    if (stream) streams.add(stream);
    if (methods) c.requests += methods.split(',').length;
    if (codes) for (const code of codes.split(',')) Number(code) < 200 && Number(code) !== 101 ? c.interim++ : c.responses++;
  }
  c.connections = streams.size;
  return c;
}

/** Runs `fn` over `items` with at most `n` at once (tshark start-up dominates: keep the cores busy). */
export async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Where we knowingly differ from tshark 4.0: the counts on both sides, and why. */
export interface KnownDifference {
  ours: Partial<Counts>;
  tshark: Partial<Counts>;
  why: string;
}

/**
 * tshark's counts per file, kept beside the tests as a baseline (Zeek's
 * habit): tshark takes ~0.4 s to start per file, too slow to run over a
 * hundred captures on every test run. Each entry carries the file's SHA-1;
 * a file that changed is counted by tshark again, live (or skipped without
 * tshark). Refresh with `npx tsx test/analysis/tcp-reference-update.ts`.
 */
export const BASELINE = path.join(repoRoot, 'test/analysis/tcp-reference.tshark.json');

interface BaselineEntry {
  sha1: string;
  tshark: Counts;
}

/** a stable name for a capture: `samples/…` or `corpus/…` */
export function refName(file: string): string {
  return file.startsWith(corpusDir) ? `corpus/${path.relative(corpusDir, file)}` : path.relative(repoRoot, file);
}

export function sha1(file: string): string {
  return createHash('sha1').update(readFileSync(file)).digest('hex');
}

function loadBaseline(): Record<string, BaselineEntry> {
  return existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, BaselineEntry>) : {};
}

/** tshark's counts for each file, from the baseline when the file is unchanged, else live; undefined when neither can say. */
export async function tsharkReference(files: string[]): Promise<Map<string, { counts: Counts; live: boolean }>> {
  const base = loadBaseline();
  const out = new Map<string, { counts: Counts; live: boolean }>();
  const stale: string[] = [];
  for (const f of files) {
    const e = base[refName(f)];
    if (e && e.sha1 === sha1(f)) out.set(f, { counts: e.tshark, live: false });
    else if (hasTshark) stale.push(f);
  }
  await pool(stale, 2, async (f) => out.set(f, { counts: await tsharkCounts(f), live: true }));
  return out;
}

/** Counts `files` afresh; entries of files no longer listed are dropped. */
export async function updateBaseline(files: string[]): Promise<void> {
  const base: Record<string, BaselineEntry> = {};
  await pool(files, 2, async (f) => {
    base[refName(f)] = { sha1: sha1(f), tshark: await tsharkCounts(f) };
  });
  const sorted = Object.fromEntries(Object.entries(base).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(BASELINE, JSON.stringify(sorted, null, 1) + '\n');
}

const CAPTURE = /\.(pcap|pcapng)(\.gz)?$/;

/** the real loopback captures in samples/: incidents and reader variants */
export function sampleCaptures(samplesDir: string): string[] {
  const incidents = path.join(samplesDir, 'incidents');
  const pcap = path.join(samplesDir, 'pcap');
  const list = (dir: string) => (existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir) : []);
  return [
    ...list(incidents).flatMap((d) => list(path.join(incidents, d)).filter((f) => f.startsWith('capture.') && CAPTURE.test(f)).map((f) => path.join(incidents, d, f))),
    ...list(pcap).filter((f) => CAPTURE.test(f)).map((f) => path.join(pcap, f)),
  ].filter((f) => existsSync(f));
}

export function corpusCaptures(): string[] {
  const dir = path.join(corpusDir, 'pcap');
  return existsSync(dir) ? readdirSync(dir).filter((f) => CAPTURE.test(f)).map((f) => path.join(dir, f)) : [];
}

/** Expect our counts to equal tshark's, except where a known difference says (with both sides' numbers). */
export function compare(ours: Counts, tshark: Counts, k: KnownDifference | undefined): { ours: Counts; tshark: Counts; expectOurs: Counts; expectTshark: Counts } {
  if (!k) return { ours, tshark, expectOurs: tshark, expectTshark: tshark };
  return { ours, tshark, expectOurs: { ...tshark, ...k.ours }, expectTshark: { ...ours, ...k.tshark } };
}
