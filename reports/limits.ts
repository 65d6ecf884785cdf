import type { Finding, InputInfo, RunResult } from '../src/model/index.js';
import { formatDuration, TimeFormatter } from './format.js';

/**
 * What this evidence cannot tell, computed from the result: every sentence
 * names the input and the fact it rests on, so a run with complete evidence
 * gives an empty list (and the draft says so in one line).
 */
export function evidenceLimits(result: RunResult): string[] {
  const out: string[] = [];
  const fmt = new TimeFormatter(result);
  const problems = result.findings.filter((f) => f.severity !== 'info');
  const anyAbsolute = Object.values(result.clocks).some((c) => c.absolute);

  for (const i of result.inputs) {
    if (i.status === 'skipped') continue;
    if (i.status === 'error') {
      out.push(`${i.path} could not be read (${i.error_code ?? 'error'}: ${i.error ?? 'unknown'}): whatever it held is missing from these findings.`);
      continue;
    }
    if (i.status === 'partial') {
      const first = i.warnings[0];
      const n = i.warnings.length + (i.warnings_dropped ?? 0);
      out.push(`${i.path} was read only in part (${n} warning${n === 1 ? '' : 's'}${first ? `, the first: ${first}` : ''}): events in the unread part are not seen.`);
    }
    const stats = (i as InputInfo & { stats?: Record<string, number> }).stats ?? {};
    const isCapture = i.format === 'pcap' || i.format === 'pcapng';
    if (isCapture) {
      const lost = stats.bytes_missing ?? stats.gap_bytes;
      const gaps = stats.gaps;
      if (gaps) out.push(`${i.path} has ${gaps} gap${gaps === 1 ? '' : 's'} in its TCP streams${lost ? ` (${lost} bytes not captured)` : ''}: what was sent in them is not known.`);
      const snap = (i.notes ?? []).find((n) => /cut by the snaplen/.test(n));
      if (snap) out.push(`${i.path}: ${snap}, so payloads past the snaplen (headers, bodies) were not seen.`);
      const unseen = result.findings.filter((f) => f.detector === 'incomplete-in-capture' && f.evidence.some((e) => e.input === i.path)).length;
      if (unseen && !gaps) out.push(`${i.path} did not see ${unseen} response${unseen === 1 ? '' : 's'} whole (packets lost, or the capture started or ended mid-transfer): how ${unseen === 1 ? 'it' : 'they'} ended on the wire is not known.`);
      const drops = stats.dropped_by_kernel ?? stats.if_drops;
      if (drops) out.push(`${i.path}: the capturing host dropped ${drops} packets.`);
      out.push(...coverage(result, i, problems, fmt));
    }
    if (i.format === 'strace') {
      if (stats.syscalls > 0 && stats.timed_syscalls === 0) out.push(`${i.path} has no call durations (strace without -T): how long a call blocked can only be guessed from the gaps between lines.`);
      if (stats.socket_calls > 0 && stats.decorated_socket_calls === 0)
        out.push(`${i.path} names no socket ends (strace without -yy): its calls cannot be joined to a capture's connections by address, only by time.`);
      if (i.clock === 'none') out.push(`${i.path} has no timestamps (strace without -tt/-ttt): its events cannot be placed in time.`);
      else if (i.clock === 'relative') out.push(`${i.path} has only relative times (strace -r): it cannot be placed on the others' clock.`);
    }
    if (i.format === 'app-log' && isWholeSeconds(i)) {
      out.push(`${i.path} is stamped to the whole second: its events are placed within a second, not to the instant, and joined to others by interval.`);
    }
    const placement = result.clocks[i.path];
    if (placement && anyAbsolute && !placement.absolute && i.clock !== 'none') {
      out.push(`${i.path} could not be placed on the others' wall clock: its times are its own.`);
    } else if (placement?.note && (i.clock === 'time-of-day' || placement.offset !== 0)) {
      out.push(`${i.path}: its clock was aligned by assumption (${placement.note}); a wrong date, zone or offset moves its events.`);
    }
  }
  return out;
}

function isWholeSeconds(i: InputInfo): boolean {
  return typeof i.first_t === 'number' && typeof i.last_t === 'number' && Number.isInteger(i.first_t) && Number.isInteger(i.last_t);
}

/**
 * The client sees a reset a moment after the wire carried it: a capture that ends within this of
 * a failure seen elsewhere did see it.
 */
const COVERAGE_SLACK = 0.25; /* s */

/** A capture that started after, or ended before, the failures that other inputs saw. */
function coverage(result: RunResult, capture: InputInfo, problems: Finding[], fmt: TimeFormatter): string[] {
  const placement = result.clocks[capture.path];
  if (!placement?.absolute || typeof capture.first_t !== 'number' || typeof capture.last_t !== 'number') return [];
  const first = capture.first_t + placement.offset;
  const last = capture.last_t + placement.offset;
  const elsewhere = problems.filter((f) => f.start !== null && !f.evidence.some((e) => e.input === capture.path));
  if (!elsewhere.length) return [];
  const starts = elsewhere.map((f) => f.start!);
  const ends = elsewhere.map((f) => f.end ?? f.start!);
  const out: string[] = [];
  const earliest = Math.min(...starts);
  const latest = Math.max(...ends);
  if (earliest < first - COVERAGE_SLACK) out.push(`${capture.path} started at ${fmt.format(first)}, ${formatDuration(first - earliest)} after the first failure seen elsewhere (${fmt.format(earliest)}): the wire before it is not known.`);
  if (latest > last + COVERAGE_SLACK) out.push(`${capture.path} ended at ${fmt.format(last)}, ${formatDuration(latest - last)} before the last failure seen elsewhere (${fmt.format(latest)}).`);
  return out;
}
