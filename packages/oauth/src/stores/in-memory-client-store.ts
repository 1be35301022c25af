import type { McpOAuthClientMetadata, McpOAuthClientStore } from './mcp-oauth-client-store.js';
import { ExpiringMap } from './expiring-map.js';

/** Clients in this process's memory (the default). */
export class InMemoryClientStore implements McpOAuthClientStore {
  private readonly clients = new ExpiringMap<McpOAuthClientMetadata>();

  async find(clientId: string): Promise<McpOAuthClientMetadata | undefined> {
    return this.clients.get(clientId);
  }

  async save(metadata: McpOAuthClientMetadata): Promise<void> {
    this.clients.set(metadata.client_id, metadata);
  }

  async delete(clientId: string): Promise<void> {
    this.clients.delete(clientId);
  }

  async close(): Promise<void> {
    this.clients.clear();
  }
}
