import type { RedisOptions } from 'ioredis';

/** Options of `redisStores()` and `McpRedisModule`. */
export interface McpRedisOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (`rediss://` for TLS, credentials and database in the URL). */
  url?: string;
  /** More ioredis options (TLS, sentinels, password...), merged over the ones derived from `url`. */
  redis?: RedisOptions;
  /** Prefix of every key and channel this package writes. Default `nestmcp:`. */
  keyPrefix?: string;
  /**
   * TTL of a key whose owner asks for none (a session store record with `ttlMs` 0): no key lives without a TTL.
   * Default 24 hours.
   */
  maxTtlMs?: number;
  /** Longest time one Redis command may take before it fails (and the request gets a 503). Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Resumable streams: how long events are kept after the last one of a session. Default 1 hour. */
  eventTtlMs?: number;
  /** Events kept per session; the oldest are dropped first. Default 1000. */
  maxEventsPerSession?: number;
  /** Bytes of event data kept per session (the newest event is always kept). Default 4 MiB. */
  maxBytesPerSession?: number;
}

/** The options with their defaults. */
export interface ResolvedMcpRedisOptions {
  readonly keyPrefix: string;
  readonly maxTtlMs: number;
  readonly commandTimeoutMs: number;
  readonly eventTtlMs: number;
  readonly maxEventsPerSession: number;
  readonly maxBytesPerSession: number;
}

export function resolveMcpRedisOptions(options: McpRedisOptions): ResolvedMcpRedisOptions {
  return {
    keyPrefix: options.keyPrefix ?? 'nestmcp:',
    maxTtlMs: Math.max(1, options.maxTtlMs ?? 24 * 60 * 60_000),
    commandTimeoutMs: Math.max(1, options.commandTimeoutMs ?? 2000),
    eventTtlMs: Math.max(1, options.eventTtlMs ?? 60 * 60_000),
    maxEventsPerSession: Math.max(1, options.maxEventsPerSession ?? 1000),
    maxBytesPerSession: Math.max(1, options.maxBytesPerSession ?? 4 * 1024 * 1024),
  };
}
