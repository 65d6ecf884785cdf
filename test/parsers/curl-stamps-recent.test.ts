/**
 * The app-log reader takes a line's time from the stamp it read last when the line differs from
 * it in the seconds alone (CurlTextParser.recentStamp): every transfer's time must be the one
 * parseStamp gives for its own line, whatever the stamp's form, zone and --tz.
 */
import { describe, expect, it } from 'vitest';
import { parseCurl } from '../../parsers/curl/index.js';
import { parseStamp, type StampShape } from '../../parsers/curl/timestamps.js';
import { Diagnostics, type CurlTransfer } from '../../src/model/index.js';
import { chunksOf } from './curl-helpers.js';

const p2 = (n: number) => String(n).padStart(2, '0');

/** Stamp forms by name: (hh, mm, ss) → the stamp and the space after it. */
const FORMS: Record<string, (h: number, m: number, s: number) => string> = {
  php: (h, m, s) => `[23-Nov-2026 ${p2(h)}:${p2(m)}:${p2(s)} UTC] `,
  'php one-digit day': (h, m, s) => `[5-Nov-2026 ${p2(h)}:${p2(m)}:${p2(s)}] `,
  'php offset': (h, m, s) => `[23-Nov-2026 ${p2(h)}:${p2(m)}:${p2(s)} +0200] `,
  'php zone name': (h, m, s) => `[25-Oct-2026 ${p2(h)}:${p2(m)}:${p2(s)} Europe/Paris] `,
  monolog: (h, m, s) => `[2026-10-25 ${p2(h)}:${p2(m)}:${p2(s)}] `,
  'monolog fraction': (h, m, s) => `[2026-11-23 ${p2(h)}:${p2(m)}:${p2(s)}.${String((h * 7 + s * 13) % 1000).padStart(3, '0')}] `,
  'iso Z': (h, m, s) => `[2026-11-23T${p2(h)}:${p2(m)}:${p2(s)}Z]\t`,
  'iso offset': (h, m, s) => `[2026-11-23T${p2(h)}:${p2(m)}:${p2(s)}+02:00]  `,
};

/** A log of error lines a second or so apart, crossing minutes and hours, with seconds past 59 now and then. */
function log(form: (h: number, m: number, s: number) => string): string[] {
  const lines: string[] = [];
  let h = 1;
  let m = 58;
  let s = 40;
  for (let i = 0; i < 150; i++) {
    s += i % 17 === 0 ? 37 : i % 3;
    if (s >= 60 && i % 11 !== 0) {
      s -= 60;
      m++;
    }
    if (m >= 60) {
      m -= 60;
      h++;
    }
    // every ninth line in PHP's UTC form, as a PHP error log interleaves its own stamps with a framework's
    const stamp = (i % 9 === 4 ? FORMS.php : form)(h, m, s % 100);
    lines.push(`${stamp}payments: call failed: curl_errno=56 curl_error="Recv failure: Connection reset by peer" url=http://svc${i}.test/ local_port=${40000 + i}`);
  }
  return lines;
}

async function times(lines: string[], timezone?: string): Promise<Array<number | null>> {
  const out: CurlTransfer[] = [];
  await parseCurl('app-log', chunksOf(lines.join('\n') + '\n', 4096), { path: 'app.log', diag: new Diagnostics(), timezone }, (t) => out.push(t));
  return out.map((t) => t.t);
}

describe('stamps of nearby lines', () => {
  for (const [name, form] of Object.entries(FORMS)) {
    for (const tz of [undefined, 'Europe/Paris']) {
      it(`${name}${tz ? `, --tz ${tz}` : ''}: each line's time is its own stamp's`, async () => {
        const lines = log(form);
        const got = await times(lines, tz);
        const zone = tz && tz !== 'UTC' ? tz : undefined;
        expect(got).toEqual(lines.map((l) => parseStamp(l, zone)!.t));
      });
    }
  }

  it('parseStamp tells where the seconds of a stamp with a fixed offset lie, and none for a zone looked up', () => {
    const shape: StampShape = { secondsAt: -2 };
    for (const [stamp, at] of [
      ['[23-Nov-2026 02:00:37 UTC] x', 19],
      ['[5-Nov-2026 02:00:37] x', 18],
      ['[2026-11-23 02:00:37] x', 18],
      ['[2026-11-23T02:00:37+02:00] x', 18],
      ['[2026-11-23 02:00:37.5] x', -1],
      ['[23-Nov-2026 02:00:37 Europe/Paris] x', -1],
    ] as const) {
      parseStamp(stamp, undefined, shape);
      expect(shape.secondsAt, stamp).toBe(at);
      if (at >= 0) expect(stamp.slice(at, at + 2)).toBe('37');
    }
    parseStamp('[2026-11-23 02:00:37] x', 'Europe/Paris', shape);
    expect(shape.secondsAt).toBe(-1);
  });
});
