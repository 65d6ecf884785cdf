/**
 * Benchmark: curl parse + analysis on three inputs made once from the real
 * samples and cached in bench/data/ (git-ignored):
 *   (a) a ~200 MB PHP/Guzzle application log: PHP notices and warnings with
 *       their stack traces, Monolog request and Guzzle lines, and a curl error
 *       (the wordings of samples/curl/php-errors.log and the corpus' Guzzle
 *       lines) on about one line in a thousand;
 *   (b) ~100 MB of concatenated `curl -v` outputs: the real
 *       samples/incidents/*\/curl-verbose.txt repeated with varied ports;
 *   (c) ~100 MB of `%{json}` lines: the real samples/incidents/*\/curl.json
 *       objects repeated with varied ports.
 * Each measurement runs in a child process so its peak RSS and CPU time are
 * its own, as the tool runs (no Node flags; the heap settings analyze sets at
 * run time, src/cli/heap.ts), with the reader thread off, and
 * `--single-threaded` (bench/turns.ts), 5 of each in turn; each row gives
 * the median wall time. Then, for (b) and (c),
 * the CLI as a user runs it (`node bin/run.js analyze FILE --format json|text`,
 * the report written to a file), 3 runs of each format in turn: median CPU and
 * wall, peak RSS per run beside issue 14's 200 MB.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/curl.js [app-log|verbose|json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, closeSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCurl, sniffCurl, type CurlFormat } from '../parsers/curl/index.js';
import { CurlAnalysis } from '../src/analysis/curl/index.js';
import { tuneHeap } from '../src/cli/heap.js';
import { Diagnostics } from '../src/model/index.js';
import { openSource } from '../src/sources/index.js';
import { scanFloor } from './floor.js';
import { mainThreadCpu } from './main-thread-cpu.js';
import type { BenchResult } from './run.js';
import { each, medianBy, OFF_ROW, SINGLE_ROW, takeTurns, textRow, type TurnRun } from './turns.js';
import { peakRssKb } from './peak-rss.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench → the repository root */
const root = path.resolve(here, '..', '..');
const dataDir = path.join(root, 'bench', 'data');
const incidents = path.join(root, 'samples', 'incidents');
const CHUNK = 1 << 20; /* bytes read at a time */
/** child runs of each kind, taking turns: each row is their median wall time (issue 14 gives medians) */
const RUNS = 5;
/** the CLI's rows: the report formats timed on the curl -v and %{json} files, and how many runs each */
const CLI_FORMATS = ['json', 'text'] as const;
const CLI_RUNS = 3;
/** issue 14: peak RSS of every row, the CLI's included */
const RSS_GOAL_MB = 200;

interface Input {
  key: string;
  name: string;
  file: string;
  format: CurlFormat;
  target: number; /* bytes */
  make: (write: (s: string) => void, target: number) => void;
}

