/**
 * Reading one input (any source kind): open, sniff the format by content, stream it through
 * its parser into its analysis. Whatever goes wrong stays this input's
 * problem: a file that cannot be read at all is an `error` entry; a failure
 * part-way keeps what was read (`partial`), with the reason as a warning.
 */
import { parseCapture, sniffCapture } from '../../parsers/pcap/index.js';
import { parseCurl, sniffCurl, type CurlFormat } from '../../parsers/curl/index.js';
import { parseStrace, sniffStrace } from '../../parsers/strace/index.js';
import { CaptureAnalysis } from '../analysis/tcp/index.js';
import { CurlAnalysis } from '../analysis/curl/index.js';
import { StraceAnalysis } from '../analysis/strace/index.js';
import {
  Diagnostics,
  FaultlineError,
  type Analysis,
  type InputFormat,
  type InputInfo,
  type InputModel,
  type ParseContext,
  type ParseSummary,
} from '../model/index.js';
import type { SourceRef } from '../model/index.js';
import { openSource, type OpenedSource, type OpenOptions } from '../sources/index.js';
import { pidFromName } from './inputs.js';

/** Below this confidence a text is not taken for a trace of that format. */
const MIN_SNIFF_SCORE = 0.3;

export interface ReadResult {
  info: InputInfo;
  model?: InputModel;
}

export interface ReadHooks {
  /** build timeline lanes (only the HTML report draws them) */
  timeline?: boolean;
  /** zone for dated timestamps without one (app logs) */
  timezone?: string;
  /** called now and then while reading: bytes so far */
  progress?: (bytes: number, size: number | undefined) => void;
  /** standard input and archive limits for the opener */
  open?: OpenOptions;
  /**
   * The source already opened (a member met during one pass over an archive, see
   * `readArchive`): read from it instead of opening `ref`. It is closed here.
   */
  opened?: OpenedSource;
  /** sees every parsed event before its analysis does (diff's call sequences); must not keep them unbounded */
  tap?: (e: unknown, format: InputFormat) => void;
}

type Choice =
  | { family: 'capture'; format: 'pcap' | 'pcapng' }
  | { family: 'strace'; format: 'strace' }
  | { family: 'curl'; format: CurlFormat }
  | { family: 'none'; why: string };

export function sniff(head: Buffer): Choice {
  const cap = sniffCapture(head);
  if (cap) return { family: 'capture', format: cap };
  if (head.length === 0) return { family: 'none', why: 'empty file' };
  if (looksBinary(head)) return { family: 'none', why: 'binary content that is not a pcap or pcapng capture' };
  const text = head.toString('utf8');
  const s = sniffStrace(text);
  const c = sniffCurl(text);
  const best = Math.max(s, c?.score ?? 0);
  if (best < MIN_SNIFF_SCORE) return { family: 'none', why: 'not an strace log, capture, curl output or application log' };
  if (c && c.score > s) return { family: 'curl', format: c.format };
  return { family: 'strace', format: 'strace' };
}

/** NUL bytes in text logs are rare; a handful of control bytes per KB says binary. */
function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 8192);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (b < 7 || (b > 13 && b < 32 && b !== 27)) odd++;
  }
  return odd > n / 100;
}

/**
 * Reads one source into its analysed model. Never throws: a source that cannot be read is an
 * `error` entry, one read part-way is `partial` with the reason as its first warning. Sets
 * `info.sha256` (of the bytes as stored) when the source was read to its end, and `info.size`.
 */
export async function readInput(ref: SourceRef, hooks: ReadHooks = {}): Promise<ReadResult> {
  const diag = new Diagnostics();
  const display = ref.name;
  const fromFolder = ref.kind === 'file' && ref.folder !== undefined;
  const pidHint = ref.kind === 'archive-member' ? pidFromName(ref.member) : ref.kind === 'stdin' ? undefined : pidFromName(ref.name);
  const info: InputInfo = { path: display, format: 'unknown', status: 'read', events: 0, clock: 'none', warnings: diag.warnings };
  let src: OpenedSource;
  try {
    src = hooks.opened ?? (await openSource(ref, hooks.open));
  } catch (err) {
    return { info: failed(info, err) };
  }
  if (src.size !== undefined) info.size = src.size;
  const result = await readOpened(src, info, diag, hooks, { display, fromFolder, pidHint });
  // A source whose bytes are not the ones the spec names is not evidence of this case.
  const expected = ref.kind === 'stdin' || ref.kind === 'memory' ? undefined : ref.sha256;
  const got = src.sha256();
  if (got) result.info.sha256 = got;
  if (expected && got && expected.toLowerCase() !== got) {
    result.info.status = 'error';
    result.info.error_code = 'E_DIGEST_MISMATCH';
    result.info.error = `its sha256 is ${got}, not ${expected} as planned (changed since the run was planned?)`;
    return { info: result.info };
  }
  return result;
}

