/**
 * The evidence entries of a full transfer (TransferBuilder.fact): facts stated by one line share
 * one entry (a log line states a transfer's error, its variables and its start), and an entry is
 * made anew for any other line, text or time, or once another entry was made in between.
 */
import { describe, expect, it } from 'vitest';
import { TransferBuilder } from '../../parsers/curl/builder.js';

describe('a transfer’s evidence entries', () => {
  it('are one object for the facts of one line, text and time', () => {
    const b = new TransferBuilder(1, null, 'log');
    b.fact('error', 5, 'curl: (7) Failed', 1.5);
    b.fact('start', 5, 'curl: (7) Failed', 1.5);
    const ev = b.build().evidence;
    expect(ev.start).toBe(ev.error);
    expect(ev.error).toEqual({ line: 5, text: 'curl: (7) Failed', t: 1.5 });
  });

  it('are new for another line, another text or another time', () => {
    const b = new TransferBuilder(1, null, 'log');
    b.fact('a', 5, 'x', 1.5);
    b.fact('line', 6, 'x', 1.5);
    b.fact('text', 6, 'y', 1.5);
    b.fact('time', 6, 'y', 2);
    b.fact('untimed', 6, 'y', null);
    b.fact('untimed2', 6, 'y', undefined);
    const ev = b.build().evidence;
    const all = [ev.a, ev.line, ev.text, ev.time, ev.untimed];
    expect(new Set(all).size).toBe(5);
    expect(ev.untimed2).toBe(ev.untimed);
    expect(ev.untimed).toEqual({ line: 6, text: 'y' });
  });

  it('are new for a line met again after another entry was made', () => {
    const b = new TransferBuilder(1, null, 'log');
    b.fact('first', 5, 'x', null);
    b.fact('other', 6, 'y', null);
    b.fact('again', 5, 'x', null);
    const ev = b.build().evidence;
    expect(ev.again).not.toBe(ev.first);
    expect(ev.again).toEqual(ev.first);
    expect(Object.keys(ev)).toEqual(['first', 'other', 'again']);
  });
});
