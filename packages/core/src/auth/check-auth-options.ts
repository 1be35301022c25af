import { McpMessages } from '../mcp.messages.js';
import type { McpAuthOptions, McpJwtOptions } from '../interfaces/mcp-auth-options.interface.js';
import { jwtAlgorithms } from './jwt-token-checker.js';

/** Refuses, at start-up, `auth` options that cannot work: both or neither way of verifying, a bad resource URL, JWT keys, `none`. */
export function checkAuthOptions(server: string, options: McpAuthOptions, jwtEntries: readonly McpJwtOptions[], hasInAppServer: boolean): void {
  if (options.jwt !== undefined && options.verifier !== undefined) throw new Error(McpMessages.authNeedsOneMethod(server));
  if ((options.jwt !== undefined || options.verifier !== undefined) && options.principal !== undefined) throw new Error(McpMessages.authPrincipalWithVerification(server));
  if (options.resource !== undefined && !/^https?:\/\/[^#]+$/.test(options.resource)) {
    throw new Error(McpMessages.authInvalidResource(server, options.resource));
  }
  for (const jwt of jwtEntries) {
    const keys = [jwt.secret, jwt.publicKey, jwt.jwksUri].filter((key) => key !== undefined && key !== '');
    if (keys.length > 1) throw new Error(McpMessages.authJwtNeedsKey(server));
    if (keys.length === 0 && !hasInAppServer) throw new Error(McpMessages.authJwtNoKeyNoServer(server));
    if ((jwt.algorithms ?? (keys.length ? jwtAlgorithms(jwt) : [])).some((alg) => alg.toLowerCase() === 'none')) throw new Error(McpMessages.authAlgorithmNone(server));
  }
}
