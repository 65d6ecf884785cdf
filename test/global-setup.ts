/**
 * Every temporary file of a test run (the tests' own folders, the CLI's, serve's data
 * directories, redis's, chromium's profiles) goes under one folder made for the run and
 * removed after it: tests create hundreds of folders with os.tmpdir(), and a machine that
 * runs the suite often should not keep them (a run left ~1,900 folders in /tmp).
 * TMPDIR is what os.tmpdir() reads; the test workers and every process they spawn inherit it.
 * FAULTLINE_KEEP_TMP=1 keeps the folder, to look at what a failing test wrote.
 *
 * It also says, once and beside the summary, why the tests on the public corpus were skipped
 * where ../shared/corpus is absent (a user's clone has none): a skip count alone does not say.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpusDir, hasCorpus } from './helpers/paths.js';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-tests-'));
  // as /tmp is: tests that run a step as another user (nobody) must reach their files under it
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    if (!hasCorpus) process.stderr.write(`${corpusDir} is absent: the tests that read the public corpus were skipped (the repo's samples were read)\n`);
    if (process.env.FAULTLINE_KEEP_TMP === '1') {
      process.stderr.write(`test files kept in ${dir}\n`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
