import { createReadStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStrace } from '../../parsers/strace/index.js';
import { COMPACT_LANES_AFTER, StraceAnalysis, outcomeOf } from '../../src/analysis/strace/index.js';
import { formatSeconds } from '../../src/analysis/strace/format.js';
import { decodeCall, splitArgs, structSeconds, waitTimes } from '../../parsers/strace/index.js';
import type { CallArgs, SyscallEvent } from '../../src/model/index.js';

/** The parser's decoding of one call's arguments. */
function decodedEvent(name: string, args: string, retval: number | null = 0): SyscallEvent {
  const ev: SyscallEvent = { kind: 'syscall', line: 1, pid: 1, t: null, name, args, ret: String(retval), retval, text: '' };
  decodeCall(ev);
  return ev;
}
const decoded = (name: string, args: string, retval: number | null = 0): CallArgs | undefined => decodedEvent(name, args, retval).decoded;
const fdDecoration = (args: string) => {
  const r = decoded('write', args)?.fdRef;
  if (r === undefined || r.kind !== 'socket') return undefined;
  const { kind: _k, ...rest } = r;
  return rest;
};
import { Diagnostics, MAX_SPANS_PER_LANE, type StraceModel } from '../../src/model/index.js';
import { repoRoot } from '../helpers/paths.js';

async function* chunksOf(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text, 'latin1');
}

async function analyse(text: string, file = 'in.strace', pidHint?: number): Promise<{ model: StraceModel; diag: Diagnostics }> {
  const diag = new Diagnostics();
  const a = new StraceAnalysis({ path: file, diag });
  const summary = await parseStrace(chunksOf(text), { path: file, diag, pidHint }, (e) => a.add(e));
  return { model: a.finish(summary), diag };
}

async function analyseSample(name: string): Promise<StraceModel> {
  const file = path.join(repoRoot, 'samples', 'strace', name);
  const diag = new Diagnostics();
  const a = new StraceAnalysis({ path: name, diag });
  const summary = await parseStrace(createReadStream(file), { path: name, diag }, (e) => a.add(e));
  return a.finish(summary);
}

const STOP = '--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=900, si_uid=0} ---';
const CONT = '--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=901, si_uid=0} ---';

