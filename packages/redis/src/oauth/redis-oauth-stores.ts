import type { Redis } from 'ioredis';
import type {
  McpOAuthClientMetadata,
  McpOAuthClientStore,
  McpOAuthConsent,
  McpOAuthConsentStore,
  McpOAuthStores,
  McpOAuthUpstreamTokens,
  McpOAuthUpstreamTokenStore,
} from '@nestmcp/oauth';
import { oauthKey, ttlMilliseconds } from './redis-oauth-keys.js';
import { RedisOAuthTokenStore } from './redis-oauth-token-store.js';

/** A JSON value under one key, with an optional TTL. */
class JsonKeys<T> {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly what: string,
  ) {}

  async get(...parts: string[]): Promise<T | undefined> {
    const json = await this.redis.get(oauthKey(this.prefix, this.what, ...parts));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set(value: T, ttlSeconds: number | undefined, ...parts: string[]): Promise<void> {
    const key = oauthKey(this.prefix, this.what, ...parts);
    if (ttlSeconds === undefined) await this.redis.set(key, JSON.stringify(value));
    else await this.redis.set(key, JSON.stringify(value), 'PX', ttlMilliseconds(ttlSeconds));
  }

  async delete(...parts: string[]): Promise<void> {
    await this.redis.del(oauthKey(this.prefix, this.what, ...parts));
  }
}

/** Registered clients (`<prefix>oauth:client:<client_id>`, JSON, no TTL: a registration lasts until deleted). */
export class RedisOAuthClientStore implements McpOAuthClientStore {
  private readonly keys: JsonKeys<McpOAuthClientMetadata>;

  constructor(redis: Redis, prefix: string) {
    this.keys = new JsonKeys(redis, prefix, 'client');
  }

  find(clientId: string): Promise<McpOAuthClientMetadata | undefined> {
    return this.keys.get(clientId);
  }

  save(metadata: McpOAuthClientMetadata): Promise<void> {
    return this.keys.set(metadata, undefined, metadata.client_id);
  }

  delete(clientId: string): Promise<void> {
    return this.keys.delete(clientId);
  }
}

/** Consents per user and client (`<prefix>oauth:consent:<subject>:<client_id>`, JSON, no TTL). */
export class RedisOAuthConsentStore implements McpOAuthConsentStore {
  private readonly keys: JsonKeys<McpOAuthConsent>;

  constructor(redis: Redis, prefix: string) {
    this.keys = new JsonKeys(redis, prefix, 'consent');
  }

  find(subject: string, clientId: string): Promise<McpOAuthConsent | undefined> {
    return this.keys.get(subject, clientId);
  }

  save(consent: McpOAuthConsent): Promise<void> {
    return this.keys.set(consent, undefined, consent.subject, consent.clientId);
  }

  delete(subject: string, clientId: string): Promise<void> {
    return this.keys.delete(subject, clientId);
  }
}

/** Upstream tokens per provider and user (`<prefix>oauth:upstream:<provider>:<subject>`, JSON, expiring with their TTL). */
export class RedisOAuthUpstreamTokenStore implements McpOAuthUpstreamTokenStore {
  private readonly keys: JsonKeys<McpOAuthUpstreamTokens>;

  constructor(redis: Redis, prefix: string) {
    this.keys = new JsonKeys(redis, prefix, 'upstream');
  }

  find(provider: string, subject: string): Promise<McpOAuthUpstreamTokens | undefined> {
    return this.keys.get(provider, subject);
  }

  save(tokens: McpOAuthUpstreamTokens, ttlSeconds?: number): Promise<void> {
    return this.keys.set(tokens, ttlSeconds, tokens.provider, tokens.subject);
  }

  delete(provider: string, subject: string): Promise<void> {
    return this.keys.delete(provider, subject);
  }
}

/** Where the stores keep their keys: an `McpRedisStores` (its command connection and `keyPrefix`), or a connection of yours. */
export interface McpRedisOAuthSource {
  readonly client: Redis;
  readonly options?: { readonly keyPrefix?: string };
}

/**
 * The four stores of `@nestmcp/oauth` on Redis, on the command connection of `McpRedisStores` (keys under its
 * `keyPrefix`, then `oauth:`): registered clients, the authorization server's state (codes, refresh token families,
 * sessions, interactions), consents and upstream tokens, shared by every replica. The connection is its owner's:
 * `McpRedisModule` closes it on shutdown.
 */
export class McpRedisOAuthStores implements Required<McpOAuthStores> {
  readonly clients: RedisOAuthClientStore;
  readonly tokens: RedisOAuthTokenStore;
  readonly consents: RedisOAuthConsentStore;
  readonly upstreamTokens: RedisOAuthUpstreamTokenStore;

  constructor(source: McpRedisOAuthSource) {
    const prefix = source.options?.keyPrefix ?? 'nestmcp:';
    this.clients = new RedisOAuthClientStore(source.client, prefix);
    this.tokens = new RedisOAuthTokenStore(source.client, prefix);
    this.consents = new RedisOAuthConsentStore(source.client, prefix);
    this.upstreamTokens = new RedisOAuthUpstreamTokenStore(source.client, prefix);
  }
}

/**
 * The stores of `@nestmcp/oauth` on Redis:
 * `McpOAuthModule.forRootAsync({ useFactory: (redis: McpRedisStores) => ({ ..., stores: redisOAuthStores(redis) }), inject: [McpRedisStores] })`.
 */
export function redisOAuthStores(source: McpRedisOAuthSource): McpRedisOAuthStores {
  return new McpRedisOAuthStores(source);
}
