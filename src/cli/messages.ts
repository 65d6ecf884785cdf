/**
 * What the command says on stderr and whether it paints: policy kept below
 * the command (which stays thin) so it can be tested without spawning.
 */
import type { RunResult } from '../model/index.js';
import { visible } from '../model/visible.js';

/**
 * One line per input that was not read whole: an input that could not be
 * read, and one read only in part (a capture cut mid-packet, a gzip cut or
 * damaged mid-way, a snaplen that cut payloads). Said on stderr even when
 * the report goes to a file, so a damaged input is never taken for a
 * healthy one. The first located warning says where; the report has the rest.
 */
export function inputProblemLines(result: RunResult): string[] {
  const lines: string[] = [];
  for (const i of result.inputs) {
    const path = visible(i.path);
    if (i.status === 'error') lines.push(`faultline: ${path}: ${visible(i.error ?? 'could not be read')}`);
    else if (i.status === 'partial') {
      const n = i.warnings.length + (i.warnings_dropped ?? 0);
      const first = i.warnings[0] ?? i.error ?? 'cut short';
      lines.push(`faultline: ${path}: read only in part: ${visible(first)}${n > 1 ? ` (${n} warnings in the report)` : ''}`);
    }
  }
  for (const f of result.detector_failures) lines.push(`faultline: detector ${visible(f.detector)} failed (${f.code}): ${visible(f.error)}`);
  return lines;
}

/**
 * Colour on stdout, as terminal tools agree (no-color.org, force-color.org):
 * NO_COLOR set and not empty turns it off; FORCE_COLOR turns it on (except
 * FORCE_COLOR=0 or false, which turn it off); otherwise colour only when the
 * report goes to a terminal.
 */
export function useColor(env: NodeJS.ProcessEnv, toTerminal: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return toTerminal;
}
