/** oclif's explicit command list: no directory scan at start-up. */
import Analyze from './commands/analyze.js';
import Batch from './commands/batch.js';
import Detectors from './commands/detectors.js';
import Diff from './commands/diff.js';

export const COMMANDS = {
  analyze: Analyze,
  batch: Batch,
  detectors: Detectors,
  diff: Diff,
};
