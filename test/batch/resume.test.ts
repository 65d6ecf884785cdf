import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch, type BatchOptions } from '../../src/batch/index.js';
import { JOURNAL } from '../../src/batch/state.js';
import { PoolRunner } from '../../src/runner/pool.js';
import { samplesDir } from '../helpers/paths.js';

let root: string;
let inputs: string;
let out: string;
let runner: PoolRunner;

const batch = (o: Partial<BatchOptions> = {}) => runBatch({ inputs: [inputs], out, runner, flags: { tz: ['UTC'] }, ...o });
const skippedNames = (r: Awaited<ReturnType<typeof batch>>, ran: string[]) => r.records.map((x) => x.name).filter((n) => !ran.includes(n));

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fl-resume-'));
  inputs = path.join(root, 'in');
  out = path.join(root, 'out');
  mkdirSync(path.join(inputs, 'refused'), { recursive: true });
  cpSync(path.join(samplesDir, 'incidents/short-body'), path.join(inputs, 'short-body'), { recursive: true });
  cpSync(path.join(samplesDir, 'incidents/empty-reply'), path.join(inputs, 'empty-reply'), { recursive: true });
  cpSync(path.join(samplesDir, 'curl/refused-verbose.txt'), path.join(inputs, 'refused/curl-verbose.txt'));
  writeFileSync(path.join(inputs, 'broken.zip'), 'not a zip\n');
  runner = new PoolRunner({ jobs: 2 });
});
afterAll(async () => {
  await runner.close();
  rmSync(root, { recursive: true, force: true });
});

describe('faultline batch --resume', () => {
  it('skips the cases done, redoes a changed one and a failed one, and trusts no cut journal line', async () => {
    const ran: string[] = [];
    const onCase = (r: { name: string }, skipped: boolean) => {
      if (!skipped) ran.push(r.name);
    };
    const first = await batch({ onCase });
    expect(first.records.map((r) => [r.name, r.status])).toEqual([
      ['broken.zip', 'failed'],
      ['empty-reply', 'analysed'],
      ['refused', 'analysed'],
      ['short-body', 'analysed'],
    ]);
    const summary1 = readFileSync(path.join(out, 'summary.csv'), 'utf8');
    const reportTime = statSync(path.join(out, first.records[1].report_html!)).mtimeMs;

    // nothing changed: the failed case is tried again, the others are skipped
    ran.length = 0;
    const second = await batch({ resume: true, onCase });
    expect(ran).toEqual(['broken.zip']);
    expect(second.skipped).toBe(3);
    expect(skippedNames(second, ran)).toEqual(['empty-reply', 'refused', 'short-body']);
    expect(statSync(path.join(out, first.records[1].report_html!)).mtimeMs).toBe(reportTime);
    // the summary says the same (but for the time each case took)
    const noSeconds = (csv: string) => csv.replace(/,[0-9.]+\n/g, '\n');
    expect(noSeconds(readFileSync(path.join(out, 'summary.csv'), 'utf8'))).toBe(noSeconds(summary1));

    // a file rewritten (same size, same mtime: the digest tells) is a changed case
    const f = path.join(inputs, 'short-body/curl-verbose.txt');
    const st = statSync(f);
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, text.replace('HTTP/1.1 200', 'HTTP/1.1 201'));
    utimesSync(f, st.atime, st.mtime);
    // a touched file with the same bytes is not
    const g = path.join(inputs, 'empty-reply/curl.json');
    utimesSync(g, new Date(), new Date());
    ran.length = 0;
    const third = await batch({ resume: true, onCase });
    expect(ran.sort()).toEqual(['broken.zip', 'short-body']);
    expect(third.skipped).toBe(2);

    // other options: every case again
    ran.length = 0;
    await batch({ resume: true, onCase, flags: { tz: ['UTC'], minSeverity: 'error' } });
    expect(ran.sort()).toEqual(['broken.zip', 'empty-reply', 'refused', 'short-body']);

    // a journal whose last line a kill cut short: that case runs again, the rest is trusted
    const journal = path.join(out, JOURNAL);
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    const cut = lines.at(-1)!;
    const cutCase = (JSON.parse(cut) as { case: string }).case;
    writeFileSync(journal, lines.slice(0, -1).join('\n') + '\n' + cut.slice(0, cut.length / 2));
    ran.length = 0;
    await batch({ resume: true, onCase, flags: { tz: ['UTC'], minSeverity: 'error' } });
    expect(ran.sort()).toEqual(['broken.zip', cutCase].sort());
  });

  it('without --resume, runs every case and starts a new journal', async () => {
    const ran: string[] = [];
    const r = await batch({ onCase: (x, skipped) => !skipped && ran.push(x.name) });
    expect(r.skipped).toBe(0);
    expect(ran).toHaveLength(4);
    const entries = readFileSync(path.join(out, JOURNAL), 'utf8').trim().split('\n');
    expect(entries).toHaveLength(3); // the failed case is not a case done
  });
});
