/**
 * A one-line %{json} object with the key list of the line before it is read from its bytes
 * (CurlTextParser.quickJson, JsonTemplate): it must give what decoding the line and JSON.parse
 * give, value for value, or decline the line. Each case is a second line after a first with the
 * same keys; the transfers, lines, warnings and notes must be those of the decoded reading.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonTemplate, ScannedLine } from '../../parsers/curl/json-scan.js';
import { readCurlText, type CurlTextRead } from '../helpers/curl-text.js';
import { samplesDir } from '../helpers/paths.js';

type Read = CurlTextRead;
/** %{json} text read with the byte-level path on or off (test/helpers/curl-text.ts). */
const read = (bytes: Buffer, quick: boolean, keep: number, chunk?: number): Promise<Read> => readCurlText(bytes, 'curl-json', quick, keep, chunk);

/** The quick reading against the decoded one, lean and full; the line numbers it took. */
async function same(text: string, chunk?: number): Promise<number[]> {
  const bytes = Buffer.from(text, 'latin1');
  let taken: number[] | undefined;
  for (const keep of [0, 1, Infinity]) {
    const slow = await read(bytes, false, keep, chunk);
    const fast = await read(bytes, true, keep, chunk);
    // toEqual tells -0 from 0 (Object.is): so does the JSON the transfers end in, through String()
    expect({ ...fast, quick: [] }).toEqual(slow);
    if (taken !== undefined) expect(fast.quick).toEqual(taken);
    taken = fast.quick;
  }
  return taken!;
}

const FIRST = '{"url_effective":"http://127.0.0.1:8080/a","http_code":200,"exitcode":0,"errormsg":null,"time_total":0.017765,"remote_ip":"127.0.0.1","remote_port":8080,"local_port":40001,"size_download":12,"certs":"","curl_version":"libcurl/7.88.1 OpenSSL/3.0.19"}';

/** FIRST with `key`'s value written as `json` (the text between the `:` and what follows). */
function withValue(key: string, json: string): string {
  const at = FIRST.indexOf(`"${key}":`) + key.length + 3;
  const end = FIRST.indexOf(',"', at) < 0 ? FIRST.length - 1 : FIRST.indexOf(',"', at);
  return FIRST.slice(0, at) + json + FIRST.slice(end);
}

