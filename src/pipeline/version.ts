/** The tool's version, as package.json says (read once at load; the JSON report carries it). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));
      if (pkg.name === 'faultline') return pkg.version as string;
    } catch {
      // try the next layout (compiled dist/src/pipeline vs. source src/pipeline)
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
