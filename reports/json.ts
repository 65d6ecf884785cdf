import type { RunResult } from '../src/model/index.js';
import type { ReportOptions } from './index.js';

/** The result as the JSON report (and the HTML's embedded copy) carries it: the schema's shape, lanes left to the timeline. */
export function resultForJson(result: RunResult): Omit<RunResult, 'lanes'> {
  const { lanes: _lanes, ...rest } = result;
  return rest;
}

/** The JSON report: the schema's shape (spec/findings.schema.json). */
export function renderJson(result: RunResult, _opts: ReportOptions): string {
  return JSON.stringify(resultForJson(result), null, 2) + '\n';
}
