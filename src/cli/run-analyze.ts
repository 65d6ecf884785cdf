/**
 * The work of `faultline analyze` once its arguments are parsed: build the run, run it, report,
 * exit. Kept apart from the oclif command (commands/analyze.ts) so the start-up fast path
 * (fast-path.ts) can run it without loading oclif; both give it the same flags, as oclif's
 * parser gives them (argv.ts and its test hold the fast path to that).
 */
import { loadChunkedRenderer, type ReportFormat } from '../../reports/index.js';
import { FaultlineError } from '../model/errors.js';
import type { ReaderThread } from '../sources/read-thread.js';
import type { RunEvent, RunResult, Severity } from '../model/index.js';
import { visible } from '../model/visible.js';
import { EXIT } from './exit-codes.js';
import { tuneHeap } from './heap.js';
import { inputProblemLines, useColor } from './messages.js';
import { checkOutputNotInput, RenderFailure, writeAtomicPieces, writePieces } from './output.js';

export const NO_INPUT = 'no input given: name trace files or folders, or pipe a trace into standard input (see faultline analyze --help)';

/** analyze's flags as oclif's parser gives them (absent when not given and without a default). */
export interface AnalyzeFlags {
  format: ReportFormat;
  output?: string;
  detectors?: string;
  'min-severity'?: Severity;
  'fail-on'?: 'warning' | 'error';
  'join-window'?: string;
  date?: string;
  tz?: string[];
  'clock-offset'?: string[];
  redact: boolean;
  evidence?: string;
  debug?: boolean;
}

/**
 * Runs one analyze. `exit` ends the command with a code and never returns (oclif's
 * `this.exit`, which throws; the fast path's throws likewise): it is called for every code but 0.
 */
export async function runAnalyze(argv: string[], flags: AnalyzeFlags, exit: (code: number) => never, ahead: { readerThread?: ReaderThread } = {}): Promise<void> {
  try {
    await analyze(argv, flags, exit, ahead.readerThread);
  } finally {
    // a reader thread started ahead that no input took (a file found unreadable, a usage error)
    void ahead.readerThread?.close();
  }
}

async function analyze(argv: string[], flags: AnalyzeFlags, exit: (code: number) => never, readerThread: ReaderThread | undefined): Promise<void> {
  tuneHeap();
  let paths = argv;
  const usage = (msg: string): never => {
    process.stderr.write(`faultline: ${oneLine(msg)}\n`);
    return exit(EXIT.USAGE);
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
  const progress = progressLine();
  let result: RunResult;
  // Loaded here, not at start-up: `--help` and usage errors never pay for the parsers and detectors.
  const { buildSpec, outcome, runCase } = await import('../pipeline/index.js');
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
    result = await runCase(spec, { signal: interrupt.signal, onEvent: progress.onEvent, ...(readerThread ? { readerThread } : {}) });
  } catch (err) {
    progress.clear();
    if (err instanceof FaultlineError && err.code === 'E_USAGE') return usage(err.message);
    if (err instanceof FaultlineError && err.code === 'E_CANCELLED') {
      process.stderr.write('faultline: interrupted\n');
      return exit(EXIT.INTERRUPTED);
    }
    return internal(err, flags.debug === true, exit);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  progress.clear();
  // Nothing named and nothing piped (`< /dev/null`, a closed pipe): no input was given.
  if (implicitStdin && result.inputs.length === 1 && result.inputs[0].status === 'error' && !result.inputs[0].bytes) usage(NO_INPUT);

  for (const line of inputProblemLines(result)) process.stderr.write(`${line}\n`);
  for (const w of result.warnings ?? []) process.stderr.write(`faultline: warning: ${oneLine(w)}\n`);

  // The report is written as it is rendered, a piece at a time (a 13,500-finding JSON report is
  // 32 MB; whole, with its copies on the way out, it was most of the CLI's peak memory). To a file:
  // under a temporary name, renamed once whole. On standard output a renderer's failure (a bug)
  // comes after what was written, as the internal error it is.
  try {
    const render = await loadChunkedRenderer(flags.format as ReportFormat);
    const pieces = render(result, { color: useColor(process.env, !flags.output && Boolean(process.stdout.isTTY)), evidence });
    if (flags.output) await writeAtomicPieces(flags.output, pieces);
    else await writePieces(process.stdout, pieces);
  } catch (err) {
    if (err instanceof RenderFailure || !flags.output) return internal(err instanceof RenderFailure ? err.error : err, flags.debug === true, exit);
    process.stderr.write(`faultline: ${oneLine(`cannot write ${flags.output}: ${(err as Error).message}`)}\n`);
    return exit(EXIT.INTERNAL);
  }
  const code = outcome(result, flags['fail-on'] as Severity | undefined);
  if (code !== EXIT.OK) return exit(code);
}

/** On a terminal, one self-erasing line for a long read (from the run's progress events, after 1 s). */
function progressLine(): { onEvent?: (e: RunEvent) => void; clear(): void } {
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

function internal(err: unknown, debug: boolean, exit: (code: number) => never): never {
  const e = err as Error;
  process.stderr.write(`faultline: internal error: ${oneLine(e?.message ?? String(err))}${debug ? '' : ' (run with --debug for the stack)'}\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return exit(EXIT.INTERNAL);
}

/** A message on one line: a newline (or a control character) from a file name or a trace never splits or styles it. */
function oneLine(s: string): string {
  return visible(s);
}
