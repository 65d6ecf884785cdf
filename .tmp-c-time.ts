import { analyseFile } from './test/analysis/tcp-reference-helpers.js';
for (const f of process.argv.slice(2)) { const t0 = performance.now(); const { model } = await analyseFile(f); console.log(f.split('/').pop(), ((performance.now() - t0)).toFixed(0), 'ms', model.frameCounts.tcp, 'tcp frames'); }
