/**
 * The issue-13 detectors on real strace logs made here (samples/strace/make-failures.sh)
 * and on the public corpus, where they must stay quiet on healthy programs' noise.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectFailed } from '../../src/detectors/connect-failed/index.js';
import { dnsFailed } from '../../src/detectors/dns-failed/index.js';
import { execFailed } from '../../src/detectors/exec-failed.js';
import { localServiceMissing } from '../../src/detectors/local-service-missing.js';
import { pathMissing } from '../../src/detectors/path-missing.js';
import { writeDenied } from '../../src/detectors/write-denied.js';
import type { Detector } from '../../src/detectors/types.js';
import type { FindingDraft, StraceModel } from '../../src/model/index.js';
import { corpusDir, hasCorpus, repoRoot } from '../helpers/paths.js';
import { filesUnder } from '../helpers/files.js';
import { runOf, straceInput } from '../helpers/strace.js';

const NEW: Detector[] = [connectFailed, localServiceMissing, writeDenied, pathMissing, execFailed, dnsFailed];
const dir = path.join(repoRoot, 'samples', 'strace', 'failures');
const sample = (name: string) => straceInput(name, createReadStream(path.join(dir, name)));

async function findings(name: string): Promise<FindingDraft[]> {
  const run = runOf(await sample(name));
  return NEW.flatMap((d) => d.detect(run));
}

describe('issue 13 detectors on real strace logs', () => {
  it("names postfix's missing pickup socket behind mail() → sendmail → postdrop", async () => {
    const f = await findings('mail-pickup-missing.strace');
    expect(f.map((x) => x.detector).sort()).toEqual(['connect-failed', 'local-service-missing']);
    const l = f.find((x) => x.detector === 'local-service-missing')!;
    expect(l.severity).toBe('error');
    expect(l.title).toBe(
      "php-mail.sh ran sendmail, whose postdrop could not reach postfix's pickup socket (/var/spool/postfix/public/pickup: ENOENT): postfix is not running in this container",
    );
    expect(l.details).toMatchObject({ service: 'postfix', destination: '/var/spool/postfix/public/pickup', errno: 'ENOENT' });
    expect(l.evidence[0].text).toContain('connect(3<UNIX-STREAM:');
    // what it said on stderr right after is evidence too
    expect(l.evidence[1].text).toMatch(/write\(2.*postdrop: warning: unable to look up public\/pickup/);
    // both findings name the same event
    const c = f.find((x) => x.detector === 'connect-failed')!;
    expect(c.eventKeys![0]).toBe(l.eventKeys![0]);
  });

  it('names the path, flags and uid of a write refused in a root-owned folder', async () => {
    const [f, ...rest] = await findings('write-denied.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'write-denied', severity: 'error', subject: { syscall: 'openat' } });
    expect(f.title).toMatch(/^sh could not write \/tmp\/fl-failures\.[^/]+\/logs\/app\.log as uid 65534 \(nobody\): EACCES$/);
    expect(f.details).toMatchObject({ flags: 'O_WRONLY|O_CREAT|O_APPEND', uid: 65534 });
  });

  it('finds the folder that was never created', async () => {
    const [f, ...rest] = await findings('path-missing.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'path-missing', severity: 'error', title: 'sh could not create var/cache/app/state.json: ENOENT (folder var/cache/app missing)' });
    expect(f.details).toMatchObject({ missing_folder: 'var/cache/app', flags: 'O_WRONLY|O_CREAT|O_TRUNC' });
  });

  it("reads a non-blocking connect's refusal back from SO_ERROR (curl, exit 7)", async () => {
    const [f, ...rest] = await findings('connect-refused-curl.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'connect-failed', severity: 'error', title: 'Could not connect to 127.0.0.1:18099: ECONNREFUSED (Connection refused)' });
    expect(f.details.seen_via).toMatch(/SO_ERROR/);
    expect(f.join).toMatchObject({ server: { ip: '127.0.0.1', port: 18099 } });
    expect(f.evidence.map((e) => e.text).join('\n')).toMatch(/EINPROGRESS[\s\S]*SO_ERROR, \[ECONNREFUSED\]/);
  });

  it('calls a refused connect retried successfully info, not an error', async () => {
    const [f, ...rest] = await findings('connect-refused-retried.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'connect-failed', severity: 'info' });
    expect(f.details.recovered_by).toBeDefined();
  });

  it("names the command a shell could not find (exit 127), without a $PATH walk's noise", async () => {
    const [f, ...rest] = await findings('exec-missing.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'exec-failed', severity: 'error', title: 'sh could not run sendmail: command not found (exit 127)' });
    expect(f.details.command).toBe('sendmail');
  });

  it('warns of DNS queries to a loopback resolver that never answers', async () => {
    const [f, ...rest] = await findings('dns-no-reply.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'dns-failed', severity: 'warning', title: 'DNS lookup of service.internal.example (A) failed: no answer from 127.0.0.1:53 (getent, 1 query over udp)' });
    expect(f.details).toMatchObject({ queries_sent: 1, replies: 0, transport: 'udp' });
  });

  it('warns of a resolver address where nothing listens (glibc sees POLLERR and gives up without reading)', async () => {
    const [f, ...rest] = await findings('dns-refused.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'dns-failed', severity: 'warning', details: { server: '127.0.0.1:53', queries_sent: 1, replies: 0 } });
  });

  it('shows the wrong port and the environment variable that gave it (strace -v)', async () => {
    const input = await sample('wrong-port-env.strace');
    const [f, ...rest] = NEW.flatMap((d) => d.detect(runOf(input)));
    expect(rest).toEqual([]);
    expect(f.title).toBe('Could not connect to 127.0.0.1:18081: ECONNREFUSED (Connection refused)');
    const curl = (input.model as StraceModel).processes.find((p) => p.exec?.path === '/usr/bin/curl')!;
    expect(curl.exec!.env).toEqual({ REVIEWS_URL: 'http://127.0.0.1:18081/reviews' });
    // glibc's nscd probe is there too (what it tried), but only the inet one is the service
    expect(curl.destinations.filter((d) => d.kind === 'inet')).toEqual([expect.objectContaining({ kind: 'inet', ip: '127.0.0.1', port: 18081, transport: 'tcp', attempts: 1, connected: 0, errors: { ECONNREFUSED: 1 }, outcome: 'failed' })]);
  });

  // samples/strace/make-dropped.sh: a listener with listen(0) that never accepts, its queue filled
  it('names a port that drops SYNs: a blocking connect ending in ETIMEDOUT', async () => {
    const [f, ...rest] = await findings('connect-dropped.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'connect-failed', severity: 'error', title: 'Could not connect to 127.0.0.1:18097: ETIMEDOUT (Connection timed out)', join: { server: { ip: '127.0.0.1', port: 18097 } } });
    expect(f.details).toMatchObject({ destination: '127.0.0.1:18097', errno: 'ETIMEDOUT' });
    expect(f.explanation).toMatch(/accept queue is full/);
    // the connect blocked for the two SYNs' time (1 s + 2 s) before the kernel gave up
    expect(f.evidence[0].text).toMatch(/connect\(3<TCP:\[\d+\]>, .*htons\(18097\).* = -1 ETIMEDOUT \(Connection timed out\) <3\.\d+>$/);
  });

  it('names a port that drops SYNs behind a non-blocking connect: EINPROGRESS, then SO_ERROR reads ETIMEDOUT', async () => {
    const [f, ...rest] = await findings('connect-dropped-nonblocking.strace');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'connect-failed', severity: 'error', title: 'Could not connect to 127.0.0.1:18097: ETIMEDOUT (Connection timed out)' });
    expect(f.details.seen_via).toMatch(/SO_ERROR/);
    expect(f.evidence.map((e) => e.text).join('\n')).toMatch(/EINPROGRESS[\s\S]*SO_ERROR, \[ETIMEDOUT\]/);
  });

  it("raises no strace finding for a connect the program gave up on itself (curl's own output carries its exit 28; the summary shows it)", async () => {
    // EINPROGRESS, poll times out, close: no errno to report; curl's -v output (exit 28) carries the finding
    expect(await findings('connect-dropped-curl.strace')).toEqual([]);
  });

  it('names MySQL behind a missing /var/run/mysqld/mysqld.sock', async () => {
    const f = await findings('mysql-socket-missing.strace');
    expect(f.find((x) => x.detector === 'local-service-missing')?.title).toBe('python3 could not reach MySQL/MariaDB at /var/run/mysqld/mysqld.sock (ENOENT): MySQL/MariaDB is not running in this container');
  });

  it("stays quiet on a healthy program: library probing, glibc's nscd socket, execvp walking $PATH", async () => {
    const input = await sample('healthy-noise.strace');
    expect(NEW.flatMap((d) => d.detect(runOf(input)))).toEqual([]);
    const m = input.model as StraceModel;
    // the probes were seen, and dropped as probes
    expect(m.dropped.probes).toBeGreaterThan(5);
  });
});


describe.skipIf(!hasCorpus)('issue 13 detectors on the public strace corpus (skipped where ../shared is absent)', () => {
  // Read by a person on 2026-12-05: the corpus holds nscd probes (old AF_FILE and new), npm's execvp
  // walking twelve $PATH folders, non-blocking connects that worked, gettext catalog probes before
  // an error message, and a thread killed by SIGKILL on purpose — none of them a failure of these kinds.
  const files = hasCorpus ? filesUnder(path.join(corpusDir, 'strace'), (n) => !/\.(md|txt)$/.test(n)) : [];
  it.each(files.map((f) => [path.relative(corpusDir, f), f]))('raises nothing on %s', async (_n, file) => {
    const run = runOf(await straceInput(file, createReadStream(file)));
    expect(NEW.flatMap((d) => d.detect(run)).map((f) => `${f.detector}: ${f.title}`)).toEqual([]);
  });
});
