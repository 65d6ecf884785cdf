import { writeFile } from 'node:fs/promises';
import { Args, Command, Errors, Flags } from '@oclif/core';
import { loadRenderer, REPORT_FORMATS, type ReportFormat } from '../../../reports/index.js';
import { FaultlineError, SEVERITY_RANK, visible, type RunResult, type Severity } from '../../model/index.js';
import { analyze, DEFAULT_JOIN_WINDOW, DETECTORS, isValidTimezone } from '../../pipeline/index.js';
import { EXIT } from '../exit-codes.js';
import { inputProblemLines, useColor } from '../messages.js';

const SEVERITIES = ['info', 'warning', 'error'] as const;

export default class Analyze extends Command {
  static override summary = 'Analyse the traces of one incident: strace logs, pcap/pcapng captures, curl output, application logs.';
  static override description = `Everything given to one analyze is one incident, analysed together: the same failure seen in several inputs is reported once, citing each.
A folder stands for every file below it (files that are not traces are listed as skipped). '-' reads standard input. .gz files are read through. Formats are recognised by content, not by name.

Exit codes: 0 analysis done (findings or not); 1 faultline itself failed (a bug, or --output not writable); 2 usage error; 3 some inputs could not be read, a detector failed, or a folder held no trace (the rest was analysed and reported); 4 --fail-on was met.`;

  static override examples = [
    '<%= config.bin %> analyze worker.strace',
    '<%= config.bin %> analyze traces/ --format json -o findings.json',
    '<%= config.bin %> analyze capture.pcap client.strace curl-verbose.txt --format html -o incident.html',
    '<%= config.bin %> analyze app.strace --detectors sigcont-no-restart,process-stopped --fail-on error',
    '<%= config.bin %> analyze worker.strace capture.pcap --date 2026-11-20 --tz Europe/Berlin --clock-offset capture.pcap=-0.25',
  ];

  static override strict = false;
  static override args = {
    paths: Args.string({ description: "trace files or folders; '-' for standard input", required: true }),
  };

