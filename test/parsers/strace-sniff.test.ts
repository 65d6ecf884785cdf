import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffStrace } from '../../parsers/strace/index.js';
import { corpusDir, hasCorpus, repoRoot } from '../helpers/paths.js';
import { filesUnder } from '../helpers/files.js';

const SNIFF_BYTES = 64 * 1024;
const HIGH = 0.8;
const LOW = 0.3;

function head(file: string): string {
  return readFileSync(file).subarray(0, SNIFF_BYTES).toString('latin1');
}


describe('sniffStrace', () => {
  it.each([
    ['a -f -tt -T log', '22563 01:48:48.885263 execve("/usr/bin/curl", ["curl"], 0x7ffc /* 35 vars */) = 0 <0.000253>\n22563 01:48:48.886298 close(3</etc/ld.so.cache>) = 0 <0.000011>\n22563 01:48:48.886458 brk(NULL) = 0x1 <0.000009>\n'],
    ['a stderr capture with attach lines', 'execve("/usr/bin/sh", ["sh"], 0x7ffe /* 35 vars */) = 0\nstrace: Process 22591 attached\n[pid 22591] execve("/bin/true", ["/bin/true"], 0x55a0 /* 35 vars */ <unfinished ...>\n[pid 22589] wait4(-1,  <unfinished ...>\n[pid 22591] <... execve resumed>) = 0\n'],
    ['a -c summary', '% time     seconds  usecs/call     calls    errors syscall\n------ ----------- ----------- --------- --------- ----------------\n 65.40    0.000155           2        62        16 newfstatat\n100.00    0.000237           0       358        56 total\n'],
    ['attach messages only', 'strace: Process 24453 attached with 2 threads\nstrace: Process 24453 detached\nstrace: Process 24455 detached\n'],
    ['a one-call log', 'exit_group(0) = ?\n+++ exited with 0 +++\n'],
  ])('is sure of %s', (_what, text) => {
    expect(sniffStrace(text)).toBeGreaterThanOrEqual(HIGH);
  });

  it.each([
    ['curl -v output', '*   Trying 127.0.0.1:18080...\n* Connected to 127.0.0.1 (127.0.0.1) port 18080 (#0)\n> GET / HTTP/1.1\n> Host: 127.0.0.1:18080\n> User-Agent: curl/7.88.1\n>\n< HTTP/1.1 200 OK\n< Content-Length: 5\n<\n{ [5 bytes data]\n* Connection #0 to host 127.0.0.1 left intact\n'],
    ['an application log', '2024-05-01 12:00:00,123 ERROR app.client: cURL error 56: Recv failure: Connection reset by peer (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)\n2024-05-01 12:00:01,000 INFO app: retry(1) = scheduled\n[2024-05-01T12:00:02Z] WARN worker(3) stopped\n'],
    ['a README', '# faultline\n\nRun `strace -f -ttt -T -yy -o app.strace -p PID` and then:\n\n    node bin/run.js analyze app.strace\n\nIt finds calls like read(3) = -1 that failed.\n'],
    ['JSON', '{"time_total": 1.2, "exitcode": 56, "errormsg": "Recv failure: Connection reset by peer"}\n'],
    ['nothing', ''],
  ])('is not taken in by %s', (_what, text) => {
    expect(sniffStrace(text)).toBeLessThanOrEqual(LOW);
  });

  it('is sure of every strace sample made here', () => {
    const dir = path.join(repoRoot, 'samples', 'strace');
    const files = filesUnder(dir).filter((f) => !/\.(sh|md)$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect([path.basename(f), sniffStrace(head(f))]).toEqual([path.basename(f), expect.any(Number)]);
    for (const f of files) expect(sniffStrace(head(f)), f).toBeGreaterThanOrEqual(HIGH);
  });

  describe.skipIf(!hasCorpus)('on the shared corpus', () => {
    it('is sure of every strace file in the corpus', () => {
      const files = filesUnder(path.join(corpusDir, 'strace')).filter((f) => !f.endsWith('.md'));
      for (const f of files) expect(sniffStrace(head(f)), f).toBeGreaterThanOrEqual(HIGH);
    });

    it('is not taken in by the curl corpus', () => {
      const files = filesUnder(path.join(corpusDir, 'curl')).filter((f) => !f.endsWith('.md'));
      for (const f of files) expect(sniffStrace(head(f)), f).toBeLessThanOrEqual(LOW);
    });
  });
});
