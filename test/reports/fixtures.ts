/**
 * RunResult objects built in code, shaped like what the pipeline makes from
 * real inputs (lanes, spans, markers, merged findings citing several inputs).
 * They let the reports be tested before, and independently of, the parsers.
 */
import { LaneBuilder, type Finding, type InputInfo, type Lane, type RunResult } from '../../src/model/index.js';

/** 2026-11-23 02:10:00 UTC */
export const T0 = 1_795_400_000;

function base(inputs: InputInfo[], findings: Finding[], lanes: Lane[], absolute = true): RunResult {
  const clocks: RunResult['clocks'] = {};
  for (const i of inputs) clocks[i.path] = { offset: 0, absolute: absolute && i.clock === 'epoch' };
  return {
    tool: 'faultline',
    version: '0.1.0',
    inputs,
    findings,
    detector_failures: [],
    clocks,
    lanes,
    assumptions: { timezone: 'UTC', join_window: 2 },
    redacted: true,
  };
}

function input(path: string, format: InputInfo['format'], events: number, bytes: number, first: number, last: number, extra: Partial<InputInfo> = {}): InputInfo {
  return { path, format, status: 'read', events, bytes, clock: 'epoch', warnings: [], first_t: first, last_t: last, ...extra };
}

/** strace -f -ttt -T of a worker frozen by SIGSTOP for 4 s; its nanosleep is not restarted after SIGCONT. */
export function straceStopContinue(): RunResult {
  const p = 'strace/stop-continue.log';
  const main = new LaneBuilder(`${p}#tid:4211`, p, 'thread', 'pid 4211 (main)', 'pid 4211');
  const worker = new LaneBuilder(`${p}#tid:4212`, p, 'thread', 'tid 4212', 'pid 4211');
  const other = new LaneBuilder(`${p}#tid:4213`, p, 'thread', 'tid 4213', 'pid 4211');
  for (let i = 0; i < 60; i++) {
    const t = T0 + 0.1 * i;
    main.tick(t);
    main.span({ start: t, end: t + 0.002, kind: 'syscall', label: `epoll_wait(5, [], 16, 100) = 0`, line: 10 + i });
    other.tick(t + 0.05);
    other.span({ start: t + 0.05, end: t + 0.051, kind: 'syscall', label: 'read(7, "x", 1) = 1', line: 80 + i });
  }
  worker.tick(T0 + 0.5);
  worker.span({ start: T0 + 0.5, end: T0 + 1.2, kind: 'syscall', label: 'nanosleep({tv_sec=10, tv_nsec=0}, …) = ? ERESTART_RESTARTBLOCK', line: 17, details: { requested: 10, remaining: 9.3 } });
  worker.marker({ t: T0 + 1.2, kind: 'signal', label: 'SIGSTOP {si_code=SI_USER, si_pid=4300}', line: 18 });
  worker.span({ start: T0 + 1.2, end: T0 + 5.2, kind: 'stop', label: 'stopped by SIGSTOP from pid 4300', line: 18 });
  worker.marker({ t: T0 + 5.2, kind: 'signal', label: 'SIGCONT {si_code=SI_USER, si_pid=4300}', line: 19 });
  worker.span({ start: T0 + 5.21, end: T0 + 5.25, kind: 'syscall', label: 'write(1, "done\\n", 5) = 5', line: 20 });
  worker.marker({ t: T0 + 5.3, kind: 'exit', label: '+++ exited with 0 +++', line: 21 });
  worker.tick(T0 + 5.3);
  const lanes = [main.build(), worker.build(), other.build()];
  const findings: Finding[] = [
    {
      id: 'F1',
      detector: 'process-stopped',
      severity: 'warning',
      title: 'tid 4212 was stopped for 4.00 s by SIGSTOP from pid 4300',
      start: T0 + 1.2,
      end: T0 + 5.2,
      subject: { pid: 4211, tid: 4212 },
      evidence: [
        { input: p, line: 18, text: '4212 1795400001.200000 --- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=4300, si_uid=0} ---' },
        { input: p, line: 19, text: '4212 1795400005.200000 --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=4300, si_uid=0} ---' },
      ],
      details: { stopped_for: 4, sender_pid: 4300 },
      lanes: [`${p}#tid:4212`],
    },
    {
      id: 'F2',
      detector: 'sigcont-no-restart',
      severity: 'error',
      title: 'nanosleep of tid 4212 was cut short by SIGSTOP/SIGCONT and never restarted (9.30 s of 10 s left)',
      start: T0 + 0.5,
      end: T0 + 5.25,
      subject: { pid: 4211, tid: 4212, syscall: 'nanosleep' },
      evidence: [
        { input: p, line: 17, text: '4212 1795400000.500000 nanosleep({tv_sec=10, tv_nsec=0},  <unfinished ...>' },
        { input: p, line: 19, text: '4212 1795400005.200000 --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=4300, si_uid=0} ---' },
        { input: p, line: 20, text: '4212 1795400005.210000 write(1, "done\\n", 5) = 5 <0.000040>' },
      ],
      details: { requested: 10, remaining: 9.3, gap: 4, stopped_by_pid: 4300 },
      explanation: 'The thread resumed without restart_syscall(<... resuming interrupted nanosleep ...>): the sleep was cut short. Check the SIGCONT handler or the runtime\'s restart handling.',
      related: ['F1'],
      lanes: [`${p}#tid:4212`],
    },
  ];
  return base([input(p, 'strace', 214, 18_304, T0, T0 + 6)], findings, lanes);
}

