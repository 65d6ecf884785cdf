import { analyze } from './src/pipeline/index.js';
const r = await analyze(process.argv.slice(2), {});
for (const f of r.findings) console.log(f.id, f.detector, f.severity, f.title, '| evidence', f.evidence.map((e) => `${e.input.split('/').pop()}:${e.packet ?? e.line}`).join(','), '| related', f.related?.join(','), '| corr', JSON.stringify(f.details.correlation ?? '').slice(0, 200));
