import { describe, expect, it } from 'vitest';
import type { FindingDraft, JoinFacts } from '../../src/model/index.js';
import { mergeDrafts, placeDraft, requestTarget } from '../../src/pipeline/correlate.js';
import { buildFindings } from '../../src/pipeline/index.js';

const ABS = { offset: 0, absolute: true };
const NONE = { offset: 0, absolute: false };

function draft(input: string, join: JoinFacts, extra: Partial<FindingDraft> = {}): FindingDraft {
  return {
    detector: 'curl-error-56',
    severity: 'error',
    title: `reset seen in ${input}`,
    input,
    start: join.t ?? null,
    subject: {},
    evidence: [{ input, line: 1, text: 'x' }],
    details: {},
    join,
    ...extra,
  };
}

const client = { ip: '127.0.0.1', port: 51000 };
const server = { ip: '127.0.0.1', port: 18000 };

describe('merging one event seen in several inputs', () => {
  const cases: { name: string; a: [JoinFacts, boolean]; b: [JoinFacts, boolean]; joined: boolean; on?: string[] }[] = [
    { name: 'joins on both connection ends within the window', a: [{ client, server, t: 100 }, true], b: [{ client, server, t: 100.4 }, true], joined: true, on: ['client 127.0.0.1:51000', 'server 127.0.0.1:18000'] },
    { name: 'never joins when the client port disagrees, whatever the time', a: [{ client, server, t: 100 }, true], b: [{ client: { ...client, port: 51001 }, server, t: 100 }, true], joined: false },
    { name: 'never joins when the times are further apart than the window', a: [{ client, server, t: 100.2 }, true], b: [{ client, server, t: 103.3 }, true], joined: false },
    { name: 'never joins on time alone', a: [{ t: 100 }, true], b: [{ t: 100.1 }, true], joined: false },
    { name: 'joins the far end and time when one view has no client port', a: [{ server, t: 100 }, true], b: [{ client, server, t: 100.2 }, true], joined: true },
    { name: 'joins an untimed view on the request, status and far end', a: [{ server, url: 'http://127.0.0.1:18000/pay?x=1', status: 200 }, false], b: [{ client, server, url: '/pay?x=1', status: 200, t: 5 }, true], joined: true },
    { name: 'does not join an untimed view on the far end alone', a: [{ server }, false], b: [{ client, server, t: 5 }, true], joined: false },
    { name: 'keeps apart two requests to one server', a: [{ server, url: '/a', t: 1 }, true], b: [{ server, url: '/b', t: 1 }, true], joined: false },
    // issue 9, item 16: curl -v and %{json} of one refused transfer
    { name: "joins two curl views printing the same message with its own numbers", a: [{ host: '127.0.0.1', curlExit: 7, curlError: 'Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn\'t connect to server' }, false], b: [{ host: '127.0.0.1', url: 'http://127.0.0.1:9/', curlExit: 7, curlError: 'Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn\'t connect to server' }, false], joined: true },
    { name: 'does not join on a message that names nothing of its own', a: [{ host: 'h', curlExit: 7, curlError: "Couldn't connect to server" }, false], b: [{ host: 'h', curlExit: 7, curlError: "Couldn't connect to server" }, false], joined: false },
    { name: 'keeps apart two curl views whose exit codes differ', a: [{ client, server, curlExit: 7, t: 1 }, true], b: [{ client, server, curlExit: 28, t: 1 }, true], joined: false },
    { name: 'treats an IPv4-mapped IPv6 address as the IPv4 one', a: [{ client: { ip: '::ffff:127.0.0.1', port: 51000 }, server, t: 1 }, true], b: [{ client, server, t: 1 }, true], joined: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pa = placeDraft(draft('a.pcap', c.a[0]), 0, c.a[1] ? ABS : NONE);
      const pb = placeDraft(draft('b.txt', c.b[0]), 1, c.b[1] ? ABS : NONE);
      const groups = mergeDrafts([pa, pb], 2);
      expect(groups.length).toBe(c.joined ? 1 : 2);
      if (c.on) for (const f of c.on) expect(groups[0].joinedOn).toContain(f);
    });
  }

  it('joins a view to the group when one member confirms it and none disagrees', () => {
    // strace knows the ports but not the request; curl -v knows the request but no port or time.
    const cap = placeDraft(draft('capture.pcap', { client, server, url: '/pay', status: 200, t: 10 }), 0, ABS);
    const st = placeDraft(draft('client.strace', { client, server, t: 10 }), 1, ABS);
    const cv = placeDraft(draft('curl-v.txt', { server, url: 'http://127.0.0.1:18000/pay', status: 200 }), 2, NONE);
    expect(mergeDrafts([cap, st, cv], 2)).toHaveLength(1);
    const other = placeDraft(draft('curl-v.txt', { server, url: '/refund', status: 200 }), 2, NONE);
    expect(mergeDrafts([cap, st, other], 2)).toHaveLength(2);
  });

  it('links two groups through a view that knows both sides (TLS capture + curl -v + curl -w)', () => {
    // The capture of a TLS call knows the ports, not the request; curl -v the request, not the port.
    const cap = placeDraft(draft('capture.pcap', { client, server, t: 10 }), 0, ABS);
    const cv = placeDraft(draft('curl-v.txt', { server, url: 'https://h/x' }), 1, NONE);
    const cw = placeDraft(draft('curl-w.txt', { client, server, url: 'https://h/x' }), 2, NONE);
    const groups = mergeDrafts([cap, cv, cw], 2);
    expect(groups).toHaveLength(1);
    expect(groups[0].members).toHaveLength(3);
  });

  it("joins a view with nothing to join on to the run's only event of its detector, and says so", () => {
    const cap = placeDraft(draft('capture.pcap', { client, server, t: 10, bytesReceived: 0 }), 0, ABS);
    const bare = placeDraft(draft('curl-stderr.txt', { bytesReceived: 0 }), 1, NONE);
    const groups = mergeDrafts([cap, bare], 2);
    expect(groups).toHaveLength(1);
    expect(groups[0].joinedOn.join(' ')).toMatch(/only curl-error-56 event of the run/);
    // with two candidate events it stays apart: that would be a guess
    const other = placeDraft(draft('b.pcap', { client: { ...client, port: 1 }, server, t: 50 }), 2, ABS);
    expect(mergeDrafts([cap, other, bare], 2)).toHaveLength(3);
  });

  it('reads a whole-second log stamp as its whole second when joining, and times the finding by the finest view', () => {
    const log = placeDraft(draft('app.log', { server, t: 100 }), 0, ABS);
    const cap = placeDraft(draft('capture.pcap', { client, server, t: 100.748 }), 1, ABS);
    const groups = mergeDrafts([log, cap], 0.5);
    expect(groups).toHaveLength(1);
    const [f] = buildFindings([log, cap], 0.5);
    expect(f.start).toBe(100.748);
  });

  it('never times a joined finding by a view on its own clock (strace -r)', () => {
    const cap = placeDraft(draft('capture.pcap', { client, server, t: 1.8e9 }), 0, ABS);
    const rel = placeDraft(draft('r.strace', { client, server, t: 0.118 }), 1, NONE);
    const [f] = buildFindings([cap, rel], 2);
    expect(f.evidence).toHaveLength(2);
    expect(f.start).toBe(1.8e9);
  });

  it('lets the capture speak for a joined event and keeps its Wireshark filter', () => {
    const cap = placeDraft(draft('capture.pcap', { client, server, t: 10 }, { title: 'wire', details: { wireshark_filter: 'tcp.port == 1' } }), 1, ABS, 'pcap');
    const json = placeDraft(draft('curl.json', { client, server, url: '/x', method: 'GET', host: 'h', bytesReceived: 0 }, { title: 'curl' }), 0, NONE, 'curl-json');
    const [f] = buildFindings([json, cap], 2);
    expect(f.title).toBe('wire');
    expect(f.details.wireshark_filter).toBe('tcp.port == 1');
  });

  it('never joins two findings of the same input', () => {
    const p1 = placeDraft(draft('a.pcap', { client, server, t: 1 }), 0, ABS);
    const p2 = placeDraft(draft('a.pcap', { client, server, t: 1 }), 0, ABS);
    expect(mergeDrafts([p1, p2], 2)).toHaveLength(2);
  });

  it('cites every input and says what the join was made on', () => {
    const drafts = [
      placeDraft(draft('capture.pcap', { client, server, t: 10.25 }, { evidence: [{ input: 'capture.pcap', packet: 12 }] }), 0, ABS),
      placeDraft(draft('client.strace', { client, server, t: 10.251 }, { evidence: [{ input: 'client.strace', line: 40 }], subject: { pid: 7 } }), 1, ABS),
      placeDraft(draft('curl.txt', { server, t: 10.75 }, { evidence: [{ input: 'curl.txt', line: 3 }], subject: { url: 'http://x/' } }), 2, ABS),
    ];
    const [f] = buildFindings(drafts, 2);
    expect(f.evidence.map((e) => e.input)).toEqual(['capture.pcap', 'client.strace', 'curl.txt']);
    expect(f.subject).toMatchObject({ pid: 7, url: 'http://x/' });
    const corr = f.details.correlation as { inputs: string[]; joined_on: string[] };
    expect(corr.inputs).toHaveLength(3);
    expect(corr.joined_on.join(' ')).toMatch(/server 127.0.0.1:18000/);
    expect(corr.joined_on).toContain('time within 2 s');
    expect(f.start).toBe(10.25);
  });

  it('relates findings of different detectors about one event, and gives stable ids', () => {
    const mk = (det: string) =>
      placeDraft(draft('c.pcap', { client, server, t: 3 }, { detector: det, eventKeys: ['c.pcap#conn:1#exchange:1'] }), 0, ABS);
    const one = buildFindings([mk('curl-error-56'), mk('truncated-response')], 2);
    const two = buildFindings([mk('truncated-response'), mk('curl-error-56')], 2);
    expect(one.map((f) => f.id)).toEqual(two.map((f) => f.id));
    expect(one[0].related).toEqual([one[1].id]);
    expect(one[1].related).toEqual([one[0].id]);
  });

  it('orders findings by start, then detector, then subject; untimed last', () => {
    const fs = buildFindings(
      [
        placeDraft(draft('a', {}, { detector: 'b-det', start: 5 }), 0, ABS),
        placeDraft(draft('a', {}, { detector: 'a-det', start: 5 }), 0, ABS),
        placeDraft(draft('a', {}, { detector: 'a-det', start: null }), 0, ABS),
        placeDraft(draft('a', {}, { detector: 'z-det', start: 1 }), 0, ABS),
      ],
      2,
    );
    expect(fs.map((f) => `${f.detector}@${f.start}`)).toEqual(['z-det@1', 'a-det@5', 'b-det@5', 'a-det@null']);
  });

  it('compares requests by path and query', () => {
    expect(requestTarget('http://h:1/p?q=1')).toBe('/p?q=1');
    expect(requestTarget('/p?q=1')).toBe('/p?q=1');
  });
});

