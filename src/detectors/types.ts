import type { FindingDraft, RunModel } from '../model/index.js';

/**
 * A detector (an "insight" in DevTools' words): a pure rule over the
 * analysed run. It returns drafts seen in single inputs; the pipeline merges
 * the same event seen in several inputs, assigns ids and orders them.
 * A detector that throws is reported as that detector's failure.
 */
export interface Detector {
  id: string;
  /** one line: what it finds */
  description: string;
  /**
   * curl exit codes this detector reports in full (curl-error-56: 56). The catch-all
   * `curl-error` reports every other failure: its codes are the complement of these claims,
   * over the whole registry in use, so adding a detector never needs a list edited elsewhere.
   */
  claimsCurlExitCodes?: readonly number[];
  detect(run: RunModel): FindingDraft[];
}

/**
 * What every wire-side finding about one HTTP exchange carries (from analysis/tcp's
 * `exchangeBase`). Each detector file exports the type of its own details, snake_case.
 */
export type ExchangeDetails = {
  /** a Wireshark display filter for the connection */
  wireshark_filter: string;
  /** Zeek's conn_state (S0, SF, REJ, RSTO, RSTR …) */
  connection_state: string;
  /** Zeek's history string: upper case the originator, lower case the responder */
  history: string;
  /** 1-based exchange number on the connection */
  exchange: number;
  request?: string;
  status?: number;
};

/** One source's part of a detector that reads several kinds of input. */
export type DetectorPart = (run: RunModel) => FindingDraft[];

/** A detector (or part) that hands each draft on as it makes it, in the order `detect` lists them. */
export type DetectEach = (run: RunModel, emit: (d: FindingDraft) => void) => void;

/**
 * A detect made of a DetectEach: the list of what it hands on, with the DetectEach kept on the
 * function as `each`. The pipeline takes each draft of a one-input run as it is made (made its
 * finding there and then) where a detect carries its `each`: a long log's 10,000 drafts, their
 * join facts and placements need not all live at once, to be moved by the collector on the way.
 * On the function, not the detector: a library user's detector that replaces `detect` (a spread
 * copy with a detect of its own) is run by its own detect.
 */
export function streamed(each: DetectEach): DetectorPart & { each: DetectEach } {
  const detect = (run: RunModel): FindingDraft[] => {
    const out: FindingDraft[] = [];
    each(run, (d) => out.push(d));
    return out;
  };
  return Object.assign(detect, { each });
}

/** The DetectEach a detect was made of (streamed), if any. */
export function eachOf(detect: Detector['detect']): DetectEach | undefined {
  const each = (detect as { each?: unknown }).each;
  return typeof each === 'function' ? (each as DetectEach) : undefined;
}
