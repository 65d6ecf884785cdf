import type { CaptureModel } from './capture.js';
import type { CurlModel } from './curl.js';
import type { InputInfo } from './input.js';
import type { StraceModel } from './strace.js';
import type { ClockPlacement } from './time.js';

export type InputModel = StraceModel | CaptureModel | CurlModel;

/** One input after analysis. */
export interface AnalysedInput {
  info: InputInfo;
  placement: ClockPlacement;
  /** undefined for inputs that could not be read or were skipped */
  model?: InputModel;
}

export interface RunOptions {
  /** seconds: findings of one detector in different inputs closer than this may be the same event */
  joinWindow: number;
  /** curl exit codes the registry's detectors claim (see Detector.claimsCurlExitCodes); set by the pipeline */
  claimedCurlExitCodes?: ReadonlySet<number>;
}

/** Everything detectors read: one run = one incident, all inputs analysed together. */
export interface RunModel {
  inputs: AnalysedInput[];
  options: RunOptions;
}
