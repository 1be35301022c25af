import type { AccessToken } from '../interfaces/token-verifier.interface.js';
import type { McpPrincipal } from '../interfaces/mcp-principal.interface.js';
import { ANONYMOUS_ACCESS, UNAUTHENTICATED_ACCESS, type McpAccess } from '../registry/mcp-access.js';

/** What the auth guard established about one HTTP request. */
export interface McpRequestAuth {
  /** The verified token; absent for an anonymous caller of a server with public items. */
  readonly token?: AccessToken;
  readonly access: McpAccess;
  /** Issuer + subject the sessions of this caller are bound to (`undefined`: nobody, sessions are not bound). */
  readonly principal: string | undefined;
  /** Who is calling; `undefined` for an anonymous or unauthenticated caller. */
  readonly caller?: McpPrincipal;
}

const REQUEST_AUTH = Symbol.for('nestmcp.requestAuth');
const ANONYMOUS_PRINCIPAL = '\0anonymous';

export function setRequestAuth(request: object, auth: McpRequestAuth): void {
  (request as Record<symbol, McpRequestAuth>)[REQUEST_AUTH] = auth;
}

export function getRequestAuth(request: unknown): McpRequestAuth | undefined {
  return request && typeof request === 'object' ? (request as Record<symbol, McpRequestAuth | undefined>)[REQUEST_AUTH] : undefined;
}

export function anonymousAuth(): McpRequestAuth {
  return { access: ANONYMOUS_ACCESS, principal: ANONYMOUS_PRINCIPAL };
}

export function tokenAuth(token: AccessToken, principal: string): McpRequestAuth {
  return { token, access: { anonymous: false, authenticated: true, scopes: new Set(token.scopes) }, principal, caller: token };
}

/** A caller nobody named (the same object for every such request: nothing to allocate per request). */
export const NOBODY: McpRequestAuth = Object.freeze({ access: UNAUTHENTICATED_ACCESS, principal: undefined });

/** What the app's guards established, read through the principal mapping (`undefined`: nobody). */
export function principalAuth(caller: McpPrincipal | undefined, principal: string | undefined): McpRequestAuth {
  if (!caller) return NOBODY;
  return { access: { anonymous: false, authenticated: true, scopes: new Set(caller.scopes) }, principal, caller };
}
