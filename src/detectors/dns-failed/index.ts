/**
 * dns-failed: a name lookup that failed — no answer, NXDOMAIN, SERVFAIL, the
 * resolver unreachable or its files unreadable — from every source that shows
 * it. One file per source; this one combines them.
 */
import { fromStrace } from './strace.js';
import { fromWire } from './wire.js';
import type { Detector } from '../types.js';

export const dnsFailed: Detector = {
  id: 'dns-failed',
  description: 'A DNS lookup with no answer, or answered NXDOMAIN/SERVFAIL (captures over UDP and TCP; strace: queries never answered, the resolver refusing, resolv.conf or hosts unreadable).',
  detect: (run) => [...fromStrace(run), ...fromWire(run)],
};
