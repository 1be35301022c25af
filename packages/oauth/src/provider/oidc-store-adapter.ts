import { errors, type Adapter, type AdapterFactory, type AdapterPayload } from 'oidc-provider';
import type { McpOAuthClientMetadata, McpOAuthClientStore } from '../stores/mcp-oauth-client-store.js';
import type { McpOAuthTokenStore } from '../stores/mcp-oauth-token-store.js';
import { McpOAuthMessages } from '../mcp-oauth.messages.js';

/** Where oidc-provider's models are kept, and how a client not registered here may still be found. */
export interface OidcStores {
  readonly clients: McpOAuthClientStore;
  readonly tokens: McpOAuthTokenStore;
  /** Finds a client that is not in the store (a development-only loopback metadata document), or undefined. */
  readonly unregisteredClient?: (clientId: string) => Promise<McpOAuthClientMetadata | undefined>;
}

/**
 * The client a stored registration describes, as oidc-provider is to see it: without `scope`. oidc-provider caps
 * the scopes a client may ask for at its registered `scope`; MCP clients register once and step up later (a tool
 * needs a new scope), so the registered scope is kept in the store but does not cap what it may ask for (within
 * the server's own scopes).
 */
function uncapped(metadata: McpOAuthClientMetadata): AdapterPayload {
  const { scope: _registeredScope, ...rest } = metadata;
  return rest as AdapterPayload;
}

/**
 * A store that fails (Redis away, a timeout) is an outage, not a bug: the request gets 503 `temporarily_unavailable`
 * (Retry-After is added by the server, see `McpOAuthServer`), as core's MCP servers answer when their stores are
 * away, and the client retries. oidc-provider's own errors (a reuse refused) pass as they are.
 */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof errors.OIDCProviderError) throw error;
    const unavailable = new errors.TemporarilyUnavailable(McpOAuthMessages.storeUnavailable(), { cause: error });
    Object.assign(unavailable, { status: 503, statusCode: 503 });
    throw unavailable;
  }
}

/** Whether an error is a store away (what `guarded` throws), to be answered 503 wherever it surfaces (the sign-in pages too). */
export function isStoreOutage(error: unknown): boolean {
  return error instanceof errors.TemporarilyUnavailable;
}

/**
 * oidc-provider's storage adapter (one per model) on the store seam: registered clients in `McpOAuthClientStore`,
 * every other model (codes, refresh tokens, grants, sessions, interactions, ...) in `McpOAuthTokenStore` by kind.
 */
class OidcStoreAdapter implements Adapter {
  constructor(
    private readonly kind: string,
    private readonly stores: OidcStores,
  ) {}

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    return guarded(async () => {
      if (this.kind === 'Client') return this.stores.clients.save({ ...(payload as Record<string, unknown>), client_id: id });
      return this.stores.tokens.save(this.kind, id, payload as Record<string, unknown>, expiresIn);
    });
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return guarded(async () => {
      if (this.kind === 'Client') {
        const metadata = (await this.stores.clients.find(id)) ?? (await this.stores.unregisteredClient?.(id));
        return metadata && uncapped(metadata);
      }
      return (await this.stores.tokens.find(this.kind, id)) as AdapterPayload | undefined;
    });
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return guarded(async () => (await this.stores.tokens.findByUid(this.kind, uid)) as AdapterPayload | undefined);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return guarded(async () => (await this.stores.tokens.findByUserCode(this.kind, userCode)) as AdapterPayload | undefined);
  }

  /**
   * oidc-provider checks `consumed` on the record it found, then consumes it: two requests with one code or one
   * refresh token (on two replicas) can both pass the check. The store's consume is atomic and tells which one
   * won; the other is reuse, answered as oidc-provider answers a reuse it sees: the grant is revoked (every token
   * of the family, and the grant itself) and the request refused with `invalid_grant`.
   */
  consume(id: string): Promise<void> {
    return guarded(async () => {
      if (await this.stores.tokens.consume(this.kind, id)) return;
      const grantId = (await this.stores.tokens.find(this.kind, id))?.grantId;
      if (typeof grantId === 'string') {
        await this.stores.tokens.revokeGrant(grantId);
        await this.stores.tokens.delete('Grant', grantId);
      }
      throw new errors.InvalidGrant(McpOAuthMessages.alreadyUsed(this.kind));
    });
  }

  destroy(id: string): Promise<void> {
    return guarded(async () => {
      if (this.kind === 'Client') return this.stores.clients.delete(id);
      await this.stores.tokens.delete(this.kind, id);
    });
  }

  revokeByGrantId(grantId: string): Promise<void> {
    return guarded(() => this.stores.tokens.revokeGrant(grantId));
  }
}

/** The adapter factory oidc-provider's `adapter` option takes. */
export function oidcStoreAdapter(stores: OidcStores): AdapterFactory {
  return (kind: string) => new OidcStoreAdapter(kind, stores);
}
