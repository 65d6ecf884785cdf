import { analyseFile } from './test/analysis/tcp-reference-helpers.js';
for (const f of process.argv.slice(2)) { const { model } = await analyseFile(f); console.log(JSON.stringify(model.connections.map((c) => c.tls))); }
