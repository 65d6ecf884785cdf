/**
 * Memory figures of a process from /proc/PID/status (Linux), for the bench.
 *
 * A bench child's own peak is VmHWM, not getrusage's maxRSS: Linux keeps across exec the peak of
 * the memory a child was forked with, a copy of its parent's, so a child forked from a bench holding
 * a big buffer reported the bench's RSS (measured: a parent at 341 MB, a `node -e` child's maxRSS
 * 304 MB; the curl app-log row gave 197-198 MB for a child that peaks at 86 MB). VmHWM is the
 * peak of the memory the process has had since its exec.
 */
import { readFileSync } from 'node:fs';

/** VmHWM (peak) or VmRSS (now) of process `pid`, in KiB; NaN when /proc does not say. */
export function statusKb(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** This process's own peak RSS in KiB: VmHWM, or getrusage's figure, as it is, off Linux. */
export function peakRssKb(): number {
  const hwm = statusKb('self', 'VmHWM');
  return Number.isNaN(hwm) ? process.resourceUsage().maxRSS : hwm;
}
