import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A compiled module beside the module at `metaUrl` (its `import.meta.url`), for a worker thread
 * to load. Run from the TypeScript sources (vitest, tsx), a thread would not share the parent's
 * TypeScript loader, so it is the module's twin under dist/ (`npm test` builds first).
 * (A module importing nothing of ours, so a thread's module can use it without loading piscina.)
 */
export function compiledModule(metaUrl: string, file: string): string {
  const here = fileURLToPath(metaUrl);
  const dir = path.dirname(here);
  if (!here.endsWith('.ts')) return path.join(dir, file);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  return path.join(root, 'dist', path.relative(root, dir), file);
}
