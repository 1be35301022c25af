import type { Redis } from 'ioredis';
import type { McpOAuthTokenRecord, McpOAuthTokenStore } from '@nestmcp/oauth';
import { oauthKey, ttlMilliseconds } from './redis-oauth-keys.js';

/**
 * Saves a record: a hash (`v` the JSON, `c` when it was consumed, `u` / `k` / `g` the keys of its uid index, user
 * code index and grant set), its index keys with the same TTL, and the record's keys in its grant's set, which
 * lives as long as its longest-lived member (no TTL if a member has none). Atomic, so a reader never sees a record
 * without its indexes.
 * KEYS: record, uid index, user code index, grant set ('' when the record has none).
 * ARGV: JSON, TTL in ms as a string of digits ('' for none), id, consumed ('' when not).
 */
const SAVE = `
local ttl = ARGV[2] ~= '' and ARGV[2] or nil
local old = redis.call('HMGET', KEYS[1], 'u', 'k')
for i = 1, 2 do
  if old[i] and old[i] ~= '' and old[i] ~= KEYS[i + 1] then redis.call('DEL', old[i]) end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'u', KEYS[2], 'k', KEYS[3], 'g', KEYS[4])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'c', ARGV[4]) end
if ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
for i = 2, 3 do
  if KEYS[i] ~= '' then
    if ttl then redis.call('SET', KEYS[i], ARGV[3], 'PX', ttl) else redis.call('SET', KEYS[i], ARGV[3]) end
  end
end
if KEYS[4] ~= '' then
  local current = redis.call('PTTL', KEYS[4])
  redis.call('SADD', KEYS[4], KEYS[1])
  for i = 2, 3 do
    if KEYS[i] ~= '' then redis.call('SADD', KEYS[4], KEYS[i]) end
  end
  if not ttl then
    redis.call('PERSIST', KEYS[4])
  elseif current == -2 or (current >= 0 and current < tonumber(ttl)) then
    redis.call('PEXPIRE', KEYS[4], ttl)
  end
end`;

/**
 * Marks a record consumed unless it is already (HSETNX keeps the first mark and the key's TTL): 1 for the one
 * call that marked it, 0 for every other, and for a record that is gone.
 * KEYS: record. ARGV: the time (epoch seconds).
 */
const CONSUME = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'c', ARGV[1])`;

/** Deletes a record and its index keys. KEYS: record. */
const DELETE = `
local refs = redis.call('HMGET', KEYS[1], 'u', 'k')
for i = 1, 2 do
  if refs[i] and refs[i] ~= '' then redis.call('DEL', refs[i]) end
end
return redis.call('DEL', KEYS[1])`;

/** Deletes every key of a grant (its records and their index keys), then the grant's set. KEYS: grant set. */
const REVOKE = `
local members = redis.call('SMEMBERS', KEYS[1])
for i = 1, #members, 500 do
  redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('DEL', KEYS[1])
return #members`;

type Script = (...args: unknown[]) => Promise<unknown>;

/**
 * The authorization server's state on Redis (oidc-provider's codes, refresh tokens, grants, sessions,
 * interactions, ...): one hash per record (`<prefix>oauth:record:<kind>:<id>`) expiring with its TTL, `uid` and
 * `userCode` index keys beside it, and one set per grant (`<prefix>oauth:grant:<grantId>`, a refresh token family)
 * naming every key of it, so that revoking a grant is one atomic script. Consuming is `HSETNX` in a script: of
 * replicas racing with one code or one refresh token, exactly one wins.
 */
export class RedisOAuthTokenStore implements McpOAuthTokenStore {
  private readonly scripts: Record<'save' | 'consume' | 'delete' | 'revoke', Script>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('mcpOAuthSave', { numberOfKeys: 4, lua: SAVE });
    redis.defineCommand('mcpOAuthConsume', { numberOfKeys: 1, lua: CONSUME });
    redis.defineCommand('mcpOAuthDelete', { numberOfKeys: 1, lua: DELETE });
    redis.defineCommand('mcpOAuthRevoke', { numberOfKeys: 1, lua: REVOKE });
    const commands = redis as unknown as Record<string, Script>;
    const bound = (name: string): Script => (...args) => commands[name].apply(redis, args);
    this.scripts = { save: bound('mcpOAuthSave'), consume: bound('mcpOAuthConsume'), delete: bound('mcpOAuthDelete'), revoke: bound('mcpOAuthRevoke') };
  }

  async save(kind: string, id: string, record: McpOAuthTokenRecord, ttlSeconds?: number): Promise<void> {
    const index = (name: string, value: unknown) => (typeof value === 'string' ? oauthKey(this.prefix, name, kind, value) : '');
    const grant = typeof record.grantId === 'string' ? oauthKey(this.prefix, 'grant', record.grantId) : '';
    const ttl = ttlSeconds === undefined ? '' : ttlMilliseconds(ttlSeconds);
    const consumed = record.consumed === undefined ? '' : String(record.consumed);
    await this.scripts.save(this.recordKey(kind, id), index('uid', record.uid), index('user-code', record.userCode), grant, JSON.stringify(record), ttl, id, consumed);
  }

  async find(kind: string, id: string): Promise<McpOAuthTokenRecord | undefined> {
    const [json, consumed] = await this.redis.hmget(this.recordKey(kind, id), 'v', 'c');
    if (json === null) return undefined;
    const record = JSON.parse(json) as McpOAuthTokenRecord;
    return consumed === null ? record : { ...record, consumed: Number(consumed) };
  }

  async findByUid(kind: string, uid: string): Promise<McpOAuthTokenRecord | undefined> {
    const id = await this.redis.get(oauthKey(this.prefix, 'uid', kind, uid));
    return id === null ? undefined : this.find(kind, id);
  }

  async findByUserCode(kind: string, userCode: string): Promise<McpOAuthTokenRecord | undefined> {
    const id = await this.redis.get(oauthKey(this.prefix, 'user-code', kind, userCode));
    return id === null ? undefined : this.find(kind, id);
  }

  async consume(kind: string, id: string): Promise<boolean> {
    return (await this.scripts.consume(this.recordKey(kind, id), Math.floor(Date.now() / 1000))) === 1;
  }

  async delete(kind: string, id: string): Promise<void> {
    await this.scripts.delete(this.recordKey(kind, id));
  }

  async revokeGrant(grantId: string): Promise<void> {
    await this.scripts.revoke(oauthKey(this.prefix, 'grant', grantId));
  }

  private recordKey(kind: string, id: string): string {
    return oauthKey(this.prefix, 'record', kind, id);
  }
}
