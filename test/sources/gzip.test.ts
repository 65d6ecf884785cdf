/**
 * Issue 9 item 11: a gzip damaged part-way or cut short keeps what decoded before the damage,
 * and the decompression fault is the FIRST warning, located at the compressed byte offset.
 * Samples made by samples/sources/make-samples.sh (real gzip, dd as the byte editor).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/pipeline/index.js';
import { samplesDir } from '../helpers/paths.js';

const dir = path.join(samplesDir, 'sources');
const whole = readFileSync(path.join(samplesDir, 'incidents/reset-mid-body/client.strace'));

async function read(name: string) {
  const file = path.join(dir, name);
  return (await readInput({ kind: 'file', path: file, name })).info;
}

/** What the gzip tool itself decodes before giving up. */
function gzipDecodes(name: string): number {
  try {
    return execFileSync('gzip', ['-dc', path.join(dir, name)], { stdio: ['ignore', 'pipe', 'ignore'] }).length;
  } catch (err) {
    return (err as { stdout: Buffer }).stdout.length;
  }
}

describe('gzip damaged or cut short (issue 9, item 11)', () => {
  it('a gzip cut part-way keeps every byte that decoded before the cut, and says where it was cut', async () => {
    const info = await read('client.strace-cut.gz');
    expect(info).toMatchObject({ format: 'strace', status: 'partial', error_code: 'E_DECOMPRESS' });
    expect(info.bytes).toBe(gzipDecodes('client.strace-cut.gz'));
    expect(info.warnings[0]).toMatch(/^compressed byte 6000: gzip data ends part-way/);
  });

  it('corrupt deflate data stops at the fault, keeps what decoded before it, and names the compressed byte', async () => {
    const info = await read('client.strace-damaged.gz');
    expect(info).toMatchObject({ format: 'strace', status: 'partial', error_code: 'E_DECOMPRESS' });
    // The bytes were overwritten at 6108..6123; zlib meets an invalid code a little after.
    const at = Number(/^compressed byte (\d+): gzip data is corrupt \(invalid literal\/length code\)/.exec(info.warnings[0])?.[1]);
    expect(at).toBeGreaterThanOrEqual(6108);
    expect(at).toBeLessThan(6400);
    expect(info.bytes).toBeGreaterThanOrEqual(gzipDecodes('client.strace-damaged.gz'));
    expect(info.events).toBeGreaterThan(200);
  });

  it('a small file of 2 KB of gzip then garbage keeps the 12 KB that decoded (nothing is lost to the fault)', async () => {
    const info = await read('client.strace-2k-then-garbage.gz');
    expect(info).toMatchObject({ format: 'strace', status: 'partial', error_code: 'E_DECOMPRESS' });
    expect(info.bytes).toBeGreaterThan(12_000);
    expect(info.warnings[0]).toMatch(/^compressed byte 20\d\d: gzip data is corrupt/);
  });

  it('damage that decodes into garbage is told by the check at the end: that warning comes first, before the garbage lines', async () => {
    const info = await read('client.strace-bad-crc.gz');
    expect(info.error_code).toBe('E_DECOMPRESS');
    expect(info.warnings.length).toBeGreaterThan(1);
    expect(info.warnings[0]).toMatch(/^compressed byte \d+: gzip data is damaged \(incorrect data check/);
    expect(info.warnings.slice(1).every((w) => !/gzip/.test(w))).toBe(true);
  });

  it('an intact gzip reads whole with no warning', async () => {
    const info = await read('client.strace.gz');
    expect(info).toMatchObject({ format: 'strace', status: 'read', bytes: whole.length, warnings: [] });
  });
});

describe('gzip and cancellation', () => {
  it('a cancelled read of a gzip source stops within a chunk', async () => {
    const big = gzipSync(Buffer.concat(Array.from({ length: 30 }, () => whole)));
    const ac = new AbortController();
    let progress = 0;
    const read = readInput(
      { kind: 'memory', name: 'big.strace.gz', bytes: new Uint8Array(big) },
      {
        signal: ac.signal,
        onEvent: (e) => {
          if (e.type === 'input-progress' && ++progress === 1) ac.abort();
        },
      },
    );
    await expect(read).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(progress).toBe(1);
  });
});

describe('gzip damaged far into a large file', () => {
  it('past the first MiB of compressed data, the fault is located within its 64 KiB slice, saying how much before it may be lost', async () => {
    // 11.8 MB of real strace text (the sample, pids renumbered), 1.9 MB compressed; 16 bytes 0xff at 1,200,000.
    const text = Buffer.concat(Array.from({ length: 100 }, (_, i) => Buffer.from(whole.toString().replaceAll('17640', String(20000 + i)))));
    const gz = gzipSync(text, { level: 1 });
    gz.fill(0xff, 1_200_000, 1_200_016);
    const { info } = await readInput({ kind: 'memory', name: 'big.strace.gz', bytes: new Uint8Array(gz) });
    expect(info).toMatchObject({ format: 'strace', status: 'partial', error_code: 'E_DECOMPRESS' });
    const m = /^compressed byte (\d+): gzip data is damaged \(incorrect data check.*within the 65536-byte slice from compressed byte (\d+) \(up to 262144 decoded bytes just before it are lost\)/.exec(info.warnings[0]);
    expect(m).not.toBeNull();
    expect(Number(m![1]) % 65536).toBe(0);
    expect(Number(m![1])).toBeLessThan(gz.length);
    expect(info.bytes).toBeGreaterThan(text.length - 262144 - 65536);
  });
});
