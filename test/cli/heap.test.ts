/**
 * The heap settings analyze applies at run time (src/cli/heap.ts), in a process of their own (V8's
 * flags are the process's): the compiled module, as analyze and the bench children run it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const CAP = 8 << 20;

describe('tuneHeap', () => {
  it('holds the new space at its cap when a worker thread starts after the cap was reached', () => {
    const mod = path.join(repoRoot, 'dist/src/cli/heap.js');
    // objects that survive a collection or two (a ring), the event loop turning between batches
    // (the cap is applied from the collections' performance entries); a worker started once the
    // cap holds (its isolate's set-up resets V8's growth factor), then as much again
    const script = `
      import { once } from 'node:events';
      import { getHeapSpaceStatistics } from 'node:v8';
      import { Worker } from 'node:worker_threads';
      import { tuneHeap } from ${JSON.stringify(mod)};
      const size = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      const ring = new Array(200000);
      let n = 0;
      const survive = async (k) => {
        for (let i = 0; i < k; i++) {
          ring[n++ % ring.length] = { n, a: [n] };
          if (i % 10000 === 0) await new Promise(setImmediate);
        }
      };
      tuneHeap();
      while (size() < ${CAP}) await survive(100000);
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await once(w, 'online');
      let max = size();
      for (let k = 0; k < 30; k++) {
        await survive(100000);
        max = Math.max(max, size());
      }
      await w.terminate();
      console.log(max);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(Number(r.stdout.trim())).toBe(CAP);
  });
});
