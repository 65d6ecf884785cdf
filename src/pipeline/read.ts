/**
 * Reading one input: open, sniff the format by content, stream it through
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
  type RunEvent,
  type SourceRef,
} from '../model/index.js';
import { openArchiveMember, openSource, readArchive, DEFAULT_ARCHIVE_LIMITS, type OpenedSource, type OpenOptions } from '../sources/index.js';
import { triedOf } from './tried.js';
import { pidFromName } from './inputs.js';

/** Below this confidence a text is not taken for a trace of that format. */
const MIN_SNIFF_SCORE = 0.3;

export interface ReadResult {
  info: InputInfo;
  model?: InputModel;
}

export interface ReadHooks {
  /** zone for dated timestamps without one (app logs); the spec resolves it, per input */
  timezone?: string;
  /** false: no lanes are built (RunSpec.lanes); absent or true: they are */
  timeline?: boolean;
  /** standard input and archive limits for the opener */
  open?: OpenOptions;
  /**
   * The source already opened (a member met during one pass over an archive, see
   * `readArchive` in src/sources): read from it instead of opening `ref`. It is closed here.
   */
  opened?: OpenedSource;
  /** sees every parsed event before its analysis does (diff's call sequences); must not keep them unbounded */
  tap?: (e: unknown, format: InputFormat) => void;
  /** checked before each chunk: an abort ends the read with E_CANCELLED (or the signal's own FaultlineError) */
  signal?: AbortSignal;
  /** input-opened, input-sniffed, input-progress (once per chunk), input-done */
  onEvent?: (e: RunEvent) => void;
}

/** The error a cancelled run ends with: the signal's reason when it is ours (E_TIMEOUT from a runner), else E_CANCELLED. */
export function cancelled(signal: AbortSignal): FaultlineError {
  const r: unknown = signal.reason;
  return r instanceof FaultlineError ? r : new FaultlineError('E_CANCELLED', 'the run was cancelled');
}

export function isCancellation(err: unknown): boolean {
  return err instanceof FaultlineError && (err.code === 'E_CANCELLED' || err.code === 'E_TIMEOUT');
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
 * Reads one source through its parser into its analysis. Never throws for the input's own
 * problems (they are on `info`); throws only when the run is cancelled.
 */
export async function readInput(ref: SourceRef, hooks: ReadHooks = {}): Promise<ReadResult> {
  const info: InputInfo = { path: ref.name, format: 'unknown', status: 'read', events: 0, clock: 'none', warnings: [] };
  const opened: { src?: OpenedSource } = {};
  const result = await readInto(ref, info, hooks, opened);
  checkDigest(ref, result, opened.src);
  hooks.onEvent?.({ type: 'input-done', input: ref.name, status: result.info.status, ...(result.info.bytes !== undefined ? { bytes: result.info.bytes } : {}) });
  return result;
}

async function readInto(ref: SourceRef, info: InputInfo, hooks: ReadHooks, opened: { src?: OpenedSource }): Promise<ReadResult> {
  const diag = new Diagnostics();
  info.warnings = diag.warnings;
  const name = ref.name;
  const fromFolder = ref.kind === 'file' && ref.folder !== undefined;
  if (hooks.signal?.aborted) throw cancelled(hooks.signal);
  let src: OpenedSource;
  try {
    src = hooks.opened ?? (await openSource(ref, hooks.open));
  } catch (err) {
    return { info: failed(info, err) };
  }
  if (src.size !== undefined) info.size = src.size;
  opened.src = src;
  hooks.onEvent?.({ type: 'input-opened', input: name, ...(src.size !== undefined ? { size: src.size } : {}) });
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
      if (fromFolder) {
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
    hooks.onEvent?.({ type: 'input-sniffed', input: name, format: info.format });
    if (src.gzip) diag.note('gzip-compressed');
    const ctx: ParseContext = { path: name, diag, pidHint: pidFromName(ref.kind === 'archive-member' ? ref.member : name), timezone: hooks.timezone };
    const chunks = watched(src, name, hooks);
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
        if (emitted === 0 || isCancellation(err)) throw err;
        // Part-way failure: keep what was read.
        const fe = err instanceof FaultlineError ? err : undefined;
        diag.warn(fe?.location ?? { byteOffset: src.bytesRead() }, `reading stopped: ${fe ? fe.message : (err as Error).message}`);
        summary = { events: emitted, bytes: src.bytesRead(), clock: 'none', firstT: null, lastT: null };
        info.status = 'partial';
      }
      const cut = src.error();
      if (cut) {
        // First, whatever the garbage decoded before the fault made the parser say (issue 9, item 11).
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
      info.stats = model.stats;
      const tried = triedOf(model);
      if (tried !== undefined) info.tried = tried;
      return { info: finishInfo(info, diag), model };
    };
    switch (choice.family) {
      case 'strace': {
        const a = new StraceAnalysis({ path: name, diag, timeline: hooks.timeline });
        // the strace reader is done with a chunk when push returns (it copies a partial line; parsers/strace)
        src.recycle?.();
        return await run(a, (emit) => parseStrace(chunks, ctx, emit));
      }
      case 'capture': {
        const a = new CaptureAnalysis({ path: name, diag, timeline: hooks.timeline });
        // the capture reader copies what it keeps beyond the next chunk (parsers/pcap/reader.ts)
        src.recycle?.();
        return await run(a, async (emit) => {
          const s = await parseCapture(chunks, ctx, emit);
          info.format = s.format;
          return s;
        });
      }
      case 'curl': {
        const a = new CurlAnalysis({ path: name, diag, timeline: hooks.timeline });
        // the line reader copies a line that spans chunks (parsers/curl/lines.ts); csv-parse keeps its own
        // view of the bytes it has not parsed, so a CSV is read into fresh buffers. `own`: the line
        // reader calls Buffer's native methods per line, which cost more on a reader thread's shared slots
        if (choice.format !== 'curl-csv') src.recycle?.({ own: true });
        return await run(a, (emit) => parseCurl(choice.format, chunks, ctx, emit, { wanted: (failed, ok) => a.wanted(failed, ok) }));
      }
    }
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { info: finishInfo(failed(info, err), diag) };
  } finally {
    src.close();
  }
}

