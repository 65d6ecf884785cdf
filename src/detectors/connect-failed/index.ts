import { fromCurl } from './curl.js';
import { fromStrace } from './strace.js';
import type { Detector } from '../types.js';

export const connectFailed: Detector = {
  id: 'connect-failed',
  description: 'A connect() to an inet or unix socket that failed (refused, no such socket, timed out, unreachable), in strace or curl (exit 7, 28 while connecting).',
  detect: (run) => [...fromStrace(run), ...fromCurl(run)],
};
