/**
 * A busy run and a clean run, built in code: hundreds of findings from one
 * server (resets), a few from another, and a crowd of info findings; and a
 * run that found nothing in a capture and an strace log.
 */
import type { Finding, InputInfo, RunResult } from '../../src/model/index.js';
import { T0 } from './fixtures.js';

function base(inputs: InputInfo[], findings: Finding[]): RunResult {
  const clocks: RunResult['clocks'] = {};
  for (const i of inputs) clocks[i.path] = { offset: 0, absolute: i.clock === 'epoch' };
  return { tool: 'faultline', version: '0.1.0', inputs, findings, detector_failures: [], clocks, lanes: [], assumptions: { timezone: 'UTC', join_window: 2 }, redacted: true };
}

export function busyRun(): RunResult {
  const p = 'capture/busy.pcap';
  const findings: Finding[] = [];
  const add = (f: Omit<Finding, 'id' | 'end' | 'details'> & Partial<Finding>) => findings.push({ id: `F${findings.length + 1}`, end: null, details: {}, ...f });
  for (let i = 0; i < 47; i++) {
    add({
      detector: 'curl-error-56',
      severity: 'error',
      title: 'Server reset the connection while the response was awaited',
      start: T0 + 120 + i * 9,
      subject: { connection: `10.1.0.9:${40000 + i}->10.1.0.2:8080` },
      evidence: [{ input: p, packet: 100 + i * 10, text: `10.1.0.2:8080 > 10.1.0.9:${40000 + i} [R.]` }],
      explanation: 'The server reset the connection before it answered.',
    });
  }
  for (let i = 0; i < 5; i++) {
    add({ detector: 'truncated-response', severity: 'warning', title: 'Response body shorter than its Content-Length', start: T0 + 300 + i, subject: { connection: `10.1.0.9:${50000 + i}->10.1.0.3:80` }, evidence: [{ input: p, packet: 5000 + i }] });
  }
  for (let i = 0; i < 250; i++) {
    add({ detector: 'idle-close', severity: 'info', title: 'Idle connection closed by the server', start: T0 + i, subject: { connection: `10.1.0.9:${30000 + i}->10.1.0.4:443` }, evidence: [{ input: p, packet: 10 + i }] });
  }
  findings.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  return base([{ path: p, format: 'pcap', status: 'read', events: 23000, bytes: 9_000_000, clock: 'epoch', warnings: [], first_t: T0, last_t: T0 + 600 }], findings);
}

export function cleanRun(): RunResult {
  return base(
    [
      {
        path: 'capture/ok.pcap',
        format: 'pcap',
        status: 'read',
        events: 120,
        bytes: 40_000,
        clock: 'epoch',
        warnings: [],
        first_t: T0,
        last_t: T0 + 2,
        notes: ['40 frames cut by the snaplen (captured bytes < bytes on the wire)'],
        stats: { connections: 4, http_exchanges: 9, tls_connections: 1 },
      },
      { path: 'worker.strace', format: 'strace', status: 'read', events: 300, bytes: 30_000, clock: 'epoch', warnings: [], first_t: T0, last_t: T0 + 1, stats: { threads: 3, syscalls: 297 } },
    ],
    [],
  );
}
