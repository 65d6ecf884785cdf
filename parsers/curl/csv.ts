/**
 * CSV that scripts write while looping curl (`-w '%{time_total},%{http_code}\n'`
 * under a header row naming the variables), read with csv-parse's streaming
 * API: records come out as chunks go in, nothing is held whole. A row that
 * csv-parse cannot read is skipped with a warning; a stray line of curl's
 * stderr among the rows (`curl: (7) …`) is read as the error line it is.
 */
import { once } from 'node:events';
// csv-parse is loaded when a CSV is read (parseCsvRows), not with every curl parse.
import type { CsvError } from 'csv-parse';
import type { Chunks, Diagnostics } from '../../src/model/index.js';
import { canonicalVar } from './vars.js';
import type { CurlTextParser, VarIn } from './text.js';

export async function parseCsvRows(chunks: Chunks, diag: Diagnostics, text: CurlTextParser, counter: { bytes: number }): Promise<number> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return 0;
  const head = first.value.subarray(0, 4096).toString('utf8');
  const firstLine = head.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  const delimiter = pickDelimiter(firstLine);

  const { parse } = await import('csv-parse');
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    comment: '#',
    comment_no_infix: true,
    trim: true,
    info: true,
  });
  parser.on('skip', (err: CsvError) => {
    diag.warn({ line: (err as unknown as { lines?: number }).lines }, `CSV row not readable: ${err.message}`);
  });

  const feed = (async () => {
    try {
      let c: IteratorResult<Buffer> = first;
      while (!c.done) {
        counter.bytes += c.value.length;
        if (!parser.write(c.value)) await once(parser, 'drain');
        c = await it.next();
      }
    } finally {
      parser.end();
    }
  })();

  // A failure of the reading side must not leave the feeding side's promise unobserved.
  feed.catch(() => undefined);
  let header: string[] | undefined;
  let names: string[] = [];
  let rows = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const fields = rec.record;
      const line = rec.info.lines;
      if (!header) {
        header = fields;
        names = fields.map((f) => canonicalVar(f) ?? f);
        continue;
      }
      if (fields.length === 1 || (fields.length < header.length / 2 && !fields.some((f) => /^-?\d+([.,]\d+)?$/.test(f)))) {
        // Not a row: curl's stderr or a note the script echoed.
        text.line(fields.join(delimiter), line, 0);
        continue;
      }
      if (fields.every((f, i) => f === header![i])) continue; // header repeated by an appending script
      if (fields.length !== header.length) diag.warn({ line }, `row has ${fields.length} fields, header has ${header.length}`);
      const vars = new Map<string, VarIn>();
      const rowText = fields.join(delimiter);
      fields.forEach((v, i) => {
        const k = names[i] ?? `column_${i + 1}`;
        if (!vars.has(k)) vars.set(k, { raw: header![i] ?? k, value: v, line, text: `${header![i] ?? k}=${v} (${rowText.length > 200 ? rowText.slice(0, 200) + '…' : rowText})` });
      });
      rows++;
      text.fromVars(vars, line, null, 'csv');
    }
  } catch (err) {
    // csv-parse gave up (it skips bad records itself; this is worse): keep the rows read so far.
    diag.warn({ line: parser.info.lines }, `CSV reading stopped: ${(err as Error).message}`);
    parser.destroy();
    return rows;
  }
  await feed;
  return rows;
}

function pickDelimiter(line: string): string {
  let best = ',';
  let bestN = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = line.split(d).length - 1;
    if (n > bestN) {
      best = d;
      bestN = n;
    }
  }
  return best;
}

/** Header fields that name curl variables (the sniffer's test for `curl-csv`). */
export function csvCurlColumns(line: string): number {
  const d = pickDelimiter(line);
  const fields = line.split(d).map((f) => f.trim().replace(/^"|"$/g, ''));
  if (fields.length < 2) return 0;
  return fields.filter((f) => {
    const c = canonicalVar(f);
    return c !== undefined && c !== 'start_time';
  }).length;
}
