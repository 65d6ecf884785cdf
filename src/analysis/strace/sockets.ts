/**
 * Reading socket ends out of strace argument text: `-yy` fd decorations
 * (`5<TCP:[127.0.0.1:40000->127.0.0.1:18000]>`) and sockaddr structs
 * (`{sa_family=AF_INET, sin_port=htons(18000), sin_addr=inet_addr("127.0.0.1")}`).
 */
import type { Endpoint } from '../../model/index.js';

/** The leading fd of an argument list ("5<…>, …" or "5, …"); -1 when there is none. */
export function leadingFd(args: string): number {
  let v = 0;
  let i = 0;
  const n = args.length;
  for (; i < n; i++) {
    const c = args.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (i === 0) return -1;
  const c = args.charCodeAt(i);
  return i === n || c === 44 /* , */ || c === 60 /* < */ || c === 41 ? v : -1;
}

export interface Decoration {
  protocol: string;
  local?: Endpoint;
  peer?: Endpoint;
}

/** The `<…>` after the leading fd when it names a socket; undefined for files and plain fds. */
export function fdDecoration(args: string): Decoration | undefined {
  let i = 0;
  while (i < args.length && args.charCodeAt(i) >= 48 && args.charCodeAt(i) <= 57) i++;
  if (i === 0 || args.charCodeAt(i) !== 60 /* < */) return undefined;
  const c = args.charCodeAt(i + 1);
  // TCP, TCPv6, UDP, UDPv6, UNIX, NETLINK, socket:[inode]
  if (c !== 84 && c !== 85 && c !== 115 && c !== 78) return undefined;
  const colon = args.indexOf(':', i);
  if (colon < 0 || colon - i > 12) return undefined;
  const protocol = args.slice(i + 1, colon);
  if (!/^(TCP|TCPv6|UDP|UDPv6|UNIX|UNIX-STREAM|NETLINK|socket)$/.test(protocol)) return undefined;
  const d: Decoration = { protocol };
  if (args.charCodeAt(colon + 1) !== 91 /* [ */) return d;
  const close = args.indexOf(']>', colon);
  if (close < 0) return d;
  const inner = args.slice(colon + 2, close);
  const arrow = inner.indexOf('->');
  const a = parseHostPort(arrow < 0 ? inner : inner.slice(0, arrow));
  if (a !== undefined) d.local = a;
  if (arrow >= 0) {
    const b = parseHostPort(inner.slice(arrow + 2));
    if (b !== undefined) d.peer = b;
  }
  return d;
}

/** "127.0.0.1:80" or "[::1]:80" */
export function parseHostPort(s: string): Endpoint | undefined {
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
  if (!/^\d+$/.test(portText)) return undefined;
  // copy: the text may be a slice of a large decoded chunk
  return { ip: copy(ip), port: Number(portText) };
}

/** An AF_INET/AF_INET6 sockaddr struct in the args, first one found. */
export function sockaddr(args: string): Endpoint | undefined {
  const fam = args.indexOf('sa_family=AF_INET');
  if (fam < 0) return undefined;
  const v6 = args.startsWith('sa_family=AF_INET6', fam);
  const pm = /sin6?_port=htons\((\d+)\)/.exec(args.slice(fam, fam + 200));
  if (pm === null) return undefined;
  let ip: string | undefined;
  const win = args.slice(fam, fam + 300);
  if (v6) {
    const m = /inet_pton\(AF_INET6, "([^"]+)"/.exec(win);
    if (m !== null) ip = m[1];
  } else {
    const m = /inet_addr\("([^"]+)"\)/.exec(win);
    if (m !== null) ip = m[1];
  }
  if (ip === undefined) return undefined;
  return { ip: copy(ip), port: Number(pm[1]) };
}

/** "AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP" → "TCP" */
export function socketProtocol(args: string): string {
  const v6 = args.startsWith('AF_INET6');
  if (args.startsWith('AF_UNIX') || args.startsWith('AF_LOCAL')) return 'UNIX';
  if (args.startsWith('AF_NETLINK')) return 'NETLINK';
  const dgram = args.includes('SOCK_DGRAM');
  const base = dgram ? 'UDP' : args.includes('SOCK_STREAM') ? 'TCP' : 'socket';
  return v6 && base !== 'socket' ? `${base}v6` : base;
}

/** A fresh flat copy, so a kept string does not pin the chunk it was sliced from. */
export function copy(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'latin1').toString('latin1');
}
