import type { Diagnostics, Location } from '../../src/model/index.js';

/** Warnings of one kind told one by one before they are only counted. */
const PER_KIND = 5;

/**
 * Keeps a flood of one defect (a snaplen that cuts every TCP header, a
 * million fragments) from drowning the others in the input's 100 warnings:
 * the first few of each kind are told with their location, the rest are
 * summed up once at the end.
 */
export class WarnBudget {
  private readonly counts = new Map<string, number>();
  constructor(private readonly diag: Diagnostics) {}

  /** True when a warning of this kind should still be told; counts it either way. */
  take(kind: string): boolean {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    return n <= PER_KIND;
  }

  warn(kind: string, loc: Location, message: string): void {
    if (this.take(kind)) this.diag.warn(loc, message);
  }

  /** One line per kind that went over its budget; a second call adds nothing. */
  finish(): void {
    for (const [kind, n] of this.counts) {
      if (n > PER_KIND) this.diag.warn({}, `${n - PER_KIND} more packets with the same problem: ${kind} (${n} in all)`);
    }
    this.counts.clear();
  }
}
