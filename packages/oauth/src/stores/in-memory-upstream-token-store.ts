import type { McpOAuthUpstreamTokens, McpOAuthUpstreamTokenStore } from './mcp-oauth-upstream-token-store.js';
import { ExpiringMap } from './expiring-map.js';

const keyOf = (provider: string, subject: string) => JSON.stringify([provider, subject]);

/** Upstream tokens in this process's memory (the default). */
export class InMemoryUpstreamTokenStore implements McpOAuthUpstreamTokenStore {
  private readonly tokens = new ExpiringMap<McpOAuthUpstreamTokens>();

  async find(provider: string, subject: string): Promise<McpOAuthUpstreamTokens | undefined> {
    return this.tokens.get(keyOf(provider, subject));
  }

  async save(tokens: McpOAuthUpstreamTokens, ttlSeconds?: number): Promise<void> {
    this.tokens.set(keyOf(tokens.provider, tokens.subject), tokens, ttlSeconds);
  }

  async delete(provider: string, subject: string): Promise<void> {
    this.tokens.delete(keyOf(provider, subject));
  }

  async close(): Promise<void> {
    this.tokens.clear();
  }
}
