import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import { REPORT_FORMATS, type ReportFormat } from '../../../reports/index.js';
import { visible } from '../../model/visible.js';
import { DEFAULT_JOIN_WINDOW } from '../../pipeline/defaults.js';
import { EXIT } from '../exit-codes.js';
import { runAnalyze, type AnalyzeFlags } from '../run-analyze.js';

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
    const { argv, flags } = await this.parse(Analyze);
    return runAnalyze(argv as string[], flags satisfies AnalyzeFlags, (code) => this.exit(code));
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
}

/** A message on one line: a newline (or a control character) from a file name or a trace never splits or styles it. */
function oneLine(s: string): string {
  return visible(s);
}
