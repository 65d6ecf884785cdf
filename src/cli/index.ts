/** oclif's explicit command list: no directory scan at start-up. */
import Analyze from './commands/analyze.js';
import Batch from './commands/batch.js';
import Detectors from './commands/detectors.js';
import Diff from './commands/diff.js';
import Serve from './commands/serve.js';
import Worker from './commands/worker.js';

export const COMMANDS = {
  analyze: Analyze,
  batch: Batch,
  detectors: Detectors,
  diff: Diff,
  serve: Serve,
  worker: Worker,
};