/**
 * Every source of a run, results in the given order. The members of one archive are read in
 * ONE pass over it (`readArchive`) when the first of them comes up: opening each member on its
 * own streams a tar.gz from its start up to that member, quadratic in members (300 members of
 * a tar.gz: see bench/batch, shape "archive"). Each member gets what `readInput` gives it
 * alone (digest, limits, warnings, the same info); a member the pass does not reach (damage or
 * a limit on the way, a name the archive does not hold twice) is then opened on its own, which
 * says why as before. Throws only when the run is cancelled.
 */
export async function readSources(refs: readonly SourceRef[], hooksOf: (ref: SourceRef) => ReadHooks): Promise<ReadResult[]> {
  const results: (ReadResult | undefined)[] = new Array(refs.length);
  const members = new Map<string, number[]>();
  refs.forEach((ref, i) => {
    if (ref.kind !== 'archive-member') return;
    const list = members.get(ref.archive) ?? [];
    list.push(i);
    members.set(ref.archive, list);
  });
  for (let i = 0; i < refs.length; i++) {
    if (results[i]) continue;
    const ref = refs[i];
    const hooks = hooksOf(ref);
    if (hooks.signal?.aborted) throw cancelled(hooks.signal);
    const group = ref.kind === 'archive-member' ? members.get(ref.archive) : undefined;
    if (ref.kind === 'archive-member' && group && group.length > 1) await readMembers(ref.archive, group, refs, results, hooksOf);
    results[i] ??= await readInput(ref, hooks);
  }
  return results as ReadResult[];
}

/** One pass over `archive` for the refs at `indices` (its members), filling `results`; see readSources. */
async function readMembers(
  archive: string,
  indices: number[],
  refs: readonly SourceRef[],
  results: (ReadResult | undefined)[],
  hooksOf: (ref: SourceRef) => ReadHooks,
): Promise<void> {
  // A name may be asked for twice (and a tar may hold it twice): each ref takes the first member of its name, as openMember does.
  const wanted = new Map<string, number[]>();
  for (const i of indices) {
    const ref = refs[i];
    if (ref.kind !== 'archive-member' || results[i]) continue;
    const list = wanted.get(ref.member) ?? [];
    list.push(i);
    wanted.set(ref.member, list);
  }
  const first = refs[indices[0]];
  const limits = hooksOf(first).open?.limits ?? DEFAULT_ARCHIVE_LIMITS;
  let stop: FaultlineError | undefined;
  try {
    await readArchive(
      archive,
      async (entry, stream) => {
        const list = wanted.get(entry.name);
        if (!list) return; // not asked for, or met before: the walk drains it
        wanted.delete(entry.name);
        const hooks = hooksOf(refs[list[0]]);
        if (hooks.signal?.aborted) throw (stop = cancelled(hooks.signal));
        let member: Awaited<ReturnType<typeof openArchiveMember>>;
        try {
          member = await openArchiveMember(refs[list[0]].name, stream, entry.size);
        } catch {
          return; // unreadable from its first byte: opened alone below, which says why
        }
        // The same name asked for again is opened alone later: a member's stream is read once.
        const i = list[0];
        try {
          results[i] = await readInput(refs[i], { ...hooks, opened: member.opened });
        } catch (err) {
          stop = err as FaultlineError; // readInput throws only when the run is cancelled
          throw err;
        }
        await member.drain();
      },
      limits,
    );
  } catch (err) {
    if (stop) throw stop;
    // Damage, a limit, an archive gone: the members not reached are opened alone and say so.
  }
}

/**
 * `info.sha256` once the source was read to its end (of the bytes as stored); a source whose
 * bytes are not the ones its spec names is not evidence of this case: an error, without model.
 */
function checkDigest(ref: SourceRef, result: ReadResult, src: OpenedSource | undefined): void {
  const got = src?.sha256();
  if (!got) return;
  result.info.sha256 = got;
  const expected = ref.kind === 'stdin' || ref.kind === 'memory' ? undefined : ref.sha256;
  if (expected && expected.toLowerCase() !== got) {
    result.info.status = 'error';
    result.info.error_code = 'E_DIGEST_MISMATCH';
    result.info.error = `its sha256 is ${got}, not ${expected} as planned (changed since the run was planned?)`;
    delete result.model;
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

/**
 * The content as the parser sees it, checked for cancellation before each chunk (so a
 * cancelled run stops within one chunk) and reported as progress after each.
 */
async function* watched(src: OpenedSource, name: string, hooks: ReadHooks): AsyncGenerator<Buffer> {
  const { signal, onEvent } = hooks;
  for await (const c of src.chunks) {
    if (signal?.aborted) throw cancelled(signal);
    yield c;
    if (signal?.aborted) throw cancelled(signal);
    onEvent?.({ type: 'input-progress', input: name, bytes: src.bytesRead(), ...(src.size !== undefined ? { size: src.size } : {}) });
  }
}