/** Deterministic, so the files are the same on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** (a): what a PHP-FPM error_log with Monolog and Guzzle logging looks like in an incident. */
function makeAppLog(write: (s: string) => void, target: number): void {
  const r = rng(4);
  let t = Date.UTC(2026, 10, 23, 2, 0, 0) / 1000;
  let bytes = 0;
  const out = (s: string) => {
    write(s);
    bytes += s.length + 0; // ASCII only
  };
  const php = () => {
    const d = new Date(t * 1000);
    return `[${p2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC]`;
  };
  const mono = () => {
    const d = new Date(t * 1000);
    return `[${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}]`;
  };
  const files = ['src/Controller/OrderController.php', 'src/Service/PaymentGateway.php', 'src/Repository/UserRepository.php', 'templates/cache/3f/3fa1c2.php', 'src/Http/Middleware/Auth.php'];
  const keys = ['customer_id', 'HTTP_X_FORWARDED_FOR', 'currency', 'locale', 'cart'];
  const paths = ['/api/orders', '/api/orders/1842', '/api/payments/authorize', '/health', '/api/users/me', '/checkout', '/api/cart/items'];
  const hosts = ['payments.internal:8443', '127.0.0.1:39385', 'inventory.svc.cluster.local', 'api.stripe.com'];
  const errors = [
    (u: string) => `cURL error 56: Recv failure: Connection reset by peer (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${u}`,
    (u: string) => `cURL error 28: Operation timed out after 30001 milliseconds with 0 bytes received (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${u}`,
    (u: string) => `cURL error 56: OpenSSL SSL_read: Connection reset by peer, errno 104 (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${u}`,
    (u: string) => `cURL error 7: Failed to connect to payments.internal port 8443 after 3 ms: Connection refused (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${u}`,
    (u: string) => `cURL error 18: transfer closed with 14000 bytes remaining to read (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${u}`,
  ];
  const stack = (depth: number) => {
    const frames = [
      '/var/www/app/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php(155): GuzzleHttp\\Handler\\CurlFactory::createRejection(Object(GuzzleHttp\\Handler\\EasyHandle), Array)',
      '/var/www/app/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php(105): GuzzleHttp\\Handler\\CurlFactory::finishError(Object(GuzzleHttp\\Handler\\CurlHandler), Object(GuzzleHttp\\Handler\\EasyHandle), Object(GuzzleHttp\\Handler\\CurlFactory))',
      '/var/www/app/vendor/guzzlehttp/guzzle/src/Handler/CurlHandler.php(43): GuzzleHttp\\Handler\\CurlFactory::finish(Object(GuzzleHttp\\Handler\\CurlHandler), Object(GuzzleHttp\\Handler\\EasyHandle), Object(GuzzleHttp\\Handler\\CurlFactory))',
      '/var/www/app/vendor/guzzlehttp/guzzle/src/Middleware.php(37): GuzzleHttp\\Handler\\Proxy::GuzzleHttp\\Handler\\{closure}(Object(GuzzleHttp\\Psr7\\Request), Array)',
      '/var/www/app/src/Service/PaymentGateway.php(88): GuzzleHttp\\Client->request(\'POST\', \'/v1/charges\', Array)',
      '/var/www/app/src/Controller/OrderController.php(142): App\\Service\\PaymentGateway->authorize(Object(App\\Entity\\Order))',
      '/var/www/app/vendor/symfony/http-kernel/HttpKernel.php(163): App\\Controller\\OrderController->checkout(Object(Symfony\\Component\\HttpFoundation\\Request))',
      '/var/www/app/public/index.php(20): Symfony\\Component\\HttpKernel\\Kernel->handle(Object(Symfony\\Component\\HttpFoundation\\Request))',
    ];
    for (let i = 0; i < depth; i++) out(`#${i} ${frames[i % frames.length]}\n`);
    out(`#${depth} {main}\n`);
  };
  while (bytes < target) {
    t += r() * 0.05;
    const x = r();
    if (x < 0.001) {
      const u = `https://${pick(r, hosts)}${pick(r, paths)}`;
      if (r() < 0.5) {
        // the form of samples/curl/php-errors.log
        const code = pick(r, [56, 56, 28, 52, 18]);
        const msg = { 56: 'Recv failure: Connection reset by peer', 28: 'Operation timed out after 5001 milliseconds with 0 bytes received', 52: 'Empty reply from server', 18: 'transfer closed with 14000 bytes remaining to read' }[code];
        out(`${php()} payments: upstream call failed: curl_errno=${code} curl_error="${msg}" url=${u} http_code=0 size_download=0 total_time=${(r() * 5).toFixed(6)} local_port=${40000 + Math.floor(r() * 20000)}\n`);
      } else {
        out(`${mono()} app.ERROR: ${pick(r, errors)(u)} {"exception":"[object] (GuzzleHttp\\\\Exception\\\\ConnectException(code: 0): ${'cURL error'} at /var/www/app/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php:210)"} []\n`);
        out('[stacktrace]\n');
        stack(6);
      }
    } else if (x < 0.35) {
      out(`${mono()} request.INFO: Matched route "${pick(r, ['app_order_show', 'app_checkout', 'api_health', 'app_user_me'])}". {"route":"app_order_show","route_parameters":{"id":"${Math.floor(r() * 1e5)}"},"request_uri":"https://shop.example${pick(r, paths)}","method":"GET"} []\n`);
    } else if (x < 0.55) {
      out(`${mono()} app.INFO: ${pick(r, ['GET', 'POST', 'GET', 'PUT'])} https://${pick(r, hosts)}${pick(r, paths)} HTTP/1.1 ${pick(r, [200, 200, 200, 201, 204, 404, 502])} ${Math.floor(r() * 20000)} bytes in ${Math.floor(r() * 900)} ms {"request_id":"${Math.floor(r() * 1e12).toString(16)}"} []\n`);
    } else if (x < 0.75) {
      out(`${php()} PHP Notice:  Undefined index: ${pick(r, keys)} in /var/www/app/${pick(r, files)} on line ${Math.floor(r() * 400)}\n`);
    } else if (x < 0.85) {
      out(`${php()} PHP Warning:  ${pick(r, ['Invalid argument supplied for foreach()', 'count(): Parameter must be an array or an object that implements Countable', 'file_get_contents(/tmp/cache/x.json): failed to open stream: No such file or directory'])} in /var/www/app/${pick(r, files)} on line ${Math.floor(r() * 400)}\n`);
    } else if (x < 0.9) {
      out(`${php()} PHP Deprecated:  Function strftime() is deprecated in /var/www/app/${pick(r, files)} on line ${Math.floor(r() * 400)}\n`);
    } else if (x < 0.93) {
      out(`${php()} PHP Fatal error:  Uncaught TypeError: App\\Service\\PaymentGateway::authorize(): Argument #1 ($order) must be of type App\\Entity\\Order, null given, called in /var/www/app/src/Controller/OrderController.php on line 142 and defined in /var/www/app/src/Service/PaymentGateway.php:71\n`);
      out(`${php()} PHP Stack trace:\n`);
      for (let i = 0; i < 4; i++) out(`${php()} PHP   ${i + 1}. ${pick(r, ['{main}() /var/www/app/public/index.php:0', 'Symfony\\Component\\HttpKernel\\Kernel->handle() /var/www/app/public/index.php:20', 'App\\Controller\\OrderController->checkout() /var/www/app/vendor/symfony/http-kernel/HttpKernel.php:163', 'GuzzleHttp\\Handler\\CurlHandler->__invoke() /var/www/app/vendor/guzzlehttp/guzzle/src/Handler/Proxy.php:28'])}\n`);
    } else if (x < 0.95) {
      out(`${mono()} doctrine.DEBUG: SELECT t0.id AS id_1, t0.status AS status_2, t0.total AS total_3 FROM orders t0 WHERE t0.id = ? ["${Math.floor(r() * 1e5)}"] []\n`);
    } else {
      out(`${mono()} security.DEBUG: Checking support on guard authenticator. {"firewall_key":"main","authenticator":"App\\\\Security\\\\TokenAuthenticator"} []\n`);
    }
  }
}

