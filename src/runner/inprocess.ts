/** The CLI's runner: the case runs on this thread. */
import type { RunResult, RunSpec } from '../model/index.js';
import { runCase } from '../pipeline/index.js';
import type { Runner, RunOptions } from './types.js';

export class InProcessRunner implements Runner {
  async run(spec: RunSpec, opts: RunOptions = {}): Promise<RunResult> {
    return runCase(spec, { signal: opts.signal, onEvent: opts.onEvent });
  }
  async close(): Promise<void> {}
}
