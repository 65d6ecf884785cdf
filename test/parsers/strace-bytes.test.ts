/**
 * issue 14: the parser reads the commonest shapes straight from a line's
 * bytes (the `-f -tt` prefix, a call's leading fd, a split call's fd from its
 * first half) and leaves the rest to the general readers. These tests hold
 * the fast paths to the general ones: same prefix, same decoded facts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCall, LineScanner, parseStrace } from '../../parsers/strace/index.js';
import { Diagnostics, type StraceEvent, type SyscallEvent } from '../../src/model/index.js';
import { corpusDir, hasCorpus, samplesDir } from '../helpers/paths.js';
import { filesUnder, notDocs } from '../helpers/files.js';
import { rng } from '../helpers/rng.js';


const straceFiles = [...filesUnder(path.join(samplesDir, 'strace'), notDocs), ...(hasCorpus ? filesUnder(path.join(corpusDir, 'strace'), notDocs) : [])];

async function* chunksOf(b: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function events(text: Buffer, chunk = 1 << 20): Promise<SyscallEvent[]> {
  const out: StraceEvent[] = [];
  await parseStrace(chunksOf(text, chunk), { path: 't.strace', diag: new Diagnostics() }, (e) => out.push(e));
  return out.filter((e): e is SyscallEvent => e.kind === 'syscall');
}

/** What decodeCall alone makes of the event's final text. */
function decodedAgain(e: SyscallEvent): { fd: number | undefined; decoded: unknown } {
  const fresh: SyscallEvent = { ...e, fd: undefined, decoded: undefined };
  decodeCall(fresh);
  return { fd: fresh.fd, decoded: fresh.decoded };
}

function prefixOf(line: string, fast: boolean) {
  const sc = new LineScanner();
  const b = Buffer.from(line, 'latin1');
  sc.setLine(b, 0, b.length);
  if (fast) sc.prefix(line, 7);
  else sc.anyPrefix(line, 7);
  return { body: sc.body, pid: sc.pid, comm: sc.comm, timeKind: sc.timeKind, time: sc.timeKind === undefined ? undefined : sc.time, number: sc.number, ip: sc.ip };
}

/** Lines near the `-f -tt` shape, each a way the fast prefix reader could go wrong. */
const PREFIXES = [
  '9688  19:26:05.393550 brk(NULL) = 0x55cd7f877000 <0.000053>',
  '9688 19:26:05.393550 brk(NULL) = 0',
  '9688\t19:26:05.393550 brk(NULL) = 0',
  '9688  19:26:05 brk(NULL) = 0',
  '9688  19:26:05. brk(NULL) = 0',
  '9688  19:26:05.1234567890123 brk(NULL) = 0',
  '9688  19:66:05.393550 brk(NULL) = 0',
  '9688  19:26:61.393550 brk(NULL) = 0',
  '9688  19:26:60.393550 brk(NULL) = 0',
  '9688  1a:26:05.393550 brk(NULL) = 0',
  '9688  19:2a:05.393550 brk(NULL) = 0',
  '9688  119:26:05.393550 brk(NULL) = 0',
  '9688  19:26:05.393550(brk) = 0',
  '9688  19:26:05.393550 (+     0.000525) brk(NULL) = 0',
  '9688  19:26:05.393550 [  12] brk(NULL) = 0',
  '9688  19:26:05.393550 [00007f86ea022ad7] brk(NULL) = 0',
  '9688  1795398529.013550 brk(NULL) = 0',
  '9688  0.000123 brk(NULL) = 0',
  '9688<sh> 19:26:05.393550 brk(NULL) = 0',
  '[pid  9688] 19:26:05.393550 brk(NULL) = 0',
  '19:26:05.393550 brk(NULL) = 0',
  '9688  19:26:05.393550 ',
  '9688  19:26:05.39',
  '9688  19:26:05',
  '9688  ',
  '9688',
  '9688  19:26:05.393550  brk(NULL) = 0',
  '00009688  00:00:00.000000 brk(NULL) = 0',
  // the time read as four 32-bit words: each byte of "HH:MM:SS.UUUUUU " wrong in turn
  '9688  19:26:05.39355 brk(NULL) = 0',
  '9688  19:26:05.3935501 brk(NULL) = 0',
  '9688  19:26:05,393550 brk(NULL) = 0',
  '9688  19;26:05.393550 brk(NULL) = 0',
  '9688  19:26;05.393550 brk(NULL) = 0',
  '9688  19:26:05.39/550 brk(NULL) = 0',
  '9688  19:26:05.393:50 brk(NULL) = 0',
  '9688  19:26:05.393550\tbrk(NULL) = 0',
  '9688  \xb9:26:05.393550 brk(NULL) = 0',
  '9688  19:26:05.39355\xb9 brk(NULL) = 0',
  '9688  23:59:60.999999 brk(NULL) = 0',
  '9688  99:59:59.999999 brk(NULL) = 0',
  '9688  19:26:05.393550 x',
  '9688  19:26:05.393550 [',
];

