import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import { setFlagsFromString } from 'node:v8';
import { loadRenderer, REPORT_FORMATS, type ReportFormat } from '../../../reports/index.js';
import { FaultlineError } from '../../model/errors.js';
import type { RunEvent, RunResult, Severity } from '../../model/index.js';
import { visible } from '../../model/visible.js';
import { DEFAULT_JOIN_WINDOW } from '../../pipeline/defaults.js';
import { EXIT } from '../exit-codes.js';
import { inputProblemLines, useColor } from '../messages.js';
import { checkOutputNotInput, writeAtomic } from '../output.js';

/**
 * The old generation may grow to 1.4× what was live after the last full collection, not the
 * 1.1–4× V8 picks from its throughput: a one-pass analysis keeps little (about 50 MB on an 800 MB
 * capture), but what it drops after a while (closed connections, finished exchanges) was promoted
 * first, and V8 let that garbage grow the heap to twice the live size. Measured on the 800 MB
 * capture: peak RSS 172 → 152 MB, CPU time within the noise. No limit is set, so no input can run
 * out of memory because of it; a bigger live heap only makes full collections come a little sooner.
 * Read by V8 at each full collection, so it holds when set at run time.
 */
const HEAP_GROWING_PERCENT = 40;

const NO_INPUT = 'no input given: name trace files or folders, or pipe a trace into standard input (see faultline analyze --help)';
const SEVERITIES = ['info', 'warning', 'error'] as const;

export default class Analyze extends Command {
  static override summary = 'Analyse the traces of one incident: strace logs, pcap/pcapng captures, curl output, application logs.';
  static override description = `Everything given to one analyze is one incident, analysed together: the same failure seen in several inputs is reported once, citing each.
A folder stands for every file below it (files that are not traces are listed as skipped). '-' reads standard input; with no path at all, standard input is read when it is not a terminal. .gz files are read through. Formats are recognised by content, not by name.

Exit codes: 0 analysis done (findings or not); 1 faultline itself failed (a bug, or --output not writable); 2 usage error (a bad flag, no input, --output naming one of the inputs); 3 some inputs could not be read, a detector failed, or a folder held no trace (the rest was analysed and reported); 4 --fail-on was met; 130 interrupted (Ctrl-C).`;

  static override examples = [
    '<%= config.bin %> analyze worker.strace',
    '<%= config.bin %> analyze traces/ --format json -o findings.json',
    '<%= config.bin %> analyze capture.pcap client.strace curl-verbose.txt --format html -o incident.html',
    '<%= config.bin %> analyze app.strace --detectors sigcont-no-restart,process-stopped --fail-on error',
    '<%= config.bin %> analyze worker.strace capture.pcap --date 2026-11-20 --tz Europe/Berlin --clock-offset capture.pcap=-0.25',
    '<%= config.bin %> analyze app.strace capture.pcap --tz app.strace=Europe/Berlin',
    'zcat worker.strace.gz | <%= config.bin %> analyze --format json',
  ];

  static override strict = false;
  static override args = {
    // ignoreStdin: oclif would otherwise read a piped standard input *as this argument* (with a
    // 10 ms timeout, so the outcome depends on timing); standard input is a trace here, read by us.
    paths: Args.string({ description: "trace files or folders; '-' (or nothing, when piped) for standard input", required: false, ignoreStdin: true }),
  };

  static override flags = {
    format: Flags.option({ char: 'f', options: REPORT_FORMATS, default: 'text' as ReportFormat, summary: 'report format' })(),
    output: Flags.string({ char: 'o', summary: 'write the report to this file instead of standard output' }),
    detectors: Flags.string({ summary: "comma-separated detector ids to run (see 'faultline detectors')" }),
    'min-severity': Flags.option({ options: SEVERITIES, summary: 'leave out findings below this severity' })(),
    'fail-on': Flags.option({ options: ['warning', 'error'] as const, summary: 'exit 4 when a finding of this severity or above is reported' })(),
    'join-window': Flags.string({ summary: `seconds within which one event seen in several inputs is joined (default ${DEFAULT_JOIN_WINDOW})` }),
    date: Flags.string({ summary: 'YYYY-MM-DD to place time-of-day inputs (strace -tt, curl --trace-time) on' }),
    tz: Flags.string({
      multiple: true,
      multipleNonGreedy: true,
      summary: "ZONE: time zone of time-of-day inputs (default: this machine's); PATH=ZONE: the zone of one input",
    }),
    'clock-offset': Flags.string({ multiple: true, multipleNonGreedy: true, summary: "PATH=SECONDS added to one input's times to correct its clock" }),
    redact: Flags.boolean({ default: true, allowNo: true, summary: 'redact secrets (Authorization, Cookie, token=… in URLs); --no-redact shows them' }),
    evidence: Flags.string({ summary: "evidence lines shown per finding in the text report: a number, or 'all' (default 6)" }),
    debug: Flags.boolean({ summary: 'show stack traces of internal errors' }),
  };

