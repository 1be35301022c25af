import type { Redis } from 'ioredis';
import type { McpSessionRecord, McpSessionRecordChanges, McpSessionStore } from '@nestmcp/core';

/** The fields of a record as hash fields, each JSON-encoded (a hash lets replicas update fields without a read). */
function toFields(record: Partial<McpSessionRecord>): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(record)) if (value !== undefined) fields.push(name, JSON.stringify(value));
  return fields;
}

function fromFields(hash: Record<string, string>): McpSessionRecord | undefined {
  if (!hash.id) return undefined;
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(hash)) record[name] = JSON.parse(value);
  record.subscriptions ??= [];
  return record as unknown as McpSessionRecord;
}

/** Sets fields of an existing record and renews its TTL; 0 when the record is gone. KEYS[1], ARGV: ttl, fields. */
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/**
 * Session records in Redis: one hash per session (`<prefix><server>:session:<id>`), every field JSON, expiring
 * `ttlMs` after the last set, update or touch (a record with `ttlMs` 0 gets `maxTtlMs`: no key without a TTL).
 * Updates and touches of a record that is gone change nothing, atomically (a Lua script).
 */
export class RedisSessionStore implements McpSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxTtlMs: number,
  ) {
    redis.defineCommand('mcpSessionUpdate', { numberOfKeys: 1, lua: UPDATE });
  }

  async get(key: string): Promise<McpSessionRecord | undefined> {
    return fromFields(await this.redis.hgetall(this.prefix + key));
  }

  async set(key: string, record: McpSessionRecord, ttlMs: number): Promise<void> {
    const full = this.prefix + key;
    await this.redis
      .multi()
      .del(full)
      .hset(full, ...toFields(record))
      .pexpire(full, this.ttl(ttlMs))
      .exec()
      .then(failedStep);
  }

  async update(key: string, changes: McpSessionRecordChanges, ttlMs: number): Promise<boolean> {
    return (await this.run(key, ttlMs, toFields(changes))) === 1;
  }

  async touch(key: string, ttlMs: number): Promise<boolean> {
    return (await this.run(key, ttlMs, toFields({ lastSeen: Date.now() }))) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  private run(key: string, ttlMs: number, fields: string[]): Promise<number> {
    const command = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<number>>).mcpSessionUpdate;
    return command.call(this.redis, this.prefix + key, this.ttl(ttlMs), ...fields);
  }

  private ttl(ttlMs: number): number {
    return ttlMs > 0 ? Math.min(ttlMs, this.maxTtlMs) : this.maxTtlMs;
  }
}

/** A MULTI whose step failed rejects like a failed command. */
export function failedStep(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
  if (results === null) throw new Error('Redis transaction aborted');
}