async function readOpened(
  src: OpenedSource,
  info: InputInfo,
  diag: Diagnostics,
  hooks: ReadHooks,
  spec: { display: string; fromFolder: boolean; pidHint?: number },
): Promise<ReadResult> {
  try {
    // Corrupt from its first bytes: nothing to sniff, and the reason is the gzip data, not the format.
    const early = src.head.length === 0 ? src.error() : undefined;
    if (early) throw early;
    const choice = sniff(src.head);
    if (choice.family === 'none') {
      if (src.gzip) diag.note('gzip-compressed');
      // The real size, never the sniffed head's (issue 9, item 18): a plain file's size. A gzip
      // or standard input of unknown content is not read on just to count it (it may be a bomb
      // or endless): its stored size stays in `size`, when known.
      if (src.size !== undefined && !src.gzip) info.bytes = src.size;
      if (spec.fromFolder) {
        info.status = 'skipped';
        info.error = choice.why;
      } else {
        info.status = 'error';
        info.error = choice.why;
        info.error_code = 'E_UNKNOWN_FORMAT';
      }
      return { info: finishInfo(info, diag) };
    }
    info.format = choice.format as InputFormat;
    if (src.gzip) diag.note('gzip-compressed');
    const ctx: ParseContext = { path: spec.display, diag, pidHint: spec.pidHint, timezone: hooks.timezone };
    const chunks = withProgress(src, hooks);
    let emitted = 0;
    const run = async <E, M extends InputModel>(
      analysis: Analysis<E, M>,
      parse: (emit: (e: E) => void) => Promise<ParseSummary>,
    ): Promise<ReadResult> => {
      let summary: ParseSummary;
      try {
        const tap = hooks.tap;
        const fmt = info.format;
        summary = await parse(
          tap
            ? (e) => {
                emitted++;
                tap(e, fmt);
                analysis.add(e);
              }
            : (e) => {
                emitted++;
                analysis.add(e);
              },
        );
      } catch (err) {
        if (emitted === 0) throw err;
        // Part-way failure: keep what was read.
        const fe = err instanceof FaultlineError ? err : undefined;
        diag.warn(fe?.location ?? { byteOffset: src.bytesRead() }, `reading stopped: ${fe ? fe.message : (err as Error).message}`);
        summary = { events: emitted, bytes: src.bytesRead(), clock: 'none', firstT: null, lastT: null };
        info.status = 'partial';
      }
      const cut = src.error();
      if (cut) {
        // First, whatever the garbage decoded before the fault made the parser say.
        const where = cut.code === 'E_DECOMPRESS' && cut.location.byteOffset !== undefined ? `compressed byte ${cut.location.byteOffset}` : undefined;
        diag.warnFirst(cut.location, `${cut.message}; everything before it was read`, where);
        info.error_code = cut.code;
      }
      info.events = summary.events;
      info.bytes = summary.bytes || src.bytesRead();
      info.clock = summary.clock;
      info.first_t = summary.firstT;
      info.last_t = summary.lastT;
      const model = analysis.finish(summary);
      return { info: finishInfo(info, diag), model };
    };
    switch (choice.family) {
      case 'strace': {
        const a = new StraceAnalysis({ path: spec.display, diag, timeline: hooks.timeline !== false });
        return await run(a, (emit) => parseStrace(chunks, ctx, emit));
      }
      case 'capture': {
        const a = new CaptureAnalysis({ path: spec.display, diag, timeline: hooks.timeline !== false });
        return await run(a, async (emit) => {
          const s = await parseCapture(chunks, ctx, emit);
          info.format = s.format;
          return s;
        });
      }
      case 'curl': {
        const a = new CurlAnalysis({ path: spec.display, diag, timeline: hooks.timeline !== false });
        return await run(a, (emit) => parseCurl(choice.format, chunks, ctx, emit));
      }
    }
  } catch (err) {
    return { info: finishInfo(failed(info, err), diag) };
  } finally {
    src.close();
  }
}


function failed(info: InputInfo, err: unknown): InputInfo {
  info.status = 'error';
  if (err instanceof FaultlineError) {
    info.error = err.describe().replace(`${info.path}: `, '');
    info.error_code = err.code;
  } else {
    // Not a user error: a bug of ours. Kept on the input so the rest of the run goes on.
    info.error = `internal error: ${(err as Error)?.message ?? String(err)}`;
    info.error_code = 'E_INTERNAL';
  }
  return info;
}

function finishInfo(info: InputInfo, diag: Diagnostics): InputInfo {
  info.warnings = diag.warnings;
  if (diag.dropped) info.warnings_dropped = diag.dropped;
  if (diag.notes.length) info.notes = diag.notes;
  if (info.status === 'read' && (diag.warnings.length || diag.dropped)) info.status = 'partial';
  return info;
}

async function* withProgress(src: OpenedSource, hooks: ReadHooks): AsyncGenerator<Buffer> {
  if (!hooks.progress) {
    yield* src.chunks;
    return;
  }
  let last = Date.now();
  for await (const c of src.chunks) {
    const now = Date.now();
    if (now - last > 250) {
      last = now;
      hooks.progress(src.bytesRead(), src.size);
    }
    yield c;
  }
}
