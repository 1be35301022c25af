import type { DynamicModule } from '@nestjs/common';
import type { McpStoresOptions } from '@nestmcp/core';
import type { McpOAuthStores } from '@nestmcp/oauth';
import { McpRedisModule, McpRedisStores } from '@nestmcp/redis';
import { redisOAuthStores } from '@nestmcp/redis/oauth';

/**
 * Scale-out with one variable: with REDIS_URL, every store of both MCP servers (sessions, events, bus, replay
 * guard), the authorization server's state (clients, codes, refresh tokens, logins, consents) and the notes
 * themselves live in Redis, so several processes of the sample serve the same sessions, the same logins and the
 * same notes. Without it, everything stays in process memory, as before. Read once, when the app module loads.
 */
export const REDIS_URL = process.env.REDIS_URL || undefined;

/** The modules that make the stores: McpRedisModule (global) with REDIS_URL, none without. */
export const sampleStoreModules: DynamicModule[] = REDIS_URL ? [McpRedisModule.forRoot({ url: REDIS_URL })] : [];

/** What forRootAsync injects to get the stores. */
export const storesInject = REDIS_URL ? [McpRedisStores] : [];

/**
 * The `stores` and `modern` options of a server: the Redis stores, and the key that signs 2026-07-28 request
 * states (MCP_STATE_SECRET, the same on every replica, so that a retry may land on any of them).
 */
export function scaleOutOptions(stores?: McpRedisStores): { stores?: McpStoresOptions; modern?: { requestStateSecret: string } } {
  const secret = process.env.MCP_STATE_SECRET;
  return { ...(stores && { stores }), ...(secret && { modern: { requestStateSecret: secret } }) };
}

/** The `stores` option of the authorization server: its state on the same Redis (the default in-memory ones without it). */
export function oauthScaleOutOptions(stores?: McpRedisStores): { stores?: McpOAuthStores } {
  return stores ? { stores: redisOAuthStores(stores) } : {};
}
