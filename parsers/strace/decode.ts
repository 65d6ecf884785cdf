/**
 * The arguments detectors need, decoded once from strace's argument text:
 * fds and their `-y`/`-yy` decorations, paths, open flags, socket families
 * and addresses, execve's argv and environment, SO_ERROR values, DNS
 * messages in a socket buffer, a wait's timeouts. Analysis and detectors read
 * `SyscallEvent.decoded`, never the text.
 *
 * Cost: only calls named in DECODERS are looked at (one Map lookup per call
 * line); the hot ones (read, write, close, …) decode their leading fd and a
 * socket decoration only, never a file decoration's path, which nothing reads
 * on them. Strings kept are fresh copies, so no decoded field pins a chunk.
 */
import type { CallArgs, DnsMessage, Endpoint, FdRef, SockAddr, SyscallEvent, WaitTimes } from '../../src/model/index.js';
import { ownString } from '../../src/model/strings.js';

type Decoder = (a: string, ev: SyscallEvent) => CallArgs | undefined;

/** Errno numbers that old strace prints raw in getsockopt(SO_ERROR) (x86-64/arm64 Linux values). */
const ERRNO_BY_NUMBER: Record<number, string> = {
  0: '0',
  2: 'ENOENT',
  13: 'EACCES',
  99: 'EADDRNOTAVAIL',
  101: 'ENETUNREACH',
  103: 'ECONNABORTED',
  104: 'ECONNRESET',
  110: 'ETIMEDOUT',
  111: 'ECONNREFUSED',
  113: 'EHOSTUNREACH',
};

const DNS_TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 65: 'HTTPS' };
const DNS_RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const DNS_PORT = 53;
const STDERR_TEXT = 200; /* chars of a stderr write kept */

/** Calls that wait with a timeout: their times are decoded when a signal interrupted them. */
const WAITS: ReadonlySet<string> = new Set([
  'nanosleep',
  'clock_nanosleep',
  'clock_nanosleep_time64',
  'poll',
  'ppoll',
  'ppoll_time64',
  'select',
  '_newselect',
  'pselect6',
  'pselect6_time64',
  'epoll_wait',
  'epoll_pwait',
  'epoll_pwait2',
  'futex',
]);

/** What decoding a call by its name needs (see `callKind`). */
export const CallKind = {
  /** no decoder and no wait: decodeCall never finds anything */
  None: 0,
  /** read, close, …: the leading fd, `decoded` only for a socket decoration */
  Fd: 1,
  /** write, writev: as Fd, and fd 2's text */
  Write: 2,
  /** anything else: decodeCall on the whole argument text */
  Other: 3,
  /** open, openat, openat2, creat: decoded only when the call failed (their decoders read nothing else) */
  Open: 4,
} as const;
export type CallKind = (typeof CallKind)[keyof typeof CallKind];

/** The kind of a call name; the parser keeps it with the name, so a line looks neither up. */
export function callKind(name: string): CallKind {
  const d = DECODERS.get(name);
  if (WAITS.has(name)) return CallKind.Other;
  if (d === undefined) return CallKind.None;
  if (d === fdOnly) return CallKind.Fd;
  if (name === 'write' || name === 'writev') return CallKind.Write;
  if (d === open || d === openat || d === creat) return CallKind.Open;
  return CallKind.Other;
}

/**
 * decodeCall on a call line's argument bytes `b[a, e)` (latin1, so the same
 * characters as `ev.args`), for the kinds that decode only a leading fd
 * (None, Fd, Write): sets `ev.fd` exactly as decodeCall would, without
 * reading the argument string. False when decodeCall must run (a socket
 * decoration, a write to fd 2, another kind). `whole` is false for the
 * first half of a split call: then true means the joined arguments decode
 * the same (the fd and what follows it are all in this half).
 */
