/** A public JSON Web Key, as a JWKS holds it (RFC 7517). */
export interface McpPublicJwk {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly [member: string]: unknown;
}

/**
 * The authorization server that runs in this app beside the MCP servers (provided under `MCP_AUTHORIZATION_SERVER`
 * by `McpOAuthModule` of @nestmcp/oauth, or by your own). The MCP servers of the app name it in their protected
 * resource metadata (RFC 9728 `authorization_servers`), and verify its JWT access tokens with its public keys,
 * in memory, without a network round trip.
 */
export interface McpInAppAuthorizationServer {
  /** Its issuer identifier (RFC 8414): the `iss` of its tokens and the URL of its metadata. */
  readonly issuer: string;
  /** The JWS algorithms of its access tokens. */
  readonly algorithms: readonly string[];
  /** Its current public signing keys (the JWKS it publishes; after a rotation, old keys stay until their tokens expire). */
  publicKeys(): Promise<{ readonly keys: readonly McpPublicJwk[] }>;
  /**
   * Whether what a verified token was issued from still stands (its grant was not revoked, nor ended by a reused
   * refresh token): asked after the signature, issuer and audience checked out. A lookup in its own store, so a
   * revocation takes effect at once, on every replica that shares the store. Absent: tokens live until they expire.
   */
  isActive?(claims: Readonly<Record<string, unknown>>): Promise<boolean>;
}
