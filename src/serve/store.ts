/**
 * The `--data` folder: one folder per analysis, written so that a crash at
 * any moment leaves either a whole analysis or none.
 *
 *   analyses/<id>/meta.json     what the list shows, and the status (queued → running → done | failed)
 *   analyses/<id>/inputs/<n>    the uploaded bodies, under names of ours (n = 1, 2, …)
 *   analyses/<id>/result.json   the run's result (lanes included: the HTML draws them)
 *   analyses/<id>/report.html   the HTML report with the notes, re-rendered when notes change
 *   analyses/<id>/notes.json    notes on the analysis and on findings
 *   index.json                  the list, derived from the meta files (rebuilt at start)
 *   tmp/                        uploads being received, files being written, folders being deleted; emptied at start
 *
 * An upload is received into tmp/ and its folder renamed into analyses/ only
 * when every byte is on disk, so an interrupted upload is never listed. Every
 * file is written to a temporary name and renamed over the old one.
 * State lives in the Store instance; two servers on two folders share nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode, RunResult, Severity } from '../model/index.js';
import { isId, newId } from './ids.js';

export type AnalysisStatus = 'queued' | 'running' | 'done' | 'failed';

export interface StoredInput {
  /** 1-based; the file is inputs/<n> and the download /a/<id>/inputs/<n> */
  n: number;
  /** the client's name, cleaned: display only */
  name: string;
  size: number;
  sha256: string;
}

export interface AnalysisMeta {
  id: string;
  name: string;
  /** ISO time the upload completed */
  created: string;
  status: AnalysisStatus;
  inputs: StoredInput[];
  /** how many times a run was started (a restart mid-run counts one) */
  attempts: number;
  started?: string;
  finished?: string;
  /** why it failed (the run's error, or the server stopping under it) */
  error?: { code: ErrorCode | 'E_INTERRUPTED'; message: string };
  /** findings by severity, when done */
  counts?: Record<Severity, number>;
  /** inputs that could not be read, when done */
  input_errors?: number;
  /** said on the page: e.g. that the analysis was re-run after a restart */
  remark?: string;
}

export interface Note {
  id: string;
  text: string;
  created: string;
  /** a finding id of the result; absent for a note on the whole analysis */
  finding?: string;
}

export interface NotesFile {
  analysis: Note[];
  findings: Record<string, Note[]>;
}

export interface Staging {
  id: string;
  dir: string;
  inputPath(n: number): string;
}

export class Store {
  private readonly metas = new Map<string, AnalysisMeta>();
  /** writes to one analysis's files run one after another (meta, notes, report) */
  private readonly locks = new Map<string, Promise<unknown>>();
  private indexWrite: Promise<void> = Promise.resolve();

  private constructor(readonly root: string) {}

  private get analysesDir(): string {
    return path.join(this.root, 'analyses');
  }
  private get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  /** Opens (creating) a data folder: empties tmp/, reads every analysis's meta, rewrites the index. */
  static async open(root: string): Promise<{ store: Store; skipped: string[] }> {
    const store = new Store(path.resolve(root));
    await mkdir(store.analysesDir, { recursive: true });
    await rm(store.tmpDir, { recursive: true, force: true });
    await mkdir(store.tmpDir, { recursive: true });
    const skipped: string[] = [];
    for (const name of await readdir(store.analysesDir)) {
      if (!isId(name)) continue;
      try {
        const meta = JSON.parse(await readFile(path.join(store.analysesDir, name, 'meta.json'), 'utf8')) as AnalysisMeta;
        if (meta.id !== name) throw new Error('meta.json names another analysis');
        store.metas.set(name, meta);
      } catch (err) {
        skipped.push(`${name}: ${(err as Error).message}`);
      }
    }
    await store.writeIndex();
    return { store, skipped };
  }

  /**
   * After a restart: an analysis that was queued or running is queued again,
   * unless it was already started `maxAttempts` times (an input that takes the
   * server down with it must not do so forever): that one is marked failed.
   * Returns the ids to run, oldest first.
   */
  async recover(maxAttempts: number): Promise<string[]> {
    const again: string[] = [];
    for (const m of [...this.metas.values()].sort((a, b) => a.created.localeCompare(b.created))) {
      if (m.status === 'done' || m.status === 'failed') continue;
      if (m.status === 'running' && m.attempts >= maxAttempts) {
        await this.update(m.id, {
          status: 'failed',
          finished: new Date().toISOString(),
          error: { code: 'E_INTERRUPTED', message: `the server stopped while analysing this ${m.attempts} times; not run again` },
        });
      } else {
        if (m.status === 'running') await this.update(m.id, { status: 'queued', remark: 'run again: the server stopped while analysing it' });
        again.push(m.id);
      }
    }
    return again;
  }

  get(id: string): AnalysisMeta | undefined {
    return isId(id) ? this.metas.get(id) : undefined;
  }