describe('strace analysis: stop episodes', () => {
  it.each([
    [
      'restarted',
      ['10:00:00.000000 nanosleep({tv_sec=3, tv_nsec=0}, {tv_sec=2, tv_nsec=5}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)', `10:00:01.000000 ${STOP}`, '10:00:01.000010 --- stopped by SIGSTOP ---', `10:00:02.000000 ${CONT}`, '10:00:02.000100 restart_syscall(<... resuming interrupted nanosleep ...>) = 0', '10:00:04.000000 write(1, "x", 1) = 1'],
    ],
    [
      'reissued',
      ['10:00:00.000000 read(0, 0x7ffd, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)', `10:00:01.000000 ${STOP}`, '10:00:01.000010 --- stopped by SIGSTOP ---', `10:00:02.000000 ${CONT}`, '10:00:02.000100 read(0, "x", 1) = 1'],
    ],
    [
      'cut-short',
      ['10:00:00.000000 nanosleep({5, 0}, {2, 499689873}) = ? ERESTART_RESTARTBLOCK (To be restarted)', `10:00:01.000000 ${STOP}`, '10:00:01.000010 --- stopped by SIGSTOP ---', `10:00:02.000000 ${CONT}`, '10:00:02.000100 rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)', '10:00:02.000200 write(1, "done\\n", 5) = 5'],
    ],
    [
      'no-call-interrupted',
      ['10:00:00.000000 write(1, "x", 1) = 1', `10:00:01.000000 ${STOP}`, '10:00:01.000010 --- stopped by SIGSTOP ---', `10:00:02.000000 ${CONT}`, '10:00:02.000100 write(1, "y", 1) = 1'],
    ],
    ['not-continued', ['10:00:00.000000 pause() = ? ERESTARTNOHAND (To be restarted if no handler)', `10:00:01.000000 ${STOP}`, '10:00:01.000010 --- stopped by SIGSTOP ---']],
    [
      'exited',
      ['10:00:00.000000 pause() = ? ERESTARTNOHAND (To be restarted if no handler)', `10:00:01.000000 ${STOP}`, '10:00:01.000010 --- stopped by SIGSTOP ---', `10:00:02.000000 ${CONT}`, '10:00:02.000100 +++ killed by SIGKILL +++'],
    ],
  ])('tells a %s stop', async (outcome, lines) => {
    const { model } = await analyse(lines.join('\n'));
    expect(model.stops).toHaveLength(1);
    expect(model.stops[0].outcome).toBe(outcome);
  });

  it('keeps the stop and continue times, their senders and the calls around', async () => {
    const { model } = await analyse(
      ['10:00:00.000000 nanosleep({5, 0}, {2, 499689873}) = ? ERESTART_RESTARTBLOCK (To be restarted)', `10:00:01.000000 ${STOP}`, '10:00:01.000010 --- stopped by SIGSTOP ---', `10:00:02.000000 ${CONT}`, '10:00:02.000100 rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)', '10:00:02.000200 write(1, "done\\n", 5) = 5'].join('\n'),
    );
    const ep = model.stops[0];
    expect(ep).toMatchObject({
      stopSignal: 'SIGSTOP',
      stopT: 36001.00001,
      stopLine: 3,
      signalLine: 2,
      stopSenderPid: 900,
      contT: 36002,
      contLine: 4,
      contSenderPid: 901,
      interrupted: { name: 'nanosleep', line: 1, errno: 'ERESTART_RESTARTBLOCK' },
      handlerReturn: { name: 'rt_sigreturn', errno: 'EINTR', line: 5 },
      next: { name: 'write', line: 6 },
    });
    expect(ep.stopText).toBe('10:00:01.000010 --- stopped by SIGSTOP ---');
  });

  it('does not blame a stop for a call another signal interrupted first', async () => {
    const { model } = await analyse(
      [
        'wait4(-1, 0x7ffd, 0, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
        '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=9, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---',
        'rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)',
        STOP,
        '--- stopped by SIGSTOP ---',
        CONT,
        'write(1, "x", 1) = 1',
      ].join('\n'),
    );
    expect(model.stops[0].outcome).toBe('no-call-interrupted');
  });

  it('reads an old strace stop without a "stopped by" line', async () => {
    const { model } = await analyse(
      ['nanosleep({5, 0}, {2, 499689873}) = ? ERESTART_RESTARTBLOCK (To be restarted)', '--- SIGSTOP (Stopped (signal)) @ 0 (0) ---', '--- SIGCONT (Continued) @ 0 (0) ---', 'write(1, "x", 1) = 1'].join('\n'),
    );
    expect(model.stops).toHaveLength(1);
    expect(model.stops[0]).toMatchObject({ outcome: 'cut-short', stopLine: 2, contLine: 3, interrupted: { name: 'nanosleep' } });
  });

  it('gives each thread of a group stop its own episode, with the sender from the thread that got the signal', async () => {
    const model = await analyseSample('stopcont-threads.strace');
    const byOutcome = model.stops.map((s) => [s.pid, s.outcome, s.stopSenderPid, s.groupStop ?? false]);
    expect(model.stops).toHaveLength(3);
    expect(byOutcome.filter((o) => o[1] === 'cut-short')).toHaveLength(1);
    expect(byOutcome.filter((o) => o[1] === 'restarted')).toHaveLength(2);
    for (const s of model.stops) expect(s.stopSenderPid).toBeGreaterThan(0);
    expect(model.stops.filter((s) => s.groupStop)).toHaveLength(2);
    // the other threads took the continue from the group's SIGCONT
    for (const s of model.stops) expect(s.contT).not.toBeNull();
  });

  it('groups threads by their thread-group leader from clone(CLONE_THREAD)', async () => {
    const model = await analyseSample('stopcont-threads.strace');
    const leader = model.threads.find((t) => t.syscalls > 0 && model.threads.some((o) => o.tgid === t.pid && o.pid !== t.pid));
    expect(leader).toBeDefined();
    const members = model.threads.filter((t) => t.tgid === leader!.pid);
    expect(members.length).toBe(3);
    for (const lane of model.lanes) expect(lane.group).toBe(`pid ${leader!.pid}`);
    expect(model.lanes.map((l) => l.label.split(' ')[0]).sort()).toEqual(['pid', 'tid', 'tid']);
  });

  it('judges the outcome from the interrupted and the next call', () => {
    const call = (name: string) => ({ line: 1, t: 0, name, args: '', ret: '?' });
    const ep = { pid: 1, stopSignal: 'SIGSTOP', stopT: 0, stopLine: 2, outcome: 'unknown' as const };
    expect(outcomeOf({ ...ep })).toBe('no-call-interrupted');
    expect(outcomeOf({ ...ep, interrupted: call('poll') })).toBe('unknown');
    expect(outcomeOf({ ...ep, interrupted: call('poll'), next: call('restart_syscall') })).toBe('restarted');
    expect(outcomeOf({ ...ep, interrupted: call('poll'), next: call('poll') })).toBe('reissued');
    expect(outcomeOf({ ...ep, interrupted: call('poll'), next: call('write') })).toBe('cut-short');
  });
});

