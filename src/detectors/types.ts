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
  detect(run: RunModel): FindingDraft[];
}

/** One source's part of a detector that reads several kinds of input. */
export type DetectorPart = (run: RunModel) => FindingDraft[];
