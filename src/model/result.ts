import type { ErrorCode } from './errors.js';
import type { Finding, Severity } from './finding.js';
import type { InputInfo } from './input.js';
import type { Lane } from './timeline.js';
import type { ClockPlacement } from './time.js';

/** A detector that threw: reported as that detector's failure; the others still ran. */
export interface DetectorFailure {
  detector: string;
  /** E_DETECTOR: it threw (its message in `error`) */
  code: ErrorCode;
  error: string;
}

/**
 * The outcome of one run, what every report renders. JSON is this object
 * minus `lanes` (schema: spec/findings.schema.json); HTML draws the lanes.
 */
export interface RunResult {
  tool: 'faultline';
  version: string;
  inputs: InputInfo[];
  findings: Finding[];
  detector_failures: DetectorFailure[];
  /** how each input's clock was placed on the run's clock, by inputs[].path */
  clocks: Record<string, ClockPlacement>;
  /** timeline lanes, times already placed on the run's clock */
  lanes: Lane[];
  /** what the run assumed: time zone for time-of-day inputs, date, join window */
  assumptions: { timezone: string; date?: string; join_window: number };
  /** problems of the run as a whole (inputs whose clocks disagree by a time zone …), one line each */
  warnings?: string[];
  /** true when secrets were redacted (the default) */
  redacted: boolean;
  /** severity filter applied to `findings`, if any */
  min_severity?: Severity;
}
