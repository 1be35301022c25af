/** Registered client metadata (RFC 7591, snake_case), as JSON. */
export type McpOAuthClientMetadata = Record<string, unknown> & { readonly client_id: string };

/**
 * Registered clients (dynamic client registration, RFC 7591). Values are JSON. Shared between processes, every
 * replica knows every client. `describeMcpOAuthClientStore()` from `@nestmcp/oauth/testing` holds the cases every
 * implementation must pass.
 */
export interface McpOAuthClientStore {
  find(clientId: string): Promise<McpOAuthClientMetadata | undefined>;
  save(metadata: McpOAuthClientMetadata): Promise<void>;
  delete(clientId: string): Promise<void>;
  /** Releases what the store holds; called once when the app shuts down (only for the default store). */
  close?(): Promise<void>;
}

/** Injection token of the client store (`stores.clients`, default `InMemoryClientStore`). */
export const McpOAuthClientStore = Symbol('McpOAuthClientStore');
