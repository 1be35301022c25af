// @nestmcp/redis/oauth: the stores of @nestmcp/oauth on Redis (an entry of its own, so that @nestmcp/redis does
// not need @nestmcp/oauth unless this entry is used).
export { McpRedisOAuthStores, redisOAuthStores, type McpRedisOAuthSource } from './redis-oauth-stores.js';
export { RedisOAuthClientStore, RedisOAuthConsentStore, RedisOAuthUpstreamTokenStore } from './redis-oauth-stores.js';
export { RedisOAuthTokenStore } from './redis-oauth-token-store.js';
