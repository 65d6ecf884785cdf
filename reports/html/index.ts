import type { RunResult } from '../../src/model/index.js';
import type { ReportOptions } from '../index.js';

// Placeholder: replaced by the report work.
export function renderHtml(_result: RunResult, _opts: ReportOptions): string {
  throw new Error('format not built yet');
}
