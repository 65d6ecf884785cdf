/**
 * connect-failed: a connection that never opened — refused, unanswered, no
 * such socket — from every source that shows it. One file per source; this
 * one combines them.
 */
import { fromCurl } from './curl.js';
import { fromStrace } from './strace.js';
import { fromWire } from './wire.js';
import type { Detector } from '../types.js';

export const connectFailed: Detector = {
  id: 'connect-failed',
  description:
    'A connection that never opened: connect() to an inet or unix socket failing (strace), a SYN answered by RST or SYNs with no SYN-ACK (captures), curl exit 7 or 28 while connecting.',
  /** 7 in full; 28 only while connecting (see curl.ts claimsCurl and the catch-all) */
  claimsCurlExitCodes: [7],
  detect: (run) => [...fromStrace(run), ...fromWire(run), ...fromCurl(run)],
};
