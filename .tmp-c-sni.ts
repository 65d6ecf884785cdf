import { sniOf } from './src/analysis/tcp/tls.js';
const name = Buffer.from('api.example.test');
const sniExt = Buffer.concat([Buffer.from([0, 0, 0, name.length + 5, 0, name.length + 3, 0, 0, name.length]), name]);
const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0, 0, 2, 0x13, 0x01, 1, 0]), Buffer.from([0, sniExt.length]), sniExt]);
const hello = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
console.log(hello.length, sniOf(hello));
