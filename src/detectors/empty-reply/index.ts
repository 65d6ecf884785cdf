import { fromCurl } from './curl.js';
import { fromWire } from './wire.js';
import type { Detector } from '../types.js';

export const emptyReply: Detector = {
  id: 'empty-reply',
  claimsCurlExitCodes: [52],
  description: 'The server closed the connection before any response byte (curl error 52, Empty reply from server).',
  detect: (run) => [...fromCurl(run), ...fromWire(run)],
};
