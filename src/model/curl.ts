/**
 * curl transfers as the curl/app-log parsers emit them, and the analysed model.
 * Owners: parsers/curl, parsers/applog, src/analysis/curl.
 */
import type { Lane } from './timeline.js';

export interface CurlTransfer {
  /** line where the transfer's record starts */
  line: number;
  endLine?: number;
  /** start time in the input's clock */
  t: number | null;
  endT?: number | null;
  url?: string;
  method?: string;
  exitCode?: number;
  errorMessage?: string;
}

export interface CurlModel {
  kind: 'curl';
  transfers: CurlTransfer[];
  lanes: Lane[];
}