function samplesOf(name: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(incidents).sort()) {
    const f = path.join(incidents, d, name);
    if (existsSync(f)) out.push(readFileSync(f, 'utf8'));
  }
  if (!out.length) throw new Error(`no samples/incidents/*/${name}`);
  return out;
}

/** The ports a sample prints (server port first), to be replaced by fresh ones. */
function portsIn(text: string): string[] {
  const ports = new Set<string>();
  for (const m of text.matchAll(/(?:port |127\.0\.0\.1:|"remote_port":|"local_port":)(\d{4,5})\b/g)) ports.add(m[1]);
  return [...ports];
}

function withPorts(text: string, ports: string[], r: () => number): string {
  let s = text;
  for (const p of ports) s = s.split(p).join(String(20000 + Math.floor(r() * 40000)));
  return s;
}

/** (b): the real -v outputs one after another, as a loop of curl -v calls leaves them. */
function makeVerbose(write: (s: string) => void, target: number): void {
  const r = rng(5);
  const samples = samplesOf('curl-verbose.txt').map((s) => (s.endsWith('\n') ? s : `${s}\n`));
  const ports = samples.map(portsIn);
  let bytes = 0;
  while (bytes < target) {
    const i = Math.floor(r() * samples.length);
    const s = withPorts(samples[i], ports[i], r);
    write(s);
    bytes += Buffer.byteLength(s);
  }
}

