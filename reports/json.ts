import type { RunResult } from '../src/model/index.js';
import type { ReportOptions } from './index.js';

/** The result as the JSON report (and the HTML's embedded copy) carries it: the schema's shape, lanes left to the timeline. */
export function resultForJson(result: RunResult): Omit<RunResult, 'lanes'> {
  const { lanes: _lanes, ...rest } = result;
  return rest;
}

/** The JSON report: the schema's shape (spec/findings.schema.json). */
export function renderJson(result: RunResult, _opts: ReportOptions): string {
  return JSON.stringify(resultForJson(result), null, 2) + '\n';
}

/**
 * Findings stringified at a time by `renderJsonChunks`: about 110 KB of a curl run's report. A
 * piece stays under V8's 128 KB bound for an ordinary heap object: a larger one is made in the
 * large-object space (fresh pages from the system for each, and each freed again), and there its
 * flattening and encoding for the write cost twice as much. The 17 MB report of the 20,000-error
 * bench log: 200 ms of the CLI's main thread in pieces of 256 findings, 85 ms in pieces of 64.
 */
export const JSON_BATCH = 64;

/**
 * `renderJson` in pieces, for a writer that sends each on before the next is made: joined, they
 * are its string byte for byte. A report of 13,500 findings is 32 MB, and whole it was held three
 * times at the end of a CLI run (the string, its flattened copy with the final newline, the buffer
 * written): 90 MB of the CLI's peak. Every top-level array longer than a batch is written a batch
 * at a time, each batch by JSON.stringify itself, inside a one-key object of the same depth, so
 * every byte (indentation, escapes, toJSON, undefined) is what the whole call writes: the
 * wrapper's head `{\n  "a": [\n` and tail `\n  ]\n}` are cut off. The rest of the document is
 * stringified once with those arrays empty, then split where each stands: a top-level key is the
 * only thing that can follow a line break and two spaces with a quote (strings hold no raw line
 * break), and keys are unique.
 */
export function* renderJsonChunks(result: RunResult, _opts: ReportOptions, batch = JSON_BATCH): Generator<string> {
  const doc = resultForJson(result) as unknown as Record<string, unknown>;
  const long = Object.keys(doc).filter((k) => Array.isArray(doc[k]) && (doc[k] as unknown[]).length > batch);
  if (long.length === 0) {
    yield renderJson(result, _opts);
    return;
  }
  const shell = { ...doc };
  for (const k of long) shell[k] = [];
  const text = JSON.stringify(shell, null, 2) + '\n';
  // where each array's `[` ends in the shell, in the document's order (filter kept it)
  const ends: number[] = [];
  for (const k of long) {
    const mark = `\n  ${JSON.stringify(k)}: [`;
    const at = text.indexOf(`${mark}]`, ends.at(-1) ?? 0);
    if (at < 0) throw new Error(`the JSON report has no top-level ${k}`);
    ends.push(at + mark.length);
  }
  let from = 0;
  for (const [n, k] of long.entries()) {
    const at = ends[n];
    yield text.slice(from, at) + '\n';
    const items = doc[k] as unknown[];
    for (let i = 0; i < items.length; i += batch) {
      const piece = JSON.stringify({ a: items.slice(i, i + batch) }, null, 2);
      // the comma apart: joined to the slice it would be a second copy of the piece
      if (i) yield ',\n';
      yield piece.slice(HEAD.length, piece.length - TAIL.length);
    }
    yield '\n  ';
    from = at;
  }
  yield text.slice(from);
}

const HEAD = '{\n  "a": [\n';
const TAIL = '\n  ]\n}';

/**
 * `JSON.stringify(doc)` (no indentation) in pieces: each top-level array longer than `batch` a
 * batch at a time, each batch by JSON.stringify inside a one-key object (its head `{"a":[` and
 * tail `]}` cut off); every other member whole. Members are written as JSON.stringify writes them:
 * in key order, those it leaves out (undefined, a function, a symbol) left out.
 */
export function* compactJsonChunks(doc: Record<string, unknown>, batch: number): Generator<string> {
  let sep = '{';
  for (const k of Object.keys(doc)) {
    const v = doc[k];
    if (Array.isArray(v) && v.length > batch) {
      yield `${sep}${JSON.stringify(k)}:[`;
      for (let i = 0; i < v.length; i += batch) {
        const piece = JSON.stringify({ a: v.slice(i, i + batch) });
        yield (i ? ',' : '') + piece.slice(6, piece.length - 2);
      }
      yield ']';
    } else {
      const text = JSON.stringify(v);
      if (text === undefined) continue;
      yield `${sep}${JSON.stringify(k)}:${text}`;
    }
    sep = ',';
  }
  yield sep === '{' ? '{}' : '}';
}
