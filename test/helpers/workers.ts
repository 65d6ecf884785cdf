/** `faultline worker` processes for queue tests: the built CLI, as an operator starts it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { binRun, repoRoot } from './paths.js';

export interface WorkerProcess {
  proc: ChildProcess;
  /** its name in Redis (a job's processedBy) */
  name: string;
  /** its stderr lines so far */
  lines: string[];
  /** SIGTERM (or the signal given) and wait for the exit */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Short locks so a killed worker's case is taken again within ~1.5 s, not 45 s. */
export const FAST_FLAGS = ['--lock-ms', '1000', '--stalled-ms', '500'];

export async function spawnWorker(url: string, args: string[] = []): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, [binRun, 'worker', '--queue', url, ...FAST_FLAGS, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const lines: string[] = [];
  let buf = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (/taking cases from/.test(line)) resolve();
      }
    });
    void exited.then((code) => reject(new Error(`the worker exited (${code}) before it was ready: ${lines.join(' | ')}`)));
  });
  return {
    proc,
    name: `${hostname()}#${proc.pid}`,
    lines,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