describe('the fast -f -tt prefix reader', () => {
  it.each(PREFIXES.map((l) => [l]))('reads %j as the general reader does', (line) => {
    expect(prefixOf(line, true)).toEqual(prefixOf(line, false));
  });

  it('reads every line of the strace samples as the general reader does', () => {
    let lines = 0;
    for (const file of straceFiles) {
      for (const line of readFileSync(file, 'latin1').split('\n')) {
        lines++;
        const fast = prefixOf(line, true);
        const general = prefixOf(line, false);
        if (fast.body !== general.body || fast.time !== general.time || fast.pid !== general.pid) expect({ file, line, fast }).toEqual({ file, line, fast: general });
      }
    }
    expect(lines).toBeGreaterThan(1000);
  });
});

/** Calls whose fd the parser reads from bytes, in shapes that must not fool it; `|` marks where a split call is cut. */
const CALLS = [
  'read(3, "abc", 3) = 3',
  'read(3</etc/hosts>, "abc", 3) = 3',
  'read(3<TCP:[127.0.0.1:40000->127.0.0.1:80]>, "abc", 3) = 3',
  'read(3<UDP:[127.0.0.1:5353->127.0.0.1:53]>, "\\0\\1\\201\\200\\0\\1\\0\\1\\0\\0\\0\\0\\7example\\3com\\0\\0\\1\\0\\1", 512) = 29',
  'read(12345678901, "", 0) = -1 EBADF (Bad file descriptor)',
  'read(x3, "", 0) = -1 EBADF (Bad file descriptor)',
  'read(3x, "", 0) = -1 EBADF (Bad file descriptor)',
  'close(3) = 0',
  'close(3<socket:[1234]>) = 0',
  'close() = -1 EBADF (Bad file descriptor)',
  'write(1, "hello\\n", 6) = 6',
  'write(2, "oops\\n", 5) = 5',
  'write(2</dev/pts/0>, "oops\\n", 5) = 5',
  'write(5<TCP:[127.0.0.1:40000->127.0.0.1:80]>, "GET / HTTP/1.1\\r\\n", 16) = 16',
  'writev(1, [{iov_base="a", iov_len=1}], 1) = 1',
  'newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=37235, ...}, AT_EMPTY_PATH) = 0',
  'sendto(4, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.1")}, 16) = 1',
  'read(3, |"abc", 3) = 3',
  'read(3|, "abc", 3) = 3',
  'read(|3, "abc", 3) = 3',
  'read(3<|TCP:[127.0.0.1:40000->127.0.0.1:80]>, "abc", 3) = 3',
  'read(3<TCP:[127.0.0.1:40000->127.|0.0.1:80]>, "abc", 3) = 3',
  'read(3</etc/|hosts>, "abc", 3) = 3',
  'close(3|) = 0',
  'write(2, |"oops\\n", 5) = 5',
  'write(1, |"ok\\n", 3) = 3',
  'read(3,\t|"abc", 3) = 3',
  'nanosleep({tv_sec=1, tv_nsec=0}, |0x7ffd) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
];

