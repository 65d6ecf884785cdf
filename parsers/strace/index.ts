/**
 * The streaming strace parser: every shape strace (old and new versions)
 * writes, one line at a time, never the whole file in memory.
 *
 * Call order: `parseStrace` reads `chunks`, splits lines on the Buffers itself
 * (no readline: it is several times slower), decodes each line alone as
 * latin1 and hands it to `StraceLineReader.line()`; events go out through
 * `emit` in line order, except a split call, which goes out when its
 * `<... NAME resumed>` half is read (line = the unfinished half).
 */
import type {
  Chunks,
  Clock,
  ParseContext,
  ParseSummary,
  ProcessEvent,
  SignalEvent,
  StraceEvent,
  SyscallEvent,
} from '../../src/model/index.js';
import { newlinesIn, SECONDS_PER_DAY } from '../../src/model/index.js';
import { CallKind, decodeCall, decodeFdBytes, splitFd } from './decode.js';
import { LineScanner, parsePrefix, parseTail, scanName } from './line.js';

export { LineScanner, parsePrefix, parseTail, scanName } from './line.js';
export { decodeCall, waitTimes, structSeconds, splitArgs, fdRef, sockaddrAt, dnsMessage, cstr } from './decode.js';

/** A time of day that jumps back by more than this crossed midnight. */
const MIDNIGHT_JUMP = 12 * 3600; /* s */
/** Lines longer than this are cut for the reader: strace -s 4096 lines stay far below. */
const MAX_LINE_BYTES = 16 * 1024 * 1024; /* bytes */
/**
 * Text is decoded from a chunk in windows of whole lines up to this size. V8
 * puts a string over 128 KiB in its large-object space (or, past ~1 MB, makes
 * it external): measured on Node 20, decoding 400 MB as 1 MiB strings cost
 * 1.5–2.9 s of CPU once the strings stay alive a little (GC of external
 * memory and large objects), as 64 KiB strings 0.03 s.
 */
const TEXT_WINDOW = 64 * 1024; /* bytes */

const SNIFF_LINES = 400;
/** The largest time a Date holds (8.64e15 ms), in seconds. */
const MAX_TIME = 8.64e12; /* s */
/** Lines of a program's own output we look past for the end of a cut call line. */
const MAX_BROKEN_WAIT = 8;

/**
 * How sure we are that `head` (the first ~64 KB of an input, as text) is
 * strace output: 0..1. Counts lines that only strace writes (a call with
 * `) = ret`, `<unfinished ...>`, `<... x resumed>`, `--- SIG… ---`,
 * `+++ exited … +++`, `strace: Process N attached`, a -c table header).
 */
export function sniffStrace(head: string): number {
  const lines = head.split('\n', SNIFF_LINES + 1);
  // the last piece may be cut mid-line
  if (lines.length > 1 && !head.endsWith('\n')) lines.pop();
  let nonEmpty = 0;
  let strong = 0;
  const sc = new LineScanner();
  for (const raw of lines.slice(0, SNIFF_LINES)) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length === 0) continue;
    // the -c table's header is strace's alone
    if (line.startsWith(SUMMARY_HEADER) && line.includes('usecs/call') && line.includes('syscall')) return 0.95;
    // -k stack frames belong to the call above them: neither for nor against
    if (line.startsWith(' > ') && line.endsWith(']')) continue;
    nonEmpty++;
    if (isStraceLine(line, sc)) strong++;
  }
  if (nonEmpty === 0 || strong === 0) return 0;
  const ratio = strong / nonEmpty;
  if (strong >= 2 && ratio >= 0.3) return Math.min(1, 0.7 + ratio * 0.3);
  if (nonEmpty === 1) return 0.6;
  return Math.min(0.5, ratio);
}

const SUMMARY_HEADER = '% time';

