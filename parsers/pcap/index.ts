import type { CaptureEvent, Chunks, ParseContext, ParseSummary } from '../../src/model/index.js';

// Placeholder: replaced by the capture reader.
export function sniffCapture(_head: Buffer): 'pcap' | 'pcapng' | null {
  return null;
}
export async function parseCapture(
  _chunks: Chunks,
  _ctx: ParseContext,
  _emit: (e: CaptureEvent) => void,
): Promise<ParseSummary & { format: 'pcap' | 'pcapng' }> {
  throw new Error('capture reader not built yet');
}
