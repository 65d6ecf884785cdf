/**
 * issue 14: a split call (`<unfinished ...>` … `<... NAME resumed>`) whose decoding the parser
 * settles at the resumed half, without decodeCall on the joined arguments:
 * - `close(3 <unfinished ...>` resumed with no more arguments: its fd is the first half's digits;
 * - an open that succeeded decodes to nothing, split or not.
 * Each event must be what decodeCall makes of the joined call.
 */
import { describe, expect, it } from 'vitest';
import { decodeCall, parseStrace } from '../../parsers/strace/index.js';
import { Diagnostics, type StraceEvent, type SyscallEvent } from '../../src/model/index.js';

async function* chunksOf(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text, 'latin1');
}

async function calls(text: string): Promise<SyscallEvent[]> {
  const events: StraceEvent[] = [];
  await parseStrace(chunksOf(text), { path: 't.strace', diag: new Diagnostics() }, (e) => events.push(e));
  return events.filter((e): e is SyscallEvent => e.kind === 'syscall');
}

/** What decodeCall alone makes of the event's joined call: its fd and decoded arguments. */
function decodedAlone(e: SyscallEvent): { fd: number | undefined; decoded: unknown } {
  const copy: SyscallEvent = { ...e, fd: undefined, decoded: undefined };
  decodeCall(copy);
  return { fd: copy.fd, decoded: copy.decoded };
}

const FIRST = ['3', '2', '17', '0', '1234567890', '12345678901', '3, ', '3,', '3<', '3</tmp/a>', '3<TCP:[1.2.3.4:5->6.7.8.9:10]>, ', 'AT_FDCWD, "/tmp/x", O_RDONLY', '', ' 3'];
const MORE = ['', '4', '5, "ab", 2', ', "ab", 2', '<TCP:[1.2.3.4:5->6.7.8.9:10]>', '</tmp/a>', ' ', 'CP:[1.2.3.4:5->6.7.8.9:10]>', '"/tmp/y", O_WRONLY|O_CREAT', ' <unfinished ...>'];
const NAMES = ['close', 'read', 'write', 'writev', 'dup2', 'openat', 'open', 'openat2', 'creat', 'fcntl', 'futex', 'connect'];
const RETURNS = [' = 0', ' = 2', ' = -1 ENOENT (No such file or directory)', ' = -1 EINTR (Interrupted system call)', ' = ?'];

describe('a split call decoded at its resumed half', () => {
  it('has the fd and decoded arguments decodeCall gives its joined call', async () => {
    const lines: string[] = [];
    let n = 0;
    for (const name of NAMES) {
      for (const first of FIRST) {
        for (const more of MORE) {
          for (const ret of RETURNS) {
            // a pid per call: each split call resumes on its own pid
            const pid = 1000 + (n++ % 50_000);
            lines.push(`${pid}  10:00:00.000001 ${name}(${first} <unfinished ...>`);
            if (more === ' <unfinished ...>') lines.push(`${pid}  10:00:00.000002 <... ${name} resumed> <unfinished ...>)${ret}`);
            else lines.push(`${pid}  10:00:00.000002 <... ${name} resumed>${more})${ret} <0.000010>`);
          }
        }
      }
    }
    const events = await calls(`${lines.join('\n')}\n`);
    expect(events.length).toBe(n);
    let settled = 0;
    for (const e of events) {
      const alone = decodedAlone(e);
      const got = { fd: e.fd, decoded: e.decoded };
      if (JSON.stringify(got) !== JSON.stringify(alone)) expect({ text: e.text, endText: e.endText, got }).toEqual({ text: e.text, endText: e.endText, got: alone });
      if (e.endLine !== undefined) settled++;
    }
    expect(settled).toBe(n);
  });

  it('takes a close resumed with nothing more for the fd its first half printed', async () => {
    const [close, write2, write1] = await calls(
      ['7  10:00:00.000001 close(3 <unfinished ...>', '7  10:00:00.000002 <... close resumed>) = 0 <0.000010>',
        '7  10:00:00.000003 write(2 <unfinished ...>', '7  10:00:00.000004 <... write resumed>) = 0 <0.000010>',
        '7  10:00:00.000005 write(1 <unfinished ...>', '7  10:00:00.000006 <... write resumed>) = 0 <0.000010>'].join('\n') + '\n',
    );
    expect([close.fd, close.decoded]).toEqual([3, undefined]);
    // fd 2's writes carry their text: decodeCall's
    expect([write2.fd, write2.decoded]).toEqual([2, { fd: 2 }]);
    expect([write1.fd, write1.decoded]).toEqual([1, undefined]);
  });
});
