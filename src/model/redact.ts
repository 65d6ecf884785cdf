import type { RunResult } from './result.js';

// Placeholder: replaced by the redaction work (secrets in headers and URLs, every format).
export function redactResult(result: RunResult): RunResult {
  return result;
}