describe('strace analysis: sockets', () => {
  it('tracks -yy ends, bytes each way and a reset on receive', async () => {
    const model = await analyseSample('curl-reset-yy.strace');
    expect(model.socketFailures).toHaveLength(1);
    const f = model.socketFailures[0];
    expect(f).toMatchObject({ errno: 'ECONNRESET', call: { name: 'recvfrom' }, socket: { protocol: 'TCP', local: { ip: '127.0.0.1' }, peer: { ip: '127.0.0.1', port: 18056 } } });
    expect(f.sentBytes).toBeGreaterThan(0);
    expect(f.receivedBytes).toBeGreaterThan(0);
    expect(f.socketSeenOpen).toBe(true);
  });

  it('tracks a socket from socket() and connect() without decorations, and forgets it at close()', async () => {
    const lines = [
      '100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3',
      '100 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("10.0.0.2")}, 16) = 0',
      '100 sendto(3, "GET / HTTP/1.1\\r\\n\\r\\n", 18, MSG_NOSIGNAL, NULL, 0) = 18',
      '100 read(3, "HTTP/1.1 200 OK\\r\\n", 17) = 17',
      '100 read(3, 0x7ffd, 16384) = -1 ECONNRESET (Connection reset by peer)',
      '100 close(3) = 0',
      '100 read(3, 0x7ffd, 16384) = -1 EBADF (Bad file descriptor)',
    ];
    const { model } = await analyse(lines.join('\n'));
    expect(model.socketFailures).toHaveLength(1);
    expect(model.socketFailures[0]).toMatchObject({ pid: 100, fd: 3, sentBytes: 18, receivedBytes: 17, socket: { protocol: 'TCP', peer: { ip: '10.0.0.2', port: 8080 } } });
  });

  it('takes a timeout on receive as a failure too, and ignores other errors', async () => {
    const lines = [
      '7 socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP) = 4',
      '7 connect(4, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (Operation now in progress)',
      '7 write(4, "x", 1) = 1',
      '7 recvfrom(4, 0x1, 10, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)',
      '7 recvfrom(4, 0x1, 10, 0, NULL, NULL) = -1 ETIMEDOUT (Connection timed out)',
    ];
    const { model } = await analyse(lines.join('\n'));
    expect(model.socketFailures.map((f) => f.errno)).toEqual(['ETIMEDOUT']);
    expect(model.socketFailures[0].socket).toMatchObject({ protocol: 'TCPv6', peer: { ip: '::1', port: 443 } });
  });

  it('carries a socket through dup2 and fork: the copy keeps its ends, counts and destination, and goes its own way', async () => {
    const lines = [
      '100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3',
      '100 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '100 sendto(3, "GET / HTTP/1.1\\r\\n\\r\\n", 18, MSG_NOSIGNAL, NULL, 0) = 18',
      '100 dup2(3, 7) = 7',
      '100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD) = 101',
      '101 read(7, "HTTP/1.1 200 OK\\r\\n", 17) = 17',
      '101 read(7, 0x7ffd, 16384) = -1 ECONNRESET (Connection reset by peer)',
      '100 read(3, 0x7ffd, 16384) = -1 ECONNRESET (Connection reset by peer)',
      '100 close(3) = 0',
      '100 read(7, 0x7ffd, 16384) = -1 ETIMEDOUT (Connection timed out)',
    ];
    const { model } = await analyse(lines.join('\n'));
    expect(model.socketFailures.map((f) => [f.pid, f.fd, f.errno, f.sentBytes, f.receivedBytes, f.socketSeenOpen])).toEqual([
      [101, 7, 'ECONNRESET', 18, 17, true],
      [100, 3, 'ECONNRESET', 18, 0, true],
      [100, 7, 'ETIMEDOUT', 18, 0, true],
    ]);
    for (const f of model.socketFailures) expect(f.socket).toEqual({ fd: f.fd, protocol: 'TCP', peer: { ip: '127.0.0.1', port: 8080 } });
    // the destination is the connecting process's; the child's copy still names it
    expect(model.processes.find((p) => p.pid === 100)?.destinations).toMatchObject([{ ip: '127.0.0.1', port: 8080, transport: 'tcp', attempts: 1, connected: 1, sends: 1 }]);
  });

  it('forgets a process\'s fds when it exits: a reused pid starts with an empty table', async () => {
    const lines = [
      '200 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3',
      '200 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '200 write(3, "x", 1) = 1',
      '200 +++ exited with 0 +++',
      '200 read(3, 0x7ffd, 16384) = -1 ECONNRESET (Connection reset by peer)',
    ];
    const { model } = await analyse(lines.join('\n'));
    expect(model.socketFailures).toHaveLength(1);
    expect(model.socketFailures[0]).toMatchObject({ pid: 200, fd: 3, sentBytes: 0, socketSeenOpen: false, socket: { fd: 3 } });
    expect(model.socketFailures[0].socket?.peer).toBeUndefined();
  });

  it('reads a leading fd that ends the arguments, and no decoration past the end', () => {
    for (const name of ['close', 'read', 'write', 'fsync']) {
      const ev = decodedEvent(name, '3');
      expect([name, ev.fd, ev.decoded]).toEqual([name, name === 'fsync' ? undefined : 3, undefined]);
    }
    expect(decodedEvent('close', '3<').fd).toBe(3);
    expect(decodedEvent('close', '3<').decoded).toBeUndefined();
    expect(decodedEvent('read', '3x').fd).toBeUndefined();
  });

  it('does not take a file read for a socket', async () => {
    const { model } = await analyse('5 openat(AT_FDCWD, "/x", O_RDONLY) = 3\n5 read(3, "abc", 3) = 3\n5 read(3, 0x1, 3) = -1 EIO (Input/output error)\n');
    expect(model.socketFailures).toEqual([]);
  });

  it.each([
    ['5<TCP:[127.0.0.1:40000->127.0.0.1:18000]>, "x", 1', { protocol: 'TCP', local: { ip: '127.0.0.1', port: 40000 }, peer: { ip: '127.0.0.1', port: 18000 } }],
    ['6<TCPv6:[[::1]:40000->[::1]:80]>, "x", 1', { protocol: 'TCPv6', local: { ip: '::1', port: 40000 }, peer: { ip: '::1', port: 80 } }],
    ['3<UNIX-STREAM:[147389]>, {sa_family=AF_UNIX}', { protocol: 'UNIX-STREAM' }],
    ['7<socket:[1234]>, 0x1, 10', { protocol: 'socket' }],
  ])('reads the decoration %s', (args, want) => {
    expect(fdDecoration(args)).toEqual(want);
  });

  it.each([
    ['3</etc/passwd>, "x", 1'],
    ['3, "x", 1'],
  ])('finds no socket in %s', (args) => {
    expect(fdDecoration(args)).toBeUndefined();
  });

  it('reads sockaddr structs and leading fds', () => {
    expect(decoded('connect', '3, {sa_family=AF_INET, sin_port=htons(18000), sin_addr=inet_addr("127.0.0.1")}, 16')?.addr).toEqual({ family: 'AF_INET', ip: '127.0.0.1', port: 18000 });
    expect(decoded('connect', '3, {sa_family=AF_UNIX, sun_path="/x"}, 110')?.addr).toEqual({ family: 'AF_UNIX', path: '/x' });
    expect([decodedEvent('read', '12, "x"').fd, decodedEvent('read', '12<TCP:[1]>').fd, decodedEvent('read', 'AT_FDCWD, "x"').fd, decodedEvent('close', '3').fd]).toEqual([12, 12, undefined, 3]);
  });
});

