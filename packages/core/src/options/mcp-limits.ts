import { McpMessages } from '../mcp.messages.js';
import type { McpLimitsOptions } from '../interfaces/mcp-limits.interface.js';

/** The limits of one server with their defaults applied. */
export type ResolvedMcpLimits = Required<McpLimitsOptions>;

/** The defaults, documented in docs/production.md. */
export const DEFAULT_MCP_LIMITS: ResolvedMcpLimits = {
  maxBodyBytes: 4 * 1024 * 1024,
  maxJsonDepth: 64,
  maxSessions: 10_000,
  maxSessionsPerPrincipal: 0,
  maxSubscriptionsPerSession: 100,
  maxStreamBufferBytes: 4 * 1024 * 1024,
  sessionIdleTimeoutMs: 30 * 60_000,
  maxStreamsPerSession: 100,
  keepAliveMs: 25_000,
  requestTimeoutMs: 5 * 60_000,
  drainTimeoutMs: 10_000,
  retryAfterSeconds: 5,
};

export function resolveMcpLimits(given: McpLimitsOptions | undefined): ResolvedMcpLimits {
  const limits = { ...DEFAULT_MCP_LIMITS };
  for (const key of Object.keys(limits) as (keyof ResolvedMcpLimits)[]) {
    const value = given?.[key];
    if (value !== undefined) {
      if (!Number.isFinite(value) || value < 0) throw new Error(McpMessages.invalidLimit(key, value));
      limits[key] = value;
    }
  }
  return limits;
}
