/** oclif's explicit command list: no directory scan at start-up. */
import Analyze from './commands/analyze.js';
import Detectors from './commands/detectors.js';
import Diff from './commands/diff.js';

export const COMMANDS = {
  analyze: Analyze,
  detectors: Detectors,
  diff: Diff,
};
