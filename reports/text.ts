import type { RunResult } from '../src/model/index.js';
import type { ReportOptions } from './index.js';

export function renderText(result: RunResult, _opts: ReportOptions): string {
  return result.findings.map((f) => `${f.severity} ${f.detector} ${f.title}`).join('\n') + '\n';
}
