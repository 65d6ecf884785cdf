/**
 * A one-line %{json} object is read through the key list of the line before it when it has the
 * same keys in the same order (CurlTextParser.shapeOf), and its variables are made only when
 * asked for (JsonVars). Each line must give the transfer it gives read on its own, whatever
 * came before it: the same keys, other keys, the same keys in another order, keys naming one
 * variable twice, keys no curl variable has.
 */
import { describe, expect, it } from 'vitest';
import { parseCurl } from '../../parsers/curl/index.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { wholeChunk } from '../helpers/chunks.js';

async function transfers(text: string, lean: boolean): Promise<CurlTransfer[]> {
  const out: CurlTransfer[] = [];
  await parseCurl('curl-json', wholeChunk(Buffer.from(text)), { path: 'x', diag: new Diagnostics() }, (t) => out.push(t), { wanted: () => !lean });
  return out;
}

const LINES = [
  '{"url_effective":"http://a.test/1","http_code":200,"exitcode":0,"errormsg":null,"time_total":0.25,"local_port":40001,"remote_ip":"127.0.0.1","remote_port":8080}',
  '{"url_effective":"http://a.test/2","http_code":0,"exitcode":56,"errormsg":"Recv failure: Connection reset by peer","time_total":1.5,"local_port":40002,"remote_ip":"127.0.0.1","remote_port":8080}',
  // the same keys in another order
  '{"http_code":0,"url_effective":"http://a.test/3","exitcode":28,"errormsg":"Operation timed out after 5001 milliseconds with 0 bytes received","time_total":5.001,"local_port":40003,"remote_ip":"127.0.0.1","remote_port":8080}',
  // one key more, one that names http_code again (the first wins), and a start_time
  '{"http_code":204,"url_effective":"http://a.test/4","exitcode":0,"errormsg":null,"time_total":0.1,"local_port":40004,"remote_ip":"127.0.0.1","remote_port":8080,"response_code":204,"code_http":500,"start_time":"2026-11-23T02:00:00Z"}',
  '{"http_code":200,"url_effective":"http://a.test/5","exitcode":0,"errormsg":null,"time_total":0.1,"local_port":40005,"remote_ip":"127.0.0.1","remote_port":8080,"response_code":200,"code_http":404,"start_time":"2026-11-23T02:00:01Z"}',
  // keys no curl variable has, and an own __proto__
  '{"url_effective":"http://a.test/6","http_code":200,"exitcode":0,"app":"x","__proto__":{"a":1},"time_total":"7e-7","size_download":1e21}',
  '{"url_effective":"http://a.test/7","http_code":200,"exitcode":0,"app":"y","__proto__":{"a":2},"time_total":"0.5","size_download":12}',
  // a JSON log record between them, then the first shape again
  '{"time":"2026-11-23T02:00:02Z","level":"error","message":"cURL error 56: Recv failure: Connection reset by peer"}',
  '{"url_effective":"http://a.test/9","http_code":200,"exitcode":0,"errormsg":null,"time_total":0.25,"local_port":40009,"remote_ip":"127.0.0.1","remote_port":8080}',
];

describe('one-line %{json} objects read through the previous line’s keys', () => {
  for (const lean of [false, true]) {
    it(`give each line the transfer it gives on its own (${lean ? 'lean' : 'full'})`, async () => {
      const together = await transfers(LINES.join('\n') + '\n', lean);
      expect(together).toHaveLength(LINES.length);
      for (let i = 0; i < LINES.length; i++) {
        // alone, on the same line number: blank lines before it say nothing
        const [alone] = await transfers('\n'.repeat(i) + LINES[i] + '\n', lean);
        expect(together[i], LINES[i]).toEqual(alone);
      }
    });
  }

  it('keep the first key naming a variable, as a Map filled in key order does', async () => {
    const [, , , fourth, fifth] = await transfers(LINES.join('\n') + '\n', false);
    expect([fourth.httpStatus, fourth.vars?.http_code, fifth.httpStatus, fifth.vars?.http_code]).toEqual([204, 204, 200, 200]);
    expect(fourth.t).toBe(Date.UTC(2026, 10, 23, 2) / 1000);
  });
});
