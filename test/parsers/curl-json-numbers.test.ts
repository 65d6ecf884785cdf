/**
 * A %{json} number is read straight from JSON.parse (never printed back and
 * re-read): it must give what the same value printed by a -w template gives,
 * for every shape of number (integers, microseconds as curl 7.74.0 printed
 * them, exponents, -0, a wrapped timer).
 */
import { describe, expect, it } from 'vitest';
import type { CurlTransfer } from '../../src/model/index.js';
import { lines, parseText } from './curl-helpers.js';

const VALUES = ['0', '-0', '1', '1.5', '0.000001', '1e-7', '2.5e-7', '1e21', '123456', '4299.967296', '0.017765', '-3', '2000'];

/** What the reading of numbers decides: timers, their notes, sizes, codes, ports and the variables kept. */
function numbers(t: CurlTransfer) {
  return { timings: t.timings, timingNotes: t.timingNotes, sizeDownload: t.sizeDownload, httpStatus: t.httpStatus, exitCode: t.exitCode, local: t.local, vars: t.vars };
}

describe('%{json} numbers', () => {
  // The JSON text as JavaScript prints the parsed number (`-0` → `0`, `1e21` → `1e+21`): what the reader used to re-read.
  it.each(VALUES)('%s reads as the -w template line printing it', async (v) => {
    const p = String(JSON.parse(v));
    const json = await parseText(
      lines(`{"time_namelookup":0.000012,"time_connect":${v},"time_total":${v},"size_download":${v},"http_code":200,"exitcode":0,"local_port":${v}}`),
      'curl-json',
    );
    const wout = await parseText(
      lines('time_namelookup: 0.000012', `time_connect: ${p}`, `time_total: ${p}`, `size_download: ${p}`, 'http_code: 200', 'exitcode: 0', `local_port: ${p}`),
      'curl-writeout',
    );
    expect(json.transfers).toHaveLength(1);
    expect(numbers(json.transfers[0])).toEqual(numbers(wout.transfers[0]));
  });

  it('integer microseconds (curl 7.74.0) are divided as when printed', async () => {
    const { transfers } = await parseText(lines('{"time_namelookup":12,"time_connect":4500,"time_total":17765,"exitcode":0}'), 'curl-json');
    expect(transfers[0].timings).toEqual({ namelookup: 0.000012, connect: 0.0045, total: 0.017765 });
    expect(transfers[0].timingNotes).toEqual(['times printed as integer microseconds (as curl 7.74.0 did): divided by 10^6']);
  });
});