/** One call line, or its unfinished and resumed halves when it holds a `|`. */
function callLines(call: string, pid: number): string {
  const cut = call.indexOf('|');
  if (cut < 0) return `${pid}  10:00:00.000000 ${call}\n`;
  const name = call.slice(0, call.indexOf('('));
  const ret = call.lastIndexOf(') = ');
  return `${pid}  10:00:00.000000 ${call.slice(0, cut)} <unfinished ...>\n9  10:00:00.000001 getpid() = 9\n${pid}  10:00:00.000002 <... ${name} resumed>${call.slice(cut + 1, ret)}${call.slice(ret)}\n`;
}

describe('facts read from bytes', () => {
  it.each(CALLS.map((c) => [c]))('%j: the same fd and decoded facts as decodeCall on the text', async (call) => {
    const evs = await events(Buffer.from(callLines(call, 100), 'latin1'));
    const ev = evs.find((e) => e.pid === 100)!;
    expect(ev.unfinished).toBeUndefined();
    expect({ fd: ev.fd, decoded: ev.decoded }).toEqual(decodedAgain(ev));
  });

  it.each([[1 << 20], [4096], [7]])('every call of the strace samples decodes as decodeCall does (chunks of %i bytes)', async (chunk) => {
    let calls = 0;
    for (const file of straceFiles) {
      for (const ev of await events(readFileSync(file), chunk)) {
        calls++;
        const again = decodedAgain(ev);
        if (ev.fd !== again.fd || JSON.stringify(ev.decoded) !== JSON.stringify(again.decoded)) expect({ file, line: ev.line, fd: ev.fd, decoded: ev.decoded }).toEqual({ file, line: ev.line, ...again });
      }
    }
    expect(calls).toBeGreaterThan(1000);
  });
});

describe('strace parser: call names read from bytes', () => {
  /** the slot `callName` puts a name in: its hash (nameEnd's, with the length first) in 4096 slots */
  const slotOf = (name: string): number => {
    let h = name.length;
    for (let k = 0; k < name.length; k++) h = (h * 31 + name.charCodeAt(k)) | 0;
    return h & 4095;
  };
  const nameAt = (sc: LineScanner, line: string, start: number, end: number): string => {
    const b = Buffer.from(line, 'latin1');
    sc.setLine(b, 0, b.length);
    return sc.callName(line, start, end);
  };

  it('gives each name its own text: names sharing a slot, of one length differing in two bytes, of every length', () => {
    const rand = rng(14);
    const letters = 'abcdefghijklmnopqrstuvwxyz_0123456789';
    const names: string[] = ['read', 'readv', 'reae', 'rea', 'r', 'newfstatat', 'newfstatas', 'newfstatbt', 'xewfstatat', 'a'.repeat(24), 'a'.repeat(23) + 'b', 'a'.repeat(25)];
    // pairs of names in one slot, found by drawing names until two meet
    const bySlot = new Map<number, string>();
    while (names.length < 60) {
      const n = 1 + Math.floor(rand() * 24);
      let s = '';
      for (let k = 0; k < n; k++) s += letters[Math.floor(rand() * letters.length)];
      const other = bySlot.get(slotOf(s));
      if (other !== undefined && other !== s) names.push(other, s);
      else bySlot.set(slotOf(s), s);
    }
    // names of one length in one slot that differ in a single pair of bytes (2-3 of the first four, 6-7 of the next)
    for (const at of [2, 6]) {
      const seen = new Map<number, string>();
      let found = 0;
      for (const x of letters) {
        for (const y of letters) {
          const s = `ab${'cdef'.slice(0, at - 2)}${x}${y}ghij`;
          const other = seen.get(slotOf(s));
          if (other !== undefined && found < 4) {
            names.push(other, s);
            found++;
          } else seen.set(slotOf(s), s);
        }
      }
      expect(found).toBe(4);
    }
    const sc = new LineScanner();
    for (let round = 0; round < 3; round++) {
      for (const name of names) {
        // at an odd offset in a longer line, as in a real one
        const line = `12345 10:00:00.000001 ${name}(3, "x", 1) = 1`;
        const start = 22;
        expect(nameAt(sc, line, start, start + name.length)).toBe(name);
      }
    }
  });
});
