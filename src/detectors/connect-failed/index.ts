/**
 * connect-failed: a connection that never opened — refused, unanswered — from
 * every source that shows it. One file per source; this one combines them.
 */
import { fromWire } from './wire.js';
import type { Detector } from '../types.js';

export const connectFailed: Detector = {
  id: 'connect-failed',
  description: 'A connection that never opened: SYN answered by RST, or SYNs retransmitted with no SYN-ACK (captures); connect() failing (strace).',
  detect: (run) => [...fromWire(run)],
};
