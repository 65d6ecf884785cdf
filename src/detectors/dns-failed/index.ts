import { fromStrace } from './strace.js';
import type { Detector } from '../types.js';

export const dnsFailed: Detector = {
  id: 'dns-failed',
  description: 'Name lookups with no answer (queries to port 53 never answered, the resolver refusing, resolv.conf or hosts unreadable) or answered NXDOMAIN/SERVFAIL.',
  detect: (run) => [...fromStrace(run)],
};
