/**
 * A bench child's own peak RSS, in KiB: VmHWM of /proc/self/status on Linux, getrusage's maxRSS
 * elsewhere. getrusage's figure is not the child's own: Linux keeps across exec the peak of the
 * memory a child was forked with, a copy of its parent's, so a child forked from a bench holding
 * a big buffer reported the bench's RSS (measured: a parent at 341 MB, a `node -e` child's maxRSS
 * 304 MB; the curl app-log row gave 197-198 MB for a child that peaks at 86 MB). VmHWM is the
 * peak of the memory the process has had since its exec.
 */
import { readFileSync } from 'node:fs';

export function peakRssKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: getrusage's figure, as it is
  }
  return process.resourceUsage().maxRSS;
}
