/**
 * Folders given as inputs: what a folder that cannot be listed says (issue 9, item 12), and the
 * size shown for files that are not traces (item 18).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, expandInputs } from '../../src/pipeline/index.js';
import { repoRoot, samplesDir } from '../helpers/paths.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-folders-'));
afterAll(() => {
  spawnSync('chmod', ['-R', 'u+rwx', tmp]);
  rmSync(tmp, { recursive: true, force: true });
});
const incident = path.join(samplesDir, 'incidents/reset-mid-body');

/**
 * Tests run as root, for whom mode 000 does not stop a read: the listing is done by a child
 * process as `nobody` (setpriv), through the built library (npm test builds first).
 */
const built = path.join(repoRoot, 'dist/src/pipeline/index.js');
const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0 && existsSync(built);
const why = asNobody ? '' : !existsSync(built) ? ' (skipped: needs the build; npm test builds first)' : ' (skipped: needs root and setpriv to list a folder as an unprivileged user)';

function expandAsNobody(args: string[]): { sources: { name: string }[]; errors: { name: string; code: string; message: string }[] } {
  const script = `import(${JSON.stringify(pathToFileURL(built).href)}).then(async (m) => process.stdout.write(JSON.stringify(await m.expandInputs(${JSON.stringify(args)}))))`;
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', script], {
    encoding: 'utf8',
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('a folder that cannot be listed (issue 9, item 12)', () => {
  it.skipIf(!asNobody)(`is E_UNREADABLE with the reason, not an empty folder${why}`, () => {
    const locked = path.join(tmp, 'locked');
    mkdirSync(locked);
    copyFileSync(path.join(incident, 'curl-verbose.txt'), path.join(locked, 'curl-verbose.txt'));
    chmodSync(locked, 0o000);
    chmodSync(tmp, 0o755);
    const r = expandAsNobody([locked]);
    expect(r.sources).toEqual([]);
    expect(r.errors).toEqual([{ name: locked, code: 'E_UNREADABLE', message: 'cannot list the folder: permission denied' }]);
  });

  it.skipIf(!asNobody)(`a locked subfolder is named; the files beside it are still read${why}`, () => {
    const top = path.join(tmp, 'case');
    mkdirSync(path.join(top, 'private'), { recursive: true });
    copyFileSync(path.join(incident, 'curl-verbose.txt'), path.join(top, 'curl-verbose.txt'));
    copyFileSync(path.join(incident, 'curl-w.txt'), path.join(top, 'private', 'curl-w.txt'));
    chmodSync(path.join(top, 'private'), 0o000);
    const r = expandAsNobody([top]);
    expect(r.sources.map((s) => s.name)).toEqual([`${top}/curl-verbose.txt`]);
    expect(r.errors).toEqual([{ name: `${top}/private`, code: 'E_UNREADABLE', message: 'cannot list the folder: permission denied' }]);
  });

  it('an empty folder is still E_EMPTY_FOLDER', async () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    expect((await expandInputs([empty])).errors).toEqual([{ name: empty, code: 'E_EMPTY_FOLDER', message: 'the folder holds no file' }]);
  });
});

describe('files that are not traces show their real size (issue 9, item 18)', () => {
  it('a non-trace beside traces is skipped with its own size, and one given alone is E_UNKNOWN_FORMAT with its size', async () => {
    const folder = path.join(tmp, 'mixed');
    mkdirSync(folder);
    copyFileSync(path.join(incident, 'curl-verbose.txt'), path.join(folder, 'curl-verbose.txt'));
    // A real non-trace larger than the 64 KiB sniffed head: the tar.gz bundle (260,599 bytes).
    const other = path.join(folder, 'bundle.bin');
    copyFileSync(path.join(samplesDir, 'sources/bomb.tar.gz'), other);
    const size = statSync(other).size;
    expect(size).toBeGreaterThan(64 * 1024);
    // Named so that only its content tells it is gzip. Its decompressed content (a 256 MiB tar)
    // is not read on just to count it: `size` is what it holds as stored.
    const r = await analyze([folder], { timezone: 'UTC' });
    const skipped = r.inputs.find((i) => i.path.endsWith('bundle.bin'))!;
    expect(skipped).toMatchObject({ status: 'skipped', size });
    // A plain tar (133,120 bytes) is binary and no capture.
    const tarFile = path.join(tmp, 'plain.bin');
    copyFileSync(path.join(samplesDir, 'sources/incident.tar'), tarFile);
    const alone = await analyze([tarFile], { timezone: 'UTC' });
    const n = readFileSync(tarFile).length;
    expect(alone.inputs[0]).toMatchObject({ status: 'error', error_code: 'E_UNKNOWN_FORMAT', bytes: n, size: n });
  });
});
