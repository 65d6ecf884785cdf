/**
 * The texts that cite packets (issue 9.8): shared per packet and note so that
 * a connection or an exchange citing one packet many times keeps one citation
 * (issue 14), yet every citation is what frameRef alone would make.
 */
import { describe, expect, it } from 'vitest';
import { endpoint, frameRef, frameRefs, SummaryStarts, type Pkt } from '../../src/analysis/tcp/packet.js';
import { TCP_ACK, TCP_PSH } from '../../src/model/index.js';

const pkt = (frame: number): Pkt => ({ frame, t: 1_800_000_000 + frame / 1000, byteOffset: frame * 100, from: { ip: '10.0.0.1', port: 40000 }, to: { ip: '::1', port: 80 }, flags: TCP_ACK | TCP_PSH, seq: 1, ack: 1, len: 27 });

describe('citing packets', () => {
  it('gives, for each packet and note, exactly what frameRef gives, one object per packet and note', () => {
    const ref = frameRefs();
    const a = pkt(4);
    const b = pkt(5);
    const cases: [Pkt, string | undefined][] = [
      [a, undefined],
      [a, 'GET / HTTP/1.1'],
      [a, undefined],
      [b, undefined],
      [a, 'GET / HTTP/1.1'],
      [b, 'HTTP/1.1 200 OK'],
    ];
    const made = cases.map(([p, note]) => ref(p, note));
    expect(made).toEqual(cases.map(([p, note]) => frameRef(p, note)));
    expect(made[0]).toBe(made[2]);
    expect(made[1]).toBe(made[4]);
    expect(made[0]).not.toBe(made[1]);
    expect(made[3]).not.toBe(made[5]);
  });

  it('gives the same texts when the starts of its summaries are shared by several exchanges', () => {
    const from = { ip: '10.0.0.1', port: 40000 };
    const to = { ip: '10.0.0.2', port: 80 };
    const p = (frame: number, there: boolean): Pkt => ({ ...pkt(frame), from: there ? from : to, to: there ? to : from });
    const starts = new SummaryStarts();
    const one = frameRefs(starts);
    const two = frameRefs(starts);
    const cited = [one(p(1, true), 'GET / HTTP/1.1'), one(p(2, false), 'HTTP/1.1 200 OK'), two(p(3, true)), two(p(4, false))];
    expect(cited.map((r) => r.summary)).toEqual([
      '10.0.0.1:40000 → 10.0.0.2:80 [PSH, ACK] Seq=1 Ack=1 Len=27 GET / HTTP/1.1',
      '10.0.0.2:80 → 10.0.0.1:40000 [PSH, ACK] Seq=1 Ack=1 Len=27 HTTP/1.1 200 OK',
      '10.0.0.1:40000 → 10.0.0.2:80 [PSH, ACK] Seq=1 Ack=1 Len=27',
      '10.0.0.2:80 → 10.0.0.1:40000 [PSH, ACK] Seq=1 Ack=1 Len=27',
    ]);
    expect(cited).toEqual([frameRef(p(1, true), 'GET / HTTP/1.1'), frameRef(p(2, false), 'HTTP/1.1 200 OK'), frameRef(p(3, true)), frameRef(p(4, false))]);
  });

  it('writes endpoints as ip:port, an IPv6 address in brackets', () => {
    expect([endpoint('10.0.0.1', 80), endpoint('::1', 443)]).toEqual(['10.0.0.1:80', '[::1]:443']);
  });
});
