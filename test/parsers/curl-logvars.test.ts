/**
 * applyLogVars is applyVars for the pairs an application logs beside a curl error, when each is
 * one of the common few (LOG_VARS): the transfer must come out the same, field for field, key for
 * key in the same order, evidence included, whatever the values say.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng.js';
import { TransferBuilder } from '../../parsers/curl/builder.js';
import { Wordings } from '../../parsers/curl/errors.js';
import { applyLogVars, applyVars, type VarIn } from '../../parsers/curl/text.js';

const NAMES = ['url', 'method', 'http_code', 'size_download', 'content_length_download', 'time_total', 'remote_ip', 'remote_port', 'local_ip', 'local_port'];
const VALUES = [
  '0', '000', '200', '-1', '0.102140', '1,5', '12s', '12 s', '1500000', '1500', '999', '"quoted"', 'http://svc.test:80/x', 'https://[::1]:8443/a',
  'HTTP://Up.Example/x', '%{url_effective}', '%{local_ip}', 'null', '', ' 5', '10.0.0.1', '::1', 'GET', 'post', '1e3', 'abc', '65536', '0.0',
];
const TEXT = 'payments: upstream call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=… http_code=0';


/** A transfer as the app-log reader's standalone() has it when the pairs come: the error line read, maybe a version and a URL. */
function errorTransfer(version: string | undefined, url: string | undefined): TransferBuilder {
  const b = new TransferBuilder(7, 1795399200, 'log', false, new Wordings());
  if (version) b.x.curlVersion = version;
  b.error(56, 'Recv failure: Connection reset by peer', 'log', 7, TEXT, 1795399200, { wording: 'recv-failure' });
  if (url) b.x.url = url;
  return b;
}

function both(canons: string[], values: string[], version?: string, url?: string): [string, string] {
  const a = errorTransfer(version, url);
  const vars = new Map<string, VarIn>();
  canons.forEach((k, i) => vars.set(k, { raw: k, value: values[i], line: a.x.line, text: TEXT }));
  applyVars(a, vars);
  const b = errorTransfer(version, url);
  applyLogVars(b, canons, values, TEXT);
  return [JSON.stringify(a.build()), JSON.stringify(b.build())];
}

describe('applyLogVars reads a log line as applyVars does', () => {
  it.each([
    ['the bench log line', ['url', 'http_code', 'size_download', 'time_total', 'local_port'], ['http://svc0.internal.test:10000/orders/0', '0', '0', '0.102140', '40000']],
    ['a reached server', ['url', 'http_code', 'content_length_download', 'size_download', 'remote_ip', 'remote_port', 'local_ip', 'local_port'], ['https://api.test/v1', '200', '7000', '3000', '10.0.0.2', '443', '10.0.0.1', '51000']],
    ['timers in microseconds and with commas', ['time_total', 'method'], ['1500000', 'post']],
    ['a placeholder left unexpanded', ['url', 'local_ip', 'local_port', 'remote_ip', 'remote_port'], ['%{url_effective}', '%{local_ip}', '40000', '%{remote_ip}', '80']],
    ['nothing but a port', ['local_port'], ['0']],
  ])('%s', (_name, canons, values) => {
    const [a, b] = both(canons, values);
    expect(b).toBe(a);
  });

  it('agrees on 20,000 generated lines', () => {
    const next = rng(56);
    for (let k = 0; k < 20000; k++) {
      const canons = NAMES.filter(() => next() < 0.5).sort(() => next() - 0.5);
      if (canons.length === 0) continue; // logPairs applies no variables then
      const values = canons.map(() => VALUES[Math.floor(next() * VALUES.length)]);
      const version = next() < 0.2 ? '7.74.0' : next() < 0.2 ? '8.5.0' : undefined;
      const url = next() < 0.2 ? 'http://from.error/line' : undefined;
      const [a, b] = both(canons, values, version, url);
      if (a !== b) expect({ canons, values, version, url, b }).toEqual({ canons, values, version, url, b: a });
    }
  });
});
