import { Redis, type RedisOptions } from 'ioredis';
import type { McpRedisOptions } from './redis-stores.options.js';

/** Reconnect delays: quick at first, then once a second for as long as Redis is away (service comes back by itself). */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 5), 1000);
}

/**
 * A Redis connection that fails fast instead of waiting: while Redis is unreachable a command is refused at once
 * (no offline queue) and a command that gets no answer fails after `commandTimeoutMs`, so an MCP request that
 * needs Redis gets a 503 instead of hanging; the connection keeps reconnecting in the background.
 */
export function createRedisConnection(options: McpRedisOptions, commandTimeoutMs: number, name: string): Redis {
  const base: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    retryStrategy: reconnectDelay,
    connectionName: name,
    lazyConnect: true,
    ...options.redis,
  };
  return options.url ? new Redis(options.url, base) : new Redis(base);
}
