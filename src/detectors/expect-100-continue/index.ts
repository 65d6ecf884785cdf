import { fromCurl } from './curl.js';
import { fromWire } from './wire.js';
import type { Detector } from '../types.js';

export const expect100Continue: Detector = {
  id: 'expect-100-continue',
  description: 'A request sent with Expect: 100-continue: how long its body waited and what ended the wait.',
  detect: (run) => [...fromCurl(run), ...fromWire(run)],
};
