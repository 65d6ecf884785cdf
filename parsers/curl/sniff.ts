/**
 * Tells curl's text outputs apart by content. Counts lines of each kind in
 * the head and picks the kind with the strongest evidence; refuses texts
 * that are something else with a few curl lines inside: strace logs (which
 * quote `curl: (56)` in their write(2) calls), pcaps (binary), and READMEs
 * (fenced examples, prose).
 */
import { findErrorLine, matchWording } from './errors.js';
import { canonicalVar } from './vars.js';
import { parseStamp } from './timestamps.js';
import { csvCurlColumns } from './csv.js';
import type { CurlFormat } from './index.js';

const STRACE_LINE = /^(?:\[pid\s+\d+\]\s+|\d+\s+)?(?:\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\s+|\d{9,}\.\d+\s+|\d+\.\d{6}\s+)?(?:[a-z_][a-z0-9_]*\(.*(?:\)\s+=\s+(?:-?\d+|0x[0-9a-f]+|\?)|<unfinished \.\.\.>)|<\.\.\. [a-z_0-9]+ resumed>|\+\+\+ (?:exited|killed)|--- SIG)/;
const INFO_STRONG = /^(?:\* |== Info: )(?:\s*Trying |Connected to |About to connect|Re-using existing|Connection #\d+ to host|Closing connection|Hostname was NOT found|Host \S+ was resolved|processing: |Done waiting for 100-continue|upload completely sent off|Request completely sent off|Empty reply from server|transfer closed with|Recv failure|Send failure|OpenSSL SSL_read|ALPN|TLSv|Failed to connect|Could not resolve host|Operation timed out|Mark bundle|Expire in|TCP_NODELAY)/;

export interface SniffResult {
  format: CurlFormat;
  score: number;
}

export function sniffText(head: string): SniffResult | null {
  if (!head) return null;
  if (/[\x00-\x06\x0e-\x1a\x1c-\x1f]/.test(head.slice(0, 4096))) return null; // binary (pcap, pcapng, gzip)
  let lines = head.split('\n');
  if (lines.length > 1 && !head.endsWith('\n')) lines = lines.slice(0, -1); // the head may cut the last line
  lines = lines.slice(0, 2000).map((l) => l.replace(/\r$/, ''));

  let nonBlank = 0;
  let strace = 0;
  let fences = 0;
  let mdHeadings = 0;
  let trace = 0;
  let verbose = 0;
  let verboseHeaders = 0;
  let json = 0;
  let kv = 0;
  let errs = 0;
  let stamped = 0;
  let firstNonBlank: string | undefined;
  for (const raw of lines) {
    const s0 = raw.trim();
    if (!s0) continue;
    nonBlank++;
    firstNonBlank ??= s0;
    if (STRACE_LINE.test(s0)) {
      strace++;
      continue;
    }
    if (s0.startsWith('```')) fences++;
    if (parseStamp(s0)?.kind === 'epoch') stamped++;
    if (/^#{1,6} [A-Z]/.test(s0) && !/curl|\d/.test(s0)) mdHeadings++;
    // Strip --trace-time / --trace-ids / log timestamps before looking.
    const s = s0
      .replace(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s+/, '')
      .replace(/^\d{2}:\d{2}:\d{2}\.\d{6} /, '')
      .replace(/^\[(?:\d+|x)-(?:\d+|x)\] /, '');
    if (/^(?:== Info:|=> Send (?:header|data|SSL data)|<= Recv (?:header|data|SSL data))/.test(s)) {
      trace++;
      continue;
    }
    if (INFO_STRONG.test(s) || /^[{}] \[\d+ bytes data\]$/.test(s)) {
      verbose++;
      // `* Send failure: …` alone is still a curl failure worth reading.
      if (matchWording(s.replace(/^(?:\* |== Info: )/, ''))) errs++;
      continue;
    }
    if (/^> (?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT) \S+ HTTP\/\d/.test(s) || /^< HTTP\/\d(?:\.\d)? \d{3}/.test(s)) {
      verbose += 2;
      continue;
    }
    if (/^[<>] [A-Za-z-]+: /.test(s)) {
      verboseHeaders++;
      continue;
    }
    if (s.startsWith('{') && /"(?:time_total|http_code|url_effective|exitcode|response_code|time_starttransfer|size_download|remote_ip|total_time|effective_url|return_code)"\s*:/.test(s)) {
      json++;
      continue;
    }
    if (findErrorLine(s)) {
      errs++;
      continue;
    }
    const m = /^\[?([A-Za-z_][\w .-]{0,40}?)\]?\s*(?::|=>?)\s*(\S.*)?$/.exec(s);
    if (m) {
      const c = canonicalVar(m[1]);
      if (c && c !== 'start_time' && c !== 'method' && c !== 'url' && c !== 'content_type') kv++;
    }
  }
  if (nonBlank === 0) return null;
  const curlish = trace + verbose + verboseHeaders + errs + json + kv;
  if (strace >= 2 && strace >= curlish) return null;
  if (fences >= 2 || (mdHeadings >= 2 && curlish < nonBlank / 2)) return null;

  const csvCols = firstNonBlank ? csvCurlColumns(firstNonBlank) : 0;
  const ratio = curlish / nonBlank;
  const candidates: SniffResult[] = [];
  const score = (n: number, base: number) => Math.min(1, base + 0.1 * n + 0.3 * ratio);
  if (trace >= 2) candidates.push({ format: 'curl-trace', score: score(trace, 0.5) });
  if (verbose >= 2 || (verbose >= 1 && verboseHeaders >= 2)) candidates.push({ format: 'curl-verbose', score: score(verbose, 0.45) });
  if (csvCols >= 2) candidates.push({ format: 'curl-csv', score: Math.min(1, 0.5 + 0.1 * csvCols) });
  if (json >= 1) candidates.push({ format: 'curl-json', score: score(json, 0.5) });
  if (kv >= 2) candidates.push({ format: 'curl-writeout', score: score(kv, 0.35) });
  if (errs >= 1) candidates.push({ format: 'app-log', score: Math.min(1, 0.3 + 0.1 * errs + 0.3 * ratio) });
  // A dated application log whose first curl error comes after the sniffed head: a multi-GB PHP or
  // Monolog log mostly is. Read it as an app log (a weak claim, below every curl output's).
  else if (stamped >= 5 && stamped >= nonBlank / 2) candidates.push({ format: 'app-log', score: 0.32 });
  if (!candidates.length) return null;
  candidates.sort((a, b) => b.score - a.score);
  // Verbose output that carries a -w block is still verbose; a -w file with one error line is still -w.
  return candidates[0];
}
