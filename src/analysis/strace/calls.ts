/** Kept copies of calls (CallRef, CallBrief) and the span drawn for a long call. */
import type { CallBrief, CallRef, Span, SyscallEvent } from '../../model/index.js';
import { ownString } from '../../model/strings.js';

/** A string of its own, so a kept string does not pin the chunk it was sliced from (src/model/strings.ts). */
export const copy = ownString;

/** A kept copy of a call: strings copied so they do not pin a parser chunk. */
export function callRef(e: SyscallEvent): CallRef {
  const r: CallRef = { line: e.line, t: e.t, name: e.name, args: copy(e.args), ret: e.ret, text: copy(e.text) };
  if (e.endLine !== undefined) r.endLine = e.endLine;
  if (e.endT !== undefined) r.endT = e.endT;
  if (e.endText !== undefined) r.endText = copy(e.endText);
  if (e.errno !== undefined) r.errno = e.errno;
  if (e.duration !== undefined) r.duration = e.duration;
  if (e.restartOf !== undefined) r.restartOf = e.restartOf;
  if (e.retNote !== undefined) r.retNote = copy(e.retNote);
  if (e.unfinished) r.unfinished = true;
  // decoded strings are the parser's own copies already
  if (e.decoded !== undefined) r.decoded = e.decoded;
  return r;
}

const BRIEF_TEXT = 240; /* chars of a context line kept */

/** A call as one line of context: clipped, copied. */
export function brief(e: SyscallEvent): CallBrief {
  // each half copied (a copy that went through latin1 once turned the joining "…" (U+2026) into "&")
  const text = e.endText !== undefined ? `${copy(e.text)} … ${copy(e.endText)}` : copy(e.text);
  const b: CallBrief = { line: e.line, t: e.t, name: e.name, ret: e.ret, text: text.length > BRIEF_TEXT ? `${text.slice(0, BRIEF_TEXT - 3)}...` : text };
  if (e.errno !== undefined) b.errno = e.errno;
  if (e.decoded?.status !== undefined) b.status = e.decoded.status;
  if (e.fd !== undefined && (e.name === 'write' || e.name === 'writev')) b.fd = e.fd;
  return b;
}

const SPAN_ARGS = 60; /* chars of arguments shown in a span label */

/** A span for a long call, labelled as strace printed it (arguments clipped); copied, so no chunk is pinned. */
export function callSpan(e: SyscallEvent, start: number, end: number, interrupted: boolean): Span {
  const args = e.args.length > SPAN_ARGS ? `${e.args.slice(0, SPAN_ARGS)}...` : e.args;
  const ret = e.ret === null ? (e.unfinished ? ' <unfinished>' : '') : ` = ${e.ret}${e.errno !== undefined ? ` ${e.errno}` : ''}`;
  const span: Span = { start, end, kind: 'syscall', label: copy(`${e.name}(${args})${ret}`), line: e.line };
  if (interrupted) {
    const w = e.decoded?.wait;
    const d: Record<string, string | number | boolean> = { errno: e.errno! };
    if (w?.requested !== undefined) d.requested = w.requested;
    if (w?.remaining !== undefined) d.remaining = w.remaining;
    span.details = d;
  }
  return span;
}