function isStraceLine(line: string, sc: LineScanner): boolean {
  if (line.startsWith(SUMMARY_HEADER) && line.includes('calls') && line.includes('syscall')) return true;
  if (line.startsWith('strace: ') || line.trim() === '<detached ...>') return true;
  // strace's attach/detach message written into a call line on a shared stderr
  if (/^(?:\[pid +\d+\] |\d+ +)?[\d:. ]*[a-z_0-9]+\(.*strace: Process \d+ (?:attached|detached)/.test(line)) return true;
  const p = parsePrefix(line, null, sc);
  const b = line.slice(p.body);
  if (b.startsWith('--- ') && b.endsWith(' ---') && (b.startsWith('--- SIG') || b.startsWith('--- stopped by '))) return true;
  if (b.startsWith('+++ ') && b.endsWith(' +++')) return true;
  if (/^Process \d+ (attached|detached)/.test(b)) return true;
  if (b.startsWith('<... ') && b.includes(' resumed>')) return true;
  const ne = scanName(b, 0);
  if (ne === 0 || b.charCodeAt(ne) !== 40 /* ( */) return false;
  const first = b.charCodeAt(0);
  if (!((first >= 97 && first <= 122) || first === 95)) return false;
  if (b.endsWith('<unfinished ...>') || b.endsWith('<detached ...>')) return true;
  const t = parseTail(b, ne + 1, sc);
  return t !== null && t.ret !== null;
}

/** Parses lines one at a time; keeps per-pid state for split calls only. */
export class StraceLineReader {
  private readonly pidHint: number | null;
  private readonly sc = new LineScanner();
  /** for lines read twice (a cut call's continuation): keeps `sc` on the current line */
  private readonly spare = new LineScanner();
  private clockKind: 'tod' | 'epoch' | 'relative' | null = null;
  private dayOffset = 0;
  private lastTod = -Infinity;
  private relClock = 0;
  firstT: number | null = null;
  /**
   * The latest time read, -Infinity before any: a plain number field, so a
   * new maximum (nearly every line) is stored in place, not as a fresh boxed
   * number behind a write barrier as a `number | null` field would be.
   */
  private maxT = -Infinity;
  get lastT(): number | null {
    return this.maxT === -Infinity ? null : this.maxT;
  }
  lines = 0;
  /** set before the last line of a file cut mid-line: an unreadable remainder is expected */
  cutLine = false;
  /** inside a line too long to read: drop bytes up to its newline */
  skipToNewline = false;
  /** the last call, held for one line: -k stack frames follow their call */
  private held: SyscallEvent | null = null;
  /**
   * The call each pid left `<unfinished ...>`, in a slot per pid emptied on
   * resume and dropped when the pid exits: a set/delete per split call made
   * the Map rehash (a new table) every few calls on a busy -f log.
   */
  private readonly unfinished = new SplitSlots();
  private inSummary = false;
  /** a call line cut by other output (a program's stderr, strace's own message); waits for its `) = ret` */
  private broken: { ev: SyscallEvent; byteOffset: number; waited: number; byMessage: boolean } | null = null;

  /**
   * The call decoded from its line's bytes when it was read (decodeFdBytes):
   * not decoded again when it goes out. One at a time: it is the held call.
   */
  private decoded: SyscallEvent | null = null;

  private readonly emit: (e: StraceEvent) => void;

  constructor(
    private readonly ctx: ParseContext,
    emit: (e: StraceEvent) => void,
  ) {
    this.pidHint = ctx.pidHint ?? null;
    // every event leaves through here, complete: a call's arguments are decoded once, when whole
    this.emit = (e) => {
      if (e.kind === 'syscall' && e !== this.decoded) decodeCall(e);
      emit(e);
    };
  }

  get clock(): Clock {
    switch (this.clockKind) {
      case 'tod':
        return 'time-of-day';
      case 'epoch':
        return 'epoch';
      case 'relative':
        return 'relative';
      default:
        return 'none';
    }
  }

  private out(e: StraceEvent): void {
    if (this.held !== null) {
      const h = this.held;
      this.held = null;
      this.emit(h);
    }
    this.emit(e);
  }

  private hold(e: SyscallEvent): void {
    if (this.held !== null) this.emit(this.held);
    this.held = e;
  }

  /**
   * Reads one line (without its newline). `bytes[off…]` holds the same line as
   * bytes (the parser has both: the chunk and its latin1 text); without them
   * the line's own bytes are made.
   */
  line(s: string, lineNo: number, byteOffset: number, bytes?: Uint8Array, off = 0): void {
    this.lines++;
    if (s.length === 0) return;
    if (bytes === undefined) {
      bytes = Buffer.from(s, 'latin1');
      off = 0;
    }
    let len = s.length;
    if (bytes[off + len - 1] === 13) s = s.slice(0, --len);
    if (this.broken !== null && this.continueBroken(s, lineNo)) return;
    const sc = this.sc;
    // the parser set `bytes` already (useBytes): the branch inside is for other callers
    sc.setLine(bytes, off, len);
    const c0 = sc.at(0);
    // -k stack frames: " > /lib/libc.so.6(nanosleep+0x13) [0xd3e53]"
    if (c0 === 32 && s.startsWith(' > ')) {
      if (this.held !== null) (this.held.stack ??= []).push(s.slice(3));
      return;
    }
    if (this.inSummary || (c0 === 37 /* % */ && s.startsWith(SUMMARY_HEADER))) {
      this.summaryLine(s);
      return;
    }
    sc.prefix(s, this.pidHint);
    let t: number | null = null;
    if (sc.timeKind !== undefined) {
      if (sc.time <= MAX_TIME) t = this.time(sc.timeKind, sc.time);
      // issue 9 item 5: a time no Date can hold is a located warning, and the line is read without it
      else this.ctx.diag.warn({ line: lineNo, byteOffset }, `time ${s.slice(0, Math.min(40, sc.body)).trim()} is out of range (past year 275760); line read without a time`);
    }
    const body = sc.body;
    const b0 = sc.at(body);
    const pid = sc.pid;
    const comm = sc.comm;

    if (b0 === 45 /* - */ && s.startsWith('--- ', body)) {
      this.signalLine(s, body, pid, t, lineNo, comm, byteOffset);
      return;
    }
    if (b0 === 43 /* + */ && s.startsWith('+++ ', body)) {
      this.exitLine(s, body, pid, t, lineNo, comm, byteOffset);
      return;
    }
    if (b0 === 60 /* < */ && sc.resumedOpenAt(body)) {
      this.resumed(s, body, pid, t, lineNo, comm, byteOffset);
      return;
    }
    const ne = sc.nameEnd(body);
    if (ne > body && sc.at(ne) === 40 /* ( */) {
      if (sc.tail(s, ne + 1)) {
        const ev = newCall(lineNo, pid, t, sc.callName(s, body, ne), s.slice(ne + 1, sc.argsEnd), s);
        const kind = sc.kind;
        ev.ret = sc.ret;
        ev.retval = sc.retval;
        ev.errno = sc.errno;
        ev.errnoText = sc.errnoText;
        ev.retNote = sc.retNote;
        ev.duration = sc.duration;
        if (sc.number !== undefined) ev.number = sc.number;
        if (sc.ip !== undefined) ev.ip = sc.ip;
        if (comm !== undefined) ev.comm = comm;
        if (ev.name === 'restart_syscall') setRestartOf(ev);
        if (sc.unfinished) {
          if (sc.detached) {
            ev.unfinished = true;
            ev.detached = true;
            this.hold(ev);
          } else {
            const a = off + ne + 1;
            const pre = decodeFdBytes(kind, ev, bytes, a, off + sc.argsEnd, false);
            this.startSplit(ev, pre, kind, pre ? -1 : splitFd(kind, bytes, a, off + sc.argsEnd));
          }
        } else {
          const pre = decodeFdBytes(kind, ev, bytes, off + ne + 1, off + sc.argsEnd, true);
          this.hold(ev);
          // after hold: the call held before this one may be the last one decoded
          if (pre) this.decoded = ev;
        }
        return;
      }
      // "call(…strace: Process 1 detached": strace's stderr message written into a call line
      const m = s.indexOf('strace: ', ne);
      if (m > 0) {
        this.splitMessage(s, body, ne, m, pid, t, lineNo, comm, byteOffset);
        return;
      }
      if (this.cutLine) {
        this.ctx.diag.note(`input ends mid-line (line ${lineNo})`);
        return;
      }
      // a call line cut by a program's own output on the same stderr: its end comes later
      const ev = newCall(lineNo, pid, t, s.slice(body, ne), s.slice(ne + 1), s);
      if (comm !== undefined) ev.comm = comm;
      this.setBroken(ev, byteOffset);
      return;
    }
    if (s.startsWith('strace: ', body) || s.startsWith('Process ', body) || s.startsWith('[ Process ', body)) {
      this.message(s.slice(body), pid, t, lineNo, s);
      return;
    }
    // the second half of a stderr line split by strace's own message (see splitMessage)
    if (s.trimStart().startsWith('<detached ...>')) return;
    if (this.cutLine) this.ctx.diag.note(`input ends mid-line (line ${lineNo})`);
    else this.ctx.diag.warn({ line: lineNo, byteOffset }, `not a strace line: ${clip(s)}`);
  }

  /** The buffer the next lines' bytes are in (see LineScanner.setBytes): once per window of lines. */
  useBytes(b: Uint8Array): void {
    if (b !== this.sc.bytes) this.sc.setBytes(b);
  }

  private time(kind: 'tod' | 'epoch' | 'relative', v: number): number {
    if (this.clockKind === null) this.clockKind = kind;
    let t: number;
    if (kind === 'tod') {
      if (v + this.dayOffset < this.lastTod - MIDNIGHT_JUMP) this.dayOffset += SECONDS_PER_DAY;
      t = v + this.dayOffset;
      if (t > this.lastTod) this.lastTod = t;
    } else if (kind === 'relative') {
      // -r prints the delta from the previous line: sum them into one clock
      this.relClock += v;
      t = this.relClock;
    } else {
      t = v;
    }
    if (this.firstT === null) this.firstT = t;
    if (t > this.maxT) this.maxT = t;
    return t;
  }

  private summaryLine(s: string): void {
    if (!this.inSummary) {
      this.inSummary = true;
      this.ctx.diag.note('strace -c/-C summary table read as one block (not calls)');
      return;
    }
    // the table ends with its "total" row
    if (/^\s*100(\.00)?\s.*\stotal\s*$/.test(s) || /\stotal\s*$/.test(s)) this.inSummary = false;
  }

  private signalLine(
    s: string,
    body: number,
    pid: number | null,
    t: number | null,
    lineNo: number,
    comm: string | undefined,
    byteOffset: number,
  ): void {
    let end = s.length;
    while (end > body && s.charCodeAt(end - 1) === 32) end--;
    if (!s.endsWith(' ---', end)) {
      this.ctx.diag.warn({ line: lineNo, byteOffset }, `signal line without its closing ---: ${clip(s)}`);
      end = s.length + 4;
    }
    const raw = s.slice(body + 4, end - 4);
    if (raw.startsWith('stopped by ')) {
      const ev: ProcessEvent = { kind: 'process', line: lineNo, pid, t, what: 'stopped', signal: raw.slice(11).trim(), text: s };
      if (comm !== undefined) ev.comm = comm;
      this.out(ev);
      return;
    }
    let sp = 0;
    while (sp < raw.length && raw.charCodeAt(sp) !== 32) sp++;
    const ev: SignalEvent = { kind: 'signal', line: lineNo, pid, t, signal: raw.slice(0, sp), raw, text: s };
    const code = field(raw, 'si_code=');
    if (code !== undefined) ev.siCode = code;
    const spid = field(raw, 'si_pid=');
    if (spid !== undefined && /^\d+$/.test(spid)) ev.siPid = Number(spid);
    const uid = field(raw, 'si_uid=');
    if (uid !== undefined && /^\d+$/.test(uid)) ev.siUid = Number(uid);
    if (comm !== undefined) ev.comm = comm;
    this.out(ev);
  }

  private exitLine(
    s: string,
    body: number,
    pid: number | null,
    t: number | null,
    lineNo: number,
    comm: string | undefined,
    byteOffset: number,
  ): void {
    const raw = s.slice(body + 4).replace(/\s*\+\+\+\s*$/, '');
    let ev: ProcessEvent;
    if (raw.startsWith('exited with ')) {
      ev = { kind: 'process', line: lineNo, pid, t, what: 'exited', exitCode: Number.parseInt(raw.slice(12), 10), text: s };
    } else if (raw.startsWith('killed by ')) {
      const rest = raw.slice(10);
      const sp = rest.indexOf(' ');
      ev = { kind: 'process', line: lineNo, pid, t, what: 'killed', signal: sp < 0 ? rest : rest.slice(0, sp), text: s };
      if (rest.includes('(core dumped)')) ev.coreDumped = true;
    } else if (raw.startsWith('superseded by execve in pid ')) {
      ev = { kind: 'process', line: lineNo, pid, t, what: 'superseded', supersededBy: Number.parseInt(raw.slice(28), 10), text: s };
    } else {
      this.ctx.diag.warn({ line: lineNo, byteOffset }, `unknown +++ line: ${clip(s)}`);
      return;
    }
    if (comm !== undefined) ev.comm = comm;
    // a call left unfinished by a thread that is gone will never resume
    this.flushUnfinished(pid);
    this.out(ev);
  }

  private message(text: string, pid: number | null, t: number | null, lineNo: number, line: string): void {
    const m = /^(?:strace: )?Process (\d+) (attached|detached|suspended)(?: with (\d+) threads)?/.exec(text);
    if (m !== null && m[2] !== 'suspended') {
      const ev: ProcessEvent = { kind: 'process', line: lineNo, pid: Number(m[1]), t, what: m[2] as 'attached' | 'detached', text: line };
      if (m[3] !== undefined) ev.threads = Number(m[3]);
      this.out(ev);
      return;
    }
    this.out({ kind: 'message', line: lineNo, pid: text.startsWith('strace: ') ? null : pid, t, text: line });
  }

  /**
   * `pre`: decodeFdBytes read the call from its first half (its joined arguments need no
   * decodeCall); else `kind` and `fd` (splitFd) say when the other half can tell (see resumed).
   */
  private startSplit(ev: SyscallEvent, pre = false, kind: CallKind = CallKind.Other, fd = -1): void {
    const key = ev.pid ?? -1;
    let slot = this.unfinished.get(key);
    if (slot === undefined) {
      slot = { key, ev: null, pre: false, kind: CallKind.Other, fd: -1 };
      this.unfinished.set(slot);
    }
    const prev = slot.ev;
    if (prev !== null) {
      // a second call began before the first resumed: the first never will
      slot.ev = null;
      prev.unfinished = true;
      this.out(prev);
    }
    // flush a held call now so that the emit order stays the line order
    if (this.held !== null) {
      this.emit(this.held);
      this.held = null;
    }
    slot.ev = ev;
    slot.pre = pre;
    slot.kind = kind;
    slot.fd = fd;
  }

  private resumed(
    s: string,
    body: number,
    pid: number | null,
    t: number | null,
    lineNo: number,
    comm: string | undefined,
    byteOffset: number,
  ): void {
    const sc = this.sc;
    // "<... NAME resumed>": the name's end is the first place " resumed>" can start (names have no spaces)
    let close = sc.nameEnd(body + 5);
    if (!sc.resumedCloseAt(close)) close = s.indexOf(' resumed>', body + 5);
    if (close < 0) {
      this.ctx.diag.warn({ line: lineNo, byteOffset }, `resumed line without "resumed>": ${clip(s)}`);
      return;
    }
    const name = sc.callName(s, body + 5, close);
    const from = close + 9;
    if (!sc.tail(s, from)) {
      this.ctx.diag.warn({ line: lineNo, byteOffset }, `resumed ${name} without a return value: ${clip(s)}`);
      return;
    }
    // "<... NAME resumed> <unfinished ...>) = ?": the thread went away inside the call
    const cut = sc.cutMarkAt(from);
    const more = cut ? '' : s.slice(from, sc.argsEnd);
    const key = pid ?? -1;
    const slot = this.unfinished.get(key);
    const u = slot === undefined ? null : slot.ev;
    let ev: SyscallEvent;
    let pre = false;
    let kind: CallKind = CallKind.Other;
    if (u !== null && (u.name === name || u.name === 'restart_syscall' || name === 'restart_syscall')) {
      slot!.ev = null;
      pre = slot!.pre;
      if (!pre) {
        kind = slot!.kind;
        // `close(3 <unfinished ...>` resumed with no more arguments: decodeCall would read "3" (see splitFd)
        if (more.length === 0 && slot!.fd >= 0) {
          u.fd = slot!.fd;
          pre = true;
        }
      }
      ev = u;
      ev.args = joinArgs(ev.args, more);
      ev.endLine = lineNo;
      ev.endT = t;
      ev.endText = s;
    } else {
      if (u !== null) {
        // the unfinished call on this pid was another one: it never resumed
        slot!.ev = null;
        u.unfinished = true;
        this.out(u);
        this.ctx.diag.warn({ line: lineNo, byteOffset }, `resumed ${name} but pid ${pid ?? '?'} had ${u.name} unfinished`);
      }
      // the first half is before the log began (strace -p attached mid-call)
      ev = newCall(lineNo, pid, t, name, more, s);
      if (comm !== undefined) ev.comm = comm;
    }
    ev.ret = sc.ret;
    ev.retval = sc.retval;
    if (sc.unfinished) ev.unfinished = true;
    if (sc.detached) ev.detached = true;
    ev.errno = sc.errno;
    ev.errnoText = sc.errnoText;
    ev.retNote = sc.retNote;
    ev.duration = sc.duration;
    // a split open that succeeded decodes to nothing (decodeFdBytes)
    if (kind === CallKind.Open && ev.errno === undefined) pre = true;
    this.hold(ev);
    if (pre) this.decoded = ev;
  }

  private setBroken(ev: SyscallEvent, byteOffset: number, byMessage = false): void {
    this.dropBroken();
    this.broken = { ev, byteOffset, waited: 0, byMessage };
  }

  private dropBroken(): void {
    const b = this.broken;
    if (b === null) return;
    this.broken = null;
    if (b.byMessage) {
      // strace wrote its message where `<unfinished ...>` would be: a `<... resumed>` may follow
      this.startSplit(b.ev);
      return;
    }
    this.ctx.diag.warn({ line: b.ev.line, byteOffset: b.byteOffset }, `call line cut and never completed: ${clip(b.ev.text)}`);
  }

  /** Completes a cut call line with this line's `…) = ret`; false when the line is something else. */
  private continueBroken(s: string, lineNo: number): boolean {
    const b = this.broken!;
    const p = parsePrefix(s, null, this.spare);
    const b0 = s.charCodeAt(p.body);
    const looksStrace =
      p.pid !== null ||
      p.timeKind !== undefined ||
      b0 === 45 ||
      b0 === 43 ||
      s.startsWith('<... ', p.body) ||
      s.startsWith('strace: ', p.body) ||
      (scanName(s, p.body) > p.body && s.charCodeAt(scanName(s, p.body)) === 40);
    if (!looksStrace) {
      const tail = parseTail(s, 0, this.spare);
      if (tail !== null && tail.detached) {
        this.broken = null;
        b.ev.unfinished = true;
        b.ev.detached = true;
        this.hold(b.ev);
        return true;
      }
      if (tail !== null && tail.ret !== null) {
        this.broken = null;
        const ev = b.ev;
        ev.args = joinArgs(ev.args, s.slice(0, tail.argsEnd).trim());
        ev.ret = tail.ret;
        ev.retval = tail.retval;
        ev.unfinished = undefined;
        ev.detached = undefined;
        if (tail.errno !== undefined) ev.errno = tail.errno;
        if (tail.errnoText !== undefined) ev.errnoText = tail.errnoText;
        if (tail.retNote !== undefined) ev.retNote = tail.retNote;
        if (tail.duration !== undefined) ev.duration = tail.duration;
        ev.endLine = lineNo;
        ev.endText = s;
        if (ev.name === 'restart_syscall') setRestartOf(ev);
        this.hold(ev);
        return true;
      }
      // the program's own output between the halves
      if (++b.waited <= MAX_BROKEN_WAIT) return false;
    }
    this.dropBroken();
    return false;
  }

  private splitMessage(
    s: string,
    body: number,
    ne: number,
    m: number,
    pid: number | null,
    t: number | null,
    lineNo: number,
    comm: string | undefined,
    byteOffset: number,
  ): void {
    const ev = newCall(lineNo, pid, t, s.slice(body, ne), s.slice(ne + 1, m), s);
    ev.unfinished = true;
    if (comm !== undefined) ev.comm = comm;
    if (ev.name === 'restart_syscall') setRestartOf(ev);
    this.message(s.slice(m), pid, t, lineNo, s.slice(m));
    // its `…) = ret` (or ` <detached ...>`) follows on the next line
    this.setBroken(ev, byteOffset, true);
  }

  private flushUnfinished(pid: number | null): void {
    const key = pid ?? -1;
    const slot = this.unfinished.get(key);
    if (slot === undefined) return;
    this.unfinished.delete(slot);
    const u = slot.ev;
    if (u === null) return;
    u.unfinished = true;
    this.out(u);
  }

  /** End of input: calls never resumed go out as unfinished, in line order. */
  end(): void {
    this.dropBroken();
    if (this.held !== null) {
      this.emit(this.held);
      this.held = null;
    }
    const rest: SyscallEvent[] = [];
    for (const slot of this.unfinished.values()) if (slot.ev !== null) rest.push(slot.ev);
    rest.sort((a, b) => a.line - b.line);
    this.unfinished.clear();
    for (const ev of rest) {
      ev.unfinished = true;
      this.emit(ev);
    }
  }
}

/** A pid's slot for the call it left `<unfinished ...>` (see StraceLineReader.unfinished). */
interface SplitSlot {
  /** the pid, -1 for lines without one */
  readonly key: number;
  ev: SyscallEvent | null;
  /** decodeFdBytes read the call from its first half */
  pre: boolean;
  /** when not `pre`: the call's kind, and splitFd of its first half */
  kind: CallKind;
  fd: number;
}

/** Slots looked up before the Map (a power of two). */
const SLOT_CACHE = 256;

/**
 * The split-call slots by pid: a Map, and in front of it a small table indexed by the pid's
 * low bits. Half the lines of a busy -f log are the halves of split calls, each looking its
 * pid's slot up once; a slot found in the table costs an array load and a compare, where
 * the Map's lookup was a call into its hash table (measured in the bench log's profile).
 */
class SplitSlots {
  private readonly map = new Map<number, SplitSlot>();
  private readonly recent: (SplitSlot | undefined)[] = new Array<SplitSlot | undefined>(SLOT_CACHE).fill(undefined);

  get(key: number): SplitSlot | undefined {
    const i = key & (SLOT_CACHE - 1);
    const c = this.recent[i];
    if (c !== undefined && c.key === key) return c;
    const s = this.map.get(key);
    if (s !== undefined) this.recent[i] = s;
    return s;
  }

  set(slot: SplitSlot): void {
    this.map.set(slot.key, slot);
    this.recent[slot.key & (SLOT_CACHE - 1)] = slot;
  }

  delete(slot: SplitSlot): void {
    this.map.delete(slot.key);
    const i = slot.key & (SLOT_CACHE - 1);
    if (this.recent[i] === slot) this.recent[i] = undefined;
  }

  values(): IterableIterator<SplitSlot> {
    return this.map.values();
  }

  clear(): void {
    this.map.clear();
    this.recent.fill(undefined);
  }
}

/**
 * A call event with every field present from the start: one hidden class for
 * all calls, so the parser's decoder and every handler read them with
 * monomorphic loads (optional fields added later made a dozen shapes, and
 * each new reader of events paid for it).
 */
function newCall(line: number, pid: number | null, t: number | null, name: string, args: string, text: string): SyscallEvent {
  return {
    kind: 'syscall',
    line,
    endLine: undefined,
    pid,
    t,
    endT: undefined,
    name,
    args,
    ret: null,
    retval: null,
    errno: undefined,
    errnoText: undefined,
    duration: undefined,
    unfinished: undefined,
    restartOf: undefined,
    stack: undefined,
    number: undefined,
    ip: undefined,
    retNote: undefined,
    detached: undefined,
    comm: undefined,
    text,
    endText: undefined,
    fd: undefined,
    decoded: undefined,
  };
}

function setRestartOf(ev: SyscallEvent): void {
  const a = ev.args;
  const k = a.indexOf('resuming interrupted ');
  if (k < 0) return;
  const e = a.indexOf(' ...>', k);
  const what = a.slice(k + 21, e < 0 ? a.length : e);
  // old strace: "<... resuming interrupted call ...>"
  ev.restartOf = what === 'call' ? '' : what;
}

function joinArgs(a: string, b: string): string {
  const left = trimEnd(a);
  const comma = left.length > 0 && left.charCodeAt(left.length - 1) === 44; /* , */
  if (b.length === 0) {
    // "call(a, b,  <unfinished ...>" resumed with nothing more ("<... call resumed> <unfinished ...>) = ?")
    return comma ? left.slice(0, -1) : left;
  }
  if (left.length === 0) return b;
  return comma ? `${left} ${b}` : `${left}${b}`;
}

/**
 * `s.trimEnd()` without its call when the last character is no white space (the parser's
 * first halves end on a visible character): one builtin call less per split call.
 * Latin-1 white space for trimEnd: TAB, LF, VT, FF, CR, space and NBSP.
 */
function trimEnd(s: string): string {
  const c = s.length === 0 ? 32 : s.charCodeAt(s.length - 1);
  return c > 32 && c !== 160 ? s : s.trimEnd();
}

/** The value of `name=` in a `{…}` signal info, up to `,` or `}`. */
function field(raw: string, name: string): string | undefined {
  const k = raw.indexOf(name);
  if (k < 0) return undefined;
  let e = k + name.length;
  while (e < raw.length) {
    const c = raw.charCodeAt(e);
    if (c === 44 || c === 125) break;
    e++;
  }
  return raw.slice(k + name.length, e);
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/**
 * Splits chunks into lines for a StraceLineReader. Call order: `push` for
 * each chunk in input order, then `end` once. A chunk is not kept after
 * `push` returns (the partial line at its end is copied), so a source may
 * reuse its memory.
 *
 * The work per chunk lives here, in plain methods, not in the async loop of
 * `parseStrace`: V8 compiled that loop (an async function resumed per chunk,
 * optimized on stack replacement) with everything it inlined, once per run,
 * and the compile cost showed in the profile of every input.
 */
class StraceChunks {
  // bytes of a line not yet ended, carried to the next chunk
  private carry: Buffer | null = null;
  private carryOffset = 0;
  bytes = 0;
  private lineNo = 0;

  constructor(
    private readonly r: StraceLineReader,
    private readonly ctx: ParseContext,
  ) {}

  push(chunk: Buffer): void {
    const r = this.r;
    const base = this.bytes;
    this.bytes += chunk.length;
    // where every line of the chunk ends: found by a big file's reader thread as it read the chunk, or now
    const newlines = newlinesIn(chunk);
    const lastNl = newlines.length > 0 ? newlines[newlines.length - 1] : -1;
    if (lastNl < 0) {
      if (r.skipToNewline) return;
      if (this.carry === null) {
        this.carry = Buffer.from(chunk);
        this.carryOffset = base;
      } else {
        this.carry = Buffer.concat([this.carry, chunk]);
      }
      if (this.carry.length > MAX_LINE_BYTES) {
        this.lineNo++;
        this.ctx.diag.warn({ line: this.lineNo, byteOffset: this.carryOffset }, 'line longer than 16 MB skipped');
        this.carry = null;
        r.skipToNewline = true;
      }
      return;
    }
    // A line begun in the previous chunk is joined alone (carry + this chunk's
    // first line): concatenating the whole chunk cost a copy of every byte.
    let start = 0;
    if (this.carry !== null) {
      const firstNl = newlines[0];
      const lineBuf = Buffer.concat([this.carry, chunk.subarray(0, firstNl)]);
      this.carry = null;
      if (r.skipToNewline) r.skipToNewline = false;
      else {
        this.lineNo++;
        r.useBytes(lineBuf);
        r.line(lineBuf.toString('latin1'), this.lineNo, this.carryOffset, lineBuf, 0);
      }
      start = firstNl + 1;
    } else if (r.skipToNewline) {
      start = newlines[0] + 1;
      r.skipToNewline = false;
    }
    if (start <= lastNl) this.windows(chunk, newlines, start, base);
    if (lastNl + 1 < chunk.length) {
      // copy: the caller may reuse the chunk's memory
      this.carry = Buffer.from(chunk.subarray(lastNl + 1));
      this.carryOffset = base + lastNl + 1;
    }
  }

  /**
   * Decodes whole lines a window at a time (latin1 maps a byte to a char, so offsets stay
   * byte offsets) and hands out slices: one native decode per window is much cheaper than
   * one per line. Kept slices pin the window's string, so the analysis copies the few texts
   * it keeps. `newlines`: the offset of every newline in the chunk (newlinesIn); `start` is
   * the start of a line at or before the last.
   *
   * The loop is here, not in `push`: with it there, V8 optimized `push` late in a run (a few
   * hundred chunks) together with the carried line's call into the line reader, a second
   * large compile of code already compiled (~19 ms under --single-threaded).
   */
  private windows(chunk: Buffer, newlines: Int32Array, start: number, base: number): void {
    const last = newlines.length - 1;
    let k = 0; // the first newline at or after `start`
    while (newlines[k] < start) k++;
    while (k <= last) {
      // a window of whole lines, at most TEXT_WINDOW bytes unless one line is longer: it ends at
      // the last newline within TEXT_WINDOW bytes of its start, or else at the first after them
      let e = last;
      const limit = start + TEXT_WINDOW;
      if (newlines[last] > limit) {
        if (newlines[k] > limit) e = k;
        else {
          // the last newline at or before the limit: newlines[lo] <= limit < newlines[hi]
          let lo = k;
          let hi = last;
          while (hi - lo > 1) {
            const mid = (lo + hi) >> 1;
            if (newlines[mid] <= limit) lo = mid;
            else hi = mid;
          }
          e = lo;
        }
      }
      this.window(chunk, newlines, start, k, e, base);
      k = e + 1;
      start = newlines[e] + 1;
    }
  }

  /** The lines of chunk[start, newlines[e]), which newlines[k] to newlines[e] end. */
  private window(chunk: Buffer, newlines: Int32Array, start: number, k: number, e: number, base: number): void {
    const r = this.r;
    r.useBytes(chunk);
    const text = chunk.toString('latin1', start, newlines[e]);
    const textBase = base + start;
    let pos = 0;
    let lineNo = this.lineNo;
    for (; k <= e; k++) {
      const nl = newlines[k] - start;
      lineNo++;
      r.line(text.slice(pos, nl), lineNo, textBase + pos, chunk, start + pos);
      pos = nl + 1;
    }
    this.lineNo = lineNo;
  }

  end(): void {
    const r = this.r;
    const carry = this.carry;
    if (carry !== null && carry.length > 0 && !r.skipToNewline) {
      // a file cut mid-line: read what there is
      this.lineNo++;
      r.cutLine = true;
      r.line(carry.toString('latin1'), this.lineNo, this.carryOffset);
    }
    r.end();
  }
}

/**
 * Reads strace text from `chunks` and emits events. Lines are split on the
 * Buffers; only the bytes of one line are decoded at a time.
 */
export async function parseStrace(chunks: Chunks, ctx: ParseContext, emit: (e: StraceEvent) => void): Promise<ParseSummary> {
  const r = new StraceLineReader(ctx, emit);
  const c = new StraceChunks(r, ctx);
  for await (const chunk of chunks) c.push(chunk);
  c.end();
  return { events: r.lines, bytes: c.bytes, clock: r.clock, firstT: r.firstT, lastT: r.lastT };
}
