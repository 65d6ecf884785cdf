import type { Analysis, StraceEvent, StraceModel, AnalysisContext, ParseSummary } from '../../model/index.js';

// Placeholder: replaced by the real one-pass analysis.
export class StraceAnalysis implements Analysis<StraceEvent, StraceModel> {
  constructor(readonly ctx: AnalysisContext) {}
  add(_e: StraceEvent): void {}
  finish(_s: ParseSummary): StraceModel {
    return { kind: 'strace', threads: [], stops: [], socketFailures: [], lanes: [] };
  }
}
