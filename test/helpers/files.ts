import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file below `dir` whose name `keep` accepts, in name order (folders walked in place). */
export function filesUnder(dir: string, keep: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, keep));
    else if (keep(name)) out.push(p);
  }
  return out;
}

/** What a script, a README or a notes file is not: a trace. */
export const notDocs = (name: string): boolean => !/\.(md|sh)$/.test(name);
