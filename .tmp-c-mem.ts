import { Cap, GET, OK } from './test/analysis/tcp-fixtures.js';
import { CaptureAnalysis } from './src/analysis/tcp/index.js';
import { Diagnostics } from './src/model/index.js';
const N = 20000;
const a = new CaptureAnalysis({ path: 'm', diag: new Diagnostics() });
(globalThis as any).gc(); const h0 = process.memoryUsage().heapUsed;
for (let i = 0; i < N; i++) {
  const cap = new Cap(); cap.frame = i * 10; cap.t += i;
  cap.flow({ cport: 1024 + (i % 60000), client: `10.0.${i >> 8 & 255}.${i & 255}` }).handshake().c(GET('/x')).s(OK('hello')).close();
  for (const e of cap.events) a.add(e);
}
const m = a.finish({ events: 0, bytes: 0, clock: 'epoch', firstT: 0, lastT: 0 });
(globalThis as any).gc(); const h1 = process.memoryUsage().heapUsed;
console.log(m.connections.length, 'connections,', ((h1 - h0) / N).toFixed(0), 'bytes per connection (model + lane, one exchange each)');
console.log('json conn', JSON.stringify(m.connections[5]).length, 'json lane', JSON.stringify(m.lanes[5]).length);
console.log(JSON.stringify(m.lanes[5]).slice(0, 1500));
