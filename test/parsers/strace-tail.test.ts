/**
 * issue 14: a call line's end is read at fixed places when strace wrote it in
 * its usual shape (`-T` as `<S.UUUUUU>`, `<unfinished ...>`), by the general
 * backward scan otherwise. Each row holds one edge of the fixed reading to
 * what the line means.
 */
import { describe, expect, it } from 'vitest';
import { parseTail } from '../../parsers/strace/index.js';

/** the tail of `name(` + rest, read from just after the `(` */
function tailOf(rest: string) {
  const line = `read(${rest}`;
  return parseTail(line, 5);
}

describe('a call line read from its end', () => {
  const cases: { name: string; rest: string; want: Record<string, unknown> | null }[] = [
    { name: 'a -T duration with six digits', rest: '3, "ab", 2) = 2 <0.000023>', want: { ret: '2', retval: 2, duration: 0.000023, argsEnd: 15 } },
    { name: 'a duration of whole seconds', rest: '3, "", 2) = 0 <12.500001>', want: { ret: '0', duration: 12.500001 } },
    { name: 'a duration with nine digits (ns precision) goes the general way', rest: '3, "", 2) = 0 <0.000000123>', want: { ret: '0', duration: 0.000000123 } },
    { name: 'a duration with three digits goes the general way', rest: '3, "", 2) = 0 <1.500>', want: { ret: '0', duration: 1.5 } },
    { name: 'no digit before the point: not a duration', rest: '3, "", 2) = 0 <.000023>', want: { ret: '0', retNote: '<.000023>' } },
    { name: 'a duration glued to the return', rest: '3, "", 2) = 0<0.000023>', want: { ret: '0', duration: 0.000023, argsEnd: 13 } },
    { name: 'a string that ends like a duration inside the arguments', rest: '1, "<0.000023>", 10) = 10', want: { ret: '10', argsEnd: 24 } },
    { name: 'an unfinished call', rest: '3,  <unfinished ...>', want: { unfinished: true, ret: null, argsEnd: 7 } },
    { name: 'an unfinished call with nothing before the mark', rest: '<unfinished ...>', want: { unfinished: true, argsEnd: 5 } },
    { name: 'a mark with trailing spaces', rest: '3 <unfinished ...>   ', want: { unfinished: true, argsEnd: 6 } },
    { name: 'an unfinished-looking string returned normally', rest: '1, "<unfinished ...>", 16) = 16 <0.000010>', want: { ret: '16', duration: 0.00001, argsEnd: 30 } },
    { name: 'a near miss of the mark', rest: '3, <unfinishe ...>', want: null },
    { name: 'a detached call', rest: '3, <detached ...>', want: { unfinished: true, detached: true } },
    { name: 'an errno with its text after the duration', rest: '"/x", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000011>', want: { retval: -1, errno: 'ENOENT', errnoText: 'No such file or directory', duration: 0.000011 } },
    { name: 'a line cut inside the duration', rest: '3, "", 2) = 0 <0.0000', want: { ret: '0', retNote: '<0.0000' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = tailOf(c.rest);
      if (c.want === null) expect(t).toBeNull();
      else expect(t).toMatchObject(c.want);
    });
  }

  it('reads a resumed half ending in <unfinished ...> as cut, not as a return', () => {
    const line = '<... read resumed> <unfinished ...>) = ?';
    const t = parseTail(line, 18);
    expect(t).toMatchObject({ ret: '?', retval: null });
  });
});

describe('a resumed half found by its fixed words', () => {
  async function parse(text: string) {
    const { parseStrace } = await import('../../parsers/strace/index.js');
    const { Diagnostics } = await import('../../src/model/index.js');
    const diag = new Diagnostics();
    const out: import('../../src/model/index.js').StraceEvent[] = [];
    async function* one() {
      yield Buffer.from(text, 'latin1');
    }
    await parseStrace(one(), { path: 't.strace', diag }, (e) => out.push(e));
    return { out, said: diag.warnings.length + diag.notes.length };
  }

  it('joins a resumed call to its unfinished half', async () => {
    const { out } = await parse('10 01:00:00.000001 read(3,  <unfinished ...>\n11 01:00:00.000002 close(4) = 0\n10 01:00:00.000003 <... read resumed>"ab", 2) = 2 <0.000002>\n');
    const read = out.find((e) => e.kind === 'syscall' && e.name === 'read');
    expect(read).toMatchObject({ args: '3, "ab", 2', ret: '2', endLine: 3, duration: 0.000002 });
  });

  it('reads data that starts with < right after resumed>', async () => {
    const { out } = await parse('10 01:00:00.000001 read(3,  <unfinished ...>\n10 01:00:00.000003 <... read resumed>"<x>", 3) = 3\n');
    expect(out[0]).toMatchObject({ name: 'read', args: '3, "<x>", 3', ret: '3' });
  });

  it('reads a thread gone inside the call as a cut call', async () => {
    const { out } = await parse('10 01:00:00.000001 exit_group(0 <unfinished ...>\n10 01:00:00.000003 <... exit_group resumed> <unfinished ...>) = ?\n');
    expect(out[0]).toMatchObject({ name: 'exit_group', args: '0', ret: '?' });
  });

  it.each([
    ['10 01:00:00.000003 <..  read resumed>) = 0\n'],
    ['10 01:00:00.000003 <...read resumed>) = 0\n'],
    ['10 01:00:00.000003 <... read resume>) = 0\n'],
    ['10 01:00:00.000003 <... read resumed) = 0\n'],
    ['10 01:00:00.000003 <...'],
  ])('does not take %j for a resumed half', async (text) => {
    const { out, said } = await parse(text);
    expect(out.filter((e) => e.kind === 'syscall' && e.endLine !== undefined)).toEqual([]);
    // not dropped in silence: an event, a warning or a note
    expect(said + out.length).toBeGreaterThan(0);
  });

  it('finds resumed> past a name with odd bytes', async () => {
    const { out } = await parse('10 01:00:00.000001 read(3,  <unfinished ...>\n10 01:00:00.000003 <... read-x resumed>) = 0\n');
    expect(out.some((e) => e.kind === 'syscall' && e.name === 'read-x')).toBe(true);
  });
});