  async run(): Promise<void> {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    const { argv, flags } = await this.parse(Analyze);
    let paths = argv as string[];
    const usage = (msg: string): never => {
      process.stderr.write(`faultline: ${oneLine(msg)}\n`);
      return this.exit(EXIT.USAGE);
    };
    // No path: standard input when something is piped or redirected into it, never from a terminal.
    const implicitStdin = paths.length === 0;
    if (implicitStdin) {
      if (process.stdin.isTTY) usage(NO_INPUT);
      paths = ['-'];
    }
    let evidence: number | 'all' | undefined;
    if (flags.evidence !== undefined) {
      evidence = flags.evidence === 'all' ? 'all' : Number(flags.evidence);
      if (evidence !== 'all' && !(Number.isInteger(evidence) && evidence >= 0)) usage(`--evidence takes a number ≥ 0 or 'all', not '${flags.evidence}'`);
    }

    const interrupt = new AbortController();
    const onSigint = (): void => interrupt.abort();
    process.once('SIGINT', onSigint);
    const progress = this.progressLine();
    let result: RunResult;
    // Loaded here, not at start-up: `--help` and usage errors never pay for the parsers and detectors.
    const { buildSpec, outcome, runCase } = await import('../../pipeline/index.js');
    try {
      const spec = await buildSpec(paths, {
        detectors: flags.detectors,
        minSeverity: flags['min-severity'],
        joinWindow: flags['join-window'],
        date: flags.date,
        tz: flags.tz,
        clockOffsets: flags['clock-offset'],
        redact: flags.redact,
        // only the HTML report draws the timeline: the others never read a lane
        lanes: flags.format === 'html',
      });
      if (flags.output) await checkOutputNotInput(flags.output, spec.sources);
      result = await runCase(spec, { signal: interrupt.signal, onEvent: progress.onEvent });
    } catch (err) {
      progress.clear();
      if (err instanceof FaultlineError && err.code === 'E_USAGE') return usage(err.message);
      if (err instanceof FaultlineError && err.code === 'E_CANCELLED') {
        process.stderr.write('faultline: interrupted\n');
        return this.exit(EXIT.INTERRUPTED);
      }
      return this.internal(err, flags.debug);
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    progress.clear();
    // Nothing named and nothing piped (`< /dev/null`, a closed pipe): no input was given.
    if (implicitStdin && result.inputs.length === 1 && result.inputs[0].status === 'error' && !result.inputs[0].bytes) usage(NO_INPUT);

    for (const line of inputProblemLines(result)) process.stderr.write(`${line}\n`);
    for (const w of result.warnings ?? []) process.stderr.write(`faultline: warning: ${oneLine(w)}\n`);

    let text: string;
    try {
      const render = await loadRenderer(flags.format as ReportFormat);
      text = await render(result, { color: useColor(process.env, !flags.output && Boolean(process.stdout.isTTY)), evidence });
    } catch (err) {
      return this.internal(err, flags.debug);
    }
    if (flags.output) {
      try {
        await writeAtomic(flags.output, text);
      } catch (err) {
        process.stderr.write(`faultline: ${oneLine(`cannot write ${flags.output}: ${(err as Error).message}`)}\n`);
        return this.exit(EXIT.INTERNAL);
      }
    } else {
      await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
    }
    const code = outcome(result, flags['fail-on'] as Severity | undefined);
    if (code !== EXIT.OK) return this.exit(code);
  }

  /** On a terminal, one self-erasing line for a long read (from the run's progress events, after 1 s). */
  private progressLine(): { onEvent?: (e: RunEvent) => void; clear(): void } {
    if (!process.stderr.isTTY) return { clear: () => {} };
    let shown = false;
    let started = Date.now();
    let last = 0;
    return {
      onEvent: (e) => {
        if (e.type === 'input-opened') started = Date.now();
        if (e.type !== 'input-progress') return;
        const now = Date.now();
        const elapsed = (now - started) / 1000;
        if (elapsed < 1 || now - last < 250) return;
        last = now;
        const pct = e.size ? ` ${Math.min(100, Math.floor((e.bytes / e.size) * 100))}%` : '';
        process.stderr.write(`\r\x1b[Kreading ${oneLine(e.input)}:${pct} ${(e.bytes / 1e6).toFixed(0)} MB, ${elapsed.toFixed(0)} s`);
        shown = true;
      },
      clear: () => {
        if (shown) process.stderr.write('\r\x1b[K');
        shown = false;
      },
    };
  }

  /** oclif's parse errors come with the whole usage text: a user error is one line here. */
  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    if (err.oclif?.exit === EXIT.USAGE) {
      const lines = err.message.split('\n').map((l) => l.trim()).filter(Boolean);
      // "Missing 1 required arg:" names the argument on its next line
      const first = lines[0]?.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : (lines[0] ?? err.message);
      process.stderr.write(`faultline: ${oneLine(first)} (see faultline analyze --help)\n`);
      return this.exit(EXIT.USAGE);
    }
    return super.catch(err);
  }

  private internal(err: unknown, debug: boolean): never {
    const e = err as Error;
    process.stderr.write(`faultline: internal error: ${oneLine(e?.message ?? String(err))}${debug ? '' : ' (run with --debug for the stack)'}\n`);
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    return this.exit(EXIT.INTERNAL);
  }
}

/** A message on one line: a newline (or a control character) from a file name or a trace never splits or styles it. */
function oneLine(s: string): string {
  return visible(s);
}
