/** The units batch flags are written in. */

/** 90s, 10m, 1h, 500ms, or plain seconds. */
export function parseDuration(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'h' ? n * 3_600_000 : n * 60_000;
  return ms > 0 ? Math.round(ms) : undefined;
}

/** 512M, 20G, 1.5T, 4096K, or plain bytes (binary units). */
export function parseSize(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt])?i?b?\s*$/i.exec(s);
  if (!m) return undefined;
  const mult = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').toLowerCase() as 'k'] ?? 1;
  const n = Math.floor(Number(m[1]) * mult);
  return n > 0 ? n : undefined;
}
