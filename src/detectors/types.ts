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
