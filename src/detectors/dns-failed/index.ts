/**
 * dns-failed: a name lookup that failed — no answer, NXDOMAIN, SERVFAIL — from
 * every source that shows it. One file per source; this one combines them.
 */
import { fromWire } from './wire.js';
import type { Detector } from '../types.js';

export const dnsFailed: Detector = {
  id: 'dns-failed',
  description: 'A DNS lookup with no answer, or answered NXDOMAIN/SERVFAIL (captures, over UDP and TCP).',
  detect: (run) => [...fromWire(run)],
};
