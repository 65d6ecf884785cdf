import { describe, expect, it } from 'vitest';
import type { InputInfo, RunResult } from '../../src/model/index.js';
import { inputProblemLines, useColor } from '../../src/cli/messages.js';

function result(inputs: InputInfo[]): RunResult {
  return { tool: 'faultline', version: '0', inputs, findings: [], detector_failures: [], clocks: {}, lanes: [], assumptions: { timezone: 'UTC', join_window: 2 }, redacted: true };
}
const input = (over: Partial<InputInfo>): InputInfo => ({ path: 'x', format: 'pcap', status: 'read', events: 1, clock: 'epoch', warnings: [], ...over });

describe('stderr lines for inputs not read whole', () => {
  it('says in one line that a capture cut mid-packet was read only in part, even though the run went on', () => {
    const lines = inputProblemLines(
      result([
        input({ path: 'ok.pcap' }),
        input({ path: 'cut.pcap', status: 'partial', warnings: ['packet 9 (byte 1031): file ends inside packet 9', 'other'] }),
      ]),
    );
    expect(lines).toEqual(['faultline: cut.pcap: read only in part: packet 9 (byte 1031): file ends inside packet 9 (2 warnings in the report)']);
  });

  it('names an unreadable input with its reason, and a failed detector', () => {
    const r = result([input({ path: 'gone', status: 'error', error: 'no such file' })]);
    r.detector_failures.push({ detector: 'd', code: 'E_DETECTOR', error: 'boom' });
    expect(inputProblemLines(r)).toEqual(['faultline: gone: no such file', 'faultline: detector d failed (E_DETECTOR): boom']);
  });

  it('escapes control characters of hostile file names and messages', () => {
    const [line] = inputProblemLines(result([input({ path: 'evil\x1b]0;x\x07.pcap', status: 'error', error: 'bad \x1b[2J' })]));
    expect(line).not.toMatch(/[\x00-\x1f]/);
    expect(line).toContain('evil\\x1b]0;x\\x07.pcap');
  });
});

describe('colour: NO_COLOR and FORCE_COLOR', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
  ])('env %j, terminal %s → colour %s', (env, tty, want) => {
    expect(useColor(env as NodeJS.ProcessEnv, tty)).toBe(want);
  });
});
