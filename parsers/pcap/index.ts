/**
 * The capture reader: classic pcap and pcapng, as tcpdump, dumpcap and
 * Wireshark write them, streamed from chunks of any size. Emits one
 * `CaptureEvent` per frame, numbered 1-based as Wireshark numbers them
 * (every packet block of every section and interface counts).
 *
 * Call order: `parseCapture` reads the whole input, calling `emit`
 * synchronously for each frame. The event, its segment or frame object and
 * `TcpSegment.payload` (a view into the reader's buffer) are reused for the
 * next frame: valid only during that call — copy what you keep.
 */
import { FaultlineError, type CaptureEvent, type Chunks, type Diagnostics, type ParseContext, type ParseSummary } from '../../src/model/index.js';
import { ClassicReader, classicMagic, otherPcapMagic } from './classic.js';
import { FrameDecoder, type RecordSink } from './decode.js';
import { BT_SHB, PcapngReader } from './pcapng.js';
import { drive, type ContainerReader } from './reader.js';

export type CaptureFormat = 'pcap' | 'pcapng';

/** Which capture format `head` (the file's first bytes) starts with. Other pcap relatives are claimed too, so their error names them. */
export function sniffCapture(head: Buffer): CaptureFormat | null {
  if (head.length < 4) return null;
  if (head.readUInt32LE(0) === BT_SHB) return 'pcapng';
  if (classicMagic(head) || otherPcapMagic(head)) return 'pcap';
  return null;
}

/**
 * Picks the container reader from the first 4 bytes, then hands everything
 * to it. Kept apart so the record layer can be driven without decoding
 * (the differential test against pcap-parser does that).
 */
class AutoReader implements ContainerReader {
  need = 4;
  stopped = false;
  inner: ClassicReader | PcapngReader | null = null;

  constructor(
    private readonly sink: RecordSink,
    private readonly diag: Diagnostics,
  ) {}

  get format(): CaptureFormat {
    return this.inner instanceof PcapngReader ? 'pcapng' : 'pcap';
  }

  get frames(): number {
    return this.inner?.frames ?? 0;
  }

  consume(b: Buffer, p: number, base: number): number {
    if (!this.inner) {
      if (b.length - p < 4) return p;
      const head = b.subarray(p, p + 4);
      if (head.readUInt32LE(0) === BT_SHB) this.inner = new PcapngReader(this.sink, this.diag);
      else if (classicMagic(head)) this.inner = new ClassicReader(this.sink, this.diag);
      else {
        const other = otherPcapMagic(head);
        const magic = head.toString('hex');
        throw new FaultlineError(
          'E_BAD_HEADER',
          other ? `${other} files (magic ${magic}) are not read; convert with \`editcap -F pcap\`` : `not a pcap or pcapng file: unknown magic number ${magic}`,
          { byteOffset: base + p },
        );
      }
    }
    const r = this.inner.consume(b, p, base);
    this.need = this.inner.need;
    this.stopped = this.inner.stopped;
    return r;
  }

  eof(rest: Buffer | null, base: number, skipLeft: number): void {
    if (!this.inner) {
      throw new FaultlineError('E_BAD_HEADER', `truncated capture: ${rest?.length ?? 0} bytes, too short for a file header`, { byteOffset: 0 });
    }
    this.inner.eof(rest, base, skipLeft);
  }
}

export interface RecordSummary {
  format: CaptureFormat;
  frames: number;
  bytes: number;
}

/**
 * Reads the container only: every packet record goes to `sink` with its
 * link type, time and captured bytes, undecoded.
 */
export async function readCaptureRecords(chunks: Chunks, diag: Diagnostics, sink: RecordSink): Promise<RecordSummary> {
  const reader = new AutoReader(sink, diag);
  const bytes = await drive(chunks, reader);
  return { format: reader.format, frames: reader.frames, bytes };
}

export async function parseCapture(chunks: Chunks, ctx: ParseContext, emit: (e: CaptureEvent) => void): Promise<ParseSummary & { format: CaptureFormat }> {
  const decoder = new FrameDecoder(emit, ctx.diag);
  const r = await readCaptureRecords(chunks, ctx.diag, decoder);
  decoder.finish();
  if (decoder.stats.snaplenCut) ctx.diag.note(`${decoder.stats.snaplenCut} frames cut by the snaplen (captured bytes < bytes on the wire)`);
  return {
    format: r.format,
    events: r.frames,
    bytes: r.bytes,
    clock: 'epoch',
    firstT: decoder.firstT,
    lastT: decoder.lastT,
  };
}
