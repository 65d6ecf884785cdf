import type { Analysis, CaptureEvent, CaptureModel, AnalysisContext, ParseSummary } from '../../model/index.js';

// Placeholder: replaced by the real one-pass analysis.
export class CaptureAnalysis implements Analysis<CaptureEvent, CaptureModel> {
  constructor(readonly ctx: AnalysisContext) {}
  add(_e: CaptureEvent): void {}
  finish(_s: ParseSummary): CaptureModel {
    return { kind: 'capture', connections: [], lanes: [], frameCounts: {} };
  }
}