/** (c): the real %{json} lines, as `curl -w '%{json}\n'` in a loop appends them. */
function makeJson(write: (s: string) => void, target: number): void {
  const r = rng(6);
  const lines = samplesOf('curl.json').flatMap((s) => s.split('\n').filter((l) => l.trim().startsWith('{')));
  const ports = lines.map(portsIn);
  let bytes = 0;
  while (bytes < target) {
    const i = Math.floor(r() * lines.length);
    const s = `${withPorts(lines[i], ports[i], r)}\n`;
    write(s);
    bytes += Buffer.byteLength(s);
  }
}

const INPUTS: Input[] = [
  { key: 'app-log', name: 'curl app-log: PHP/Guzzle error log, 1 curl error per ~1000 lines', file: 'curl-app.log', format: 'app-log', target: 200_000_000, make: makeAppLog },
  { key: 'verbose', name: 'curl -v outputs, concatenated (real samples, varied ports)', file: 'curl-verbose.txt', format: 'curl-verbose', target: 100_000_000, make: makeVerbose },
  { key: 'json', name: "curl -w '%{json}' lines (real samples, varied ports)", file: 'curl-json.jsonl', format: 'curl-json', target: 100_000_000, make: makeJson },
];

function ensure(input: Input): string {
  const file = path.join(dataDir, input.file);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  let buf: string[] = [];
  let len = 0;
  const flush = () => {
    writeSync(fd, buf.join(''));
    buf = [];
    len = 0;
  };
  input.make((s) => {
    buf.push(s);
    len += s.length;
    if (len > 1 << 20) flush();
  }, input.target);
  flush();
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}

interface ChildReport extends TurnRun {
  transfers: number;
  failed: number;
  warnings: number;
}

/** In the child: parse + analyse the file, report figures as JSON on stdout. */
async function measure(file: string, format: CurlFormat): Promise<ChildReport> {
  const diag = new Diagnostics();
  const analysis = new CurlAnalysis({ path: file, diag, timeline: true });
  let transfers = 0;
  let failed = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m0 = mainThreadCpu();
  // read as analyze reads it (src/pipeline/read.ts): the sources' reader, hashing while it reads,
  // into two reused buffers (a CSV excepted)
  const src = await openSource({ kind: 'file', path: file, name: path.basename(file) }, { readChunk: CHUNK });
  if (format !== 'curl-csv') src.recycle?.({ own: true });
  const summary = await parseCurl(format, src.chunks, { path: file, diag }, (e) => {
    transfers++;
    if (e.exitCode !== undefined && e.exitCode !== 0) failed++;
    analysis.add(e);
  }, { wanted: (failed, ok) => analysis.wanted(failed, ok) });
  src.close();
  analysis.finish(summary);
  const wall = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  return {
    bytes: summary.bytes,
    lines: summary.events,
    transfers,
    failed,
    wall,
    cpu: (cu.user + cu.system) / 1e6,
    ...(m0 !== undefined ? { mainCpu: mainThreadCpu()! - m0 } : {}),
    maxRssKb: peakRssKb(),
    warnings: diag.warnings.length + diag.dropped,
  };
}

interface CliRun {
  wall: number;
  cpu: number;
  rssMb: number;
  bytesOut: number;
}

/**
 * `faultline analyze FILE --format F` as a user runs it (start-up, detectors and the report
 * written to a file through standard output), timed by GNU time: wall, CPU (user + system) and
 * peak RSS. The report goes to a temporary folder, removed after.
 */
