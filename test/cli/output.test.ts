/**
 * The report written as it is rendered: to a file only once whole (temporary name, then rename),
 * to standard output piece by piece; a renderer that fails is told apart from a disk that fails.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RenderFailure, writeAtomicPieces, writePieces } from '../../src/cli/output.js';

function* failingAfter(pieces: string[]): Generator<string> {
  yield* pieces;
  throw new Error('renderer bug');
}

async function* slowly(pieces: string[]): AsyncGenerator<string> {
  for (const p of pieces) {
    await new Promise((r) => setTimeout(r, 1));
    yield p;
  }
}

describe('writeAtomicPieces', () => {
  it('replaces the file with every piece, in order, and leaves nothing else beside it', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'faultline-out-'));
    const file = path.join(d, 'report.json');
    writeFileSync(file, 'an older report');
    await writeAtomicPieces(file, slowly(['{', '"a": "é…"', '', '}\n']));
    expect(readFileSync(file, 'utf8')).toBe('{"a": "é…"}\n');
    expect(readdirSync(d)).toEqual(['report.json']);
  });

  it('writes every byte of pieces that outgrow the buffer they are encoded into, short after long', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'faultline-out-'));
    const file = path.join(d, 'report.txt');
    // 3-byte and 4-byte characters (a surrogate pair) past the first buffer's 64 KiB, then a short piece
    // whose bytes must not carry the long one's tail
    const pieces = ['a', '€'.repeat(30_000), '😀'.repeat(40_000) + 'é', 'end\n', 'x'.repeat(200_000), 'ok'];
    await writeAtomicPieces(file, pieces);
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
  });

  it('keeps the old file and removes its temporary one when the renderer fails half way', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'faultline-out-'));
    const file = path.join(d, 'report.txt');
    writeFileSync(file, 'an older report');
    const err = await writeAtomicPieces(file, failingAfter(['half ', 'a report'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderFailure);
    expect(((err as RenderFailure).error as Error).message).toBe('renderer bug');
    expect(readFileSync(file, 'utf8')).toBe('an older report');
    expect(readdirSync(d)).toEqual(['report.txt']);
  });

  it('fails as the disk does, not as a RenderFailure, when the folder is not there', async () => {
    const err = await writeAtomicPieces(path.join(tmpdir(), 'faultline-no-such-folder', 'r.json'), ['x']).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(RenderFailure);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('writePieces', () => {
  /** A stream that holds each write until it is told to go on: how many pieces wait at once. */
  function sink(): { out: Writable; got: string[]; most: () => number } {
    const got: string[] = [];
    let waiting = 0;
    let most = 0;
    const out = new Writable({
      highWaterMark: 1 << 30, // write() never asks for a pause: only the callbacks can bound what waits
      write(chunk: Buffer, _enc, done) {
        waiting++;
        most = Math.max(most, waiting);
        got.push(chunk.toString());
        setTimeout(() => {
          waiting--;
          done();
        }, 2);
      },
    });
    return { out, got, most: () => most };
  }

  it('writes each piece after the one before has gone', async () => {
    const s = sink();
    await writePieces(s.out, ['a', '', 'b', 'c']);
    expect(s.got).toEqual(['a', 'b', 'c']);
    expect(s.most()).toBe(1);
  });

  it('writes what was rendered, then throws the renderer failure', async () => {
    const s = sink();
    await expect(writePieces(s.out, failingAfter(['a', 'b']))).rejects.toBeInstanceOf(RenderFailure);
    expect(s.got).toEqual(['a', 'b']);
  });

  it('stops quietly at a write that fails (a closed pipe)', async () => {
    let writes = 0;
    const out = new Writable({
      write(_chunk, _enc, done) {
        writes++;
        done(Object.assign(new Error('EPIPE'), { code: 'EPIPE' }));
      },
    });
    out.on('error', () => {});
    await writePieces(out, ['a', 'b', 'c']);
    expect(writes).toBe(1);
  });
});
