/**
 * An upstream identity provider that logs users in: the authorization server sends the browser there, takes the
 * code back at `<routePrefix>/upstream/callback`, keeps the upstream tokens server-side (never given to the MCP
 * client) and issues its own tokens.
 */
export interface McpOAuthUpstreamOptions {
  /** A name for the provider (keys the upstream tokens), e.g. `github` or `corp-sso`. */
  name: string;
  /** Any OpenID Connect issuer, found by discovery. Or `github` for GitHub's OAuth apps (which are not OIDC). */
  issuer: string | 'github';
  /** The client registered at the upstream provider for this server (its redirect URI: `<issuer><routePrefix>/upstream/callback`). */
  clientId: string;
  clientSecret?: string;
  /** Scopes asked upstream. Default `openid profile email` (OIDC), `read:user` (GitHub). */
  scopes?: string[];
  /**
   * The subject of the user here, from who the upstream provider says they are (`sub` of the ID token or userinfo;
   * GitHub: the user's numeric `id` and `login`). Default: that `sub` (GitHub: the numeric id as a string).
   */
  subject?(identity: McpOAuthUpstreamIdentity): string;
  /** Development only: an `http://` upstream issuer (openid-client refuses plain HTTP otherwise). Default false. */
  allowHttpForDevelopment?: boolean;
}

/** Who the upstream provider says the user is. */
export interface McpOAuthUpstreamIdentity {
  /** The provider's subject identifier (GitHub: the numeric user id, as a string). */
  readonly sub: string;
  /** All the claims it gave (ID token claims, or GitHub's `/user`). */
  readonly claims: Readonly<Record<string, unknown>>;
}