  /** Newest first; `q` matches the name, case-insensitively. */
  list(q?: string): AnalysisMeta[] {
    const needle = q?.trim().toLowerCase();
    return [...this.metas.values()]
      .filter((m) => !needle || m.name.toLowerCase().includes(needle))
      .sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
  }

  /** A folder in tmp/ to receive an upload into. */
  async stage(): Promise<Staging> {
    const id = newId();
    const dir = path.join(this.tmpDir, `upload-${id}`);
    await mkdir(path.join(dir, 'inputs'), { recursive: true });
    return { id, dir, inputPath: (n) => path.join(dir, 'inputs', String(n)) };
  }

  /** Makes a received upload an analysis: its meta is written inside, then the folder renamed into analyses/ in one step. */
  async commit(staging: Staging, meta: AnalysisMeta): Promise<void> {
    await atomicWrite(path.join(staging.dir, 'meta.json'), JSON.stringify(meta, null, 1));
    await rename(staging.dir, this.dir(staging.id));
    this.metas.set(staging.id, meta);
    await this.writeIndex();
  }

  async discard(staging: Staging): Promise<void> {
    await rm(staging.dir, { recursive: true, force: true });
  }

  async update(id: string, patch: Partial<AnalysisMeta>): Promise<AnalysisMeta | undefined> {
    return this.locked(id, async () => {
      const cur = this.metas.get(id);
      if (!cur) return undefined;
      const next = { ...cur, ...patch };
      await atomicWrite(path.join(this.dir(id), 'meta.json'), JSON.stringify(next, null, 1));
      this.metas.set(id, next);
      await this.writeIndex();
      return next;
    });
  }

  inputPath(id: string, n: number): string {
    return path.join(this.dir(id), 'inputs', String(n));
  }

  async writeResult(id: string, result: RunResult): Promise<void> {
    await this.locked(id, () => atomicWrite(path.join(this.dir(id), 'result.json'), JSON.stringify(result)));
  }

  async readResult(id: string): Promise<RunResult | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.dir(id), 'result.json'), 'utf8')) as RunResult;
    } catch {
      return undefined;
    }
  }

  reportPath(id: string): string {
    return path.join(this.dir(id), 'report.html');
  }

  async writeReport(id: string, html: string): Promise<void> {
    await this.locked(id, () => atomicWrite(this.reportPath(id), html));
  }

  async readNotes(id: string): Promise<NotesFile> {
    try {
      return JSON.parse(await readFile(path.join(this.dir(id), 'notes.json'), 'utf8')) as NotesFile;
    } catch {
      return { analysis: [], findings: {} };
    }
  }

  /** Adds a note (read, change, write under the analysis's lock: two notes at once both stay). */
  async addNote(id: string, text: string, finding?: string): Promise<Note> {
    return this.locked(id, async () => {
      const notes = await this.readNotes(id);
      const note: Note = { id: randomBytes(9).toString('base64url'), text, created: new Date().toISOString(), ...(finding ? { finding } : {}) };
      if (finding) (notes.findings[finding] ??= []).push(note);
      else notes.analysis.push(note);
      await atomicWrite(path.join(this.dir(id), 'notes.json'), JSON.stringify(notes, null, 1));
      return note;
    });
  }

  /** Unlists at once (a rename into tmp/), then removes the files. */
  async delete(id: string): Promise<boolean> {
    if (!this.get(id)) return false;
    return this.locked(id, async () => {
      if (!this.metas.delete(id)) return false;
      const gone = path.join(this.tmpDir, `deleted-${id}`);
      await rename(this.dir(id), gone);
      await this.writeIndex();
      await rm(gone, { recursive: true, force: true });
      return true;
    });
  }

  async exists(id: string): Promise<boolean> {
    return stat(this.dir(id)).then(
      () => true,
      () => false,
    );
  }

  /** Waits for pending writes (tests and shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.locks.values()]);
    await this.indexWrite;
  }

  private dir(id: string): string {
    if (!isId(id)) throw new Error(`not an analysis id: ${id}`);
    return path.join(this.analysesDir, id);
  }

  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return next;
  }

  /** The list as of now; writes queue behind each other so an older list never lands last. */
  private writeIndex(): Promise<void> {
    const snapshot = () => JSON.stringify(this.list().map((m) => ({ id: m.id, name: m.name, created: m.created, status: m.status, inputs: m.inputs.length, counts: m.counts })), null, 1);
    this.indexWrite = this.indexWrite.then(
      () => atomicWrite(path.join(this.root, 'index.json'), snapshot()),
      () => atomicWrite(path.join(this.root, 'index.json'), snapshot()),
    );
    return this.indexWrite;
  }
}

/** Temporary name in the same folder, flushed, then renamed over the target: readers see the old file or the new one, never half. */
export async function atomicWrite(file: string, data: string): Promise<void> {
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, data, { flush: true });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
