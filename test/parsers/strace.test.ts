import { describe, expect, it } from 'vitest';
import { parseStrace } from '../../parsers/strace/index.js';
import { Diagnostics, type ParseSummary, type StraceEvent, type SyscallEvent } from '../../src/model/index.js';

async function* chunksOf(text: string, size = 1 << 20): AsyncIterable<Buffer> {
  const b = Buffer.from(text, 'latin1');
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function parse(text: string, opts: { pidHint?: number; chunk?: number } = {}) {
  const diag = new Diagnostics();
  const events: StraceEvent[] = [];
  const summary: ParseSummary = await parseStrace(chunksOf(text, opts.chunk), { path: 't.strace', diag, pidHint: opts.pidHint }, (e) => events.push(e));
  return { events, diag, summary };
}

async function one(line: string): Promise<SyscallEvent> {
  const { events, diag } = await parse(`${line}\n`);
  expect(diag.warnings).toEqual([]);
  expect(events).toHaveLength(1);
  expect(events[0].kind).toBe('syscall');
  return events[0] as SyscallEvent;
}

describe('strace parser: call lines', () => {
  it.each([
    ['a plain call', 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3', { name: 'openat', args: 'AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC', ret: '3', retval: 3 }],
    ['errno name and text', 'access("/etc/ld.so.preload", R_OK)      = -1 ENOENT (No such file or directory)', { name: 'access', ret: '-1', retval: -1, errno: 'ENOENT', errnoText: 'No such file or directory' }],
    ['a hex return', 'brk(NULL)                               = 0x55d5a7f9e000', { ret: '0x55d5a7f9e000', retval: 0x55d5a7f9e000 }],
    ['a ? return', 'exit_group(0)                           = ?', { name: 'exit_group', ret: '?', retval: null }],
    ['ERESTARTSYS', 'read(0, 0x7ffd, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)', { ret: '?', errno: 'ERESTARTSYS', errnoText: 'To be restarted if SA_RESTART is set' }],
    ['ERESTARTNOINTR', 'wait4(-1, 0x7ffd, 0, NULL) = ? ERESTARTNOINTR (To be restarted)', { errno: 'ERESTARTNOINTR' }],
    ['ERESTARTNOHAND', 'pause() = ? ERESTARTNOHAND (To be restarted if no handler)', { name: 'pause', args: '', errno: 'ERESTARTNOHAND' }],
    ['ERESTART_RESTARTBLOCK', 'nanosleep({tv_sec=5, tv_nsec=0}, {tv_sec=2, tv_nsec=499689873}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)', { errno: 'ERESTART_RESTARTBLOCK', args: '{tv_sec=5, tv_nsec=0}, {tv_sec=2, tv_nsec=499689873}' }],
    ['old-format timespecs', 'nanosleep({5, 0}, {2, 499689873}) = ? ERESTART_RESTARTBLOCK (To be restarted)', { args: '{5, 0}, {2, 499689873}', errno: 'ERESTART_RESTARTBLOCK' }],
    ['a string holding " = " and escapes', 'write(1, "a = b\\n\\"q\\" ) = 7", 17) = 17', { name: 'write', args: 'write'.length ? '1, "a = b\\n\\"q\\" ) = 7", 17' : '', ret: '17' }],
    ['a truncated string', 'read(3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0"..., 832) = 832', { ret: '832', args: '3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0"..., 832' }],
    ['structs, arrays, nested braces and a vars comment', 'execve("/bin/sh", ["sh", "-c", "x"], 0x7ffe /* 35 vars */) = 0', { name: 'execve', args: '"/bin/sh", ["sh", "-c", "x"], 0x7ffe /* 35 vars */' }],
    ['the old vars array', 'execve("./t", ["./t"], [/* 28 vars */]) = 0', { args: '"./t", ["./t"], [/* 28 vars */]' }],
    ['a -y path decoration', 'read(3</etc/passwd>, "root:x:0:0", 10) = 10', { args: '3</etc/passwd>, "root:x:0:0", 10' }],
    ['a -yy socket decoration', 'recvfrom(5<TCP:[127.0.0.1:40000->127.0.0.1:18000]>, "", 900, 0, NULL, NULL) = 0', { name: 'recvfrom', ret: '0' }],
    ['a note after the return', 'poll([{fd=3, events=POLLIN}], 1, 1000) = 0 (Timeout)', { ret: '0', retNote: '(Timeout)' }],
    ['an -X verbose flag comment', 'openat(-100 /* AT_FDCWD */, "/etc/ld.so.cache", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3', { args: '-100 /* AT_FDCWD */, "/etc/ld.so.cache", 0x80000 /* O_RDONLY|O_CLOEXEC */' }],
    ['-x hex strings', 'write(1, "\\x68\\xe9\\x6c\\x6c\\x6f\\x20\\x77\\xc3"..., 13) = 13', { ret: '13' }],
    ['-xx hex strings', 'write(1, "\\x68\\x69\\x01\\x0a", 4)         = 4', { args: '1, "\\x68\\x69\\x01\\x0a", 4' }],
  ])('reads %s', async (_what, line, want) => {
    expect(await one(line)).toMatchObject(want);
  });

  it('keeps the line as written for evidence', async () => {
    const line = '1234 01:02:03.000004 close(3) = 0 <0.000005>';
    expect((await one(line)).text).toBe(line);
  });
});

describe('strace parser: prefixes and times', () => {
  it.each([
    ['no prefix', 'close(3) = 0', { pid: null, t: null }],
    ['a pid', '22563 close(3) = 0', { pid: 22563, t: null }],
    ['a padded pid before a time', '826   00:09:47.789757 close(3) = 0', { pid: 826, t: 9 * 60 + 47.789757 }],
    ['[pid N] with padding', '[pid    74] close(3) = 0', { pid: 74 }],
    ['-t', '01:48:49 close(3) = 0', { t: 3600 + 48 * 60 + 49 }],
    ['-tt', '01:48:49.123456 close(3) = 0', { t: 3600 + 48 * 60 + 49.123456 }],
    ['-ttt', '1795398529.010242 close(3) = 0', { t: 1795398529.010242 }],
    ['-ttt with ns', '1795398529.010242918 close(3) = 0', { t: 1795398529.010242918 }],
    ['-T duration', 'close(3) = 0 <0.000123>', { duration: 0.000123 }],
    ['-T after an errno', 'read(0, 0x1, 1) = -1 EAGAIN (Resource temporarily unavailable) <0.000010>', { errno: 'EAGAIN', errnoText: 'Resource temporarily unavailable', duration: 0.00001 }],
    ['-n number', '[  59] execve("/bin/true", ["/bin/true"], 0x7ffe /* 35 vars */) = 0', { number: 59, name: 'execve' }],
    ['-i pointer', '[00007fbac8095c47] brk(NULL)     = 0x555d31811000', { ip: '00007fbac8095c47', name: 'brk' }],
    ['-n and -i', '[  12] [00007fbac8095c47] brk(NULL)     = 0x555d31811000', { number: 12, ip: '00007fbac8095c47' }],
    ['-Y comm after a pid', '22584<sh> wait4(-1, 0x7ffd, WNOHANG, NULL) = -1 ECHILD (No child processes)', { pid: 22584, comm: 'sh' }],
    ['-Y comm in [pid]', '[pid 22591<true>] exit_group(0) = ?', { pid: 22591, comm: 'true' }],
    ['a time and -r together', '01:48:49 (+     0.000525) brk(NULL)     = 0x55599d7c8000', { t: 3600 + 48 * 60 + 49, name: 'brk' }],
  ])('reads %s', async (_what, line, want) => {
    expect(await one(line)).toMatchObject(want);
  });

  it('leaves absent times and durations absent, not zero', async () => {
    const e = await one('close(3) = 0');
    expect(e.t).toBeNull();
    expect(e.duration).toBeUndefined();
  });

  it('sums -r deltas into a relative clock', async () => {
    const { events, summary } = await parse('     0.000000 execve("/bin/true", ["true"], 0x7ffd /* 35 vars */) = 0\n     0.000369 brk(NULL) = 0x1\n     1.500000 +++ exited with 0 +++\n');
    expect(events.map((e) => e.t)).toEqual([0, 0.000369, 1.500369]);
    expect(summary.clock).toBe('relative');
  });

  it('keeps -tt times monotonic across midnight', async () => {
    const { events, summary } = await parse('23:59:59.900000 close(3) = 0\n00:00:00.100000 close(4) = 0\n');
    expect(events[1].t! - events[0].t!).toBeCloseTo(0.2, 6);
    expect(summary.clock).toBe('time-of-day');
    expect(summary.lastT).toBeCloseTo(86400.1, 6);
  });

  it('does not take slightly out-of-order -f times for a new day', async () => {
    const { events } = await parse('10:00:00.500000 close(3) = 0\n10:00:00.400000 close(4) = 0\n');
    expect(events[1].t).toBeCloseTo(36000.4, 6);
  });

  it('uses the -ff file pid when lines have no prefix', async () => {
    const { events } = await parse('close(3) = 0\n+++ exited with 0 +++\n', { pidHint: 4242 });
    expect(events.map((e) => e.pid)).toEqual([4242, 4242]);
  });

  it('reports the clock and the time span', async () => {
    const { summary } = await parse('1795398529.000000 close(3) = 0\n1795398530.500000 close(4) = 0\n');
    expect(summary).toMatchObject({ clock: 'epoch', firstT: 1795398529, lastT: 1795398530.5, events: 2 });
  });
});

describe('strace parser: split calls', () => {
  const interleaved = [
    '22584 01:00:00.000001 wait4(-1,  <unfinished ...>',
    '22585 01:00:00.000002 execve("/bin/true", ["/bin/true"], 0x5650 /* 35 vars */ <unfinished ...>',
    '22585 01:00:00.000003 <... execve resumed>)       = 0',
    '22585 01:00:00.000004 exit_group(0)               = ?',
    '22585 01:00:00.000005 +++ exited with 0 +++',
    '22584 01:00:00.000006 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 22585 <0.000005>',
  ].join('\n');

  it('joins a resumed call to its unfinished half across other pids', async () => {
    const { events, diag } = await parse(interleaved);
    expect(diag.warnings).toEqual([]);
    const wait = events.find((e) => e.kind === 'syscall' && e.name === 'wait4') as SyscallEvent;
    expect(wait).toMatchObject({
      pid: 22584,
      line: 1,
      endLine: 6,
      t: 3600.000001,
      endT: 3600.000006,
      args: '-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL',
      ret: '22585',
      retval: 22585,
      duration: 0.000005,
    });
    expect(wait.unfinished).toBeUndefined();
    const exec = events.find((e) => e.kind === 'syscall' && e.name === 'execve') as SyscallEvent;
    expect(exec).toMatchObject({ pid: 22585, line: 2, endLine: 3, ret: '0' });
  });

  it('emits a joined call when it completes, in resumed-line order', async () => {
    const { events } = await parse(interleaved);
    expect(events.map((e) => (e.kind === 'syscall' ? e.name : e.kind))).toEqual(['execve', 'exit_group', 'process', 'wait4']);
  });

  it('joins each split call to its own pid when pids share their low bits, and forgets a slot at exit', async () => {
    // 100, 356 and 612 share their low 8 bits (the slot table in front of the per-pid Map); -1 is a line without a pid
    const lines = [
      '100 read(3,  <unfinished ...>',
      '356 write(4,  <unfinished ...>',
      '612 openat(AT_FDCWD, "/a",  <unfinished ...>',
      '356 <... write resumed>"w", 1) = 1',
      '100 <... read resumed>"r", 1) = 1',
      '356 futex(0x1, FUTEX_WAIT, 0, NULL <unfinished ...>',
      '612 <... openat resumed>O_RDONLY) = 5',
      '356 +++ exited with 0 +++',
      '612 close(5 <unfinished ...>',
      '356 <... futex resumed>) = 0',
      '612 <... close resumed>) = 0',
      'getpid( <unfinished ...>',
      '<... getpid resumed>) = 9',
    ];
    const { events, diag } = await parse(lines.join('\n'));
    const calls = events.flatMap((e) => (e.kind === 'syscall' ? [[e.pid, e.name, e.args, e.ret, e.line, e.endLine ?? null, e.unfinished ?? false]] : []));
    expect(calls).toEqual([
      [356, 'write', '4, "w", 1', '1', 2, 4, false],
      [100, 'read', '3, "r", 1', '1', 1, 5, false],
      [612, 'openat', 'AT_FDCWD, "/a", O_RDONLY', '5', 3, 7, false],
      [356, 'futex', '0x1, FUTEX_WAIT, 0, NULL', null, 6, null, true],
      // its slot went with the exit: the resumed half has no first half
      [356, 'futex', '', '0', 10, null, false],
      [612, 'close', '5', '0', 9, 11, false],
      [null, 'getpid', '', '9', 12, 13, false],
    ]);
    expect(diag.warnings).toEqual([]);
  });

  it('emits calls never resumed at the end, marked unfinished', async () => {
    const { events } = await parse('100 read(3,  <unfinished ...>\n101 close(4) = 0\n');
    expect(events.map((e) => (e as SyscallEvent).name)).toEqual(['close', 'read']);
    expect(events[1]).toMatchObject({ name: 'read', unfinished: true, ret: null, line: 1 });
  });

  it('ends an unfinished call when its thread exits or is killed', async () => {
    const { events } = await parse(
      ['23381 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=5, tv_nsec=0},  <unfinished ...>', '23381 <... clock_nanosleep resumed> <unfinished ...>) = ?', '23381 +++ killed by SIGSEGV (core dumped) +++'].join('\n'),
    );
    expect(events[0]).toMatchObject({ kind: 'syscall', name: 'clock_nanosleep', ret: '?', args: 'CLOCK_REALTIME, 0, {tv_sec=5, tv_nsec=0}', endLine: 2 });
    expect(events[1]).toMatchObject({ kind: 'process', what: 'killed', signal: 'SIGSEGV', coreDumped: true });
  });

  it('reads a resumed half whose start is before the log (attached mid-call)', async () => {
    const { events, diag } = await parse('<... read resumed>"x", 1) = 1\n');
    expect(diag.warnings).toEqual([]);
    expect(events[0]).toMatchObject({ name: 'read', args: '"x", 1', ret: '1', line: 1 });
  });

  it.each([
    ['new', 'restart_syscall(<... resuming interrupted nanosleep ...>) = 0', 'nanosleep'],
    ['old', 'restart_syscall(<... resuming interrupted call ...>) = 0', ''],
  ])('reads the %s restart_syscall form', async (_w, line, of) => {
    expect(await one(line)).toMatchObject({ name: 'restart_syscall', restartOf: of });
  });

  it('reads a restart_syscall left <detached ...>', async () => {
    const { events } = await parse('24453 01:49:23.950978 restart_syscall(<... resuming interrupted read ...> <detached ...>\n');
    expect(events[0]).toMatchObject({ name: 'restart_syscall', restartOf: 'read', unfinished: true, detached: true });
  });
});

describe('strace parser: signals, exits and strace messages', () => {
  it.each([
    ['a signal with siginfo', '--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=1879, si_uid=0} ---', { kind: 'signal', signal: 'SIGCONT', siCode: 'SI_USER', siPid: 1879, siUid: 0 }],
    ['an old-format signal', '--- SIGCHLD (Child exited) @ 0 (0) ---', { kind: 'signal', signal: 'SIGCHLD' }],
    ['a SIGSEGV', '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---', { kind: 'signal', signal: 'SIGSEGV', siCode: 'SEGV_MAPERR' }],
    ['a stop', '--- stopped by SIGSTOP ---', { kind: 'process', what: 'stopped', signal: 'SIGSTOP' }],
    ['an exit', '+++ exited with 3 +++', { kind: 'process', what: 'exited', exitCode: 3 }],
    ['a kill', '+++ killed by SIGKILL +++', { kind: 'process', what: 'killed', signal: 'SIGKILL' }],
    ['a core dump', '+++ killed by SIGSEGV (core dumped) +++', { kind: 'process', what: 'killed', signal: 'SIGSEGV', coreDumped: true }],
    ['an execve by another thread', '+++ superseded by execve in pid 23373 +++', { kind: 'process', what: 'superseded', supersededBy: 23373 }],
    ['an attach', 'strace: Process 22591 attached', { kind: 'process', what: 'attached', pid: 22591 }],
    ['an attach with threads', 'strace: Process 24453 attached with 2 threads', { kind: 'process', what: 'attached', pid: 24453, threads: 2 }],
    ['a detach', 'strace: Process 24453 detached', { kind: 'process', what: 'detached', pid: 24453 }],
    ['the old attach line', 'Process 75 attached', { kind: 'process', what: 'attached', pid: 75 }],
    ['strace\'s own error', 'strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted', { kind: 'message', text: 'strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted' }],
  ])('reads %s', async (_what, line, want) => {
    const { events, diag } = await parse(`${line}\n`);
    expect(diag.warnings).toEqual([]);
    expect(events[0]).toMatchObject(want);
  });

  it('reads a signal with a pid and time prefix', async () => {
    const { events } = await parse('[pid 21565] 01:55:21.526423 --- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=21550, si_uid=0} ---\n');
    expect(events[0]).toMatchObject({ kind: 'signal', pid: 21565, t: 6921.526423, signal: 'SIGSTOP', siPid: 21550 });
  });
});

describe('strace parser: rarer shapes', () => {
  it('attaches -k stack frames to their call', async () => {
    const { events } = await parse(
      [
        'clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=10000000}, 0x7ffd7414cf90) = 0',
        ' > /usr/lib/x86_64-linux-gnu/libc.so.6(clock_nanosleep+0x23) [0xcf503]',
        ' > /usr/bin/sleep() [0x64af]',
        '+++ exited with 0 +++',
      ].join('\n'),
    );
    expect(events).toHaveLength(2);
    expect((events[0] as SyscallEvent).stack).toEqual(['/usr/lib/x86_64-linux-gnu/libc.so.6(clock_nanosleep+0x23) [0xcf503]', '/usr/bin/sleep() [0x64af]']);
  });

  it('reads a -c summary table as one block and notes it', async () => {
    const table = [
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 65.40    0.000155           2        62        16 newfstatat',
      '  0.00    0.000000           0        11           read',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000237           0       358        56 total',
    ].join('\n');
    const { events, diag } = await parse(table);
    expect(events).toEqual([]);
    expect(diag.warnings).toEqual([]);
    expect(diag.notes.some((n) => n.includes('summary'))).toBe(true);
  });

  it('reads calls after a -C summary table again', async () => {
    const { events } = await parse('% time     seconds  usecs/call     calls    errors syscall\n100.00    0.000000           0        34        17 total\nclose(3) = 0\n');
    expect(events).toHaveLength(1);
  });

  it('warns with the line number on a line it cannot read, and goes on', async () => {
    const { events, diag } = await parse('close(3) = 0\nthis is not strace\nclose(4) = 0\n');
    expect(events).toHaveLength(2);
    expect(diag.warnings).toHaveLength(1);
    expect(diag.warnings[0]).toMatch(/^line 2 \(byte 13\): not a strace line/);
  });

  it('reads a file cut mid-line without a warning', async () => {
    const { events, diag } = await parse('close(3) = 0\nread(3, "abc');
    expect(diag.warnings).toEqual([]);
    expect(events).toHaveLength(1);
  });

  it('reads CRLF line ends', async () => {
    const { events } = await parse('close(3) = 0\r\nclose(4) = 0\r\n');
    expect(events.map((e) => (e as SyscallEvent).ret)).toEqual(['0', '0']);
  });

  it('joins a call line cut by the program\'s own stderr output', async () => {
    const { events, diag } = await parse('write(2, "(\\n", 2(\n)                      = 2\nclose(3) = 0\n');
    expect(diag.warnings).toEqual([]);
    expect(events[0]).toMatchObject({ name: 'write', ret: '2', line: 1, endLine: 2 });
  });

  it("joins a call line cut by strace's attach message", async () => {
    const { events, diag } = await parse(
      '01:48:48.769808 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLDstrace: Process 22559 attached\n, child_tidptr=0x7f741133aa10) = 22559\n',
    );
    expect(diag.warnings).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['process', 'syscall']);
    expect(events[1]).toMatchObject({ name: 'clone', ret: '22559', retval: 22559 });
  });

  it('gives the same events whatever the chunk boundaries', async () => {
    const text = [
      '22584 01:00:00.000001 wait4(-1,  <unfinished ...>',
      '22585 01:00:00.000002 write(1, "hello = world", 13) = 13 <0.000003>',
      '22585 01:00:00.000005 +++ exited with 0 +++',
      '22584 01:00:00.000006 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 22585',
      '22584 01:00:00.000007 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=22585, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---',
    ].join('\n');
    const whole = await parse(text);
    for (const size of [1, 2, 7, 64]) {
      const split = await parse(text, { chunk: size });
      expect(split.events).toEqual(whole.events);
      expect(split.summary).toEqual(whole.summary);
    }
  });

  // issue 14: text is decoded in 64 KiB windows of whole lines; a chunk holds many, and a line may be longer than one
  it('gives the same events across text windows, a line longer than a window included', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const pid = 100 + (Math.floor(i / 2) % 3);
      lines.push(i % 2 ? `${pid} 01:00:00.${String(i).padStart(6, '0')} <... read resumed>"${'x'.repeat(i % 97)}", 4096) = ${i % 97} <0.000002>` : `${pid} 01:00:00.${String(i).padStart(6, '0')} read(3,  <unfinished ...>`);
      if (i === 1500) lines.push(`101 01:00:00.001500 write(1, "${'y'.repeat(100_000)}", 100000) = 100000 <0.000009>`);
    }
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(3 * 64 * 1024);
    const whole = await parse(text, { chunk: 1 << 22 });
    expect(whole.diag.warnings).toEqual([]);
    expect(whole.events).toHaveLength(1501);
    expect(whole.events.map((e) => (e as SyscallEvent).args.length).reduce((a, b) => Math.max(a, b))).toBe('1, "", 100000'.length + 100_000);
    for (const size of [1000, 65_536, 65_537, 200_000]) {
      const split = await parse(text, { chunk: size });
      expect(split.events).toEqual(whole.events);
      expect(split.summary).toEqual(whole.summary);
    }
  });

  it('does not join a call to the unfinished half of an exited pid that is reused', async () => {
    const { events, diag } = await parse(
      [
        '300 01:00:00.000001 read(0,  <unfinished ...>',
        '300 01:00:00.000002 +++ killed by SIGKILL +++',
        '300 01:00:00.000003 <... read resumed>"a", 1) = 1',
        '300 01:00:00.000004 wait4(-1,  <unfinished ...>',
        '300 01:00:00.000005 <... wait4 resumed>NULL, 0, NULL) = 301',
      ].join('\n'),
    );
    expect(diag.warnings).toEqual([]);
    const calls = events.filter((e): e is SyscallEvent => e.kind === 'syscall');
    expect(calls.map((c) => [c.name, c.line, c.endLine, c.unfinished])).toEqual([
      ['read', 1, undefined, true],
      ['read', 3, undefined, undefined],
      ['wait4', 4, 5, undefined],
    ]);
  });
});

