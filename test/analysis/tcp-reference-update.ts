/** Refreshes tshark's baseline counts for every capture the reference tests read: `npx tsx test/analysis/tcp-reference-update.ts` */
import { samplesDir } from '../helpers/paths.js';
import { BASELINE, corpusCaptures, hasTshark, sampleCaptures, updateBaseline } from './tcp-reference-helpers.js';

if (!hasTshark) {
  console.error('tshark not found');
  process.exit(1);
}
const files = [...sampleCaptures(samplesDir), ...corpusCaptures()];
await updateBaseline(files);
console.log(`${files.length} captures counted by tshark into ${BASELINE}`);
