/** One record of the authorization server's state, as JSON (oidc-provider's model payloads). */
export type McpOAuthTokenRecord = Record<string, unknown>;

/**
 * The short- and long-lived state of the authorization server, by kind: authorization codes, refresh tokens,
 * grants (a grant is a refresh token family: all tokens issued from one authorization), login sessions,
 * interactions, registration access tokens. Values are JSON; every record expires after its TTL.
 *
 * - `consume()` marks a record used (`consumed` set to the time) and keeps it, so that a second use is seen:
 *   a refresh token used twice is reuse, and its whole grant is revoked (`revokeGrant()`). It is atomic: of two
 *   calls for one record, even from two replicas at once, exactly one gets `true` (the one that marked it); a
 *   record already consumed, or gone, gets `false` and is left as it is. That is what keeps two requests racing
 *   with one authorization code or one refresh token from both getting tokens.
 * - `revokeGrant()` deletes every record that carries that `grantId`, of any kind.
 * - `findByUid()` / `findByUserCode()` look records up by their `uid` / `userCode`.
 *
 * `describeMcpOAuthTokenStore()` from `@nestmcp/oauth/testing` holds the cases every implementation must pass.
 */
export interface McpOAuthTokenStore {
  save(kind: string, id: string, record: McpOAuthTokenRecord, ttlSeconds?: number): Promise<void>;
  find(kind: string, id: string): Promise<McpOAuthTokenRecord | undefined>;
  findByUid(kind: string, uid: string): Promise<McpOAuthTokenRecord | undefined>;
  findByUserCode(kind: string, userCode: string): Promise<McpOAuthTokenRecord | undefined>;
  consume(kind: string, id: string): Promise<boolean>;
  delete(kind: string, id: string): Promise<void>;
  revokeGrant(grantId: string): Promise<void>;
  /** Releases what the store holds; called once when the app shuts down (only for the default store). */
  close?(): Promise<void>;
}

/** Injection token of the token store (`stores.tokens`, default `InMemoryTokenStore`). */
export const McpOAuthTokenStore = Symbol('McpOAuthTokenStore');