describe('correlation at scale', () => {
  /** N events each seen by a capture and by curl -v (distinct client ports, 10 ms apart), plus strace for a third. */
  function views(n: number): ReturnType<typeof placeDraft>[] {
    const out: ReturnType<typeof placeDraft>[] = [];
    for (let i = 0; i < n; i++) {
      const c = { ip: '127.0.0.1', port: 20000 + (i % 40000) };
      const s = { ip: '127.0.0.1', port: 18000 };
      const t = 1000 + i * 0.01;
      out.push(placeDraft(draft('capture.pcap', { client: c, server: s, url: `/pay/${i}`, status: 200, t }), 0, ABS));
      out.push(placeDraft(draft('curl-v.txt', { client: c, server: s, url: `http://127.0.0.1:18000/pay/${i}`, t: t + 0.002 }), 1, ABS));
      if (i % 3 === 0) out.push(placeDraft(draft('client.strace', { client: c, server: s, t: t + 0.001 }), 2, ABS));
    }
    return out;
  }

  it('compares each draft with a bounded number of others: comparisons grow linearly with the drafts', () => {
    const counts = [500, 2000].map((n) => {
      const stats = { comparisons: 0 };
      const groups = mergeDrafts(views(n), 2, stats);
      expect(groups).toHaveLength(n);
      expect(groups.every((g) => g.members.length === (g.members.some((m) => m.draft.input === 'client.strace') ? 3 : 2))).toBe(true);
      return stats.comparisons;
    });
    // 4× the drafts, 4× the comparisons: each view meets only the views of its own connection,
    // though ~300 events of one server share every time bucket (all-pairs would be ~1,000× more)
    expect(counts[1] / counts[0]).toBeLessThan(4.5);
    expect(counts[1]).toBeLessThan(2000 * 4);
  });

  it('makes no comparison at all when every draft comes from one input', () => {
    const stats = { comparisons: 0 };
    const one = Array.from({ length: 5000 }, (_, i) => placeDraft(draft('php.log', { host: `h${i}.test`, t: 1000 + i }), 0, ABS));
    expect(mergeDrafts(one, 2, stats)).toHaveLength(5000);
    expect(stats.comparisons).toBe(0);
  });
});