function connLane(path: string, client: string, server: string, start: number, end: number, reset: boolean): Lane {
  const b = new LaneBuilder(`${path}#conn:${client}->${server}`, path, 'connection', `${client} → ${server}`, server);
  b.tick(start);
  b.marker({ t: start, kind: 'syn', label: 'SYN', packet: 1 });
  b.span({ start, end, kind: 'connection', label: `${client} → ${server}`, packet: 1 });
  b.span({ start: start + 0.001, end: start + 0.002, kind: 'request', label: 'GET /download HTTP/1.1', packet: 4 });
  b.span({ start: start + 0.01, end: end, kind: 'response', label: 'HTTP/1.1 200 OK (Content-Length: 1048576)', packet: 6, details: { expected: 1048576, received: 65536 } });
  b.marker({ t: end, kind: reset ? 'reset' : 'fin', label: reset ? 'RST from server' : 'FIN', packet: 40 });
  b.tick(end);
  return b.build();
}

function curlLane(path: string, n: number, label: string, start: number, end: number, error?: string): Lane {
  const b = new LaneBuilder(`${path}#transfer:${n}`, path, 'transfer', label, '127.0.0.1:8080');
  b.tick(start);
  b.span({ start, end, kind: 'transfer', label, line: 1 });
  if (error) b.marker({ t: end, kind: 'error', label: error, line: 14 });
  b.tick(end);
  return b.build();
}

/** A server reset mid-body: capture + curl -v; curl error 56 and a truncated response, merged across both. */
export function resetCapture(): RunResult {
  const pcap = 'capture/reset.pcap';
  const curl = 'curl/reset-v.txt';
  const lanes = [
    connLane(pcap, '127.0.0.1:40312', '127.0.0.1:8080', T0 + 1, T0 + 1.8, true),
    connLane(pcap, '127.0.0.1:40310', '127.0.0.1:8080', T0 + 0.2, T0 + 0.4, false),
    curlLane(curl, 1, 'GET http://127.0.0.1:8080/download', T0 + 0.999, T0 + 1.801, 'curl: (56) Recv failure: Connection reset by peer'),
  ];
  const conn = '127.0.0.1:40312->127.0.0.1:8080';
  const filter = 'tcp.stream eq 1 || (ip.addr==127.0.0.1 && tcp.port==40312)';
  const findings: Finding[] = [
    {
      id: 'F1',
      detector: 'curl-error-56',
      severity: 'error',
      title: 'GET http://127.0.0.1:8080/download failed: (56) Recv failure: Connection reset by peer — the server sent RST',
      start: T0 + 1.8,
      end: T0 + 1.801,
      subject: { connection: conn, url: 'http://127.0.0.1:8080/download' },
      evidence: [
        { input: curl, line: 14, text: 'curl: (56) Recv failure: Connection reset by peer' },
        { input: pcap, packet: 40, text: '127.0.0.1:8080 → 127.0.0.1:40312 [RST, ACK] Seq=65537 Ack=95' },
      ],
      details: { wireshark_filter: filter, correlation: { inputs: [curl, pcap], joined_on: ['client port 40312 printed by curl -v matches the capture', 'times within 1 ms'] }, bytes_received: 65536 },
      lanes: [`${pcap}#conn:127.0.0.1:40312->127.0.0.1:8080`, `${curl}#transfer:1`],
      related: ['F2'],
    },
    {
      id: 'F2',
      detector: 'truncated-response',
      severity: 'error',
      title: 'Response body ended by RST after 65,536 of 1,048,576 bytes (Content-Length)',
      start: T0 + 1.01,
      end: T0 + 1.8,
      subject: { connection: conn, url: 'http://127.0.0.1:8080/download' },
      evidence: [
        { input: pcap, packet: 6, text: 'HTTP/1.1 200 OK  (Content-Length: 1048576)' },
        { input: pcap, packet: 40, text: '127.0.0.1:8080 → 127.0.0.1:40312 [RST, ACK] Seq=65537 Ack=95' },
      ],
      details: { wireshark_filter: filter, expected: 1048576, received: 65536, framing: 'content-length' },
      lanes: [`${pcap}#conn:127.0.0.1:40312->127.0.0.1:8080`],
      related: ['F1'],
    },
  ];
  return base(
    [input(pcap, 'pcap', 46, 70_212, T0 + 0.2, T0 + 1.8), input(curl, 'curl-verbose', 15, 1_204, T0 + 0.999, T0 + 1.801, { clock: 'epoch', notes: ['curl 8.5.0 -v --trace-time'] })],
    findings,
    lanes,
  );
}

