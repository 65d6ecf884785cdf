import type { Detector } from './types.js';

// Placeholder until its owner's work lands: finds nothing yet.
export const processStopped: Detector = {
  id: 'process-stopped',
  description: 'A thread frozen by a stop signal and continued, with its interrupted call restarted properly: how long and by whom.',
  detect: () => [],
};
