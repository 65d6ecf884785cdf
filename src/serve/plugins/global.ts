import type { FastifyPluginAsync } from 'fastify';

/**
 * A plugin whose hooks apply to the whole server, not only to its own routes
 * (what the fastify-plugin package does, by Fastify's documented `skip-override` symbol).
 */
export function global<T extends FastifyPluginAsync<never>>(name: string, plugin: T): T {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