describe('one refused transfer seen by curl -v and %{json} at once (issue 9, item 16)', () => {
  it('is one finding citing both views, quoting the error from the JSON line, not its first key', async () => {
    const { buildSpec, runCase } = await import('../../src/pipeline/index.js');
    const { samplesDir } = await import('../helpers/paths.js');
    const path = await import('node:path');
    const r = await runCase(await buildSpec([path.join(samplesDir, 'curl/refused-both')], { tz: ['UTC'] }));
    const failures = r.findings.filter((f) => f.severity !== 'info');
    expect(failures).toHaveLength(1);
    const f = failures[0];
    expect(new Set(f.evidence.map((e) => path.basename(e.input)))).toEqual(new Set(['curl.json', 'verbose.txt']));
    const fromJson = f.evidence.find((e) => e.input.endsWith('curl.json'))!;
    expect(fromJson.text).toMatch(/^"errormsg": Failed to connect to 127\.0\.0\.1 port \d+ after \d+ ms/);
    expect(JSON.stringify(f.details.correlation)).toMatch(/curl's message/);
  });
});

describe('finding ids made unique', () => {
  it('numbers the second and third finding of one basis -2, -3 among thousands of others, in the findings order', () => {
    const mk = (line: number, start: number) => placeDraft(draft('a.log', { t: start }, { start, evidence: [{ input: 'a.log', line }], subject: { url: `http://h/${line}` } }), 0, ABS);
    const placed = [];
    for (let line = 1; line <= 3000; line++) placed.push(mk(line, line));
    placed.push(mk(7, 7.5), mk(7, 7.25));
    const fs = buildFindings(placed, 2);
    const sevens = fs.filter((f) => f.subject.url === 'http://h/7');
    expect(sevens.map((f) => f.start)).toEqual([7, 7.25, 7.5]);
    expect(sevens.map((f) => f.id)).toEqual([sevens[0].id, `${sevens[0].id}-2`, `${sevens[0].id}-3`]);
    expect(new Set(fs.map((f) => f.id)).size).toBe(fs.length);
    expect(fs.every((f) => f.related === undefined)).toBe(true);
  });
});

describe('findings related by event key', () => {
  const mk = (det: string, key: string) => placeDraft(draft('c.pcap', { client, server, t: 3 }, { detector: det, eventKeys: [key] }), 0, ABS);

  it('relates only findings naming the very same key, not two keys of one hash (FNV-1a of c.pcap#conn:5628 and c.pcap#conn:968802)', () => {
    const fs = buildFindings([mk('curl-error-56', 'c.pcap#conn:5628'), mk('truncated-response', 'c.pcap#conn:968802'), mk('empty-reply', 'c.pcap#conn:1')], 2);
    expect(fs.map((f) => f.related)).toEqual([undefined, undefined, undefined]);
    const two = buildFindings([mk('curl-error-56', 'c.pcap#conn:5628'), mk('truncated-response', 'c.pcap#conn:968802'), mk('empty-reply', 'c.pcap#conn:5628')], 2);
    const byDet = Object.fromEntries(two.map((f) => [f.detector, f]));
    expect(byDet['curl-error-56'].related).toEqual([byDet['empty-reply'].id]);
    expect(byDet['empty-reply'].related).toEqual([byDet['curl-error-56'].id]);
    expect(byDet['truncated-response'].related).toBeUndefined();
  });
});
