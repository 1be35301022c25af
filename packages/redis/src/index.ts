// Public API of @nestmcp/redis: the stores of @nestmcp/core on Redis, and a Nest module that makes and closes them.
export { McpRedisStores, redisStores } from './redis-stores.js';
export type { McpRedisOptions } from './redis-stores.options.js';
export { RedisSessionStore } from './redis-session-store.js';
export { RedisEventStore, type RedisEventStoreOptions } from './redis-event-store.js';
export { RedisMessageBus } from './redis-message-bus.js';
export { RedisReplayGuard } from './redis-replay-guard.js';
export { McpRedisModule } from './mcp-redis.module.js';
export { MCP_REDIS_OPTIONS } from './mcp-redis.module-definition.js';
