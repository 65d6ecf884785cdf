/** Shared by the wire-side detector tests: flows built in code, and the real incident captures when present. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FindingDraft, RunModel } from '../../src/model/index.js';
import { Cap, runOf, type Flow } from './tcp-fixtures.js';
import { analyseFile } from './tcp-reference-helpers.js';
import { samplesDir } from '../helpers/paths.js';

export { Cap, GET, OK, T0 } from './tcp-fixtures.js';

/** one connection with a handshake, built by `build`, then analysed into a run */
export function runWith(build: (f: Flow) => void): RunModel {
  const cap = new Cap();
  build(cap.flow().handshake());
  return cap.run();
}

export const CONN = '10.0.0.1:50000->10.0.0.2:8080';
export const KEY1 = `test.pcap#conn:${CONN}#exchange:1`;

export function incident(name: string): string | undefined {
  const f = path.join(samplesDir, 'incidents', name, 'capture.pcap');
  return existsSync(f) ? f : undefined;
}

export async function runOfFile(file: string): Promise<RunModel> {
  return runOf(file, (await analyseFile(file)).model);
}

export function only(fs: FindingDraft[]): FindingDraft {
  if (fs.length !== 1) throw new Error(`expected one finding, got ${fs.length}: ${fs.map((f) => f.title).join(' | ')}`);
  return fs[0];
}
