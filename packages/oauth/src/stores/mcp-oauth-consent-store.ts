/** What a user granted a client: scopes per resource (RFC 8707) and OpenID scopes. */
export interface McpOAuthConsent {
  readonly subject: string;
  readonly clientId: string;
  /** Scopes granted per resource URL. */
  readonly resources: Record<string, string[]>;
  /** OpenID Connect scopes granted (`openid`, `offline_access`, ...). */
  readonly openIdScopes: string[];
  /** When it was last granted (epoch milliseconds). */
  readonly grantedAt: number;
}

/**
 * Consents, per user and client: a user who consented is not asked again unless the client asks for more.
 * `describeMcpOAuthConsentStore()` from `@nestmcp/oauth/testing` holds the cases every implementation must pass.
 */
export interface McpOAuthConsentStore {
  find(subject: string, clientId: string): Promise<McpOAuthConsent | undefined>;
  save(consent: McpOAuthConsent): Promise<void>;
  delete(subject: string, clientId: string): Promise<void>;
  /** Releases what the store holds; called once when the app shuts down (only for the default store). */
  close?(): Promise<void>;
}

/** Injection token of the consent store (`stores.consents`, default `InMemoryConsentStore`). */
export const McpOAuthConsentStore = Symbol('McpOAuthConsentStore');
