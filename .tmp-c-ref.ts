import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { parseCapture } from './parsers/pcap/index.js';
import { CaptureAnalysis } from './src/analysis/tcp/index.js';
import { Diagnostics } from './src/model/index.js';
for (const path of process.argv.slice(2)) {
  const diag = new Diagnostics();
  const a = new CaptureAnalysis({ path, diag });
  let m;
  try {
    const src = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
    const s = await parseCapture(src, { path, diag }, (e) => a.add(e));
    m = a.finish(s);
  } catch (e) { console.log(path.split('/').pop(), 'ERR', (e as Error).message.slice(0, 60)); continue; }
  if (!m.frameCounts.tcp) continue;
  const out = execFileSync('tshark', ['-n', '-r', path, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'tcp.stream', '-e', 'http.request.method', '-e', 'http.response.code'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const streams = new Set<string>(); let req = 0, resp = 0, interim = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [st, meth, code] = line.split('\t');
    if (st) streams.add(st);
    if (meth) req += meth.split(',').length;
    if (code) for (const c of code.split(',')) { if (Number(c) < 200 && Number(c) !== 101) interim++; else resp++; }
  }
  const oc = m.connections.length;
  const oreq = m.connections.reduce((s, c) => s + c.exchanges.filter((x) => x.requestSeen).length, 0);
  const oresp = m.connections.reduce((s, c) => s + c.exchanges.filter((x) => x.response).length, 0);
  const oint = m.connections.reduce((s, c) => s + c.exchanges.reduce((t, x) => t + x.interim.length, 0), 0);
  const same = streams.size === oc && req === oreq && resp === oresp && interim === oint;
  console.log(same ? 'OK  ' : 'DIFF', path.split('/').slice(-2).join('/'), `conn ${oc}/${streams.size} req ${oreq}/${req} resp ${oresp}/${resp} interim ${oint}/${interim}`);
}