function cliRun(file: string, format: string): CliRun {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-cli-'));
  try {
    const report = path.join(dir, `report.${format}`);
    const fd = openSync(report, 'w');
    let c;
    try {
      c = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, path.join(root, 'bin', 'run.js'), 'analyze', file, '--format', format], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    } finally {
      closeSync(fd);
    }
    const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec((c.stderr ?? '').trim().split('\n').pop() ?? '');
    // exit 0 (nothing at error) or 3 (findings at error): the CLI's outcome codes for a run that went through
    if (!m || (c.status !== 0 && c.status !== 3)) throw new Error(`CLI analyze --format ${format} failed (exit ${c.status}): ${(c.stderr ?? '').slice(-300)}`);
    return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024, bytesOut: statSync(report).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `nodeFlags`: none as the tool runs, or turns.ts' SINGLE_THREADED (the parse, the analysis and the GC on one thread, the reader thread apart) */
function child(file: string, format: CurlFormat, env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []): ChildReport {
  const c = spawnSync(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), '--child', file, format], { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, ...env } });
  if (c.status !== 0) throw new Error(`bench child failed: ${c.stderr}`);
  return JSON.parse(c.stdout.trim().split('\n').pop()!) as ChildReport;
}

export async function run(only?: string[]): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const input of INPUTS) {
    if (only?.length && !only.includes(input.key)) continue;
    const file = ensure(input);
    // the head only: the whole file read here stayed in this process's RSS, and each child forked after it started from it
    const fd = openSync(file, 'r');
    const headBuf = Buffer.alloc(64 * 1024);
    const head = headBuf.subarray(0, readSync(fd, headBuf, 0, headBuf.length, 0)).toString('utf8');
    closeSync(fd);
    const sniffed = sniffCurl(head)?.format ?? 'none';
    const load = loadavg()[0];
    // as the tool runs (the reader thread on, the default from 64 MB), the reader thread off, and --single-threaded
    const { on: runs, off: alone, single } = takeTurns(RUNS, (env, nodeFlags) => child(file, input.format, env, nodeFlags));
    // the run of median wall time stands for its kind (its CPU figures are its own)
    const best = medianBy(runs, (x) => x.wall);
    const bestAlone = medianBy(alone, (x) => x.wall);
    const bestSingle = medianBy(single, (x) => x.wall);
    const medianWall = (xs: ChildReport[]): number => medianBy(xs, (x) => x.wall).wall;
    const mainOf = (x: ChildReport): string => (x.mainCpu !== undefined ? ` (the main thread ${x.mainCpu.toFixed(2)} s)` : '');
    const mb = best.bytes / 1e6;
    const floor = scanFloor(file);
    results.push(
      textRow(
        input.name,
        best,
        runs,
        best.transfers,
        { name: `newline scan of the same file (${floor.mbPerCpuSec.toFixed(0)} MB/s of CPU)`, times: floor.mbPerCpuSec / (mb / best.cpu) },
        `${best.lines} lines, ${best.transfers} transfers (${best.failed} failed), ${best.warnings} warnings, sniffed as ${sniffed}; ` +
          `CPU time ${best.cpu.toFixed(2)} s${mainOf(best)} = ${(mb / best.cpu).toFixed(1)} MB/s and ${Math.round(best.lines / best.cpu)} lines/s of CPU (every thread: main, reader, V8's helpers) ` +
          `(the run of median wall time of ${RUNS}; peak RSS per run ${runs.map((x) => Math.round(x.maxRssKb / 1024)).join('/')} MB; ` +
          `wall figures include waiting for the CPU: load average ${load.toFixed(1)} on ${cpus().length} cores; ` +
          `size ${statSync(file).size} bytes); median wall ${medianWall(runs).toFixed(2)} s (${each(runs, (x) => x.wall)})`,
      ),
      textRow(
        OFF_ROW,
        bestAlone,
        alone,
        bestAlone.transfers,
        { name: 'newline scan', times: floor.mbPerCpuSec / (mb / bestAlone.cpu) },
        `taking turns with the row above; CPU time ${bestAlone.cpu.toFixed(2)} s${mainOf(bestAlone)} (the run of median wall time of ${RUNS}), median wall ${medianWall(alone).toFixed(2)} s (${each(alone, (x) => x.wall)}); ` +
          `the reader thread saves ${(medianWall(alone) - medianWall(runs)).toFixed(2)} s of median wall time, costs ${(best.cpu - bestAlone.cpu).toFixed(2)} s of CPU`,
      ),
      textRow(
        SINGLE_ROW,
        bestSingle,
        single,
        bestSingle.transfers,
        { name: 'newline scan', times: floor.mbPerCpuSec / (mb / bestSingle.cpu) },
        `taking turns with the rows above; ${(mb / bestSingle.wall).toFixed(1)} MB/s, CPU time ${bestSingle.cpu.toFixed(2)} s${mainOf(bestSingle)} (the run of median wall time of ${RUNS}), median wall ${medianWall(single).toFixed(2)} s (${each(single, (x) => x.wall)}); ` +
          `V8's helper threads save ${(medianWall(single) - medianWall(runs)).toFixed(2)} s of median wall time`,
      ),
    );
    if (input.key === 'app-log' || !existsSync('/usr/bin/time')) continue;
    // The CLI as a user runs it, each format's runs taking turns with the others'; beside the
    // library row above: what start-up, the detectors, the correlation and the report add.
    const cli = new Map<string, CliRun[]>(CLI_FORMATS.map((f) => [f, []]));
    for (let i = 0; i < CLI_RUNS; i++) for (const f of CLI_FORMATS) cli.get(f)!.push(cliRun(file, f));
    for (const [f, xs] of cli) {
      const cpu = medianBy(xs, (x) => x.cpu).cpu;
      const wall = medianBy(xs, (x) => x.wall).wall;
      const rss = Math.max(...xs.map((x) => x.rssMb));
      results.push({
        name: `  same, CLI analyze --format ${f}`,
        bytes: best.bytes,
        seconds: wall,
        mbPerSec: mb / wall,
        peakRssMb: rss,
        floor: { name: 'newline scan', times: floor.mbPerCpuSec / (mb / cpu) },
        note:
          `start-up, detectors and a ${(xs[0].bytesOut / 1e6).toFixed(1)} MB report written included; median of ${CLI_RUNS}: CPU ${cpu.toFixed(2)} s ` +
          `(${(cpu / best.cpu).toFixed(2)}× the parse + analysis above), wall ${wall.toFixed(2)} s (${each(xs, (x) => x.wall)}); ` +
          `peak RSS per run ${xs.map((x) => Math.round(x.rssMb)).join('/')} MB, ${(rss / RSS_GOAL_MB).toFixed(2)}× issue 14's ${RSS_GOAL_MB} MB: ${rss <= RSS_GOAL_MB ? 'met' : 'NOT met'}`,
      });
    }
  }
  return results;
}

const self = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (self && process.argv[2] === '--child') {
  // the heap settings analyze applies (src/cli/heap.ts): the child runs as the tool runs
  tuneHeap();
  const report = await measure(process.argv[3], process.argv[4] as CurlFormat);
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else if (self) {
  for (const r of await run(process.argv.slice(2))) {
    console.log(
      `${r.name}: ${r.mbPerSec.toFixed(1)} MB/s, ${r.eventsPerSec !== undefined ? `${Math.round(r.eventsPerSec)} lines/s, ` : ''}${r.seconds.toFixed(2)} s for ${(r.bytes / 1e6).toFixed(0)} MB, peak RSS ${r.peakRssMb.toFixed(0)} MB, ${r.floor?.times.toFixed(2)}× the CPU time of a ${r.floor?.name}\n  ${r.note ?? ''}`,
    );
  }
}
