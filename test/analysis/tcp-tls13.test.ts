import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TcpConnection } from '../../src/model/index.js';
import { readInput } from '../../src/pipeline/read.js';
import { samplesDir } from '../helpers/paths.js';

describe('TLS 1.3 record layer', () => {
  it("does not take the client's encrypted Finished for its first request (samples/incidents/tls-reset)", async () => {
    const file = path.join(samplesDir, 'incidents/tls-reset/capture.pcap');
    const r = await readInput({ kind: 'file', path: file, name: file });
    if (r.model?.kind !== 'capture') throw new Error('not a capture');
    const c = r.model.connections[0] as TcpConnection;
    expect(c.tls?.tls13).toBe(true);
    // frame 8: ChangeCipherSpec + Finished; frame 9: session tickets; frame 10: the request
    expect(c.tls?.firstAppDataOrig?.frame).toBe(10);
    expect(c.tls?.appDataOrig).toBe(1);
  });
});
