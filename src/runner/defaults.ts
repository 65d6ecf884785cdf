/**
 * Old-generation heap per thread. A 200 MB HTTP capture peaks near 165 MB RSS (bench/analyze),
 * so 2 GiB leaves room for big cases and still stops a pathological one long before the machine.
 * (A module importing nothing: the CLI's flag help reads it at start-up without loading piscina.)
 */
export const DEFAULT_WORKER_MEMORY_MB = 2048;
