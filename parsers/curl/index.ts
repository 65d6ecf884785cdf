/**
 * curl's outputs and application logs carrying curl errors → `CurlTransfer`s.
 * Formats (told apart by `sniffCurl`, by content only):
 *   curl-verbose   `curl -v` stderr
 *   curl-trace     `--trace` (hex) / `--trace-ascii`, with or without --trace-time / --trace-ids
 *   curl-writeout  `-w` text templates, one block of `name: value` lines per transfer
 *   curl-json      `-w '%{json}'`, one object per line
 *   curl-csv       CSV whose header names curl variables
 *   app-log        application logs with PHP/Guzzle/pycurl/curl-tool error lines
 * Input is read line by line (CSV record by record); see text.ts for why all
 * text formats share one reader.
 */
import { FaultlineError, type Chunks, type CurlTransfer, type InputFormat, type ParseContext, type ParseSummary } from '../../src/model/index.js';
import { parseCsvRows } from './csv.js';
import { readLines } from './lines.js';
import { sniffText } from './sniff.js';
import { CurlTextParser } from './text.js';

export type CurlFormat = Extract<InputFormat, 'curl-verbose' | 'curl-trace' | 'curl-writeout' | 'curl-json' | 'curl-csv' | 'app-log'>;

export { CURL_WORDINGS, ERRNO_NAMES, findErrorLine, matchWording } from './errors.js';

/** Which curl format the head of a text is, with a confidence in [0, 1]; null when it is none. */
export function sniffCurl(head: string): { format: CurlFormat; score: number } | null {
  return sniffText(head);
}

export interface CurlParseOptions {
  /**
   * Asked as each transfer begins: false when the consumer will keep it only as a count
   * (CurlAnalysis beyond its caps). Such a transfer is emitted lean: where it begins and ends,
   * its exit code, error and the fields that make it notable are what a full one has; its
   * evidence, header lines and variables are left out. Once false it must stay false.
   * `failed`: the transfer is known to have failed from the line that begins it (a log's
   * error line): false then means that failures are kept no more (CurlAnalysis's cap of
   * notable transfers is full), though successful ones may still be.
   * `ok`: the transfer is known not to be notable from the line that begins it (a %{json}
   * line whose exit code is 0): false then means that successful transfers are kept no more
   * (CurlAnalysis's cap of them is full), though failures may still be. A consumer that
   * does not read it answers as for `failed` false (a transfer built full and dropped is
   * what it would have been without the hint).
   */
  wanted?: (failed: boolean, ok?: boolean) => boolean;
}

export async function parseCurl(
  format: CurlFormat,
  chunks: Chunks,
  ctx: ParseContext,
  emit: (t: CurlTransfer) => void,
  opts: CurlParseOptions = {},
): Promise<ParseSummary> {
  const text = new CurlTextParser(format, ctx.diag, emit, opts.wanted);
  // Dates without a zone in app logs are local times of the machine that wrote them: --tz says which.
  if (ctx.timezone && ctx.timezone !== 'UTC') text.zone = ctx.timezone;
  const counter = { bytes: 0 };
  let records = 0;
  if (format === 'curl-csv') {
    records = await parseCsvRows(chunks, ctx.diag, text, counter);
    text.end();
  } else {
    await readLines(chunks, (l, n, at, cut) => text.line(l, n, at, cut), counter, (buf, from, to, n) => text.quick(buf, from, to, n));
    text.end();
    records = text.lines;
  }
  if (counter.bytes > 0 && text.transfers === 0 && records === 0) {
    throw new FaultlineError('E_UNKNOWN_FORMAT', `no ${format} content found`, { file: ctx.path });
  }
  if (text.transfers === 0) ctx.diag.note(`no curl transfer or curl error found in this ${format} input`);
  else ctx.diag.note(`${text.transfers} curl transfer${text.transfers === 1 ? '' : 's'} read`);
  return {
    events: records,
    bytes: counter.bytes,
    clock: text.clock,
    firstT: text.firstT,
    lastT: text.lastT,
  };
}
