import type { Redis } from 'ioredis';
import type { McpReplayGuard } from '@nestmcp/core';

/**
 * Single-use 2026-07-28 request states across replicas: `SET key 1 NX PX ttl`, so exactly one claim of a nonce
 * wins on every replica that shares the Redis, and the key goes when the state would have expired anyway.
 */
export class RedisReplayGuard implements McpReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }
}
