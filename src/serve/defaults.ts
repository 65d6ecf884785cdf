/**
 * serve's defaults, in a module importing nothing: the CLI's flag help reads them at start-up
 * without loading Fastify.
 */
export const DEFAULT_MAX_PENDING = 64;
