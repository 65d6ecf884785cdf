/**
 * How a batch shows its progress on stderr: a bar (cli-progress) on a
 * terminal, a plain line every few seconds when stderr is a file or a pipe
 * (a CI log wants lines, not carriage returns), nothing when quiet. Bytes
 * drive the bar and its ETA: cases differ in size by orders of magnitude.
 */
import cliProgress from 'cli-progress';
import type { BatchProgress } from './index.js';

export interface ProgressViewOptions {
  stream: NodeJS.WriteStream;
  quiet?: boolean;
  /** ms between plain lines when not a terminal */
  lineEveryMs?: number;
}

export class ProgressView {
  private bar?: cliProgress.SingleBar;
  private timer?: NodeJS.Timeout;
  private last?: BatchProgress;
  private lastLine = '';
  private readonly started = performance.now();

  constructor(private readonly opts: ProgressViewOptions) {}

  update(p: BatchProgress): void {
    if (this.opts.quiet) return;
    this.last = p;
    if (this.opts.stream.isTTY) {
      const payload = this.payload(p);
      if (!this.bar) {
        this.bar = new cliProgress.SingleBar(
          {
            stream: this.opts.stream,
            format: ' {bar} {percentage}% | {cases}/{caseTotal} cases{failedNote} | {mb}/{mbTotal} MB | {rate} MB/s | ETA {etaText}',
            hideCursor: true,
            barsize: 28,
            etaBuffer: 50,
            fps: 5,
            // we stop the bar ourselves on Ctrl-C, then write the summary
            gracefulExit: false,
            emptyOnZero: true,
          },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(Math.max(1, p.bytesTotal), p.bytesDone, payload);
      }
      this.bar.update(p.bytesDone, payload);
    } else if (!this.timer) {
      this.timer = setInterval(() => this.line(), this.opts.lineEveryMs ?? 5000);
      this.timer.unref();
    }
  }

  /** Ends the bar (or writes a last plain line). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    } else if (!this.opts.quiet && this.last && !this.opts.stream.isTTY) this.line();
  }

  private line(): void {
    const p = this.last;
    if (!p) return;
    const q = this.payload(p);
    const eta = this.eta(p);
    const text = `faultline batch: ${q.cases}/${q.caseTotal} cases${q.failedNote}, ${q.mb}/${q.mbTotal} MB, ${q.rate} MB/s${eta ? `, ETA ${eta}` : ''}`;
    if (text === this.lastLine) return;
    this.lastLine = text;
    this.opts.stream.write(text + '\n');
  }

  private payload(p: BatchProgress) {
    const secs = (performance.now() - this.started) / 1000;
    return {
      cases: p.done,
      caseTotal: p.total,
      failedNote: (p.failed ? `, ${p.failed} failed` : '') + (p.skipped ? `, ${p.skipped} skipped as done` : ''),
      mb: (p.bytesDone / 1e6).toFixed(1),
      mbTotal: (p.bytesTotal / 1e6).toFixed(1),
      rate: secs > 0 ? (p.bytesDone / 1e6 / secs).toFixed(1) : '0.0',
      // ours, not cli-progress's: the same words as the plain line, and '…' until there is a rate
      etaText: this.eta(p) || (p.bytesDone >= p.bytesTotal ? '0 s' : '…'),
    };
  }

  private eta(p: BatchProgress): string {
    const secs = (performance.now() - this.started) / 1000;
    if (p.bytesDone <= 0 || p.bytesDone >= p.bytesTotal) return '';
    const left = (secs * (p.bytesTotal - p.bytesDone)) / p.bytesDone;
    return left < 90 ? `${Math.ceil(left)} s` : left < 5400 ? `${Math.round(left / 60)} min` : `${(left / 3600).toFixed(1)} h`;
  }
}
