import { createReadStream } from 'node:fs';
import { parseCapture } from './parsers/pcap/index.js';
import { CaptureAnalysis } from './src/analysis/tcp/index.js';
import { Diagnostics, type RunModel } from './src/model/index.js';
import { fromWire as c56 } from './src/detectors/curl-error-56/wire.js';
import { fromWire as er } from './src/detectors/empty-reply/wire.js';
import { fromWire as tr } from './src/detectors/truncated-response/wire.js';
import { fromWire as e100 } from './src/detectors/expect-100-continue/wire.js';
import { incompleteInCapture } from './src/detectors/incomplete-in-capture.js';
for (const path of process.argv.slice(2)) {
  const diag = new Diagnostics();
  const a = new CaptureAnalysis({ path, diag });
  const s = await parseCapture(createReadStream(path), { path, diag }, (e) => a.add(e));
  const model = a.finish(s);
  const run: RunModel = { inputs: [{ info: { path, format: 'pcap', status: 'read', events: 0, clock: 'epoch', warnings: [] }, placement: { offset: 0, absolute: true }, model }], options: { joinWindow: 2 } };
  const fs = [...c56(run), ...er(run), ...tr(run), ...e100(run), ...incompleteInCapture.detect(run)];
  console.log('=== ' + path.split('/').slice(-2).join('/'));
  for (const f of fs) console.log(process.env.FULL ? JSON.stringify(f, null, 1) : `  ${f.detector} ${f.severity}: ${f.title} | ${JSON.stringify(f.details).slice(0, 250)}`);
}
