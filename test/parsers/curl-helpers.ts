/** Shared by the curl parser, analysis and detector tests: text in, transfers / models / runs out. */
import { createReadStream, readFileSync } from 'node:fs';
import { parseCurl, sniffCurl, type CurlFormat } from '../../parsers/curl/index.js';
import { CurlAnalysis } from '../../src/analysis/curl/index.js';
import { Diagnostics, type CurlModel, type CurlTransfer, type FindingDraft, type ParseSummary, type RunModel } from '../../src/model/index.js';
import type { Detector } from '../../src/detectors/index.js';

export interface Parsed {
  transfers: CurlTransfer[];
  summary: ParseSummary;
  diag: Diagnostics;
  format: CurlFormat;
}

/** Feeds `text` in chunks of `chunk` bytes (default: one chunk) so lines straddle chunk borders. */
export async function* chunksOf(text: string | Buffer, chunk = 1 << 20): AsyncGenerator<Buffer> {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
}

export async function parseText(text: string, format?: CurlFormat, chunk?: number): Promise<Parsed> {
  const f = format ?? sniffCurl(text)?.format;
  if (!f) throw new Error('not sniffed as curl output');
  const diag = new Diagnostics();
  const transfers: CurlTransfer[] = [];
  const summary = await parseCurl(f, chunksOf(text, chunk), { path: 'test.txt', diag }, (t) => transfers.push(t));
  return { transfers, summary, diag, format: f };
}

export async function parseFile(file: string, format?: CurlFormat): Promise<Parsed> {
  const f = format ?? sniffCurl(readFileSync(file).subarray(0, 65536).toString('utf8'))?.format;
  if (!f) throw new Error(`${file}: not sniffed as curl output`);
  const diag = new Diagnostics();
  const transfers: CurlTransfer[] = [];
  const summary = await parseCurl(f, createReadStream(file, { highWaterMark: 4096 }), { path: file, diag }, (t) => transfers.push(t));
  return { transfers, summary, diag, format: f };
}

export async function modelOf(text: string, path = 'curl.txt', format?: CurlFormat): Promise<{ model: CurlModel; diag: Diagnostics }> {
  const f = format ?? sniffCurl(text)?.format;
  if (!f) throw new Error('not sniffed as curl output');
  const diag = new Diagnostics();
  const a = new CurlAnalysis({ path, diag });
  const summary = await parseCurl(f, chunksOf(text), { path, diag }, (t) => a.add(t));
  return { model: a.finish(summary), diag };
}

export function runOf(inputs: Array<{ path: string; model: CurlModel }>): RunModel {
  return {
    inputs: inputs.map(({ path, model }) => ({
      info: { path, format: 'curl-verbose', status: 'read', events: model.transfers.length, clock: model.clock ?? 'none', warnings: [] },
      placement: { offset: 0, absolute: false },
      model,
    })),
    options: { joinWindow: 2 },
  };
}

/** Runs one detector (or part) over `text` read as one curl input. */
export async function detectText(detect: Detector['detect'], text: string, path = 'curl.txt'): Promise<FindingDraft[]> {
  const { model } = await modelOf(text, path);
  return detect(runOf([{ path, model }]));
}

export function lines(...ls: string[]): string {
  return ls.join('\n') + '\n';
}

/** After tracedUpload's head: curl waits 1 s for a 100 that never comes, sends the body, the server answers 200. */
export const WAITED_1S_THEN_200 = [
  '10:00:01.001000 == Info: Done waiting for 100-continue',
  '10:00:01.001200 => Send data, 5 bytes (0x5)',
  '0000: hello',
  '10:00:01.003000 <= Recv header, 17 bytes (0x11)',
  '0000: HTTP/1.1 200 OK',
];

/** A --trace-ascii --trace-time upload that asks for 100-continue; `after` are the lines after the request head. */
export function tracedUpload(after: string[]): string {
  return lines(
    '10:00:00.000000 == Info: Connected to h (127.0.0.1) port 80 (#0)',
    '10:00:00.000100 => Send header, 71 bytes (0x47)',
    '0000: POST /up HTTP/1.1',
    '0013: Host: h',
    '001c: Content-Length: 5',
    '002f: Expect: 100-continue',
    '0045: ',
    ...after,
  );
}
