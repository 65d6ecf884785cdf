/** The --data folder after a crash: what is listed, what is run again, what is marked failed. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/serve/ids.js';
import { Store, type AnalysisMeta } from '../../src/serve/store.js';
import { tempDir } from './helpers.js';

function analysis(root: string, patch: Partial<AnalysisMeta>, writeMeta = true): string {
  const id = newId();
  const dir = path.join(root, 'analyses', id);
  mkdirSync(path.join(dir, 'inputs'), { recursive: true });
  writeFileSync(path.join(dir, 'inputs', '1'), 'x');
  const meta: AnalysisMeta = { id, name: id, created: new Date().toISOString(), status: 'done', inputs: [{ n: 1, name: 'x', size: 1, sha256: '' }], attempts: 1, ...patch };
  if (writeMeta) writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
  return id;
}

describe('Store after a crash', () => {
  it('runs again what was queued or running, marks failed what the server already died under twice, and leaves the rest', async () => {
    const root = tempDir();
    const done = analysis(root, { status: 'done' });
    const queued = analysis(root, { status: 'queued', attempts: 0 });
    const runningOnce = analysis(root, { status: 'running', attempts: 1 });
    const poison = analysis(root, { status: 'running', attempts: 2 });
    const noMeta = analysis(root, {}, false);
    mkdirSync(path.join(root, 'tmp', 'upload-abc', 'inputs'), { recursive: true });

    const { store, skipped } = await Store.open(root);
    expect(skipped.map((s) => s.split(':')[0])).toEqual([noMeta]);
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
    const again = await store.recover(2);
    expect(again.sort()).toEqual([queued, runningOnce].sort());
    expect(store.get(runningOnce)).toMatchObject({ status: 'queued', remark: expect.stringMatching(/run again/) });
    expect(store.get(poison)).toMatchObject({ status: 'failed', error: { code: 'E_INTERRUPTED', message: expect.stringMatching(/stopped while analysing this 2 times/) } });
    expect(store.get(done)?.status).toBe('done');
    expect(store.list().map((m) => m.id).sort()).toEqual([done, queued, runningOnce, poison].sort());
    await store.flush();
  });

  it('keeps two notes written at once', async () => {
    const root = tempDir();
    const id = analysis(root, {});
    const { store } = await Store.open(root);
    await Promise.all([store.addNote(id, 'one'), store.addNote(id, 'two'), store.addNote(id, 'three', 'f-1')]);
    const notes = await store.readNotes(id);
    expect(notes.analysis.map((n) => n.text).sort()).toEqual(['one', 'two']);
    expect(notes.findings['f-1'].map((n) => n.text)).toEqual(['three']);
  });
});
