import { eachFromCurl } from './curl.js';
import { fromWire } from './wire.js';
import { fromStrace } from './strace.js';
import { streamed, type Detector } from '../types.js';

export const curlError56: Detector = {
  id: 'curl-error-56',
  claimsCurlExitCodes: [56],
  description: 'A connection reset or receive failure while a response was awaited or being received (curl error 56), in curl output, logs, captures or strace.',
  // streamed: a log's thousands of failed transfers each made a finding as they are met
  detect: streamed((run, emit) => {
    eachFromCurl(run, emit);
    for (const d of fromWire(run)) emit(d);
    for (const d of fromStrace(run)) emit(d);
  }),
};
