/**
 * Who is calling, as nestmcp sees it: what per-item scopes are checked against, what sessions and multi-round-trip
 * requests are bound to. It comes from the server's own `auth` (the verified token), or from whatever the app's
 * guards left on the request (`req.user`), through `auth.principal` or the default mapping (docs/auth.md).
 */
export interface McpPrincipal {
  /** The user or client the request acts for (JWT `sub`). */
  readonly subject?: string;
  /** Who vouched for it (JWT `iss`): two issuers' "alice" are two principals. */
  readonly issuer?: string;
  /** The OAuth client, when known (`client_id`, `azp`, `cid`). Names the principal when there is no subject. */
  readonly clientId?: string;
  /** The scopes it holds. */
  readonly scopes: readonly string[];
}

/**
 * Turns what the app's guards left on the request into a principal: `user` is `req.user` (passport's convention),
 * `request` the whole HTTP request (Express or Fastify). Return `undefined` or `null` for "nobody".
 */
export type McpPrincipalMapper = (user: unknown, request: unknown) => McpPrincipal | null | undefined;
