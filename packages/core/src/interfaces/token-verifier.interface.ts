/**
 * A verified access token, as `getAccessToken()` returns it inside tools and as guards see it on `req.user`.
 * JWTs are mapped from their claims (`scope`/`scp`, `client_id`/`azp`, `sub`, `iss`, `exp`, `aud`);
 * a `TokenVerifier` builds it for opaque tokens (e.g. from an introspection response).
 */
export interface AccessToken {
  /** The bearer token as the client sent it. */
  token: string;
  /** The OAuth client the token was issued to, when known. */
  clientId?: string;
  /** Granted scopes. */
  scopes: string[];
  /** Expiry, in seconds since the epoch (JWT `exp`). A token past it is refused. */
  expiresAt?: number;
  /** The principal (JWT `sub`). Sessions are bound to issuer + subject. */
  subject?: string;
  /** Who issued the token (JWT `iss`). */
  issuer?: string;
  /** Who the token is meant for (JWT `aud`). */
  audience?: string | string[];
  /** Every claim of the token (JWT payload, or what the verifier chose to keep). */
  claims: Record<string, unknown>;
}

/**
 * Verifies a bearer token: returns the `AccessToken` it stands for, or `null` when the token is not valid.
 * Use one for opaque tokens, token introspection (RFC 7662), or any scheme of your own:
 *
 * ```ts
 * const verifier: TokenVerifier = { verify: async (token) => (await introspect(token)).active ? toAccessToken(...) : null };
 * McpModule.forRoot({ name: 'api', version: '1.0.0', auth: { verifier } });
 * ```
 *
 * Throwing means the verifier could not decide (e.g. the introspection endpoint is down): the request fails with 500.
 */
export interface TokenVerifier {
  verify(token: string): Promise<AccessToken | null> | AccessToken | null;
}
