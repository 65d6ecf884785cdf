import type { Detector } from './types.js';

// Placeholder until its owner's work lands: finds nothing yet.
export const incompleteInCapture: Detector = {
  id: 'incomplete-in-capture',
  description: 'A response the capture did not see whole (capture ended, packets lost, snaplen cut): not proof of a truncated response.',
  detect: () => [],
};
