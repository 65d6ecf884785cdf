import { analyseFile } from './test/analysis/tcp-reference-helpers.js';
const f = '/work/shared/corpus/pcap/zeek__testing_btest_Traces_http_1000-requests-one-dropped-response.pcap.gz';
for (let i = 0; i < 15; i++) await analyseFile(f);
const t0 = performance.now(); for (let i = 0; i < 10; i++) await analyseFile(f); console.log('warm', ((performance.now() - t0) / 10).toFixed(1), 'ms');
