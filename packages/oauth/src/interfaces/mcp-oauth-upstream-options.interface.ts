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
}
