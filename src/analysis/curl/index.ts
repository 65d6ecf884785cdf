import type { Analysis, CurlTransfer, CurlModel, AnalysisContext, ParseSummary } from '../../model/index.js';

// Placeholder: replaced by the real one-pass analysis.
export class CurlAnalysis implements Analysis<CurlTransfer, CurlModel> {
  constructor(readonly ctx: AnalysisContext) {}
  add(_e: CurlTransfer): void {}
  finish(_s: ParseSummary): CurlModel {
    return { kind: 'curl', transfers: [], lanes: [] };
  }
}
