/**
 * On the public corpus (../shared/corpus/pcap: captures from Arkime, Zeek,
 * Suricata, tcpdump, libpcap, pcap2har test suites): every capture the reader
 * accepts goes through the analysis and the wire detectors without a throw,
 * and connection and HTTP exchange counts agree with tshark 4.0's — except
 * where tshark is weak and we are right on purpose, said per file below.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromWire as reset56 } from '../../src/detectors/curl-error-56/wire.js';
import { fromWire as emptyReply } from '../../src/detectors/empty-reply/wire.js';
import { fromWire as expect100 } from '../../src/detectors/expect-100-continue/wire.js';
import { incompleteInCapture } from '../../src/detectors/incomplete-in-capture.js';
import { fromWire as truncated } from '../../src/detectors/truncated-response/wire.js';
import type { FaultlineError } from '../../src/model/index.js';
import { corpusDir, hasCorpus } from '../helpers/paths.js';
import { runOf } from './tcp-fixtures.js';
import { analyseFile, compare, corpusCaptures, ourCounts, tsharkReference, type Counts, type KnownDifference } from './tcp-reference-helpers.js';

const CUT_BY_CAPTURE = (n = 1): KnownDifference => ({
  ours: { responses: n },
  tshark: { responses: 0 },
  why: 'the capture ends inside the response body: still an exchange (incomplete-in-capture); tshark 4.0 shows no response until the body is whole',
});

const KNOWN: Record<string, KnownDifference> = {
  'arkime__tests_pcap_http-tcp-seq-issue.pcap': {
    ours: { requests: 1, responses: 1 },
    tshark: { requests: 0, responses: 0 },
    why: 'a retransmission covers an earlier out-of-order segment (Arkime\'s regression capture for this); tshark 4.0 never reassembles the request, we do',
  },
  'arkime__tests_pcap_twovlan.pcap': CUT_BY_CAPTURE(),
  'tcpdump__tests_accecn_handshake.pcap': CUT_BY_CAPTURE(),
  'suricata-verify__tests_base64_input.pcap': CUT_BY_CAPTURE(),
  'pcap2har__tests_missing_response.pcap': {
    ours: { responses: 1 },
    tshark: { responses: 0 },
    why: 'segments of the first response are lost and retransmitted out of order; we reassemble a whole 200 (6511 of 6511 bytes), tshark 4.0 does not show it',
  },
  'arkime__tests_pcap_wireshark-retrans.pcap': {
    ours: { responses: 4 },
    tshark: { responses: 6 },
    why: 'two responses are fast-retransmitted; tshark dissects each retransmitted copy again, we count an exchange once',
  },
  'suricata-verify__tests_http-gap-simple_input.pcap': {
    ours: { responses: 3 },
    tshark: { responses: 2 },
    why: 'a response body has a gap (lost segment): we keep counting it by its Content-Length (marked gapped), tshark drops the PDU',
  },
  'zeek__testing_btest_Traces_http_entity_gap.pcap': {
    ours: { responses: 1 },
    tshark: { responses: 0 },
    why: 'a gap inside the response body: we keep the response (marked gapped), tshark drops the PDU',
  },
  'suricata-verify__tests_security-4710-01_input.pcap': {
    ours: { requests: 0, responses: 0 },
    tshark: { requests: 1, responses: 1 },
    why: 'the client sends a RST right after the handshake, then an HTTP exchange follows (Suricata\'s evasion test); we treat the connection as over at its first RST and do not parse what follows',
  },
  'zeek__testing_btest_Traces_http_get-to-ssh-server.pcap': {
    ours: { requests: 1 },
    tshark: { requests: 0 },
    why: 'HTTP is recognised by content on any port: a GET sent to an SSH server (port 22) is a request; tshark only tries HTTP on its known ports',
  },
  'zeek__testing_btest_Traces_http_206_example_b.pcap': {
    ours: { responses: 3 },
    tshark: { responses: 2 },
    why: 'an 816 KB 206 response with many retransmissions: we reassemble it whole (816896 of 816896 bytes); tshark 4.0 does not show it',
  },
  'zeek__testing_btest_Traces_http_putty-upload.pcap': {
    ours: { requests: 2 },
    tshark: { requests: 1 },
    why: 'the server answers (200, then RST) after 81920 of the 1648120 body bytes the POST announced: the request counts when its headers end; tshark 4.0 waits for the whole body and never shows it',
  },
};

const files = corpusCaptures();

describe.skipIf(!hasCorpus || files.length === 0)('the public corpus', () => {
  const ours = new Map<string, Counts | string>();
  let ref: Awaited<ReturnType<typeof tsharkReference>>;
  beforeAll(async () => {
    ref = await tsharkReference(files);
    for (const f of files) {
      try {
        const { model } = await analyseFile(f);
        const run = runOf(f, model);
        // every detector reading the wire runs over every capture without a throw
        for (const d of [reset56, emptyReply, expect100, truncated, incompleteInCapture.detect]) d(run);
        ours.set(f, ourCounts(model));
      } catch (e) {
        // only the reader may refuse a file (a bad header: exit code 2 for the user), never the analysis
        ours.set(f, (e as FaultlineError).code ?? String(e));
      }
    }
  }, 60_000);

  it.for(files.map((f) => [path.basename(f), f] as const))('%s', ([name, file], ctx) => {
    const o = ours.get(file)!;
    if (typeof o === 'string') {
      expect(o).toBe('E_BAD_HEADER');
      return;
    }
    const r = ref.get(file);
    if (!r) return ctx.skip();
    const c = compare(o, r.counts, KNOWN[name]);
    expect(c.ours).toEqual(c.expectOurs);
    expect(c.tshark).toEqual(c.expectTshark);
  });
});

/** Zeek's own logs for some corpus captures: the fields both of us describe must agree. */
function zeekLog(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = lines.find((l) => l.startsWith('#fields'))?.split('\t').slice(1) ?? lines.find((l) => l && !l.startsWith('#'))!.split('\t');
  const rows = lines.filter((l) => l && !l.startsWith('#') && l.split('\t')[0] !== header[0]);
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [header[i], v])));
}

