import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import type { BatchOutcome } from '../../batch/index.js';
import { parseDuration, parseSize } from '../../batch/units.js';
import { FaultlineError } from '../../model/errors.js';
import { DEFAULT_JOIN_WINDOW } from '../../pipeline/defaults.js';
import { QUEUE_IN_FLIGHT } from '../../queue/defaults.js';
import { DEFAULT_WORKER_MEMORY_MB } from '../../runner/defaults.js';
import type { Runner } from '../../runner/types.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../../sources/limits.js';
// The batch runner, the worker pool (piscina), the queue (bullmq) and the progress bar are
// imported in run(): `--help` and usage errors load none of them.
import { EXIT } from '../exit-codes.js';

const SEVERITIES = ['info', 'warning', 'error'] as const;

/** 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

export default class Batch extends Command {
  static override summary = 'Analyse an archive of incidents: every case in folders, tarballs and zips, with a summary across them.';
  static override description = `A case is one incident, analysed as 'analyze' would: a folder that directly holds trace files (those files together), one archive (.tar, .tar.gz/.tgz, .zip: its members together), or a file lying directly in a folder named here. A folder named here is the collection, searched recursively (to batch one incident folder, name the folder above it); a case is named by its path relative to the folder named.

Writes to --out: summary.csv (a row per case), findings.jsonl (every finding with its case), index.html (the cases and their findings, sortable and filterable), and cases/ with a JSON and an HTML report per case. Files are written whole or not at all. Ctrl-C stops cleanly: finished cases are kept and the summary and index are written for them; --resume then skips every case whose inputs (by sha256), faultline version and options are unchanged.

Exit codes: 0 every case analysed; 1 faultline itself failed (a bug, --out not writable); 2 usage error; 3 some cases failed or could be read only in part (each in summary.csv with its reason); 130 interrupted.`;

  static override examples = [
    '<%= config.bin %> batch /srv/incidents/ more.tar.gz --out results/',
    '<%= config.bin %> batch incidents/ --out results/ --jobs 4 --case-timeout 10m',
    '<%= config.bin %> batch incidents/ --out results/ --resume',
    '<%= config.bin %> batch /mnt/incidents --out results/ --queue redis://queue.internal:6379',
  ];

  static override strict = false;
  static override args = {
    paths: Args.string({ description: 'folders, archives (.tar, .tar.gz, .tgz, .zip) and trace files', required: true }),
  };

  static override flags = {
    out: Flags.string({ char: 'o', required: true, summary: 'output folder (created if missing)' }),
    jobs: Flags.integer({ char: 'j', min: 1, max: 4096, summary: `cases analysed at once, each on its own thread (default: this machine's cores); with --queue, cases queued at once (default ${QUEUE_IN_FLIGHT})` }),
    queue: Flags.string({ summary: "run the cases on 'faultline worker' processes anywhere, through this Redis: redis://HOST:PORT[/DB]. The inputs must be on a mount every worker sees at the same path" }),
    resume: Flags.boolean({ summary: 'skip cases done in an earlier run into --out whose inputs, version and options are unchanged' }),
    'case-timeout': Flags.string({ summary: 'time limit per case, e.g. 90s, 10m, 1h (default: none)' }),
    'case-memory': Flags.integer({ min: 64, summary: `heap limit per case in MB (default ${DEFAULT_WORKER_MEMORY_MB})` }),
    'max-archive-size': Flags.string({ summary: `decompressed bytes an archive case may hold, e.g. 512M, 20G (default ${DEFAULT_ARCHIVE_LIMITS.maxBytes / 1024 ** 3}G)` }),
    'max-members': Flags.integer({ min: 1, summary: `files an archive case may hold (default ${DEFAULT_ARCHIVE_LIMITS.maxMembers})` }),
    quiet: Flags.boolean({ char: 'q', summary: 'no progress and no closing summary line (failed cases are still listed on stderr)' }),
    detectors: Flags.string({ summary: "comma-separated detector ids to run (see 'faultline detectors')" }),
    'min-severity': Flags.option({ options: SEVERITIES, summary: 'leave out findings below this severity' })(),
    'join-window': Flags.string({ summary: `seconds within which one event seen in several inputs is joined (default ${DEFAULT_JOIN_WINDOW})` }),
    date: Flags.string({ summary: 'YYYY-MM-DD to place time-of-day inputs on' }),
    tz: Flags.string({ summary: "time zone of time-of-day inputs (default: this machine's)" }),
    redact: Flags.boolean({ default: true, allowNo: true, summary: 'redact secrets; --no-redact shows them' }),
    debug: Flags.boolean({ summary: 'show stack traces of internal errors' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Batch);
    const usage = (msg: string): never => {
      process.stderr.write(`faultline: ${msg}\n`);
      return this.exit(EXIT.USAGE);
    };
    let caseTimeoutMs: number | undefined;
    if (flags['case-timeout'] !== undefined) {
      caseTimeoutMs = parseDuration(flags['case-timeout']);
      if (caseTimeoutMs === undefined) usage(`--case-timeout takes a duration such as 90s, 10m or 1h, not '${flags['case-timeout']}'`);
    }
    let maxBytes = DEFAULT_ARCHIVE_LIMITS.maxBytes;
    if (flags['max-archive-size'] !== undefined) {
      const b = parseSize(flags['max-archive-size']);
      if (b === undefined) usage(`--max-archive-size takes a size such as 512M or 20G, not '${flags['max-archive-size']}'`);
      maxBytes = b!;
    }
    if (flags.tz?.includes('=')) usage('--tz takes one zone for every case in a batch (PATH=ZONE names one input of one analyze)');

    const [{ runBatch }, { ProgressView }, { PoolRunner }] = await Promise.all([
      import('../../batch/index.js'),
      import('../../batch/progress.js'),
      import('../../runner/pool.js'),
    ]);
    const ac = new AbortController();
    const view = new ProgressView({ stream: process.stderr, quiet: flags.quiet });
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
      view.stop();
      process.stderr.write('\nfaultline: stopping: running cases are cancelled, the summary is written for the cases done (Ctrl-C again to quit at once)\n');
      ac.abort();
    };
    process.on('SIGINT', onSigint);

    if (flags.queue && flags['case-memory'] !== undefined) usage("--case-memory limits this machine's threads; with --queue the workers' --memory-mb does");
    let runner: Runner | undefined;
    if (flags.queue) {
      try {
        const { QueueRunner } = await import('../../queue/index.js');
        runner = await QueueRunner.connect(flags.queue, { onNotice: (line) => process.stderr.write(`${interruptsClear()}faultline: ${line}\n`) });
      } catch (err) {
        view.stop();
        process.off('SIGINT', onSigint);
        if (err instanceof FaultlineError && err.code === 'E_USAGE') return usage(err.message);
        if (err instanceof FaultlineError) {
          process.stderr.write(`faultline: ${err.message}\n`);
          return this.exit(EXIT.INTERNAL);
        }
        return this.internal(err, flags.debug);
      }
    }
    let outcome: BatchOutcome;
    try {
      runner ??= new PoolRunner({ jobs: flags.jobs, memoryMb: flags['case-memory'] });
      outcome = await runBatch({
        inputs: argv as string[],
        out: flags.out,
        runner,
        ...(flags.queue ? { concurrency: flags.jobs ?? QUEUE_IN_FLIGHT } : {}),
        flags: {
          detectors: flags.detectors,
          minSeverity: flags['min-severity'],
          joinWindow: flags['join-window'],
          date: flags.date,
          tz: flags.tz === undefined ? undefined : [flags.tz],
          redact: flags.redact,
        },
        resume: flags.resume,
        caseTimeoutMs,
        limits: { maxBytes, maxMembers: flags['max-members'] ?? DEFAULT_ARCHIVE_LIMITS.maxMembers },
        signal: ac.signal,
        onProgress: (p) => view.update(p),
        onCase: (r) => {
          if (r.status === 'failed') process.stderr.write(`${interruptsClear()}faultline: case ${r.name} failed: ${r.error_code}: ${r.error}\n`);
        },
      });
    } catch (err) {
      view.stop();
      process.off('SIGINT', onSigint);
      await runner?.close();
      if (err instanceof FaultlineError && err.code === 'E_USAGE') return usage(err.message);
      if (err instanceof FaultlineError && err.code === 'E_OUTPUT') {
        process.stderr.write(`faultline: ${err.describe()}\n`);
        return this.exit(EXIT.INTERNAL);
      }
      return this.internal(err, flags.debug);
    }
    view.stop();
    await runner.close();
    process.off('SIGINT', onSigint);

    if (!flags.quiet) {
      const r = outcome.records;
      const count = (s: string) => r.filter((x) => x.status === s).length;
      const parts = [`${count('analysed')} analysed`];
      if (count('partial')) parts.push(`${count('partial')} read in part`);
      if (count('no-traces')) parts.push(`${count('no-traces')} without traces`);
      if (count('failed')) parts.push(`${count('failed')} failed`);
      if (outcome.skipped) parts.push(`${outcome.skipped} skipped as done before`);
      const head = outcome.interrupted ? `interrupted: ${r.length} of ${outcome.found} cases done` : `${outcome.found} case${outcome.found === 1 ? '' : 's'}`;
      process.stderr.write(`faultline: ${head}: ${parts.join(', ')}; see ${outcome.out.index}\n`);
    }
    if (outcome.interrupted) return this.exit(EXIT_INTERRUPTED);
    if (outcome.exitCode !== 0) return this.exit(outcome.exitCode);

    /** a failure line must not land in the middle of the bar */
    function interruptsClear(): string {
      return process.stderr.isTTY ? '\r\x1b[K' : '';
    }
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    if (err.oclif?.exit === EXIT.USAGE) {
      const lines = err.message.split('\n').map((l) => l.trim()).filter(Boolean);
      const first = lines[0]?.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : (lines[0] ?? err.message);
      process.stderr.write(`faultline: ${first} (see faultline batch --help)\n`);
      return this.exit(EXIT.USAGE);
    }
    return super.catch(err);
  }

  private internal(err: unknown, debug: boolean): never {
    const e = err as Error;
    process.stderr.write(`faultline: internal error: ${e?.message ?? String(err)}${debug ? '' : ' (run with --debug for the stack)'}\n`);
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    return this.exit(EXIT.INTERNAL);
  }
}
