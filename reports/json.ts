import type { RunResult } from '../src/model/index.js';
import type { ReportOptions } from './index.js';

/** The JSON report: the schema's shape (spec/findings.schema.json); lanes are the HTML report's, not here. */
export function renderJson(result: RunResult, _opts: ReportOptions): string {
  const { lanes: _lanes, ...rest } = result;
  return JSON.stringify(rest, null, 2) + '\n';
}
