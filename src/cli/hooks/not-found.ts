/**
 * `faultline analyz`: in a terminal, oclif's own not-found plugin asks
 * "Did you mean analyze?" and runs it on yes. Without a terminal (a script,
 * CI, a pipe) it can ask nothing and would only say the command is unknown:
 * there, say in one line which command was probably meant, and exit as a
 * usage error.
 */
import type { Hook } from '@oclif/core';
import { EXIT } from '../exit-codes.js';
import { visible } from '../../model/visible.js';

const hook: Hook<'command_not_found'> = async function (opts) {
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const plugin = (await import('@oclif/plugin-not-found')).default as Hook<'command_not_found'>;
    return plugin.call(this, opts);
  }
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id);
  // with a space as topic separator oclif joins the arguments into the id (`analyz:x.pcap`): the command is the first word
  const word = opts.id.split(':')[0];
  const guess = closest(word, ids);
  const typed = visible(word);
  process.stderr.write(
    `faultline: '${typed}' is not a faultline command${guess ? `; did you mean '${guess}'?` : ''} (faultline help lists the commands)\n`,
  );
  this.exit(EXIT.USAGE);
};
export default hook;

/** The command nearest by edit distance, when it is near enough to be a typo. */
export function closest(typed: string, ids: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const id of ids) {
    const d = editDistance(typed, id);
    if (d < bestD) {
      best = id;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