describe('%{json} lines read from their bytes', () => {
  const takes: Array<[string, string]> = [
    ['the same line again', FIRST],
    ['other values', '{"url_effective":"https://x.test:8443/b?q=1","http_code":0,"exitcode":56,"errormsg":"Recv failure: Connection reset by peer","time_total":1.5,"remote_ip":"::1","remote_port":8443,"local_port":0,"size_download":0,"certs":"","curl_version":"libcurl/8.5.0"}'],
    ['a negative zero', withValue('size_download', '-0')],
    ['six zero decimals', withValue('time_total', '0.000000')],
    ['a decimal of 15 digits', withValue('time_total', '123456789.012345')],
    ['a decimal of 16 digits', withValue('time_total', '1234567890.123456')],
    ['a decimal that is no exact double', withValue('time_total', '0.1')],
    ['a negative decimal', withValue('time_total', '-2.5')],
    ['an exponent', withValue('size_download', '1e21')],
    ['a tiny exponent', withValue('time_total', '7E-7')],
    ['a 16-digit integer', withValue('size_download', '1234567890123456')],
    ['a 20-digit integer', withValue('size_download', '12345678901234567890')],
    ['true, false', withValue('size_download', 'true').replace('"errormsg":null', '"errormsg":false')],
    ['escapes', withValue('errormsg', '"a \\"quoted\\" \\\\ path\\/x \\u00e9\\n\\t"')],
    ['a unicode escape of a surrogate pair', withValue('errormsg', '"\\ud83d\\ude00"')],
    ['UTF-8', withValue('errormsg', '"Connexion r\u00c3\u00a9initialis\u00c3\u00a9e"')],
    ['bytes that are no UTF-8', withValue('errormsg', '"bad \u00ff\u00fe byte"')],
    ['a number where a string was', withValue('remote_ip', '17')],
    ['a string where a number was', withValue('http_code', '"200"')],
    ['an empty string', withValue('url_effective', '""')],
  ];
  for (const [name, line] of takes) {
    it(`takes ${name}`, async () => {
      expect(await same(`${FIRST}\n${line}\n`)).toEqual([2]);
    });
  }

  const declines: Array<[string, string]> = [
    ['a space after a colon', FIRST.replace('"http_code":200', '"http_code": 200')],
    ['a space before the end', FIRST.replace(/}$/, ' }')],
    ['a leading zero (curl 7.76 prints 000)', withValue('http_code', '000')],
    ['a point without decimals', withValue('time_total', '1.')],
    ['an exponent without digits', withValue('time_total', '1e')],
    ['a plus sign', withValue('time_total', '+1')],
    ['a nested object', withValue('certs', '{"a":1}')],
    ['an array', withValue('certs', '[1]')],
    ['an unquoted placeholder', withValue('remote_port', '%HTTPPORT')],
    ['a bad escape', withValue('errormsg', '"\\x41"')],
    ['a short unicode escape', withValue('errormsg', '"\\u12"')],
    ['a raw tab in a string', withValue('errormsg', '"a\tb"')],
    ['a string not closed', FIRST.replace(/"}$/, '}')],
    ['a trailing comma', FIRST.replace(/}$/, ',}')],
    ['one key more', FIRST.replace(/}$/, ',"x":1}')],
    ['one key less', FIRST.replace(/,"curl_version":[^}]*}$/, '}')],
    ['the keys in another order', '{"http_code":200,"url_effective":"http://127.0.0.1:8080/a"' + FIRST.slice(FIRST.indexOf(',"exitcode"'))],
    ['a key twice', FIRST.replace('"exitcode":0', '"exitcode":0,"exitcode":7').replace(/,"curl_version":[^}]*}$/, '}')],
    ['a truncated line', FIRST.slice(0, 60)],
    ['text after the object', `${FIRST} x`],
    ['a misspelt key', FIRST.replace('"exitcode"', '"exitcodf"')],
  ];
  for (const [name, line] of declines) {
    it(`declines ${name}`, async () => {
      expect(await same(`${FIRST}\n${line}\n`)).toEqual([]);
    });
  }

  it('reads key lists that cannot be matched byte for byte the decoded way', async () => {
    // an integer-like key (JSON.parse puts it first), an escaped key, __proto__
    for (const line of ['{"url_effective":"http://a.test/","1":2,"exitcode":0}', '{"url_effective":"http://a.test/","a\\"b":2,"exitcode":0}', '{"url_effective":"http://a.test/","__proto__":2,"exitcode":0}']) {
      expect(await same(`${line}\n${line}\n`)).toEqual([]);
    }
  });

  it('reads lines that straddle reused chunks, CRLF ends, and lines after a -w block', async () => {
    const lines = [FIRST, withValue('time_total', '0.5'), withValue('time_total', '0.25'), withValue('time_total', '2')];
    expect((await same(lines.join('\n') + '\n', 400)).length).toBeGreaterThan(0);
    expect(await same(lines.join('\r\n') + '\r\n')).toEqual([2, 3, 4]);
    expect(await same(`${FIRST}\ntime_total: 1.5\n${FIRST}\n${FIRST}\n`)).toEqual([4]);
  });

  it('reads the real %{json} samples as their decoded lines, each line after every other', async () => {
    const files = ['empty-reply', 'reset-mid-body', 'slow-timeout', 'keepalive-reuse', 'hostile-headers', 'expect-417'].map((d) => path.join(samplesDir, 'incidents', d, 'curl.json'));
    const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('{')));
    const text = lines.flatMap((a) => lines.map((b) => `${a}\n${b}\n`)).join('');
    expect((await same(text)).length).toBeGreaterThan(lines.length);
  });
});

describe('JsonTemplate', () => {
  it('gives each value as JSON.parse does, numbers to the last bit', () => {
    const values = ['0', '-0', '7', '-12', '123456789012345', '1234567890123456', '0.1', '0.000000', '0.017765', '-3.14159', '999999999999.999', '1e3', '2.5E-8', '"x"', '""', '"\\u0041\\n"', 'true', 'false', 'null'];
    const keys = values.map((_, i) => `k${i}`);
    const line = `{${values.map((v, i) => `"${keys[i]}":${v}`).join(',')}}`;
    const buf = Buffer.from(`${line}\n`);
    const sc = new ScannedLine();
    sc.fit(keys.length);
    expect(JsonTemplate.of(keys)!.scan(buf, 0, line.length, sc)).toBe(true);
    const want = JSON.parse(line) as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) expect(sc.value(i), values[i]).toBe(want[keys[i]]);
  });
});
