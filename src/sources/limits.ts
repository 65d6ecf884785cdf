import type { ArchiveLimits } from './archive.js';

/**
 * 100,000 members and 16 GiB: far above any real incident bundle (a `strace -ff` of a busy
 * server is a few thousand files), far below what would tie a worker up for hours.
 * (A module importing nothing at run time: the CLI's flag help reads it at start-up.)
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxMembers: 100_000, maxBytes: 16 * 2 ** 30 };
