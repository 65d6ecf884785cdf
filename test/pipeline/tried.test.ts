/**
 * inputs[].tried (issue 13, "What each process tried"): every input's
 * processes or clients with the destinations they tried and the names they
 * looked up, bounded, failures first — read from real samples made in
 * samples/strace/make-failures.sh and samples/wire/make-wire.sh.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline/index.js';
import { triedOf } from '../../src/pipeline/tried.js';
import { MAX_TRIED_BY, MAX_TRIED_DESTINATIONS, type Destination, type ProcessActivity, type StraceModel } from '../../src/model/index.js';
import { repoRoot } from '../helpers/paths.js';

const sample = (p: string) => path.join(repoRoot, 'samples', p);

async function triedIn(p: string) {
  const r = await analyze([sample(p)], { timezone: 'UTC' });
  return r.inputs[0].tried;
}

describe('what each process or client tried', () => {
  it('shows the client given a wrong port by its environment: never connected, with the variable that named it (strace -v)', async () => {
    const t = await triedIn('strace/failures/wrong-port-env.strace');
    const curl = t?.by.find((b) => b.program === '/usr/bin/curl');
    expect(curl?.env).toEqual({ REVIEWS_URL: 'http://127.0.0.1:18081/reviews' });
    expect(curl?.command).toBe('curl -sS --max-time 2 http://127.0.0.1:18081/reviews');
    expect(curl?.destinations).toEqual([
      { to: '127.0.0.1:18081', transport: 'tcp', attempts: 1, connected: 0, failures: { ECONNREFUSED: 1 }, outcome: 'failed', first_t: expect.any(Number), line: 446 },
    ]);
  });

  it("says a non-blocking connect the program closed before it finished (curl's connect timeout against dropped SYNs) never connected", async () => {
    const t = await triedIn('strace/failures/connect-dropped-curl.strace');
    const curl = t?.by.find((b) => b.program === '/usr/bin/curl');
    expect(curl?.destinations.map((d) => [d.to, d.outcome, d.failures])).toEqual([['127.0.0.1:18097', 'failed', { 'gave up while connecting': 1 }]]);
  });

  it('names a missing unix socket by its path', async () => {
    const t = await triedIn('strace/failures/mail-pickup-missing.strace');
    const postdrop = t?.by.find((b) => b.program?.endsWith('/postdrop'));
    expect(postdrop?.destinations.map((d) => [d.to, d.outcome, d.failures])).toEqual([['/var/spool/postfix/public/pickup', 'failed', { ENOENT: 1 }]]);
  });

  it('leaves out glibc asking nscd and the kernel (netlink): neither is a destination the program chose', async () => {
    const healthy = await triedIn('strace/failures/healthy-noise.strace');
    const all = (healthy?.by ?? []).flatMap((b) => b.destinations.map((d) => d.to));
    expect(all.filter((to) => /nscd/.test(to))).toEqual([]);
    const dns = await triedIn('strace/failures/dns-no-reply.strace');
    const getent = dns!.by[0];
    expect(getent.destinations.map((d) => [d.to, d.transport, d.outcome])).toEqual([['127.0.0.1:53', 'udp', 'no-reply']]);
    expect(getent.lookups).toEqual([{ name: 'service.internal.example', types: ['A'], queries: 1, outcome: 'no-answer', server: '127.0.0.1:53' }]);
  });

  it('says per capture client which ports refused, which never answered, and which names got no answer', async () => {
    const t = await triedIn('wire/connect-failed.pcap');
    expect(t?.by.map((b) => b.ip)).toEqual(['127.0.0.1']);
    const byOutcome = t!.by[0].destinations.map((d) => [d.outcome, d.failures]);
    expect(byOutcome).toEqual([
      ['failed', { refused: 1 }],
      ['partly', { unanswered: 1 }],
    ]);
    const dns = await triedIn('wire/dns-silent.pcap');
    expect(dns!.by[0].lookups.map((l) => [l.name, l.outcome])).toEqual([
      ['service-udp.example.test', 'no-answer'],
      ['service-tcp.example.test', 'no-answer'],
    ]);
    expect(dns!.by[0].destinations.find((d) => d.transport === 'udp')?.outcome).toBe('no-reply');
  });

  it('has no summary for a curl output (curl names its own destination in its findings)', async () => {
    const r = await analyze([sample('incidents/reset-mid-body/curl-verbose.txt')], { timezone: 'UTC' });
    expect(r.inputs[0].format).toMatch(/^curl/);
    expect(r.inputs[0].tried).toBeUndefined();
  });
});

describe('the summary is bounded and counts what it leaves out', () => {
  const dest = (i: number, failed: boolean): Destination => ({
    kind: 'inet',
    ip: '10.0.0.1',
    port: 1000 + i,
    transport: 'tcp',
    attempts: 1,
    connected: failed ? 0 : 1,
    errors: failed ? { ECONNREFUSED: 1 } : {},
    sends: 0,
    receives: 0,
    firstLine: i,
    firstT: i,
    lastLine: i,
    outcome: failed ? 'failed' : 'connected',
  });
  const proc = (pid: number, dests: Destination[]): ProcessActivity => ({ pid, destinations: dests, lookups: [] });
  const model = (processes: ProcessActivity[], droppedProcesses = 0) =>
    ({ kind: 'strace', processes, dropped: { processes: droppedProcesses } }) as unknown as StraceModel;

  it('keeps the processes with a failure first, and counts the rest with those the analysis dropped', () => {
    const procs = Array.from({ length: MAX_TRIED_BY + 10 }, (_, i) => proc(i + 1, [dest(0, i >= MAX_TRIED_BY)]));
    const t = triedOf(model(procs, 7))!;
    expect(t.by).toHaveLength(MAX_TRIED_BY);
    expect(t.by_dropped).toBe(10 + 7);
    // the ten failing processes (pids 51..60) lead, in pid order; then healthy ones from pid 1
    expect(t.by.slice(0, 11).map((b) => b.pid)).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 1]);
  });

  it('keeps every failed destination of a busy process and counts the healthy ones left out', () => {
    const dests = Array.from({ length: 40 }, (_, i) => dest(i, i % 10 === 9));
    const t = triedOf(model([{ ...proc(1, dests), destinationsDropped: 5 }]))!;
    const b = t.by[0];
    expect(b.destinations).toHaveLength(MAX_TRIED_DESTINATIONS);
    expect(b.destinations_dropped).toBe(40 - MAX_TRIED_DESTINATIONS + 5);
    expect(b.destinations.filter((d) => d.outcome === 'failed').map((d) => d.to)).toEqual(['10.0.0.1:1009', '10.0.0.1:1019', '10.0.0.1:1029', '10.0.0.1:1039']);
    // kept in the order they were tried
    expect(b.destinations.map((d) => d.first_t)).toEqual([...b.destinations.map((d) => d.first_t)].sort((x, y) => x! - y!));
  });

  it('gives no pid for a log without pids (strace without -f files all under 0)', () => {
    expect(triedOf(model([proc(0, [dest(0, true)])]))!.by[0].pid).toBeUndefined();
  });

  it('calls a connect that failed and then worked on retry "partly"', () => {
    const d = { ...dest(0, false), attempts: 2, errors: { ECONNREFUSED: 1 } };
    expect(triedOf(model([proc(1, [d])]))!.by[0].destinations[0].outcome).toBe('partly');
  });
});