describe('strace analysis: lanes and threads', () => {
  it('gives each thread a lane with spans for long calls and stops, and markers for signals and exits', async () => {
    const model = await analyseSample('stopcont-restart.strace');
    expect(model.lanes).toHaveLength(1);
    const lane = model.lanes[0];
    expect(lane.id).toBe('stopcont-restart.strace#tid:0');
    expect(lane.kind).toBe('thread');
    const kinds = lane.spans.map((s) => `${s.kind}:${s.label}`);
    // arguments are clipped at 60 characters
    expect(kinds).toContain('syscall:clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=3, tv_nsec=0}, {tv_sec=2, tv_nsec...) = ? ERESTART_RESTARTBLOCK');
    expect(kinds).toContain('syscall:restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0');
    expect(kinds).toContain(`stop:stopped by SIGSTOP from pid ${model.stops[0].stopSenderPid}`);
    const interrupted = lane.spans.find((s) => s.label.startsWith('clock_nanosleep'))!;
    expect(interrupted.details).toEqual({ errno: 'ERESTART_RESTARTBLOCK', requested: 3, remaining: 2.262040517 });
    expect(lane.markers.map((m) => m.label)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SIGSTOP \{si_code=SI_USER, si_pid=\d+\}$/), expect.stringMatching(/^SIGCONT \{/), '+++ exited with 0 +++']),
    );
    for (const s of lane.spans) expect(s.end - s.start >= 0.01 || s.kind === 'stop').toBe(true);
  });

  it('draws split calls that waited at least 1 ms, and long calls from 10 ms', async () => {
    const { model } = await analyse(
      [
        '1 10:00:00.000000 read(3,  <unfinished ...>',
        '2 10:00:00.000100 futex(0x1, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>',
        '2 10:00:00.000300 <... futex resumed>) = 0 <0.000200>',
        '1 10:00:00.005000 <... read resumed>"x", 1) = 1 <0.005000>',
        '1 10:00:00.006000 close(3) = 0 <0.009000>',
        '1 10:00:00.020000 poll([], 0, 10) = 0 (Timeout) <0.010000>',
      ].join('\n'),
    );
    const spans = model.lanes.flatMap((l) => l.spans.map((s) => `${l.id.split('#')[1]} ${s.label} ${(s.end - s.start).toFixed(3)}`));
    expect(spans).toEqual(['tid:1 read(3, "x", 1) = 1 0.005', 'tid:1 poll([], 0, 10) = 0 0.010']);
  });

  it('names lanes by pid, from the -ff file name when lines have none', async () => {
    const { model } = await analyse('close(3) = 0 <0.000001>\n+++ exited with 0 +++\n', 'ff/trace.4242', 4242);
    expect(model.lanes.map((l) => l.id)).toEqual(['ff/trace.4242#tid:4242']);
    expect(model.threads[0]).toMatchObject({ pid: 4242, syscalls: 1, exit: { code: 0, line: 2 } });
  });

  it('keeps lanes bounded on a long log', async () => {
    const n = MAX_SPANS_PER_LANE + 500;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`1 ${1000 + i}.000000 poll([], 0, 100) = 0 (Timeout) <0.${String(100000 + i).padStart(6, '0')}>`);
    const { model } = await analyse(lines.join('\n'));
    const lane = model.lanes[0];
    expect(lane.events).toBe(n);
    expect(lane.spans.length).toBe(MAX_SPANS_PER_LANE);
    expect(lane.spansDropped).toBe(500);
  });

  it('hands in the lanes of ended threads early on a log of many short processes, one lane per pid', async () => {
    const n = COMPACT_LANES_AFTER + 50;
    const lines: string[] = [];
    for (let pid = 1; pid <= n; pid++) lines.push(`${pid} 10:00:00.000000 close(3) = 0 <0.020000>`, `${pid} 10:00:00.100000 +++ exited with 0 +++`);
    // pid 2 is reused after its lane was handed in
    lines.push('2 10:00:01.000000 poll([], 0, 100) = 0 (Timeout) <0.100000>', '2 10:00:01.200000 +++ exited with 1 +++');
    const { model } = await analyse(lines.join('\n'));
    expect(model.lanes).toHaveLength(n);
    expect(new Set(model.lanes.map((l) => l.id)).size).toBe(n);
    const two = model.lanes.find((l) => l.id.endsWith('#tid:2'))!;
    expect(two.events).toBe(4);
    expect(two.spans.map((s) => s.label)).toEqual(['close(3) = 0', 'poll([], 0, 100) = 0']);
    expect(two.markers.map((m) => m.label)).toEqual(['+++ exited with 0 +++', '+++ exited with 1 +++']);
    expect(model.lanes.filter((l) => l.density === undefined).length).toBeGreaterThan(0);
  });

  it('gives a thread the times of its first and latest call, null in a log without times', async () => {
    const timed = await analyse('1 10:00:00.500000 read(3, "x", 1) = 1\n2 10:00:01.000000 close(3) = 0\n1 10:00:02.250000 write(1, "x", 1) = 1\n');
    expect(timed.model.threads.map((t) => [t.pid, t.first, t.last])).toEqual([
      [1, 36000.5, 36002.25],
      [2, 36001, 36001],
    ]);
    const untimed = await analyse('1 read(3, "x", 1) = 1\n2 +++ exited with 0 +++\n');
    expect(untimed.model.threads.map((t) => [t.pid, t.first, t.last])).toEqual([
      [1, null, null],
      [2, null, null],
    ]);
  });

  it('keeps the calls before a failure with their times, null where the log has none', async () => {
    const lines = (time: (i: number) => string) =>
      ['openat(AT_FDCWD, "/etc/a", O_RDONLY) = 3', 'close(3) = 0', 'mkdir("/srv/x", 0755) = -1 EACCES (Permission denied)']
        .map((l, i) => `7 ${time(i)}${l}`)
        .join('\n');
    const timed = await analyse(lines((i) => `10:00:0${i}.000000 `));
    expect(timed.model.failedCalls[0].before.map((b) => [b.name, b.t])).toEqual([['openat', 36000], ['close', 36001]]);
    const untimed = await analyse(lines(() => ''));
    expect(untimed.model.failedCalls[0].before.map((b) => [b.name, b.t])).toEqual([['openat', null], ['close', null]]);
  });

  it('shows a split call in a failure\'s context as its two halves joined by an ellipsis', async () => {
    const { model } = await analyse(
      [
        '7 10:00:00.000000 mkdir("/srv/x", 0755) = -1 EACCES (Permission denied)',
        '7 10:00:00.000100 read(3,  <unfinished ...>',
        '8 10:00:00.000200 futex(0x1, FUTEX_WAKE, 1) = 0',
        '7 10:00:00.000300 <... read resumed>"x", 1) = 1',
        '7 10:00:00.000400 +++ exited with 0 +++',
      ].join('\n'),
    );
    const read = model.failedCalls[0].after.find((b) => b.name === 'read');
    expect(read?.text).toContain(' … ');
    expect(read?.text).not.toContain('&');
  });

  it('records how threads ended', async () => {
    const { model } = await analyse('1 exit_group(0) = ?\n1 +++ exited with 3 +++\n2 +++ killed by SIGKILL +++\n');
    expect(model.threads.map((t) => t.exit)).toEqual([
      { t: null, line: 2, code: 3 },
      { t: null, line: 3, signal: 'SIGKILL' },
    ]);
  });
});