/** A PUT with Expect: 100-continue whose body waited 1 s for a 100 that never came. */
export function expect100(): RunResult {
  const pcap = 'capture/expect100.pcap';
  const b = new LaneBuilder(`${pcap}#conn:127.0.0.1:51000->127.0.0.1:8081`, pcap, 'connection', '127.0.0.1:51000 → 127.0.0.1:8081', '127.0.0.1:8081');
  b.tick(T0);
  b.marker({ t: T0, kind: 'syn', label: 'SYN', packet: 1 });
  b.span({ start: T0, end: T0 + 1.2, kind: 'connection', label: 'connection', packet: 1 });
  b.span({ start: T0 + 0.001, end: T0 + 0.0012, kind: 'request', label: 'PUT /upload HTTP/1.1 (Expect: 100-continue)', packet: 4 });
  b.span({ start: T0 + 0.0012, end: T0 + 1.0012, kind: 'wait', label: 'waited 1.000 s for 100 Continue', packet: 4, details: { waited: 1, got_100: false } });
  b.span({ start: T0 + 1.0012, end: T0 + 1.1, kind: 'request', label: 'body 65536 bytes', packet: 6 });
  b.span({ start: T0 + 1.12, end: T0 + 1.13, kind: 'response', label: 'HTTP/1.1 201 Created', packet: 12 });
  b.marker({ t: T0 + 1.2, kind: 'fin', label: 'FIN from client', packet: 14 });
  b.tick(T0 + 1.2);
  const findings: Finding[] = [
    {
      id: 'F1',
      detector: 'expect-100-continue',
      severity: 'warning',
      title: 'PUT /upload waited 1.000 s for 100 Continue, which never came; the client then sent the body',
      start: T0 + 0.0012,
      end: T0 + 1.0012,
      subject: { connection: '127.0.0.1:51000->127.0.0.1:8081', url: 'http://127.0.0.1:8081/upload' },
      evidence: [
        { input: pcap, packet: 4, text: 'PUT /upload HTTP/1.1  Expect: 100-continue' },
        { input: pcap, packet: 6, text: '127.0.0.1:51000 → 127.0.0.1:8081 [PSH, ACK] Len=65483 (body after 1.000 s)' },
      ],
      details: { wait: 1.0, got_100: false, wireshark_filter: 'tcp.port == 51000' },
      explanation: 'curl waits up to 1 s (--expect100-timeout) for the interim response. Servers that ignore Expect cost every upload that second.',
      lanes: [`${pcap}#conn:127.0.0.1:51000->127.0.0.1:8081`],
    },
  ];
  return base([input(pcap, 'pcapng', 14, 68_000, T0, T0 + 1.2)], findings, [b.build()]);
}

/** One incident seen by curl, the capture and strace: one finding citing all three inputs. */
export function mergedIncident(): RunResult {
  const r = resetCapture();
  const st = 'incident-1/app.strace';
  const t = new LaneBuilder(`${st}#tid:900`, st, 'thread', 'pid 900 (curl)', 'pid 900');
  t.tick(T0 + 0.99);
  t.span({ start: T0 + 0.999, end: T0 + 1.0, kind: 'syscall', label: 'connect(5, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0', line: 40 });
  t.span({ start: T0 + 1.02, end: T0 + 1.8, kind: 'syscall', label: 'poll([{fd=5, events=POLLIN}], 1, 1000) = 1', line: 41 });
  t.marker({ t: T0 + 1.8, kind: 'error', label: 'recvfrom(5, …) = -1 ECONNRESET (Connection reset by peer)', line: 42 });
  t.tick(T0 + 1.8);
  r.lanes.push(t.build());
  r.inputs.push(input(st, 'strace', 120, 9_800, T0 + 0.99, T0 + 1.81));
  r.clocks[st] = { offset: 0, absolute: true };
  const f = r.findings[0];
  f.evidence.push({ input: st, line: 42, text: '900 1795400001.800200 recvfrom(5, 0x7ffd..., 16384, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer)' });
  f.details.correlation = { inputs: ['curl/reset-v.txt', 'capture/reset.pcap', st], joined_on: ['client port 40312 (curl -v, capture, strace -yy fd 5)', 'time within 2 ms'] };
  f.lanes = [...(f.lanes ?? []), `${st}#tid:900`];
  return r;
}

