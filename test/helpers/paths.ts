import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared public corpus lives beside the project; a user's clone has none, so tests skip. */
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');
export const hasCorpus = existsSync(corpusDir);
export const samplesDir = path.join(repoRoot, 'samples');
export const binRun = path.join(repoRoot, 'bin/run.js');