const ZEEK: { capture: string; log: string; kind: 'http' | 'conn' }[] = [
  { capture: 'zeek__testing_btest_Traces_http_100-continue.pcap', log: 'zeek__testing_btest_Baseline_scripts.base.protocols.http.100-continue_http.log', kind: 'http' },
  { capture: 'zeek__testing_btest_Traces_http_content-length-overflow.pcap', log: 'zeek__testing_btest_Baseline_scripts.base.protocols.http.content-length-overflow_http.log', kind: 'http' },
  { capture: 'zeek__testing_btest_Traces_http_content-length-overflow.pcap', log: 'zeek__testing_btest_Baseline_scripts.base.protocols.http.content-length-overflow_conn.log', kind: 'conn' },
  { capture: 'zeek__testing_btest_Traces_tcp_miss_end_data.pcap', log: 'zeek__testing_btest_Baseline_core.tcp.miss-end-data_conn.log', kind: 'conn' },
];

describe.skipIf(!hasCorpus)('agreement with Zeek logs', () => {
  const dir = path.join(corpusDir, 'pcap');
  it.each(ZEEK.filter((z) => existsSync(path.join(dir, z.capture)) && existsSync(path.join(dir, z.log))))('$log', async ({ capture, log, kind }) => {
    const { model } = await analyseFile(path.join(dir, capture));
    const [row] = zeekLog(path.join(dir, log));
    const c = model.connections[0];
    if (kind === 'conn') {
      const want: Record<string, unknown> = { history: row.history };
      const ours: Record<string, unknown> = { history: c.history };
      if (row.conn_state) [want.state, ours.state] = [row.conn_state, c.state];
      if (row.missed_bytes) [want.missed, ours.missed] = [Number(row.missed_bytes), c.gapBytes];
      if (row.orig_bytes) [want.orig, ours.orig, want.resp, ours.resp] = [Number(row.orig_bytes), c.origBytes, Number(row.resp_bytes), c.respBytes];
      expect(ours).toEqual(want);
      return;
    }
    const ex = c.exchanges[0];
    expect({
      method: ex.method,
      uri: ex.target,
      status: ex.response?.status,
      info: ex.interim[0]?.status,
      requestBody: ex.requestBody.seen,
      responseBody: ex.response?.body.seen,
    }).toEqual({
      method: row.method,
      uri: row.uri,
      status: Number(row.status_code),
      info: row.info_code === '-' ? undefined : Number(row.info_code),
      requestBody: Number(row.request_body_len),
      responseBody: Number(row.response_body_len),
    });
  });
});
