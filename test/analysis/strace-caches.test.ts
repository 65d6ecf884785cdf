/**
 * issue 14: the strace analysis looks a call's handling and a pid's thread up in small
 * tables in front of its Maps. Names and pids that share a table slot, and a pid whose
 * thread was evicted, must still find their own.
 */
import { describe, expect, it } from 'vitest';
import { parseStrace } from '../../parsers/strace/index.js';
import { COMPACT_LANES_AFTER, StraceAnalysis } from '../../src/analysis/strace/index.js';
import { Threads } from '../../src/analysis/strace/threads.js';
import { Diagnostics, type StraceModel } from '../../src/model/index.js';

async function* chunksOf(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text, 'latin1');
}

async function analyse(text: string): Promise<StraceModel> {
  const diag = new Diagnostics();
  const a = new StraceAnalysis({ path: 'in.strace', diag });
  const summary = await parseStrace(chunksOf(text), { path: 'in.strace', diag }, (e) => a.add(e));
  return a.finish(summary);
}

const FORK = 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f3e1b2a5a10)';

describe('call handling by name', () => {
  it('tells clone from close though they share a slot (same length, same first and last letters)', async () => {
    const model = await analyse(
      [
        '100  10:00:00.000001 close(3) = 0 <0.000010>',
        `100  10:00:00.000002 ${FORK} = 101 <0.000100>`,
        '100  10:00:00.000003 close(4) = 0 <0.000010>',
        `100  10:00:00.000004 ${FORK} = 102 <0.000100>`,
        '101  10:00:00.000005 exit_group(1) = ?',
        '101  10:00:00.000006 +++ exited with 1 +++',
        '102  10:00:00.000007 exit_group(2) = ?',
        '102  10:00:00.000008 +++ exited with 2 +++',
      ].join('\n') + '\n',
    );
    // each clone forked its child: both exits name their parent
    expect(model.exits.map((x) => [x.pid, x.code, x.parent])).toEqual([
      [101, 1, 100],
      [102, 2, 100],
    ]);
  });
});

describe('threads by pid', () => {
  it('keeps pids that share a slot (256 apart) as threads of their own', () => {
    const threads = new Threads('in.strace');
    const a = threads.get(7);
    const b = threads.get(7 + 256);
    expect(b).not.toBe(a);
    expect(threads.get(7)).toBe(a);
    expect(threads.get(7 + 256)).toBe(b);
    expect([a.pid, b.pid]).toEqual([7, 263]);
  });

  it('gives a pid a new thread once its old one was evicted', () => {
    const threads = new Threads('in.strace');
    // past COMPACT_LANES_AFTER live threads an ended thread leaves the table
    for (let pid = 1000; pid <= 1000 + COMPACT_LANES_AFTER; pid++) threads.get(pid);
    const old = threads.get(1005);
    threads.get(1006);
    threads.gone(old);
    const again = threads.get(1005);
    expect(again).not.toBe(old);
    expect(again.gone).toBe(false);
    expect(again.syscalls).toBe(0);
  });
});
