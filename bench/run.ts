/**
 * `npm run bench`: every stage's benchmark, one table. Each bench module
 * exports `run(): Promise<BenchResult[]>` and generates its own inputs under
 * bench/data/ (git-ignored). Run one alone with `node dist/bench/<name>.js`.
 */
export interface BenchResult {
  name: string;
  bytes: number;
  seconds: number;
  mbPerSec: number;
  eventsPerSec?: number;
  events?: number;
  peakRssMb: number;
  note?: string;
  /** what the row is compared with, measured in the same run (bench/floor.ts), and how many times slower the row is */
  floor?: { name: string; times: number };
}

const MODULES = ['startup', 'strace', 'strace-pids', 'pcap-reader', 'curl', 'analyze', 'report', 'sources', 'capture-shapes', 'many-findings', 'batch', 'serve', 'queue'];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: BenchResult[] = [];
  for (const m of MODULES) {
    if (only.length && !only.includes(m)) continue;
    process.stderr.write(`bench ${m}…\n`);
    try {
      const mod = (await import(`./${m}.js`)) as { run: () => Promise<BenchResult[]> };
      rows.push(...(await mod.run()));
    } catch (err) {
      rows.push({ name: `${m}: FAILED ${(err as Error).message}`, bytes: 0, seconds: 0, mbPerSec: 0, peakRssMb: 0 });
    }
  }
  const fmt = (v: number | undefined, d = 1) => (v === undefined ? '' : v.toFixed(d));
  console.log(['benchmark', 'MB', 's', 'MB/s', 'events/s', 'peak RSS MB', '× floor', 'note'].join('\t'));
  for (const r of rows) {
    console.log(
      [r.name, fmt(r.bytes / 1e6), fmt(r.seconds, 3), fmt(r.mbPerSec), r.eventsPerSec ? Math.round(r.eventsPerSec).toString() : '', fmt(r.peakRssMb), r.floor ? `${r.floor.times.toFixed(2)}× ${r.floor.name}` : '', r.note ?? ''].join('\t'),
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