/** Attacker-controlled text everywhere a trace reaches the report. */
export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '<img src=x onerror="window.__pwned=2">',
  attr: '" onmouseover="window.__pwned=3" x="',
  svg: '</svg><svg onload="window.__pwned=4">',
  style: '</style><style>body{display:none}</style>',
};

export function hostile(): RunResult {
  const p = `capture/evil${HOSTILE.img}.pcap`;
  const laneId = `${p}#conn:${HOSTILE.attr}`;
  const b = new LaneBuilder(laneId, p, 'connection', `10.0.0.1:1 → ${HOSTILE.svg}`, HOSTILE.script);
  b.tick(T0);
  b.span({ start: T0, end: T0 + 0.5, kind: 'request', label: `GET /${HOSTILE.script} HTTP/1.1`, packet: 4, details: { 'X-Evil': HOSTILE.img, [HOSTILE.attr]: HOSTILE.style } });
  b.marker({ t: T0 + 0.5, kind: 'reset', label: HOSTILE.img, packet: 5 });
  b.tick(T0 + 0.5);
  const findings: Finding[] = [
    {
      id: 'F1',
      detector: 'curl-error-56',
      severity: 'error',
      title: `Server reset ${HOSTILE.script}${HOSTILE.img}`,
      start: T0 + 0.5,
      end: null,
      subject: { connection: HOSTILE.attr, url: `http://x/${HOSTILE.svg}` },
      evidence: [{ input: p, packet: 4, text: `User-Agent: ${HOSTILE.script} X-Header: ${HOSTILE.img} \`|\` ${HOSTILE.style}` }],
      details: { wireshark_filter: `tcp.port == 1 ${HOSTILE.attr}`, note: HOSTILE.style, [HOSTILE.script]: 1 },
      explanation: HOSTILE.svg,
      lanes: [laneId],
    },
  ];
  // what a process tried: its program, command line, environment, unix path and looked-up name all come from the trace
  const tried: InputInfo['tried'] = {
    by: [
      {
        pid: 7,
        program: `/usr/bin/${HOSTILE.style}`,
        command: `app ${HOSTILE.script}`,
        env: { [HOSTILE.attr]: HOSTILE.img, API_URL: `http://x/${HOSTILE.svg}` },
        destinations: [{ to: `/run/${HOSTILE.script}.sock`, transport: 'unix-stream', attempts: 1, connected: 0, failures: { [HOSTILE.img]: 1 }, outcome: 'failed', first_t: T0 }],
        lookups: [{ name: HOSTILE.svg, types: [HOSTILE.attr], queries: 1, outcome: HOSTILE.script }],
      },
    ],
  };
  return base([input(p, 'pcap', 5, 999, T0, T0 + 0.5, { warnings: [`packet 3: ${HOSTILE.script}`], notes: [HOSTILE.img], tried })], findings, [b.build()]);
}

/** Every time in the result moved by `delta` seconds (lanes, findings, input spans). */
export function shifted(r: RunResult, delta: number): RunResult {
  const shift = (t: number) => t + delta;
  for (const l of r.lanes) {
    for (const s of l.spans) {
      s.start = shift(s.start);
      s.end = shift(s.end);
    }
    for (const m of l.markers) m.t = shift(m.t);
    if (l.density) l.density.start = shift(l.density.start);
    if (l.first !== undefined) l.first = shift(l.first);
    if (l.last !== undefined) l.last = shift(l.last);
  }
  for (const f of r.findings) {
    f.start = f.start === null ? null : shift(f.start);
    f.end = f.end === null ? null : shift(f.end);
  }
  for (const i of r.inputs) {
    if (typeof i.first_t === 'number') i.first_t = shift(i.first_t);
    if (typeof i.last_t === 'number') i.last_t = shift(i.last_t);
  }
  return r;
}

