import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult, RunSpec } from '../../src/model/index.js';
import { specFromSources } from '../../src/pipeline/index.js';
import { parseQueueUrl } from '../../src/queue/connection.js';
import { pinSources, verifyFiles } from '../../src/queue/files.js';
import { decodeResult, encodeResult, errorFromReason, failureReason, jobIdFor, type CaseJob } from '../../src/queue/job.js';

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'faultline-queue-'));
}

function fileSpec(...files: string[]): RunSpec {
  return specFromSources(files.map((f) => ({ kind: 'file' as const, path: f, name: path.basename(f) })), { tz: ['UTC'] });
}

function caseJob(spec: RunSpec, files: CaseJob['files'], key = 'a'): CaseJob {
  return { job_version: 1, faultline: '0.1.0', key, spec, files, timeout_ms: null };
}

describe('queue URL', () => {
  it.each([
    ['redis://127.0.0.1:6380', { host: '127.0.0.1', port: 6380, db: 0, display: 'redis://127.0.0.1:6380' }],
    ['redis://queue.internal', { host: 'queue.internal', port: 6379, db: 0 }],
    ['redis://127.0.0.1:6379/3', { port: 6379, db: 3, display: 'redis://127.0.0.1:6379/3' }],
    ['redis://[::1]:6379', { host: '::1', port: 6379 }],
    ['redis://:s3cret@127.0.0.1:6379', { password: 's3cret', display: 'redis://127.0.0.1:6379' }],
  ])('reads %s', (url, want) => {
    expect(parseQueueUrl(url)).toMatchObject(want);
  });

  it.each(['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://127.0.0.1:6379/x'])('refuses %s as a usage error', (url) => {
    expect(() => parseQueueUrl(url)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('never prints the password', () => {
    expect(parseQueueUrl('redis://user:s3cret@10.0.0.5:6379').display).not.toMatch(/s3cret/);
  });
});

describe('pinning sources for the queue', () => {
  it('gives each file its absolute path, size and sha256, and lists each file once', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'a.log'), 'hello\n');
    const { spec, files } = await pinSources(fileSpec(path.join(d, 'a.log'), path.join(d, 'a.log')));
    expect(spec.sources[0]).toMatchObject({ path: path.join(d, 'a.log'), size: 6, sha256: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03' });
    expect(files).toEqual([{ path: path.join(d, 'a.log'), size: 6, sha256: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03' }]);
  });

  it('checks an archive once for its members', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'x.tar'), 'not really a tar, but a file all the same');
    const spec = specFromSources(
      ['a', 'b'].map((m) => ({ kind: 'archive-member' as const, archive: path.join(d, 'x.tar'), member: m, name: `x.tar!${m}` })),
      { tz: ['UTC'] },
    );
    const { files } = await pinSources(spec);
    expect(files.map((f) => f.path)).toEqual([path.join(d, 'x.tar')]);
  });

  it('leaves a missing file to the run, which reports it as that input error as a local run does', async () => {
    const { spec, files } = await pinSources(fileSpec('/nonexistent/worker.strace'));
    expect(files).toEqual([]);
    expect(spec.sources[0]).not.toHaveProperty('sha256');
  });

  it('refuses standard input and in-memory uploads: no worker can read them', async () => {
    const stdin = specFromSources([{ kind: 'stdin', name: '-' }], { tz: ['UTC'] });
    await expect(pinSources(stdin)).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/standard input cannot go through the queue/) });
    const mem = specFromSources([{ kind: 'memory', name: 'up.pcap', bytes: new Uint8Array(4) }], { tz: ['UTC'] });
    await expect(pinSources(mem)).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('refuses a source whose bytes are no longer those its spec was built with', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'a.log'), 'hello\n');
    const spec = specFromSources([{ kind: 'file', path: path.join(d, 'a.log'), name: 'a.log', sha256: '0'.repeat(64) }], { tz: ['UTC'] });
    await expect(pinSources(spec)).rejects.toMatchObject({ code: 'E_CHANGED' });
  });
});