  static override flags = {
    format: Flags.option({ char: 'f', options: REPORT_FORMATS, default: 'text' as ReportFormat, summary: 'report format' })(),
    output: Flags.string({ char: 'o', summary: 'write the report to this file instead of standard output' }),
    detectors: Flags.string({ summary: "comma-separated detector ids to run (see 'faultline detectors')" }),
    'min-severity': Flags.option({ options: SEVERITIES, summary: 'leave out findings below this severity' })(),
    'fail-on': Flags.option({ options: ['warning', 'error'] as const, summary: 'exit 4 when a finding of this severity or above is reported' })(),
    'join-window': Flags.string({ summary: `seconds within which one event seen in several inputs is joined (default ${DEFAULT_JOIN_WINDOW})` }),
    date: Flags.string({ summary: 'YYYY-MM-DD to place time-of-day inputs (strace -tt, curl --trace-time) on' }),
    tz: Flags.string({ summary: "time zone of time-of-day inputs (default: this machine's)" }),
    'clock-offset': Flags.string({ multiple: true, multipleNonGreedy: true, summary: "PATH=SECONDS added to one input's times to correct its clock" }),
    redact: Flags.boolean({ default: true, allowNo: true, summary: 'redact secrets (Authorization, Cookie, token=… in URLs); --no-redact shows them' }),
    evidence: Flags.string({ summary: "evidence lines shown per finding in the text report: a number, or 'all' (default 6)" }),
    debug: Flags.boolean({ summary: 'show stack traces of internal errors' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Analyze);
    const paths = argv as string[];

    const usage = (msg: string): never => {
      process.stderr.write(`faultline: ${visible(msg)}\n`);
      return this.exit(EXIT.USAGE);
    };
    let detectors: string[] | undefined;
    if (flags.detectors !== undefined) {
      detectors = flags.detectors.split(',').map((s) => s.trim()).filter(Boolean);
      const known = new Set(DETECTORS.map((d) => d.id));
      const unknown = detectors.filter((d) => !known.has(d));
      if (unknown.length || detectors.length === 0) usage(`unknown detector ${unknown.join(', ') || '(none given)'}; known: ${[...known].join(', ')}`);
    }
    let joinWindow: number | undefined;
    if (flags['join-window'] !== undefined) {
      joinWindow = Number(flags['join-window']);
      if (!Number.isFinite(joinWindow) || joinWindow < 0) usage(`--join-window takes seconds ≥ 0, not '${flags['join-window']}'`);
    }
    if (flags.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.date)) usage(`--date takes YYYY-MM-DD, not '${flags.date}'`);
    if (flags.tz !== undefined && !isValidTimezone(flags.tz)) usage(`unknown time zone '${flags.tz}'`);
    let evidence: number | 'all' | undefined;
    if (flags.evidence !== undefined) {
      evidence = flags.evidence === 'all' ? 'all' : Number(flags.evidence);
      if (evidence !== 'all' && !(Number.isInteger(evidence) && evidence >= 0)) usage(`--evidence takes a number ≥ 0 or 'all', not '${visible(flags.evidence)}'`);
    }
    const clockOffsets: Record<string, number> = {};
    for (const spec of flags['clock-offset'] ?? []) {
      const eq = spec.lastIndexOf('=');
      const secs = Number(spec.slice(eq + 1));
      if (eq <= 0 || !Number.isFinite(secs)) usage(`--clock-offset takes PATH=SECONDS, not '${spec}'`);
      clockOffsets[spec.slice(0, eq)] = secs;
    }

    const tty = Boolean(process.stderr.isTTY);
    let progressShown = false;
    let result: RunResult;
    try {
      result = await analyze(paths, {
        detectors,
        minSeverity: flags['min-severity'] as Severity | undefined,
        joinWindow,
        date: flags.date,
        timezone: flags.tz,
        clockOffsets,
        redact: flags.redact,
        timeline: flags.format === 'html',
        onProgress: tty
          ? ({ input, bytes, size, elapsed }) => {
              const pct = size ? ` ${Math.min(100, Math.floor((bytes / size) * 100))}%` : '';
              process.stderr.write(`\r\x1b[Kreading ${visible(input)}:${pct} ${(bytes / 1e6).toFixed(0)} MB, ${elapsed.toFixed(0)} s`);
              progressShown = true;
            }
          : undefined,
      });
    } catch (err) {
      if (err instanceof FaultlineError && err.code === 'E_USAGE') usage(err.message);
      return this.internal(err, flags.debug);
    }
    if (progressShown) process.stderr.write('\r\x1b[K');

    for (const line of inputProblemLines(result)) process.stderr.write(`${line}\n`);

    let text: string;
    try {
      const render = await loadRenderer(flags.format as ReportFormat);
      text = await render(result, { color: useColor(process.env, !flags.output && Boolean(process.stdout.isTTY)), evidence });
    } catch (err) {
      return this.internal(err, flags.debug);
    }
    if (flags.output) {
      try {
        await writeFile(flags.output, text);
      } catch (err) {
        process.stderr.write(`faultline: cannot write ${visible(flags.output)}: ${visible((err as Error).message)}\n`);
        return this.exit(EXIT.INTERNAL);
      }
    } else {
      await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
    }

    const inputProblems =
      result.inputs.some((i) => i.status === 'error') || result.detector_failures.length > 0;
    if (inputProblems) return this.exit(EXIT.INPUT_PROBLEMS);
    if (flags['fail-on']) {
      const min = SEVERITY_RANK[flags['fail-on'] as Severity];
      if (result.findings.some((f) => SEVERITY_RANK[f.severity] >= min)) return this.exit(EXIT.FAIL_ON);
    }
  }

  /** oclif's parse errors come with the whole usage text: a user error is one line here. */
  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    if (err.oclif?.exit === EXIT.USAGE) {
      const lines = err.message.split('\n').map((l) => l.trim()).filter(Boolean);
      // "Missing 1 required arg:" names the argument on its next line
      const first = lines[0]?.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : (lines[0] ?? err.message);
      process.stderr.write(`faultline: ${visible(first)} (see faultline analyze --help)\n`);
      return this.exit(EXIT.USAGE);
    }
    return super.catch(err);
  }

  private internal(err: unknown, debug: boolean): never {
    const e = err as Error;
    process.stderr.write(`faultline: internal error: ${visible(e?.message ?? String(err))}${debug ? '' : ' (run with --debug for the stack)'}\n`);
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    return this.exit(EXIT.INTERNAL);
  }
}
