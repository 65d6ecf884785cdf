import type { Chunks, CurlTransfer, InputFormat, ParseContext, ParseSummary } from '../../src/model/index.js';

export type CurlFormat = Extract<InputFormat, 'curl-verbose' | 'curl-trace' | 'curl-writeout' | 'curl-json' | 'curl-csv' | 'app-log'>;

// Placeholder: replaced by the curl and app-log parsers.
export function sniffCurl(_head: string): { format: CurlFormat; score: number } | null {
  return null;
}
export async function parseCurl(
  _format: CurlFormat,
  _chunks: Chunks,
  _ctx: ParseContext,
  _emit: (t: CurlTransfer) => void,
): Promise<ParseSummary> {
  throw new Error('curl parser not built yet');
}
