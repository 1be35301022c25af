import type { AccessToken } from '../interfaces/token-verifier.interface.js';
import { getRequestAuth } from './request-auth.js';
import { currentMcpRequestContext } from '../context/request-context.js';

/**
 * The verified access token of the HTTP request that carried the current MCP message: its claims, scopes,
 * client id, subject, issuer and expiry. `undefined` when the server has no auth, the caller is anonymous
 * (public items), or outside an MCP request.
 */
export function getAccessToken(): AccessToken | undefined {
  return getRequestAuth(currentMcpRequestContext()?.request)?.token;
}
