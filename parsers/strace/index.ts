import type { Chunks, ParseContext, ParseSummary, StraceEvent } from '../../src/model/index.js';

// Placeholder: replaced by the strace parser.
export function sniffStrace(_head: string): number {
  return 0;
}
export async function parseStrace(_chunks: Chunks, _ctx: ParseContext, _emit: (e: StraceEvent) => void): Promise<ParseSummary> {
  throw new Error('strace parser not built yet');
}