/** strace -r style: no wall-clock time at all. */
export function relativeOnly(): RunResult {
  const r = shifted(straceStopContinue(), -T0);
  r.inputs[0].clock = 'relative';
  r.clocks = { [r.inputs[0].path]: { offset: 0, absolute: false } };
  return r;
}

/** strace -tt style: time of day (01:00:00 onwards), no date. */
export function timeOfDay(): RunResult {
  const r = shifted(relativeOnly(), 3600);
  r.inputs[0].clock = 'time-of-day';
  return r;
}

/**
 * A big run: `events` syscalls spread over `lanes` thread lanes (strace of a
 * busy server), a few long calls, a stop, and findings on some lanes.
 * Deterministic (a fixed linear congruential generator).
 */
export function large(events: number, laneCount: number, opts: { kind?: 'thread' | 'connection'; duration?: number } = {}): RunResult {
  const kind = opts.kind ?? 'thread';
  const duration = opts.duration ?? 60; /* s */
  const p = kind === 'thread' ? 'big/server.strace' : 'big/many.pcap';
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const builders: LaneBuilder[] = [];
  for (let i = 0; i < laneCount; i++) {
    const id = kind === 'thread' ? `${p}#tid:${1000 + i}` : `${p}#conn:10.0.${i >> 8}.${i & 255}:${40000 + (i % 20000)}->10.1.0.${i % 7}:443`;
    const label = kind === 'thread' ? `tid ${1000 + i}` : `10.0.${i >> 8}.${i & 255} → 10.1.0.${i % 7}:443`;
    const group = kind === 'thread' ? `pid ${1000 + (i % 4)}` : `10.1.0.${i % 7}:443`;
    builders.push(new LaneBuilder(id, p, kind, label, group));
  }
  const perLane = Math.max(1, Math.floor(events / laneCount));
  let line = 1;
  for (let li = 0; li < laneCount; li++) {
    const b = builders[li];
    const laneStart = kind === 'thread' ? 0 : rnd() * duration * 0.9;
    const laneLen = kind === 'thread' ? duration : Math.min(duration - laneStart, 0.5 + rnd() * 5);
    for (let e = 0; e < perLane; e++) {
      const t = T0 + laneStart + (laneLen * e) / perLane + rnd() * 0.0005;
      const long = rnd() < 0.01;
      const d = long ? 0.05 + rnd() * 0.5 : rnd() * 0.0004;
      b.tick(t);
      if (kind === 'thread') {
        b.span({ start: t, end: t + d, kind: 'syscall', label: long ? `futex(0x7f00${li}, FUTEX_WAIT_PRIVATE, 0, NULL) = 0` : `read(${3 + (e % 40)}, "…", 4096) = 4096`, line: line++ });
      } else if (e === 0) {
        b.marker({ t, kind: 'syn', label: 'SYN', packet: line++ });
      } else if (e === perLane - 1) {
        b.marker({ t, kind: rnd() < 0.02 ? 'reset' : 'fin', label: 'close', packet: line++ });
      } else {
        b.span({ start: t, end: t + d, kind: e % 2 ? 'request' : 'response', label: e % 2 ? 'GET /api/items HTTP/1.1' : 'HTTP/1.1 200 OK', packet: line++ });
      }
    }
  }
  const lanes = builders.map((b) => b.build());
  const findings: Finding[] = [];
  for (let i = 0; i < Math.min(12, laneCount); i++) {
    const lane = lanes[Math.floor((i * laneCount) / 12)];
    const s = Math.max(lane.first ?? T0, T0 + (duration * (i + 0.5)) / 12);
    findings.push({
      id: `F${i + 1}`,
      detector: kind === 'thread' ? 'process-stopped' : 'curl-error-56',
      severity: i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warning' : 'info',
      title: `${lane.label}: finding number ${i + 1}`,
      start: s,
      end: s + 0.4,
      subject: kind === 'thread' ? { tid: 1000 + i } : { connection: lane.label },
      evidence: [{ input: p, line: 100 + i, text: `evidence line ${i + 1}` }],
      details: {},
      lanes: [lane.id],
    });
  }
  return base([input(p, kind === 'thread' ? 'strace' : 'pcap', events, events * 90, T0, T0 + duration)], findings, lanes);
}

export const SMALL_CASES: Record<string, () => RunResult> = {
  'strace-stop-continue': straceStopContinue,
  'reset-capture': resetCapture,
  'expect-100': expect100,
  'merged-incident': mergedIncident,
  hostile,
  'relative-only': relativeOnly,
  'time-of-day': timeOfDay,
};