describe('a worker checking the files of a case', () => {
  it('passes files as they were queued', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'a.log'), 'hello\n');
    const { files } = await pinSources(fileSpec(path.join(d, 'a.log')));
    await expect(verifyFiles(files)).resolves.toBeUndefined();
  });

  it('fails a missing file with E_NOT_FOUND, naming it and the shared mount', async () => {
    await expect(verifyFiles([{ path: '/nonexistent/a.log', size: 1, sha256: 'x' }])).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: '/nonexistent/a.log: not found on this worker (is the shared mount at the same path here?)',
    });
  });

  it('fails a file changed since it was queued with E_CHANGED: by size, and by digest at the same size', async () => {
    const d = tmp();
    const f = path.join(d, 'a.log');
    writeFileSync(f, 'hello\n');
    const { files } = await pinSources(fileSpec(f));
    writeFileSync(f, 'hello, world\n');
    await expect(verifyFiles(files)).rejects.toMatchObject({ code: 'E_CHANGED', message: expect.stringMatching(/13 bytes here, 6 when queued/) });
    writeFileSync(f, 'HELLO\n');
    await expect(verifyFiles(files)).rejects.toMatchObject({ code: 'E_CHANGED', message: expect.stringMatching(/sha256 .* here, .* when queued/) });
  });
});

describe('job ids', () => {
  it('are the same for the same case and inputs, and differ when an input changed or the key differs', () => {
    const spec = fileSpec('/m/a.log');
    const files = [{ path: '/m/a.log', size: 6, sha256: 'a'.repeat(64) }];
    const id = jobIdFor(caseJob(spec, files));
    expect(jobIdFor(caseJob(structuredClone(spec), structuredClone(files)))).toBe(id);
    expect(jobIdFor(caseJob(spec, [{ ...files[0], sha256: 'b'.repeat(64) }]))).not.toBe(id);
    expect(jobIdFor(caseJob(spec, files, 'b'))).not.toBe(id);
    expect(id).toMatch(/^case-[0-9a-f]{40}$/); // BullMQ refuses ':' in ids, and case names may hold one
  });
});

describe('results through Redis', () => {
  const result = (n: number): RunResult =>
    ({ tool: 'faultline', version: '0.1.0', inputs: [], findings: Array.from({ length: n }, (_, i) => ({ id: `f${i}`, title: 'x'.repeat(40) })), detector_failures: [], clocks: {}, lanes: [] }) as unknown as RunResult;

  it('travel as JSON when small and gzipped when large, and read back equal', () => {
    const small = encodeResult('k', result(1));
    expect(small.encoding).toBe('json');
    const large = encodeResult('k', result(2000));
    expect(large.encoding).toBe('gzip-base64');
    expect(JSON.stringify(large).length).toBeLessThan(JSON.stringify(result(2000)).length / 4);
    expect(decodeResult(JSON.parse(JSON.stringify(small)))).toEqual(result(1));
    expect(decodeResult(JSON.parse(JSON.stringify(large)))).toEqual(result(2000));
  });

  it('a job that finished without one is the queue’s error, not a result', () => {
    expect(() => decodeResult(undefined)).toThrow(expect.objectContaining({ code: 'E_QUEUE' }));
  });
});

describe('failure reasons', () => {
  it('keep their code across Redis', () => {
    const e = errorFromReason(failureReason('E_CHANGED', '/m/a.log: changed since the case was queued'), 1);
    expect(e).toMatchObject({ code: 'E_CHANGED', message: '/m/a.log: changed since the case was queued' });
  });

  it("say what BullMQ's stalled limit means: the case lost every worker that took it", () => {
    expect(errorFromReason('job stalled more than allowable limit', 2)).toMatchObject({ code: 'E_QUEUE', message: expect.stringMatching(/lost while running it \(2 times.*poison input/) });
  });

  it('an unknown reason is ours to explain: E_INTERNAL', () => {
    expect(errorFromReason('boom', 1)).toMatchObject({ code: 'E_INTERNAL', message: 'boom' });
  });
});
