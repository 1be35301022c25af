import type { TokenVerifier } from './token-verifier.interface.js';
import type { McpPrincipalMapper } from './mcp-principal.interface.js';

/**
 * JWT access tokens verified with passport-jwt: a shared secret (HS*), a PEM public key, or a JWKS URL. Without any
 * of the three, the keys of the authorization server that runs in this app (`McpOAuthModule` of @nestmcp/oauth),
 * in memory: its issuer is then the default `issuer`, and the default `audience` is this server's resource URL
 * (RFC 8707: a token asked for another resource is refused).
 */
export interface McpJwtOptions {
  /** Shared secret for HS256/HS384/HS512. */
  secret?: string | Buffer;
  /** PEM public key (RS*, PS*, ES*). */
  publicKey?: string | Buffer;
  /** JWKS URL of the identity provider, e.g. `https://idp.example.com/.well-known/jwks.json`. The key set is cached; it is fetched again when a token names a `kid` it lacks, so rotated keys are picked up. */
  jwksUri?: string;
  /** Expected `iss` (one, or any of several). Strongly recommended. */
  issuer?: string | string[];
  /** Expected `aud`: the canonical URL of this server (RFC 8707) or the identifier your IdP puts there. Strongly recommended. */
  audience?: string | string[];
  /** Accepted algorithms. Default: HS256/384/512 with `secret`, RS/PS/ES 256/384/512 otherwise. `none` is never accepted. */
  algorithms?: string[];
  /**
   * Refuse tokens without an `exp` claim (RFC 9068 §2.2 requires it of JWT access tokens: a token that never
   * expires cannot be taken back once leaked). Default `true`; `false` accepts them, for an issuer that omits `exp`.
   */
  requireExpiration?: boolean;
  /** Leeway for `exp` / `nbf`, in seconds. Default 0. */
  clockToleranceSeconds?: number;
  /** How long fetched JWKS keys are cached, in milliseconds. Default 10 minutes. */
  jwksCacheMaxAgeMs?: number;
  /** Least time between two JWKS fetches, in milliseconds (protects the IdP from tokens with made-up `kid`s). Default 30 seconds. */
  jwksCooldownMs?: number;
}

/**
 * Bearer-token protection of one MCP server (MCP 2025-11-25, basic/authorization: the server is an OAuth 2.1
 * resource server). Either the server verifies tokens itself (`jwt` or `verifier`; it then guards its routes), or
 * the app's own guards authenticate (a global `AuthGuard('jwt')` with the app's strategy, say) and the server reads
 * who is calling from `req.user` (`principal`). Either way it serves the RFC 9728 metadata, answers every 401 on its
 * routes with the challenge that points to it, and enforces per-item scopes. See docs/auth.md.
 */
export interface McpAuthOptions {
  /**
   * Verify JWT access tokens (needs the package `passport-jwt`, and `jose` for `jwksUri` and for the in-app
   * authorization server). Several issuers: a list; a token is checked by the entry whose `issuer` is its `iss`.
   */
  jwt?: McpJwtOptions | McpJwtOptions[];
  /** Verify tokens with your own code (opaque tokens, introspection), or a `StaticTokenVerifier` in development. */
  verifier?: TokenVerifier;
  /**
   * Without `jwt` or `verifier`: how to read the caller from what the app's guards left on the request. Default:
   * `req.user` mapped by the default mapping (scopes from `scopes`, `scope` or `scp`; subject from `subject`, `sub`,
   * `id`, `userId`, `username` or `email`; issuer from `issuer` or `iss`; client from `clientId`, `client_id`, `azp` or `cid`).
   */
  principal?: McpPrincipalMapper;
  /** Scopes every request needs (403 insufficient_scope otherwise). Per-tool scopes come on top. */
  requiredScopes?: string[];
  /**
   * Authorization server issuer URLs clients get tokens from (RFC 9728 `authorization_servers`). Default: the
   * authorization server that runs in this app (`McpOAuthModule`), else the `auth.jwt` issuers that are URLs.
   */
  authorizationServers?: string[];
  /**
   * Canonical URL of this MCP server, e.g. `https://api.example.com/mcp` (RFC 9728 `resource`, RFC 8707).
   * Default: derived from each request (scheme, host, global prefix and path; X-Forwarded-* when the app trusts the proxy).
   */
  resource?: string;
  /** Scopes to advertise in the metadata. Default: `requiredScopes` plus every scope used by a tool, resource or prompt. */
  scopesSupported?: string[];
  /** Human-readable name of the resource in the metadata (RFC 9728 `resource_name`). */
  resourceName?: string;
  /** URL of documentation for developers (RFC 9728 `resource_documentation`). */
  resourceDocumentation?: string;
}
