/**
 * A comparison of two incidents, as `faultline diff` reports it: shared by src/diff, which
 * builds it, and reports/diff.ts, which renders it.
 */
import type { InputFormat } from './input.js';
import type { Severity } from './finding.js';

export interface DiffSide {
  /** what the user named */
  name: string;
  inputs: { path: string; format: InputFormat; status: string; sha256?: string }[];
  findings: number;
}

export interface FindingMatch {
  key: string;
  detector: string;
  severity: Severity;
  title: string;
  /** ids on each side (several findings can share one key) */
  a: string[];
  b: string[];
}

export interface ShownCall {
  line: number;
  token: string;
  text: string;
}

export interface ThreadDiff {
  program: string;
  /** role: the k-th process of this program on each side, in order of appearance */
  role: number;
  a: { input: string; pid: number | null; calls: number; dropped: number };
  b: { input: string; pid: number | null; calls: number; dropped: number };
  identical: boolean;
  too_different: boolean;
  /** inserted plus deleted calls */
  distance: number;
  /** places where the sequences part ways */
  hunks: number;
  /** where they part ways, first first (at most MAX_HUNKS_SHOWN): the shared calls before, each side's own calls, the shared calls after */
  divergences: Divergence[];
}

export interface Divergence {
  /** the shared calls before, as each side wrote them */
  before: ShownCall[];
  before_b: ShownCall[];
  only_a: ShownCall[];
  only_a_more: number;
  only_b: ShownCall[];
  only_b_more: number;
  after_a: ShownCall[];
  after_b: ShownCall[];
}

export interface Phases {
  connect?: number;
  ttfb?: number;
  transfer?: number;
  total?: number;
  /** how it ended: `200`, `curl 56`, `rst by resp`, … */
  end: string;
}

export interface RequestDiff {
  key: string;
  n: number;
  source: 'capture' | 'curl';
  a?: Phases & { input: string; at: string };
  b?: Phases & { input: string; at: string };
}

/** What `faultline diff` reports (its JSON output); src/diff adds both runs' results for the CLI's exit code. */
export interface DiffReport {
  tool: 'faultline';
  kind: 'diff';
  version: string;
  a: DiffSide;
  b: DiffSide;
  findings: { only_a: FindingMatch[]; only_b: FindingMatch[]; both: FindingMatch[] };
  threads: ThreadDiff[];
  /** processes present on one side only (by program and role) */
  unmatched_threads: { side: 'a' | 'b'; program: string; pid: number | null; input: string }[];
  requests: RequestDiff[];
}
