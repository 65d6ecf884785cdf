import type { Finding, InputInfo, RunResult } from '../src/model/index.js';
import { groupBy } from '../src/model/collections.js';
import type { ReportOptions } from './index.js';
import { citedInputs, evidenceLocation, formatDuration, formatSubject, SEVERITY_ORDER, severityCounts, TimeFormatter } from './format.js';
import { code, text } from './markdown.js';
import { triedViews } from './tried.js';
import { evidenceLimits } from './limits.js';

/**
 * A postmortem draft (Markdown, pasteable into a wiki or a doc): what failed
 * and when, the impact window, a timeline, each finding with its likely
 * cause, its evidence and what to check next, then what this evidence cannot
 * tell. Every sentence is computed from the result; nothing is boilerplate
 * that would read the same for any run. The draft is meant to be edited:
 * the team owns the conclusion, faultline only drafts it from the evidence.
 */
export function renderPostmortem(result: RunResult, _opts: ReportOptions): string {
  const local = new TimeFormatter(result);
  const utc = new TimeFormatter({ ...result, assumptions: { ...result.assumptions, timezone: 'UTC' } });
  const showLocal = local.kind === 'absolute' && local.timezone !== 'UTC';
  const when = (t: number | null): string => {
    if (t === null || !Number.isFinite(t)) return 'unknown time';
    if (local.kind !== 'absolute') return local.format(t);
    return `${utc.format(t)} UTC${showLocal ? ` (${local.format(t).slice(11)} ${local.timezone})` : ''}`;
  };

  const problems = result.findings.filter((f) => f.severity !== 'info');
  const errors = result.findings.filter((f) => f.severity === 'error');
  const lead = (errors.length ? errors : problems.length ? problems : result.findings)[0];
  const counts = severityCounts(result.findings);
  const out: string[] = [];

  out.push(`# Postmortem draft: ${lead ? text(lead.title) : 'no failure found in the evidence'}`, '');
  out.push(
    `> Drafted by faultline ${text(result.version)} from ${result.inputs.length} input${result.inputs.length === 1 ? '' : 's'}. ` +
      'The cause and the actions are yours to confirm: edit this draft freely.' +
      (result.redacted ? ' Secrets are shown as `[REDACTED]`.' : ' **Not redacted**: it may contain credentials.'),
    '',
  );

  // Summary
  out.push('## Summary', '');
  if (result.findings.length === 0) {
    out.push('faultline found no failure in these inputs. See *What this evidence cannot tell* before concluding that nothing failed.', '');
  } else {
    const groups = groupByDetector(problems.length ? problems : result.findings);
    out.push(`${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}: ${SEVERITY_ORDER.map((s) => `${counts[s]} ${s}`).join(', ')}.`, '');
    out.push('What failed:', '');
    for (const [detector, list] of groups) {
      const first = list[0];
      const span = timeSpan(list);
      out.push(
        `- ${code(detector, false)} ×${list.length}: ${text(first.title)}${list.length > 1 ? ' (and similar)' : ''}${span ? ` — ${span.start === span.end ? `at ${when(span.start)}` : `from ${when(span.start)} to ${when(span.end)}`}` : ''}.`,
      );
    }
    out.push('');
    const win = timeSpan(problems);
    if (win) {
      out.push(
        `**Impact window:** ${win.start === win.end ? `at ${when(win.start)}` : `${when(win.start)} → ${when(win.end)} (${formatDuration(win.end - win.start)})`}, from the first to the last warning or error finding.`,
        '',
      );
    } else if (problems.length) out.push('**Impact window:** unknown: the findings carry no time.', '');
  }
  out.push(...unreached(result));
  out.push('Evidence read:', '');
  for (const i of result.inputs) out.push(`- ${inputLine(i, when)}`);
  out.push('');

  // Timeline
  const rows = timelineRows(result);
  if (rows.length) {
    out.push('## Timeline', '');
    out.push(`| Time${local.kind === 'absolute' ? ' (UTC)' : ''} |${showLocal ? ` ${text(local.timezone)} |` : ''} Event | Evidence |`);
    out.push(`| --- |${showLocal ? ' --- |' : ''} --- | --- |`);
    for (const r of rows) {
      const t = local.kind === 'absolute' ? utc.format(r.t) : local.format(r.t);
      out.push(`| ${text(t)} |${showLocal ? ` ${text(local.format(r.t).slice(11))} |` : ''} ${r.what} | ${r.where} |`);
    }
    out.push('');
  }

  // Findings
  if (result.findings.length) {
    out.push('## Findings', '');
    const shown = [...errors, ...result.findings.filter((f) => f.severity === 'warning'), ...result.findings.filter((f) => f.severity === 'info')];
    const MAX_DETAILED = 20;
    shown.slice(0, MAX_DETAILED).forEach((f, k) => out.push(...findingSection(f, k + 1, when), ''));
    if (shown.length > MAX_DETAILED) out.push(`${shown.length - MAX_DETAILED} more finding(s) are listed in the full report (\`--format markdown\` or \`html\`).`, '');
  }

  // What this evidence cannot tell
  out.push('## What this evidence cannot tell', '');
  const limits = evidenceLimits(result);
  if (limits.length === 0) {
    out.push('Nothing found missing: every input was read whole, on one clock, with the detail the detectors need (durations, socket ends, sub-second times, no capture gaps).', '');
  } else for (const l of limits) out.push(`- ${text(l)}`);
  out.push('');

  out.push('## Conclusion and actions', '', '_To be written by the team: the root cause as you confirmed it, what was ruled out, and the follow-ups._', '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** Up to this many destinations never (or not always) reached are named in the summary. */
const UNREACHED_SHOWN = 10;

/**
 * The destinations and names that did not work, from each input's "what was tried": a wrong
 * port or host shows in the draft even when no detector fired on it.
 */
function unreached(result: RunResult): string[] {
  const lines: string[] = [];
  let more = 0;
  for (const v of triedViews(result)) {
    for (const a of v.by) {
      for (const r of a.rows) {
        if (!r.troubled) continue;
        if (lines.length >= UNREACHED_SHOWN) {
          more++;
          continue;
        }
        const env = a.env.length ? `; its environment named ${a.env.map((e) => code(e, false)).join(', ')}` : '';
        lines.push(`- ${text(a.who)} → ${r.kind === 'name' ? 'name ' : ''}${code(r.what, false)}: ${text(r.outcome)}${r.detail ? ` (${text(r.detail)})` : ''}${env} — in ${code(v.input.path, false)}`);
      }
    }
  }
  if (lines.length === 0) return [];
  if (more) lines.push(`- … and ${more} more (the full report lists them)`);
  return ['Destinations and names that did not answer or could not be reached:', '', ...lines, ''];
}

function groupByDetector(findings: Finding[]): Map<string, Finding[]> {
  return groupBy(findings, (f) => f.detector);
}

function timeSpan(findings: Finding[]): { start: number; end: number } | undefined {
  const starts = findings.map((f) => f.start).filter((t): t is number => t !== null && Number.isFinite(t));
  if (!starts.length) return undefined;
  const ends = findings.map((f) => f.end ?? f.start).filter((t): t is number => t !== null && Number.isFinite(t));
  return { start: Math.min(...starts), end: Math.max(...ends, ...starts) };
}

function inputLine(i: InputInfo, when: (t: number | null) => string): string {
  const digest = (i as { sha256?: string }).sha256;
  const parts = [`${code(i.path, false)}: ${i.format}, ${i.status}`];
  if (i.error) parts.push(text(i.error));
  if (digest) parts.push(`sha256 ${digest.slice(0, 12)}…`);
  void when;
  return parts.join(', ');
}

interface Row {
  t: number;
  what: string;
  where: string;
}

/** The findings and the key events around them: where each input's record starts and ends. */
function timelineRows(result: RunResult): Row[] {
  const rows: Row[] = [];
  for (const i of result.inputs) {
    const off = result.clocks[i.path]?.offset ?? 0;
    if (!result.clocks[i.path]?.absolute && Object.values(result.clocks).some((c) => c.absolute)) continue;
    if (typeof i.first_t === 'number' && Number.isFinite(i.first_t)) rows.push({ t: i.first_t + off, what: `${text(i.format)} record starts`, where: code(i.path, true) });
    if (typeof i.last_t === 'number' && Number.isFinite(i.last_t) && i.last_t !== i.first_t) rows.push({ t: i.last_t + off, what: `${text(i.format)} record ends`, where: code(i.path, true) });
  }
  const MAX_FINDING_ROWS = 60;
  const timed = result.findings.filter((f) => f.start !== null && Number.isFinite(f.start));
  const keep = timed.length > MAX_FINDING_ROWS ? timed.filter((f) => f.severity !== 'info').slice(0, MAX_FINDING_ROWS) : timed;
  for (const f of keep) {
    const e = f.evidence[0];
    const where = e ? `${code(e.input, true)}${evidenceLocation(e) ? ` ${evidenceLocation(e)}` : ''}` : '';
    rows.push({ t: f.start!, what: `${f.severity === 'error' ? '**error**' : f.severity}: ${text(f.title)}`, where });
  }
  return rows.sort((a, b) => a.t - b.t);
}

function findingSection(f: Finding, n: number, when: (t: number | null) => string): string[] {
  const lines: string[] = [];
  lines.push(`### ${n}. ${text(f.title)}`, '');
  const subject = formatSubject(f.subject);
  lines.push(
    `Severity ${f.severity === 'error' ? '**error**' : f.severity}, from ${code(f.detector, false)}, ${when(f.start)}${
      f.end !== null && f.start !== null && f.end !== f.start ? ` for ${formatDuration(f.end - f.start)}` : ''
    }${subject ? `, on ${text(subject)}` : ''}; seen in ${citedInputs(f).map((p) => code(p, false)).join(', ')}.`,
    '',
  );
  lines.push(`**Likely cause.** ${f.explanation ? text(f.explanation) : 'faultline gives no cause for this kind of finding: it records what was seen.'}`, '');
  lines.push('**Evidence.**', '');
  const MAX_EVIDENCE = 8;
  for (const e of f.evidence.slice(0, MAX_EVIDENCE)) {
    const where = evidenceLocation(e);
    lines.push(`- ${code(e.input, false)}${where ? ` ${where}` : ''}${e.text !== undefined ? `: ${code(e.text, false)}` : ''}`);
  }
  if (f.evidence.length > MAX_EVIDENCE) lines.push(`- … ${f.evidence.length - MAX_EVIDENCE} more lines in the full report`);
  lines.push('');
  const next = nextChecks(f);
  if (next.length) {
    lines.push('**What to check next.**', '');
    for (const c of next) lines.push(`- ${c}`);
  }
  return lines;
}

/** Concrete next steps: where to look in these very inputs, and what the finding's kind asks to verify. */
function nextChecks(f: Finding): string[] {
  const out: string[] = [];
  const filter = typeof f.details.wireshark_filter === 'string' ? f.details.wireshark_filter : undefined;
  if (filter) out.push(`Open the capture at this event in Wireshark: ${code(filter, false)}`);
  const packets = [...new Set(f.evidence.map((e) => e.packet).filter((p): p is number => p !== undefined))];
  if (packets.length && !filter) out.push(`Packets ${packets.slice(0, 10).join(', ')}: ${code(`frame.number in {${packets.slice(0, 10).join(' ')}}`, false)}`);
  const server = f.subject.connection?.split('->')[1];
  const kind = NEXT_BY_DETECTOR[f.detector];
  if (kind) out.push(text(kind(server ?? f.subject.url ?? 'the server')));
  if (f.related?.length) out.push(`Related findings: ${f.related.map((r) => code(r, false)).join(', ')}`);
  return out;
}

const NEXT_BY_DETECTOR: Record<string, (target: string) => string> = {
  'curl-error-56': (t) => `The logs of ${t} and of any proxy or load balancer in front of it at this time: a reset while the response was due is the server's or a middlebox's doing (idle timeout, worker killed, connection limit).`,
  'truncated-response': (t) => `Whether ${t} or a proxy closed the connection mid-body (worker crash, timeout, body size limit), and whether the client retried.`,
  'empty-reply': (t) => `Why ${t} closed without answering: its error log, worker restarts, keep-alive timeouts shorter than the client's.`,
  'expect-100-continue': (t) => `Whether ${t} (or a proxy) answers \`Expect: 100-continue\`; if not, send the body without waiting (curl: \`-H 'Expect:'\`).`,
  'sigcont-no-restart': () => 'What stopped the process (php-fpm request_slowlog_timeout, a debugger, a cgroup freezer) and whether the runtime restarts interrupted sleeps after SIGCONT.',
  'process-stopped': () => 'Who sent the stop (the finding names the sender pid) and whether the pause explains the latency seen by clients.',
  'incomplete-in-capture': () => 'Capture again with `--immediate-mode -U -s 0` and enough buffer: this part of the traffic was not seen.',
  'curl-error': (t) => `curl's own words for the failure, and whether ${t} was reachable from this host at that time.`,
  'connect-failed': (t) => `Whether anything listens on ${t} in this container or network namespace, and whether the address came from a setting (an environment variable, a config file).`,
  'local-service-missing': () => 'Whether the daemon runs in this container at all: in a pod, the socket of a service in another container is not visible here.',
  'write-denied': () => 'The owner and mode of the directory, the user the process runs as, and whether the file system is mounted read-only.',
  'path-missing': () => 'Which step should have created the directory (an image build step, an init container, a volume mount).',
  'exec-failed': () => 'Whether the program is installed in this image and on the PATH the process was given.',
  'dns-failed': () => 'The resolver in /etc/resolv.conf of this container and whether it answers for this name.',
};

export { evidenceLimits } from './limits.js';
