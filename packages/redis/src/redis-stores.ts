import type { Redis } from 'ioredis';
import type { McpStoresOptions } from '@nestmcp/core';
import { createRedisConnection } from './redis-connection.js';
import { RedisEventStore } from './redis-event-store.js';
import { RedisMessageBus } from './redis-message-bus.js';
import { RedisReplayGuard } from './redis-replay-guard.js';
import { RedisSessionStore } from './redis-session-store.js';
import { resolveMcpRedisOptions, type McpRedisOptions, type ResolvedMcpRedisOptions } from './redis-stores.options.js';

/**
 * The four stores of `@nestmcp/core` on one Redis: give it as `McpModule.forRoot({ stores })` (or let
 * `McpRedisModule` make it). Two connections: one for commands, one for the bus's subscriptions. The stores are
 * the caller's to close: `close()` once the app is closed (`McpRedisModule` does it on shutdown).
 */
export class McpRedisStores implements Required<McpStoresOptions> {
  readonly sessions: RedisSessionStore;
  readonly events: RedisEventStore;
  readonly bus: RedisMessageBus;
  readonly replay: RedisReplayGuard;
  readonly options: ResolvedMcpRedisOptions;
  /** The command connection (also usable by the app, e.g. for its own data). */
  readonly client: Redis;
  private readonly subscriber: Redis;
  private closing?: Promise<void>;

  constructor(options: McpRedisOptions = {}) {
    this.options = resolveMcpRedisOptions(options);
    const { keyPrefix: prefix, commandTimeoutMs } = this.options;
    this.client = createRedisConnection(options, commandTimeoutMs, 'nestmcp');
    this.subscriber = createRedisConnection(options, commandTimeoutMs, 'nestmcp-bus');
    // Errors are answered where a command fails (a 503 for the request that needed it); reconnecting is automatic.
    for (const connection of [this.client, this.subscriber]) connection.on('error', () => undefined);
    this.sessions = new RedisSessionStore(this.client, prefix, this.options.maxTtlMs);
    this.events = new RedisEventStore(this.client, {
      prefix,
      ttlMs: Math.min(this.options.eventTtlMs, this.options.maxTtlMs),
      maxEvents: this.options.maxEventsPerSession,
      maxBytes: this.options.maxBytesPerSession,
    });
    this.bus = new RedisMessageBus(this.client, this.subscriber, prefix);
    this.replay = new RedisReplayGuard(this.client, prefix);
    void this.client.connect().catch(() => undefined);
    void this.subscriber.connect().catch(() => undefined);
  }

  /** Whether both connections are up. */
  get ready(): boolean {
    return this.client.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Resolves when both connections are up, or after `timeoutMs` (false then: the app starts anyway, and gets 503s). */
  async whenReady(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready && Date.now() < deadline && !this.closing) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.ready;
  }

  /** Closes both connections (once). */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.client, this.subscriber].map((connection) => connection.quit().catch(() => connection.disconnect()))).then(
      () => undefined,
    );
    return this.closing;
  }
}

/** The stores of `@nestmcp/core` on Redis: `McpModule.forRoot({ ..., stores: redisStores({ url }) })`. */
export function redisStores(options: McpRedisOptions = {}): McpRedisStores {
  return new McpRedisStores(options);
}
