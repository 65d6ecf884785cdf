import { createReadStream } from 'node:fs';
import { parseCapture } from '/work/main/parsers/pcap/index.js';
import { CaptureAnalysis } from '/work/main/src/analysis/tcp/index.js';
import { Diagnostics } from '/work/main/src/model/index.js';
const path = process.argv[2];
const diag = new Diagnostics();
const a = new CaptureAnalysis({ path, diag });
const s = await parseCapture(createReadStream(path), { path, diag }, (e) => a.add(e));
const m = a.finish(s);
const full = process.argv[3] === 'full';
for (const c of m.connections) {
  console.log(c.key, c.state, c.history, c.protocol, 'o', c.origBytes, 'r', c.respBytes, 'retx', c.retransmissions, 'ooo', c.outOfOrder, 'gaps', c.gapBytes, 'closed', c.closedBy?.how, c.closedBy?.side);
  for (const x of c.exchanges) {
    if (full) console.log(JSON.stringify(x));
    else console.log('   #' + x.n, x.requestLine, '=>', x.response?.line, x.response?.body.framing, x.response?.body.seen + '/' + x.response?.body.expected, 'end', x.end, 'ttfb', x.ttfb?.toFixed(4), x.headers.expect ?? '', x.interim.map(i=>i.status).join(','), x.gapped ? 'GAPPED' : '');
  }
}
console.log('warnings', diag.warnings.slice(0, 10), 'frames', m.frameCounts);
