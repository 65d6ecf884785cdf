import type { Detector } from './types.js';

// Placeholder until its owner's work lands: finds nothing yet.
export const curlError: Detector = {
  id: 'curl-error',
  description: 'Any other transfer failure curl reported (DNS, connect, timeout, TLS, send errors, HTTP/2 stream errors).',
  detect: () => [],
};