describe('strace parser: decorated returns', () => {
  it.each([
    ['a socket fd', 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 5<TCP:[147402]> <0.000020>', { ret: '5<TCP:[147402]>', retval: 5, duration: 0.00002 }],
    ['a path with a space', 'openat(AT_FDCWD, "/tmp/a b", O_RDONLY) = 3</tmp/a b>', { ret: '3</tmp/a b>', retval: 3 }],
  ])('reads %s', async (_what, line, want) => {
    expect(await one(line)).toMatchObject(want);
  });
});

describe('strace parser: bad data is data', () => {
  /** a small seeded generator: the same "random" input on every run */
  function rng(seed: number): () => number {
    let x = seed;
    return () => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return x / 0x7fffffff;
    };
  }

  const real = [
    '22584 01:00:00.000001 wait4(-1,  <unfinished ...>',
    '[pid 22585] 01:00:00.000003 <... execve resumed>)       = 0 <0.000010>',
    '01:00:00.000006 --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=1, si_uid=0} ---',
    '+++ killed by SIGSEGV (core dumped) +++',
    '[  59] [00007f86ea022ad7] execve("/bin/true", ["/bin/true"], 0x7ffe /* 35 vars */) = 0',
    'restart_syscall(<... resuming interrupted read ...> <detached ...>',
    '% time     seconds  usecs/call     calls    errors syscall',
  ];

  it('never throws on mutated strace lines or random bytes', async () => {
    const rand = rng(42);
    for (let round = 0; round < 200; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 20; i++) {
        const base = real[Math.floor(rand() * real.length)];
        const cut = Math.floor(rand() * base.length);
        const kind = rand();
        if (kind < 0.3) lines.push(base.slice(0, cut));
        else if (kind < 0.6) lines.push(base.slice(cut));
        else if (kind < 0.8) lines.push(base.slice(0, cut) + String.fromCharCode(Math.floor(rand() * 256)) + base.slice(cut + 1));
        else lines.push(Array.from({ length: Math.floor(rand() * 80) }, () => String.fromCharCode(Math.floor(rand() * 256))).join(''));
      }
      const { events, summary } = await parse(lines.join(rand() < 0.5 ? '\n' : '\r\n'), { chunk: 1 + Math.floor(rand() * 50) });
      expect(summary.events).toBeGreaterThan(0);
      expect(events.length).toBeLessThanOrEqual(summary.events + 20);
    }
  });

  it('skips a line longer than it reads, with a warning, and goes on', async () => {
    const long = 'x'.repeat(17 * 1024 * 1024);
    const { events, diag } = await parse(`close(3) = 0\n${long}\nclose(4) = 0\n`, { chunk: 1 << 20 });
    expect(events.map((e) => (e as SyscallEvent).args)).toEqual(['3', '4']);
    expect(diag.warnings.some((w) => w.includes('longer than 16 MB'))).toBe(true);
  });
});
