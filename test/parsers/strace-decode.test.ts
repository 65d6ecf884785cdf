/** The parser's decoding of call arguments: a table of strace's own spellings and the facts read from them. */
import { describe, expect, it } from 'vitest';
import { decodeCall, dnsMessage } from '../../parsers/strace/index.js';
import type { SyscallEvent } from '../../src/model/index.js';
import { straceInput, textChunks } from '../helpers/strace.js';

function call(name: string, args: string, ret = '0', errno?: string): SyscallEvent {
  const retval = Number.isFinite(Number(ret)) ? Number(ret) : null;
  const ev: SyscallEvent = { kind: 'syscall', line: 1, pid: 1, t: null, name, args, ret, retval, text: '' };
  if (errno !== undefined) ev.errno = errno;
  decodeCall(ev);
  return ev;
}

describe('decoding call arguments', () => {
  it.each([
    ['connect to a unix path', call('connect', '3<UNIX-STREAM:[109167]>, {sa_family=AF_UNIX, sun_path="/var/spool/postfix/public/pickup"}, 35', '-1', 'ENOENT'), { fd: 3, fdRef: { kind: 'socket', protocol: 'UNIX-STREAM' }, addr: { family: 'AF_UNIX', path: '/var/spool/postfix/public/pickup' } }],
    ['connect, old strace AF_FILE', call('connect', '4, {sa_family=AF_FILE, path="/var/run/nscd/socket"}, 110', '-1', 'ENOENT'), { fd: 4, addr: { family: 'AF_UNIX', path: '/var/run/nscd/socket' } }],
    ['connect to an abstract unix socket', call('connect', '5, {sa_family=AF_UNIX, sun_path=@"/tmp/.X11-unix/X0"}, 20', '-1', 'ECONNREFUSED'), { addr: { family: 'AF_UNIX', path: '@/tmp/.X11-unix/X0' } }],
    ['connect over IPv6', call('connect', '3, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28', '-1', 'EINPROGRESS'), { addr: { family: 'AF_INET6', ip: '::1', port: 443 } }],
    ['openat relative to a -y cwd', call('openat', 'AT_FDCWD</srv/app>, "logs/app.log", O_WRONLY|O_CREAT|O_APPEND, 0666', '-1', 'EACCES'), { dir: '/srv/app', path: 'logs/app.log', flags: 'O_WRONLY|O_CREAT|O_APPEND' }],
    ['open with escapes in the path', call('open', '"/tmp/a\\"b\\n\\303\\251", O_RDONLY', '-1', 'ENOENT'), { path: '/tmp/a"b\n\xc3\xa9', flags: 'O_RDONLY' }],
    ['a path cut by -s', call('openat', 'AT_FDCWD, "/very/long/pa"..., O_RDONLY', '-1', 'ENOENT'), { path: '/very/long/pa', pathCut: true }],
    ['creat', call('creat', '"out.txt", 0644', '-1', 'EROFS'), { path: 'out.txt', flags: 'O_CREAT|O_WRONLY|O_TRUNC' }],
    ['renameat2', call('renameat2', 'AT_FDCWD, "a.tmp", AT_FDCWD, "a", RENAME_NOREPLACE', '-1', 'ENOENT'), { path: 'a.tmp', path2: 'a' }],
    ['mkdirat', call('mkdirat', 'AT_FDCWD</w>, "var/cache/app", 0777', '-1', 'ENOENT'), { dir: '/w', path: 'var/cache/app' }],
    ['execve with -v environment', call('execve', '"/usr/bin/curl", ["curl", "-sS", "$URL"], ["URL=http://h:1/", "PATH=/bin"]'), { path: '/usr/bin/curl', argv: ['curl', '-sS', '$URL'], env: ['URL=http://h:1/', 'PATH=/bin'] }],
    ['execve without -v', call('execve', '"/bin/sh", ["sh", "-c", "x"], 0x7ffd /* 3 vars */'), { path: '/bin/sh', argv: ['sh', '-c', 'x'] }],
    ['socket', call('socket', 'AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP', '3'), { family: 'AF_INET', sockType: 'SOCK_DGRAM' }],
    ['SO_ERROR by name', call('getsockopt', '5<TCP:[1]>, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]'), { soError: 'ECONNREFUSED' }],
    ['SO_ERROR by number (old strace)', call('getsockopt', '5, SOL_SOCKET, SO_ERROR, [111], [4]'), { soError: 'ECONNREFUSED' }],
    ['a thread clone', call('clone', 'child_stack=0x7f, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM', '12'), { thread: true }],
    ['exit status', call('exit_group', '75', '?'), { status: 75 }],
    ['setresuid', call('setresuid', '65534, 65534, 65534'), { uid: 65534 }],
    ['stderr text', call('write', '2</dev/pts/0>, "sh: 1: sendmail: not found\\n", 27', '27'), { fd: 2, data: 'sh: 1: sendmail: not found\n' }],
    ['a -yy TCP socket on recv, peeked', call('recvfrom', '5<TCP:[127.0.0.1:40000->127.0.0.1:80]>, "x", 1, MSG_PEEK, NULL, NULL', '1'), { fdRef: { kind: 'socket', protocol: 'TCP', local: { ip: '127.0.0.1', port: 40000 }, peer: { ip: '127.0.0.1', port: 80 } }, peek: true }],
    ['a unix socket with a path', call('write', '3<UNIX-STREAM:[58393->58392,"/run/php/php-fpm.sock"]>, "x", 1', '1'), { fdRef: { kind: 'socket', protocol: 'UNIX-STREAM', path: '/run/php/php-fpm.sock' } }],
    ['an interrupted sleep', call('clock_nanosleep', 'CLOCK_REALTIME, 0, {tv_sec=3, tv_nsec=0}, {tv_sec=2, tv_nsec=258432621}', '?', 'ERESTART_RESTARTBLOCK'), { wait: { requested: 3, remaining: 2.258432621 } }],
  ])('%s', (_name, ev, want) => {
    expect(ev.decoded).toMatchObject(want);
  });

  it('puts the fd of a plain read or close on the event, with no decoded object', () => {
    const r = call('read', '3</usr/lib/libc.so.6>, "\\177ELF", 832', '832');
    expect([r.fd, r.decoded]).toEqual([3, undefined]);
    expect(call('close', '7', '0').fd).toBe(7);
    expect(call('read', 'AT_FDCWD, "x"').fd).toBeUndefined();
  });

  it('leaves a successful open undecoded (its line is its provenance) and decodes a failed one', () => {
    expect(call('openat', 'AT_FDCWD, "/etc/hosts", O_RDONLY', '3').decoded).toBeUndefined();
    expect(call('openat', 'AT_FDCWD, "/etc/hosts", O_RDONLY', '-1', 'EACCES').decoded).toMatchObject({ path: '/etc/hosts' });
  });

  it('reads a DNS query and its answer out of socket buffers', () => {
    const q = call('sendto', '3<UDP:[127.0.0.1:37692->127.0.0.1:53]>, "\\36\\31\\1\\0\\0\\1\\0\\0\\0\\0\\0\\0\\7service\\10internal\\7example\\0\\0\\1\\0\\1", 42, MSG_NOSIGNAL, NULL, 0', '42');
    expect(q.decoded?.dns).toEqual({ id: 0x1e19, response: false, name: 'service.internal.example', type: 'A' });
    const bytes = '\x1e\x19\x81\x83\x00\x01\x00\x00\x00\x00\x00\x00\x01x\x00\x00\x1c\x00\x01';
    expect(dnsMessage(bytes)).toEqual({ id: 0x1e19, response: true, name: 'x', type: 'AAAA', rcode: 'NXDOMAIN', answers: 0 });
  });
});

describe('times out of range (issue 9 item 5)', () => {
  it('warns with the line and reads the line without a time instead of failing the run', async () => {
    const input = await straceInput('big-epoch.strace', textChunks('99999999999999999999.999999 write(1, "a", 1) = 1 <0.000010>\n1700000000.000001 write(1, "b", 1) = 1 <0.000010>\n'));
    expect(input.info.warnings).toEqual([expect.stringMatching(/^line 1 \(byte 0\): time 99999999999999999999\.999999 is out of range/)]);
    const m = input.model!;
    expect(m.kind).toBe('strace');
    // the second line keeps its time
    expect(input.info.events).toBe(2);
  });
});
