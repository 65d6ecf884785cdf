/** Seconds as people read them, for titles and explanations. */

/** "2.29 s", "120 ms", "35 µs" */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a >= 1) return `${Number(s.toFixed(a >= 100 ? 0 : 2))} s`;
  if (a >= 0.001) return `${Number((s * 1e3).toFixed(a >= 0.1 ? 0 : 1))} ms`;
  return `${Number((s * 1e6).toFixed(0))} µs`;
}
