import os from 'node:os';
import { Command } from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import { FaultlineError } from '../../model/errors.js';
import { DEFAULT_STALLED } from '../../queue/defaults.js';
import { DEFAULT_WORKER_MEMORY_MB } from '../../runner/defaults.js';
import type { PoolRunner } from '../../runner/pool.js';
// The queue (bullmq, ioredis) and the worker pool (piscina) are imported in run(): `--help` loads neither.
import { EXIT } from '../exit-codes.js';

export default class Worker extends Command {
  static override summary = 'Run cases from a Redis queue (BullMQ), for batch --queue and serve --queue on other machines.';
  static override description = `Takes cases queued by 'faultline batch --queue' or 'faultline serve --queue' and runs them, --jobs at a time. Every worker must see the inputs at the same absolute path as the machine that queued them (a shared mount) and run the same faultline version; a case whose files are missing or changed fails at once, with the reason.

A worker killed mid-case loses nothing: after its lock expires (--lock-ms) another worker takes the case. A case that kills every worker that takes it fails after --max-stalled + 1 tries.

Stop with Ctrl-C or SIGTERM: the running cases finish first (a second Ctrl-C abandons them to other workers). Exit codes: 0 stopped; 1 Redis unreachable at start; 2 usage error.`;

  static override examples = [
    '<%= config.bin %> worker --queue redis://queue.internal:6379',
    '<%= config.bin %> worker --queue redis://10.0.0.5:6379/2 --jobs 4',
  ];

  static override flags = {
    queue: Flags.string({ required: true, summary: 'the Redis to take cases from: redis://HOST:PORT[/DB]' }),
    jobs: Flags.integer({ min: 1, max: 256, default: Math.max(1, os.availableParallelism()), summary: 'cases at once, each on its own thread (default: cores)' }),
    'memory-mb': Flags.integer({ min: 16, default: DEFAULT_WORKER_MEMORY_MB, summary: "heap limit per thread, MB: a case past it fails (E_LIMIT) and is tried again on another thread, then given up" }),
    'lock-ms': Flags.integer({ min: 500, default: DEFAULT_STALLED.lockDuration, summary: "ms a lost worker keeps its case before another may take it" }),
    'stalled-ms': Flags.integer({ min: 200, default: DEFAULT_STALLED.stalledInterval, summary: 'ms between checks for cases whose worker was lost' }),
    'max-stalled': Flags.integer({ min: 0, max: 20, default: DEFAULT_STALLED.maxStalledCount, summary: 'times a case may lose its worker and still be tried again' }),
    debug: Flags.boolean({ summary: 'show stack traces of internal errors' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Worker);
    const say = (line: string): void => void process.stderr.write(`faultline worker: ${line}\n`);
    const [{ parseQueueUrl, probeRedis, startWorker, QUEUE_NAME }, { PoolRunner }] = await Promise.all([import('../../queue/index.js'), import('../../runner/pool.js')]);
    let address;
    try {
      address = parseQueueUrl(flags.queue);
    } catch (err) {
      process.stderr.write(`faultline: ${(err as Error).message}\n`);
      return this.exit(EXIT.USAGE);
    }
    let runner: PoolRunner | undefined;
    let worker;
    try {
      // Redis first: an unreachable one is one line, before any thread starts.
      await probeRedis(address, QUEUE_NAME);
      // Cases run on pool threads: the main thread stays free to renew the jobs' locks however long a case runs.
      runner = new PoolRunner({ jobs: flags.jobs, memoryMb: flags['memory-mb'] });
      worker = await startWorker({
        address,
        jobs: flags.jobs,
        runner,
        stalled: { lockDuration: flags['lock-ms'], stalledInterval: flags['stalled-ms'], maxStalledCount: flags['max-stalled'] },
        log: say,
      });
    } catch (err) {
      await runner?.close();
      if (err instanceof FaultlineError) {
        process.stderr.write(`faultline: ${err.message}\n`);
        return this.exit(err.code === 'E_USAGE' ? EXIT.USAGE : EXIT.INTERNAL);
      }
      throw err;
    }
    say(`taking cases from ${address.display}, ${flags.jobs} at a time`);

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) {
          say('abandoning the running cases: other workers take them once their lock expires');
          void worker.close(true).finally(resolve);
          return;
        }
        stopping = true;
        say('stopping: the running cases finish first (Ctrl-C again to abandon them)');
        void worker.close().finally(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await runner.close();
    say('stopped');
  }

  /** oclif's parse errors come with the whole usage text: a user error is one line here. */
  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    if (err.oclif?.exit === EXIT.USAGE) {
      const lines = err.message.split('\n').map((l) => l.trim()).filter((l) => l && !/^The following errors? occurred:?$/.test(l) && !/^See more help/.test(l));
      // "Parsing --jobs" names the flag; the line after it says what was wrong
      const first = /^Parsing /.test(lines[0] ?? '') && lines[1] ? `${lines[0]}: ${lines[1]}` : (lines[0] ?? err.message);
      process.stderr.write(`faultline: ${first} (see faultline worker --help)\n`);
      return this.exit(EXIT.USAGE);
    }
    return super.catch(err);
  }
}