describe('strace argument helpers', () => {
  it.each([
    ['nanosleep', '{tv_sec=3, tv_nsec=0}, {tv_sec=2, tv_nsec=500000000}', { requested: 3, remaining: 2.5 }],
    ['nanosleep', '{5, 0}, {2, 499689873}', { requested: 5, remaining: 2.499689873 }],
    ['clock_nanosleep', 'CLOCK_REALTIME, 0, {tv_sec=3, tv_nsec=0}, NULL', { requested: 3 }],
    ['clock_nanosleep', 'CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=883, tv_nsec=0}, NULL', { requested: 883, absolute: true }],
    ['poll', '[{fd=3, events=POLLIN}], 1, 3000', { requested: 3 }],
    ['poll', '[{fd=3, events=POLLIN}], 1, -1', {}],
    ['select', '4, [3], NULL, NULL, {tv_sec=1, tv_usec=500000}', { requested: 1.5 }],
    ['select', '4, [3], NULL, NULL, {1, 500000}', { requested: 1.5 }],
    ['epoll_wait', '4, 0x7ffd, 10, 250', { requested: 0.25 }],
    ['epoll_pwait', '4, 0x7ffd, 10, 1000, NULL, 8', { requested: 1 }],
    ['ppoll', '[{fd=3, events=POLLIN}], 1, {tv_sec=2, tv_nsec=0}, NULL, 8', { requested: 2 }],
  ])('reads the wait of %s(%s)', (name, args, want) => {
    const w = waitTimes(name, args);
    expect({ requested: w.requested, remaining: w.remaining, absolute: w.absolute }).toEqual({ requested: undefined, remaining: undefined, absolute: undefined, ...want });
  });

  it('splits arguments at top-level commas only', () => {
    expect(splitArgs('1, "a, b", {x=1, y=[2, 3]}, f(4, 5)')).toEqual(['1', '"a, b"', '{x=1, y=[2, 3]}', 'f(4, 5)']);
    expect(splitArgs('"\\", x"')).toEqual(['"\\", x"']);
    expect(splitArgs('')).toEqual([]);
  });

  it('reads structs and prints durations', () => {
    expect(structSeconds('NULL')).toBeUndefined();
    expect(structSeconds('{tv_sec=1, tv_nsec=5}')).toBeCloseTo(1.000000005, 9);
    expect([formatSeconds(2.2584), formatSeconds(0.5), formatSeconds(0.0123), formatSeconds(0.000035)]).toEqual(['2.26 s', '500 ms', '12.3 ms', '35 µs']);
  });
});
