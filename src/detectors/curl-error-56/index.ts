import { fromCurl } from './curl.js';
import { fromWire } from './wire.js';
import { fromStrace } from './strace.js';
import type { Detector } from '../types.js';

export const curlError56: Detector = {
  id: 'curl-error-56',
  claimsCurlExitCodes: [56],
  description: 'A connection reset or receive failure while a response was awaited or being received (curl error 56), in curl output, logs, captures or strace.',
  detect: (run) => [...fromCurl(run), ...fromWire(run), ...fromStrace(run)],
};
