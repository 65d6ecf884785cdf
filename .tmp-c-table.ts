import path from 'node:path';
import { analyseFile, corpusCaptures, ourCounts, sampleCaptures, tsharkReference } from './test/analysis/tcp-reference-helpers.js';
import { samplesDir } from './test/helpers/paths.js';
const files = [...sampleCaptures(samplesDir), ...corpusCaptures()];
const ref = await tsharkReference(files);
let same = 0, diff = 0, err = 0;
const lines: string[] = [];
for (const f of files) {
  let o;
  try { o = ourCounts((await analyseFile(f)).model); } catch (e) { err++; lines.push(`ERR  ${path.basename(path.dirname(f))}/${path.basename(f)} (reader refuses: ${(e as any).code})`); continue; }
  const t = ref.get(f)!.counts;
  const eq = JSON.stringify(o) === JSON.stringify(t);
  eq ? same++ : diff++;
  const name = f.includes('corpus') ? path.basename(f) : path.relative(samplesDir, f);
  lines.push(`${eq ? 'same' : 'DIFF'} ${name}  conn ${o.connections}/${t.connections} req ${o.requests}/${t.requests} resp ${o.responses}/${t.responses} 1xx ${o.interim}/${t.interim}`);
}
console.log(lines.join('\n'));
console.log({ same, diff, err, total: files.length });
