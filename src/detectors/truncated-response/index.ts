import { fromCurl } from './curl.js';
import { fromWire } from './wire.js';
import type { Detector } from '../types.js';

export const truncatedResponse: Detector = {
  id: 'truncated-response',
  claimsCurlExitCodes: [18],
  description: 'A response body that ended (FIN or RST) before its framing said it would.',
  detect: (run) => [...fromCurl(run), ...fromWire(run)],
};
