/** Builds analysed strace inputs for detector tests: the real parser and analysis, no pipeline. */
import { parseStrace } from '../../parsers/strace/index.js';
import { StraceAnalysis } from '../../src/analysis/strace/index.js';
import { Diagnostics, type AnalysedInput, type Chunks, type RunModel } from '../../src/model/index.js';

export async function* textChunks(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text, 'latin1');
}

export async function straceInput(name: string, chunks: Chunks, pidHint?: number): Promise<AnalysedInput> {
  const diag = new Diagnostics();
  const a = new StraceAnalysis({ path: name, diag });
  const s = await parseStrace(chunks, { path: name, diag, pidHint }, (e) => a.add(e));
  return {
    info: { path: name, format: 'strace', status: 'read', events: s.events, clock: s.clock, warnings: diag.warnings },
    placement: { offset: 0, absolute: s.clock === 'epoch' },
    model: a.finish(s),
  };
}

export const runOf = (...inputs: AnalysedInput[]): RunModel => ({ inputs, options: { joinWindow: 2 } });