export function decodeFdBytes(kind: CallKind, ev: SyscallEvent, b: Uint8Array, a: number, e: number, whole: boolean): boolean {
  if (kind === CallKind.None) return true;
  if (kind === CallKind.Other) return false;
  // a successful open decodes to nothing; a split one's errno is in its other half
  if (kind === CallKind.Open) return whole && ev.errno === undefined;
  // the halves are joined after trimming this one's end: only a visible last byte stays where it is
  if (!whole && (a === e || b[e - 1] <= 32 || b[e - 1] >= 127)) return false;
  // scanFd
  let v = 0;
  let i = a;
  for (; i < e; i++) {
    const c = b[i];
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (i === a || i - a > 10) return true;
  if (i < e) {
    const c = b[i];
    if (c !== 60 && c !== 44 && c !== 41) return true;
  } else if (!whole) return false;
  // a decoration's first letter may be in the other half
  if (!whole && b[i] === 60 && i + 1 >= e) return false;
  ev.fd = v;
  // a socket's decoration (or fd 2's text) is decodeCall's
  if (i + 1 < e && b[i] === 60 /* < */ && socketInitial(b[i + 1])) return false;
  return kind === CallKind.Fd || v !== 2;
}

/**
 * For the first half of a split call that decodeFdBytes could not read alone: the fd that
 * decodeCall finds in the joined arguments when the other half adds none (`<... close
 * resumed>) = 0`), -1 when that is not known from this half. The halves' args `b[a, e)` are
 * then all the call's arguments: only digits (1 to 10 of them), of a kind whose decodeCall
 * sets the fd and nothing else (Fd, or Write to an fd other than 2).
 */
export function splitFd(kind: CallKind, b: Uint8Array, a: number, e: number): number {
  if ((kind !== CallKind.Fd && kind !== CallKind.Write) || a === e || e - a > 10) return -1;
  let v = 0;
  for (let i = a; i < e; i++) {
    const c = b[i];
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return kind === CallKind.Write && v === 2 ? -1 : v;
}

/** Decodes `ev.args` into `ev.decoded` when the call is one detectors read. */
export function decodeCall(ev: SyscallEvent): void {
  const d = DECODERS.get(ev.name);
  let out = d === undefined ? undefined : d(ev.args, ev);
  const errno = ev.errno;
  if (errno !== undefined && (errno === 'EINTR' || errno.startsWith('ERESTART')) && WAITS.has(ev.name)) {
    const w = waitTimes(ev.name, ev.args);
    if (w.requested !== undefined || w.remaining !== undefined) (out ??= {}).wait = w;
  }
  if (out !== undefined) ev.decoded = out;
}

// ---- the decoders, by call ---------------------------------------------------------------

/**
 * read, write, close, …: the fd goes on the event itself (no object for the
 * common case); `decoded` only when the fd is a socket (its ends) — a file's
 * decoration is never read on these calls.
 */
const fdOnly: Decoder = (a, ev) => {
  const i = scanFd(a, ev);
  // bounds first: a character read past the end (NaN) deoptimized this code on the first `close(3)`
  if (i < 0 || i + 1 >= a.length || a.charCodeAt(i) !== 60 /* < */ || !socketInitial(a.charCodeAt(i + 1))) return undefined;
  const ref = fdRef(a.slice(i + 1, decorationEnd(a, i) - 1));
  return ref.kind === 'socket' ? { fd: ev.fd, fdRef: ref } : undefined;
};

const fdSockBuf: Decoder = (a, ev) => {
  const i = scanFd(a, ev);
  if (i < 0) return undefined;
  const write = ev.name === 'write' || ev.name === 'writev';
  let ref: Extract<FdRef, { kind: 'socket' }> | undefined;
  let end = i;
  if (a.charCodeAt(i) === 60 /* < */) {
    end = decorationEnd(a, i);
    if (socketInitial(a.charCodeAt(i + 1))) {
      const r = fdRef(a.slice(i + 1, end - 1));
      if (r.kind === 'socket') ref = r;
    }
  }
  // a plain write to a file: nothing more to read
  if (write && ref === undefined && ev.fd !== 2) return undefined;
  const out: CallArgs = { fd: ev.fd };
  if (ref !== undefined) out.fdRef = ref;
  if (ev.fd === 2 && write) {
    const q = a.indexOf('"', end);
    if (q >= 0) {
      const v = cstr(a, q).value;
      out.data = v.length > STDERR_TEXT ? `${v.slice(0, STDERR_TEXT - 3)}...` : v;
    }
  }
  let addr: SockAddr | undefined;
  if (ev.name === 'sendto' || ev.name === 'recvfrom' || ev.name === 'sendmsg' || ev.name === 'recvmsg') {
    const k = a.indexOf('{sa_family=', end);
    if (k >= 0) addr = sockaddrAt(a, k);
    if (addr !== undefined) out.addr = addr;
  }
  if (ref?.peer?.port === DNS_PORT || ref?.local?.port === DNS_PORT || addr?.port === DNS_PORT) {
    const q = a.indexOf('"', end);
    if (q >= 0 && (ev.retval === null || ev.retval > 0)) {
      const dns = dnsMessage(cstr(a, q).value);
      if (dns !== undefined) out.dns = dns;
    }
  }
  if ((ev.name === 'recvfrom' || ev.name === 'recvmsg' || ev.name === 'recv') && a.includes('MSG_PEEK')) out.peek = true;
  return out;
};

/** T(CP), U(DP/NIX), N(ETLINK), s(ocket), R(AW): the first letter of a socket decoration */
function socketInitial(c: number): boolean {
  return c === 84 || c === 85 || c === 78 || c === 115 || c === 82;
}

/** Reads the leading fd onto the event; the index after its digits, -1 when the call has none. */
function scanFd(a: string, ev: SyscallEvent): number {
  let v = 0;
  let i = 0;
  const n = a.length;
  for (; i < n; i++) {
    const c = a.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (i === 0 || i > 10) return -1;
  if (i < n) {
    const c = a.charCodeAt(i);
    if (c !== 60 && c !== 44 && c !== 41) return -1;
  }
  ev.fd = v;
  return i;
}

/*
 * Opens are decoded when they fail: a successful open's path is only its fd's
 * provenance, which its line already gives (and -y prints on every use), and
 * opens are among the commonest calls of a busy log.
 */
const open: Decoder = (a, ev) => {
  if (ev.errno === undefined) return undefined;
  const p = argStarts(a, 3);
  const out: CallArgs = {};
  pathArg(a, p[0], out, 'path');
  if (p[1] !== undefined) out.flags = copy(a.slice(p[1], argEnd(a, p[1])).trim());
  return out;
};

const openat: Decoder = (a, ev) => {
  if (ev.errno === undefined) return undefined;
  const p = argStarts(a, 4);
  const out: CallArgs = {};
  dirArg(a, p[0], out);
  if (p[1] !== undefined) pathArg(a, p[1], out, 'path');
  if (p[2] !== undefined) {
    const f = a.slice(p[2], argEnd(a, p[2])).trim();
    // openat2(…, {flags=O_RDONLY|O_CLOEXEC, resolve=…}, 24)
    if (ev.name === 'openat2') {
      const m = /flags=([A-Z_0-9|]+)/.exec(f);
      if (m !== null) out.flags = m[1];
    } else out.flags = copy(f);
  }
  return out;
};

const creat: Decoder = (a, ev) => {
  if (ev.errno === undefined) return undefined;
  const out: CallArgs = { flags: 'O_CREAT|O_WRONLY|O_TRUNC' };
  pathArg(a, 0, out, 'path');
  return out;
};

/** mkdir(path, mode), unlink(path), rmdir(path), truncate(path, len), chdir(path) */
const path1: Decoder = (a) => {
  const out: CallArgs = {};
  pathArg(a, 0, out, 'path');
  return out;
};

/** mkdirat(dirfd, path, …), unlinkat(dirfd, path, flags) */
const atPath: Decoder = (a) => {
  const p = argStarts(a, 3);
  const out: CallArgs = {};
  dirArg(a, p[0], out);
  if (p[1] !== undefined) pathArg(a, p[1], out, 'path');
  if (p[2] !== undefined && a.includes('AT_REMOVEDIR', p[2])) out.flags = 'AT_REMOVEDIR';
  return out;
};

const rename: Decoder = (a) => {
  const p = argStarts(a, 2);
  const out: CallArgs = {};
  pathArg(a, p[0], out, 'path');
  if (p[1] !== undefined) pathArg(a, p[1], out, 'path2');
  return out;
};

/** renameat(olddirfd, old, newdirfd, new[, flags]) */
const renameat: Decoder = (a) => {
  const p = argStarts(a, 4);
  const out: CallArgs = {};
  dirArg(a, p[0], out);
  if (p[1] !== undefined) pathArg(a, p[1], out, 'path');
  if (p[3] !== undefined) pathArg(a, p[3], out, 'path2');
  return out;
};

const execve: Decoder = (a, ev) => {
  const at = ev.name === 'execveat';
  const p = argStarts(a, at ? 4 : 3);
  const out: CallArgs = {};
  if (at) dirArg(a, p[0], out);
  const base = at ? 1 : 0;
  if (p[base] !== undefined) pathArg(a, p[base], out, 'path');
  const argv = p[base + 1] !== undefined ? stringList(a, p[base + 1]) : undefined;
  if (argv !== undefined) {
    out.argv = argv.list;
    if (argv.cut) out.argvCut = true;
  }
  // without -v strace prints "0x7ffd… /* 12 vars */": only -v shows the environment
  const envp = p[base + 2] !== undefined ? stringList(a, p[base + 2]) : undefined;
  if (envp !== undefined) {
    out.env = envp.list;
    if (envp.cut) out.argvCut = true;
  }
  return out;
};

const socket: Decoder = (a) => {
  const p = argStarts(a, 3);
  const out: CallArgs = { family: copyShort(a.slice(p[0], argEnd(a, p[0])).trim()) };
  if (p[1] !== undefined) {
    const t = a.slice(p[1], argEnd(a, p[1]));
    const bar = t.indexOf('|');
    out.sockType = copyShort((bar < 0 ? t : t.slice(0, bar)).trim());
  }
  if (out.family === 'AF_LOCAL' || out.family === 'AF_FILE') out.family = 'AF_UNIX';
  return out;
};

/** connect, bind, accept: the fd and the address struct. */
const fdAddr: Decoder = (a, ev) => {
  const out = leadingFd(a, true);
  if (out?.fd !== undefined) ev.fd = out.fd;
  if (out === undefined) return undefined;
  const k = a.indexOf('{sa_family=', fdEnd(a));
  if (k >= 0) {
    const addr = sockaddrAt(a, k);
    if (addr !== undefined) out.addr = addr;
  }
  return out;
};

const getsockopt: Decoder = (a, ev) => {
  const out = leadingFd(a, true);
  if (out?.fd !== undefined) ev.fd = out.fd;
  if (out === undefined) return undefined;
  const k = a.indexOf('SO_ERROR, [', fdEnd(a));
  if (k >= 0) {
    const e = a.indexOf(']', k);
    const v = a.slice(k + 11, e < 0 ? a.length : e);
    out.soError = /^\d+$/.test(v) ? (ERRNO_BY_NUMBER[Number(v)] ?? `errno ${v}`) : copyShort(v);
  }
  return out;
};

const clone: Decoder = (a) => (a.includes('CLONE_THREAD') ? { thread: true } : undefined);

const exit: Decoder = (a) => {
  const v = Number.parseInt(a, 10);
  return Number.isFinite(v) ? { status: v } : undefined;
};

/** setuid(u), setreuid(r, e), setresuid(r, e, s): the effective uid after the call */
const setuid: Decoder = (a, ev) => {
  const p = argStarts(a, 3);
  const k = ev.name === 'setuid' || ev.name === 'setfsuid' ? p[0] : p[1];
  if (k === undefined) return undefined;
  const v = Number.parseInt(a.slice(k, argEnd(a, k)), 10);
  return Number.isFinite(v) && v >= 0 ? { uid: v } : undefined;
};

const DECODERS = new Map<string, Decoder>([
  ['read', fdOnly],
  ['readv', fdOnly],
  ['write', fdSockBuf],
  ['writev', fdSockBuf],
  ['pread64', fdOnly],
  ['pwrite64', fdOnly],
  ['close', fdOnly],
  ['dup', fdOnly],
  ['dup2', fdOnly],
  ['dup3', fdOnly],
  ['shutdown', fdOnly],
  ['getsockname', fdAddr],
  ['getpeername', fdAddr],
  ['send', fdSockBuf],
  ['sendto', fdSockBuf],
  ['sendmsg', fdSockBuf],
  ['sendmmsg', fdSockBuf],
  ['recv', fdSockBuf],
  ['recvfrom', fdSockBuf],
  ['recvmsg', fdSockBuf],
  ['recvmmsg', fdSockBuf],
  ['open', open],
  ['openat', openat],
  ['openat2', openat],
  ['creat', creat],
  ['mkdir', path1],
  ['rmdir', path1],
  ['unlink', path1],
  ['truncate', path1],
  ['mkdirat', atPath],
  ['unlinkat', atPath],
  ['rename', rename],
  ['renameat', renameat],
  ['renameat2', renameat],
  ['execve', execve],
  ['execveat', execve],
  ['socket', socket],
  ['connect', fdAddr],
  ['bind', fdAddr],
  ['accept', fdAddr],
  ['accept4', fdAddr],
  ['getsockopt', getsockopt],
  ['clone', clone],
  ['clone3', clone],
  ['exit', exit],
  ['exit_group', exit],
  ['setuid', setuid],
  ['setfsuid', setuid],
  ['setreuid', setuid],
  ['setresuid', setuid],
]);

// ---- pieces ------------------------------------------------------------------------------

/**
 * The leading fd ("5", "5</path>", "5<TCP:[…]>"). File decorations are
 * decoded only when `files` is set: on read/write nothing reads them.
 */
function leadingFd(a: string, files: boolean): CallArgs | undefined {
  let v = 0;
  let i = 0;
  const n = a.length;
  for (; i < n; i++) {
    const c = a.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (i === 0 || i > 10) return undefined;
  const out: CallArgs = { fd: v };
  if (a.charCodeAt(i) === 60 /* < */) {
    const c = a.charCodeAt(i + 1);
    // sockets start TCP, UDP, UNIX, NETLINK, socket:
    if (files || c === 84 || c === 85 || c === 78 || c === 115) {
      const ref = fdRef(a.slice(i + 1, decorationEnd(a, i) - 1));
      if (files || ref.kind === 'socket') out.fdRef = ref;
    }
  } else if (i < n && a.charCodeAt(i) !== 44 && a.charCodeAt(i) !== 41) return undefined;
  return out;
}

/** Index after the leading fd and its decoration. */
function fdEnd(a: string): number {
  let i = 0;
  while (i < a.length && a.charCodeAt(i) >= 48 && a.charCodeAt(i) <= 57) i++;
  return a.charCodeAt(i) === 60 ? decorationEnd(a, i) : i;
}

/** Index just past the `>` closing a decoration opened at `lt`. */
function decorationEnd(a: string, lt: number): number {
  let inStr = false;
  for (let k = lt + 1; k < a.length; k++) {
    const c = a.charCodeAt(k);
    if (inStr) {
      if (c === 92) k++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 62 /* > */) {
      const nx = a.charCodeAt(k + 1);
      // a `>` inside a path is followed by more path; the closing one by `,`, `)`, a space or the end
      if (Number.isNaN(nx) || nx === 44 || nx === 41 || nx === 32 || nx === 93 || nx === 125) return k + 1;
    }
  }
  return a.length;
}

const SOCKET_PROTOCOLS = /^(TCP|TCPv6|UDP|UDPv6|UDPLITE|UDPLITEv6|UNIX|UNIX-STREAM|UNIX-DGRAM|UNIX-SEQPACKET|NETLINK|RAW|RAWv6|socket):/;

/** The text inside `<…>`: a path, a socket's ends, or something else (pipe:[…], anon_inode:…). */
export function fdRef(inner: string): FdRef {
  const m = SOCKET_PROTOCOLS.exec(inner);
  if (m !== null) {
    const ref: FdRef = { kind: 'socket', protocol: m[1] };
    const rest = inner.slice(m[0].length);
    if (rest.startsWith('[') && rest.endsWith(']')) {
      const body = rest.slice(1, -1);
      if (m[1].startsWith('UNIX')) {
        // "12345->12346,\"/run/x.sock\"" or "12345,\"@abstract\""
        const q = body.indexOf(',"');
        if (q >= 0) ref.path = unquote(body.slice(q + 1));
        else if (body.startsWith('"')) ref.path = unquote(body);
      } else {
        const arrow = body.indexOf('->');
        const l = hostPort(arrow < 0 ? body : body.slice(0, arrow));
        if (l !== undefined) ref.local = l;
        if (arrow >= 0) {
          const p = hostPort(body.slice(arrow + 2));
          if (p !== undefined) ref.peer = p;
        }
      }
    }
    return ref;
  }
  if (inner.startsWith('/')) return { kind: 'file', path: copy(inner) };
  return { kind: 'other', text: copy(inner) };
}

/** "127.0.0.1:80" or "[::1]:80" */
export function hostPort(s: string): Endpoint | undefined {
  let ip: string;
  let portText: string;
  if (s.startsWith('[')) {
    const e = s.indexOf(']:');
    if (e < 0) return undefined;
    ip = s.slice(1, e);
    portText = s.slice(e + 2);
  } else {
    const e = s.lastIndexOf(':');
    if (e < 0) return undefined;
    ip = s.slice(0, e);
    portText = s.slice(e + 1);
  }
  if (portText.length === 0 || portText.length > 5 || !/^\d+$/.test(portText)) return undefined;
  return { ip: copy(ip), port: Number(portText) };
}

/** A sockaddr struct starting at `{` (k). */
export function sockaddrAt(a: string, k: number): SockAddr | undefined {
  const e = structEnd(a, k);
  const body = a.slice(k, e);
  const fm = /sa_family=(AF_[A-Z0-9]+)/.exec(body);
  if (fm === null) return undefined;
  // AF_LOCAL and old strace's AF_FILE are AF_UNIX
  const family = fm[1] === 'AF_LOCAL' || fm[1] === 'AF_FILE' ? 'AF_UNIX' : fm[1];
  const out: SockAddr = { family };
  if (family === 'AF_INET' || family === 'AF_INET6') {
    const pm = /sin6?_port=htons\((\d+)\)/.exec(body);
    if (pm !== null) out.port = Number(pm[1]);
    const im = family === 'AF_INET' ? /inet_addr\("([^"]+)"\)/.exec(body) : /inet_pton\(AF_INET6, "([^"]+)"/.exec(body);
    if (im !== null) out.ip = copy(im[1]);
  } else if (family === 'AF_UNIX') {
    // old strace: path="…"
    const k = body.indexOf('sun_path=');
    const s = k >= 0 ? k : body.indexOf(' path=') - 3;
    if (s >= -3 && (k >= 0 || s >= 0)) {
      const at = body.charCodeAt(s + 9) === 64; /* @ */
      const q = s + 9 + (at ? 1 : 0);
      if (body.charCodeAt(q) === 34) out.path = (at ? '@' : '') + cstr(body, q).value;
    }
  }
  return out;
}

function structEnd(a: string, k: number): number {
  let depth = 0;
  let inStr = false;
  for (let i = k; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i + 1;
  }
  return a.length;
}

/** Start indexes of the first `max` top-level arguments. */
export function argStarts(a: string, max: number): number[] {
  const out = [skipSpace(a, 0)];
  let i = 0;
  while (out.length < max) {
    i = argEnd(a, i);
    if (i >= a.length) break;
    i = skipSpace(a, i + 1);
    out.push(i);
  }
  return out;
}

function skipSpace(a: string, i: number): number {
  while (i < a.length && a.charCodeAt(i) === 32) i++;
  return i;
}

/** Index of the comma (or the end) that ends the argument starting at i. */
export function argEnd(a: string, i: number): number {
  let depth = 0;
  let inStr = false;
  for (; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91 || c === 40) depth++;
    else if (c === 125 || c === 93 || c === 41) depth--;
    else if (c === 60 /* < */ && i > 0) {
      // a -y decoration after an fd or AT_FDCWD
      const p = a.charCodeAt(i - 1);
      if ((p >= 48 && p <= 57) || p === 68 /* D */) i = decorationEnd(a, i) - 1;
    } else if (c === 44 && depth === 0) return i;
  }
  return a.length;
}

function pathArg(a: string, k: number | undefined, out: CallArgs, field: 'path' | 'path2'): void {
  if (k === undefined || a.charCodeAt(k) !== 34) return;
  const s = cstr(a, k);
  out[field] = s.value;
  if (s.cut) out.pathCut = true;
}

/** A dirfd argument: `AT_FDCWD</srv/www>` or `5</srv/www>` names the directory a relative path starts from. */
function dirArg(a: string, k: number | undefined, out: CallArgs): void {
  if (k === undefined) return;
  const lt = a.indexOf('<', k);
  const e = argEnd(a, k);
  if (lt < 0 || lt > e) {
    const v = Number.parseInt(a.slice(k, e), 10);
    if (Number.isFinite(v)) out.fd = v;
    return;
  }
  const v = Number.parseInt(a.slice(k, lt), 10);
  if (Number.isFinite(v)) out.fd = v;
  const inner = a.slice(lt + 1, decorationEnd(a, lt) - 1);
  if (inner.startsWith('/')) out.dir = copy(inner);
}

/** `["a", "b"...]` → the strings; undefined for a pointer ("0x7ffd… /* 12 vars *\/"). */
function stringList(a: string, k: number): { list: string[]; cut: boolean } | undefined {
  if (a.charCodeAt(k) !== 91 /* [ */) return undefined;
  const list: string[] = [];
  let i = k + 1;
  let cut = false;
  while (i < a.length) {
    const c = a.charCodeAt(i);
    if (c === 34) {
      const s = cstr(a, i);
      list.push(s.value);
      if (s.cut) cut = true;
      i = s.end;
    } else if (c === 93) break;
    else if (c === 46 && a.startsWith('...', i)) {
      cut = true;
      i += 3;
    } else i++;
  }
  return { list, cut };
}

/** A C string literal at `q` (`"`): its value (escapes undone), the index after it, cut by `-s`. */
export function cstr(a: string, q: number): { value: string; end: number; cut: boolean } {
  // most strings have no escape: up to the next quote, in two builtin scans (the loop below reads a character at a time)
  const close = a.indexOf('"', q + 1);
  const raw = a.slice(q + 1, close < 0 ? a.length : close);
  if (!raw.includes('\\')) {
    const e = close < 0 ? a.length : close + 1;
    const c = a.startsWith('...', e);
    return { value: copy(raw), end: c ? e + 3 : e, cut: c };
  }
  return cstrGeneral(a, q);
}

/** `cstr`'s general reader: a character at a time, escapes undone (what the shortcut above must agree with). */
export function cstrGeneral(a: string, q: number): { value: string; end: number; cut: boolean } {
  let out = '';
  let i = q + 1;
  let run = i;
  for (; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c === 34) break;
    if (c !== 92) continue;
    out += a.slice(run, i);
    const n = a.charCodeAt(i + 1);
    if (n >= 48 && n <= 55) {
      // octal, up to three digits
      let v = 0;
      let j = i + 1;
      for (let d = 0; d < 3 && j < a.length; d++, j++) {
        const x = a.charCodeAt(j);
        if (x < 48 || x > 55) break;
        v = v * 8 + (x - 48);
      }
      out += String.fromCharCode(v & 0xff);
      i = j - 1;
    } else if (n === 120 /* x */) {
      const v = Number.parseInt(a.slice(i + 2, i + 4), 16);
      out += String.fromCharCode(Number.isFinite(v) ? v : 0);
      i += 3;
    } else {
      out += n === 110 ? '\n' : n === 116 ? '\t' : n === 114 ? '\r' : n === 118 ? '\v' : n === 102 ? '\f' : String.fromCharCode(n);
      i += 1;
    }
    run = i + 1;
  }
  out += a.slice(run, i);
  const end = Math.min(a.length, i + 1);
  const cut = a.startsWith('...', end);
  return { value: copy(out), end: cut ? end + 3 : end, cut };
}

function unquote(s: string): string {
  return s.startsWith('"') ? cstr(s, 0).value : copy(s);
}

/** A DNS header and first question from a buffer's bytes (latin1: one char per byte). */
export function dnsMessage(b: string): DnsMessage | undefined {
  if (b.length < 12) return undefined;
  const u8 = (i: number): number => b.charCodeAt(i) & 0xff;
  const flags = (u8(2) << 8) | u8(3);
  const qd = (u8(4) << 8) | u8(5);
  const an = (u8(6) << 8) | u8(7);
  // opcode 0 (QUERY) and one question: glibc, musl and every stub resolver ask that way
  if (((flags >> 11) & 0xf) !== 0 || qd !== 1) return undefined;
  const m: DnsMessage = { id: (u8(0) << 8) | u8(1), response: (flags & 0x8000) !== 0 };
  const labels: string[] = [];
  let i = 12;
  while (i < b.length) {
    const n = u8(i);
    if (n === 0) {
      i++;
      break;
    }
    if (n > 63 || i + 1 + n > b.length) return m;
    labels.push(b.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  m.name = labels.length === 0 ? '.' : labels.join('.');
  if (i + 2 <= b.length) {
    const t = (u8(i) << 8) | u8(i + 1);
    m.type = DNS_TYPES[t] ?? String(t);
  }
  if (m.response) {
    m.rcode = DNS_RCODES[flags & 0xf] ?? String(flags & 0xf);
    m.answers = an;
  }
  return m;
}

// ---- wait times (sigcont-no-restart, spans of interrupted calls) --------------------------

/**
 * A timespec/timeval struct in seconds: `{tv_sec=3, tv_nsec=0}`,
 * `{tv_sec=1, tv_usec=500}`, old `{3, 0}` (`subUnit` says what the second
 * number counts in the old form). Undefined for NULL, pointers, anything else.
 */
export function structSeconds(text: string | undefined, subUnit: 'ns' | 'us' = 'ns'): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  const named = /tv_sec=(-?\d+),\s*tv_(nsec|usec)=(\d+)/.exec(t);
  if (named !== null) return Number(named[1]) + Number(named[3]) / (named[2] === 'nsec' ? 1e9 : 1e6);
  const old = /^\{\s*(-?\d+),\s*(\d+)\s*\}/.exec(t);
  if (old !== null) return Number(old[1]) + Number(old[2]) / (subUnit === 'ns' ? 1e9 : 1e6);
  return undefined;
}

/** Splits an argument list at its top-level commas. */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < args.length) {
    const e = argEnd(args, i);
    out.push(args.slice(i, e).trim());
    i = e + 1;
    if (e >= args.length) break;
  }
  return out;
}

/** Requested and remaining time of the calls that wait with a timeout. */
export function waitTimes(name: string, args: string): WaitTimes {
  const a = splitArgs(args);
  const out: WaitTimes = {};
  const ms = (s: string | undefined): void => {
    if (s === undefined) return;
    const v = Number(s);
    if (Number.isFinite(v) && v >= 0) {
      out.requested = v / 1000;
      out.requestedText = `${s} ms`;
    }
  };
  const ts = (s: string | undefined, unit: 'ns' | 'us' = 'ns'): void => {
    const v = structSeconds(s, unit);
    if (v !== undefined) {
      out.requested = v;
      out.requestedText = copy(s!);
    }
  };
  const rem = (s: string | undefined): void => {
    const v = structSeconds(s, 'ns');
    if (v !== undefined) {
      out.remaining = v;
      out.remainingText = copy(s!);
    }
  };
  switch (name) {
    case 'nanosleep':
      ts(a[0]);
      rem(a[1]);
      break;
    case 'clock_nanosleep':
    case 'clock_nanosleep_time64':
      ts(a[2]);
      if (a[1] !== undefined && a[1].includes('TIMER_ABSTIME')) out.absolute = true;
      rem(a[3]);
      break;
    case 'poll':
      ms(a[2]);
      break;
    case 'ppoll':
    case 'ppoll_time64':
      ts(a[2]);
      break;
    case 'select':
    case '_newselect':
      ts(a[4], 'us');
      break;
    case 'pselect6':
    case 'pselect6_time64':
      ts(a[4]);
      break;
    case 'epoll_wait':
    case 'epoll_pwait':
      ms(a[3]);
      break;
    case 'epoll_pwait2':
      ts(a[3]);
      break;
    case 'futex':
      ts(a[3]);
      break;
    default:
      break;
  }
  return out;
}

/** A string of its own, so a kept string does not pin the chunk it was sliced from (src/model/strings.ts). */
export const copy = ownString;

function copyShort(s: string): string {
  return copy(s);
}
