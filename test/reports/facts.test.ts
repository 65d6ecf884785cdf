/**
 * A finding's details written for people (issue 15): flat records read as
 * words, not as a JSON dump of internal keys.
 */
import { describe, expect, it } from 'vitest';
import { facts } from '../../reports/html/facts.js';

describe("a finding's details as facts", () => {
  it.each([
    ['a list of flat records (a process chain)', { parents: [{ pid: 32440, program: '/usr/bin/sh' }, { pid: 1, program: '/sbin/init' }] }, 'pid 32440 program /usr/bin/sh; pid 1 program /sbin/init'],
    ['a flat record', { socket_ends: { local_addr: '127.0.0.1:5', peer: '127.0.0.1:80' } }, 'local addr 127.0.0.1:5 peer 127.0.0.1:80'],
    ['a list of plain values', { argv: ['curl', '-sS', 'http://x/'] }, 'curl, -sS, http://x/'],
    [
      'the other views of a joined finding: who saw it and how, not their details as JSON',
      { other_views: [{ input: 'curl-verbose.txt', title: 'Receive failed: … (curl error 56)', curl_exit_code: 56, time_placed: { from: 'capture.pcap', packet: 4 } }, { input: 'client.strace', title: 'Receive failed: recvfrom returned ECONNRESET' }] },
      'curl-verbose.txt: Receive failed: … (curl error 56); client.strace: Receive failed: recvfrom returned ECONNRESET',
    ],
    ['nested deeper: JSON still, nothing lost', { deep: { a: { b: 1 } } }, '{"a":{"b":1}}'],
  ])('%s', (_name, details, value) => {
    expect(facts(details as Record<string, unknown>)[0].value).toBe(value);
  });
});
