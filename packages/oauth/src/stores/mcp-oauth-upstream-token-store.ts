/** Tokens an upstream identity provider issued for a user; kept server-side, never given to MCP clients. */
export interface McpOAuthUpstreamTokens {
  /** The upstream provider's name (`upstream.name`). */
  readonly provider: string;
  /** The user's subject at this authorization server. */
  readonly subject: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
  readonly scope?: string;
  /** Expiry of the upstream access token (epoch seconds), if it said. */
  readonly expiresAt?: number;
}

/**
 * Upstream tokens per provider and user. `describeMcpOAuthUpstreamTokenStore()` from `@nestmcp/oauth/testing`
 * holds the cases every implementation must pass.
 */
export interface McpOAuthUpstreamTokenStore {
  find(provider: string, subject: string): Promise<McpOAuthUpstreamTokens | undefined>;
  save(tokens: McpOAuthUpstreamTokens, ttlSeconds?: number): Promise<void>;
  delete(provider: string, subject: string): Promise<void>;
  /** Releases what the store holds; called once when the app shuts down (only for the default store). */
  close?(): Promise<void>;
}

/** Injection token of the upstream token store (`stores.upstreamTokens`, default `InMemoryUpstreamTokenStore`). */
export const McpOAuthUpstreamTokenStore = Symbol('McpOAuthUpstreamTokenStore');
