/**
 * Reaching Redis. `--queue redis://HOST:PORT[/DB]` is checked once, up front, with
 * one attempt and a short timeout, so an unreachable Redis is one clear line and
 * exit 1 rather than ioredis retrying forever. After that, connections reconnect
 * on their own (a restarted Redis), with a capped back-off.
 */
import { Queue, type RedisOptions } from 'bullmq';
import { FaultlineError } from '../model/index.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  password?: string;
  username?: string;
  tls: boolean;
  /** the URL without credentials: what messages print */
  display: string;
}

export function parseQueueUrl(url: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FaultlineError('E_USAGE', `--queue takes redis://HOST:PORT[/DB], not '${url}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new FaultlineError('E_USAGE', `--queue takes redis://HOST:PORT[/DB], not '${url}'`);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new FaultlineError('E_USAGE', `--queue: '${dbText}' is not a Redis database number`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return {
    host,
    port,
    db,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    tls: u.protocol === 'rediss:',
    display: `${u.protocol}//${u.host}${db ? `/${db}` : ''}`,
  };
}

/** Back-off between reconnect attempts after Redis went away: quick at first, never slower than 2 s. */
const RECONNECT_MAX = 2000; /* ms */
const CONNECT_TIMEOUT = 5000; /* ms, the start-up check */

/** Options for BullMQ's long-lived connections: reconnect on their own, never give up a command (BullMQ requires that of workers). */
export function redisOptions(a: QueueAddress): RedisOptions {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    password: a.password,
    username: a.username,
    ...(a.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT,
    retryStrategy: (times: number) => Math.min(100 * times, RECONNECT_MAX),
  };
}

/** One attempt to reach Redis; E_QUEUE with one line if it cannot. */
export async function probeRedis(a: QueueAddress, queueName: string): Promise<void> {
  const probe = new Queue(queueName, {
    connection: { ...redisOptions(a), maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null },
  });
  let lastError: Error | undefined;
  probe.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await probe.waitUntilReady();
  } catch (err) {
    const e = lastError ?? (err as Error);
    const why = (e as NodeJS.ErrnoException).code ?? e.message;
    throw new FaultlineError('E_QUEUE', `cannot reach Redis at ${a.display}: ${why}`);
  } finally {
    await probe.close().catch(() => {});
  }
}
