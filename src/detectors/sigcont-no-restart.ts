import type { Detector } from './types.js';

// Placeholder until its owner's work lands: finds nothing yet.
export const sigcontNoRestart: Detector = {
  id: 'sigcont-no-restart',
  description: 'A syscall interrupted by a stop (SIGSTOP…SIGCONT) that was neither restarted nor re-issued: the work was cut short.',
  detect: () => [],
};
