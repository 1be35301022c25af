import type { INestApplicationContext } from '@nestjs/common';
import type * as Jose from 'jose';
import { jwtAlgorithms } from '../auth/jwt-token-checker.js';
import { findMcpServer } from './find-mcp-channels.js';
import { McpTestingMessages } from './mcp-testing.messages.js';

/** Claims of a test token. `scope` may be a list; anything else is copied into the token as it is. */
export interface McpTestTokenClaims {
  sub?: string;
  /** Space-separated, or a list (joined with spaces). */
  scope?: string | string[];
  client_id?: string;
  [claim: string]: unknown;
}

export interface McpTestTokenOptions {
  /** The MCP server whose `auth.jwt` the token is for; needed when the app has several. With several `auth.jwt` checks, `issuer` picks one. */
  server?: string;
  /** Lifetime: seconds from now (negative: an expired token), or a jose time span (`'1h'`, `'5m ago'`). Default `'1h'`. */
  expiresIn?: number | string;
  /** For servers that check with `publicKey` or `jwksUri`: the private key to sign with (a `KeyObject`, `CryptoKey` or JWK). */
  privateKey?: Jose.CryptoKey | Jose.KeyObject | Jose.JWK | Uint8Array;
  /** The `kid` header, for a JWKS with several keys. */
  keyId?: string;
  /** Override the algorithm (default: the first the server accepts). */
  algorithm?: string;
  /** Override `iss` / `aud` (default: the server's `auth.jwt.issuer` / `audience`). */
  issuer?: string;
  audience?: string | string[];
}

async function loadJose(): Promise<typeof Jose> {
  try {
    return await import('jose');
  } catch (error) {
    throw new Error(McpTestingMessages.josePackageMissing(), { cause: error });
  }
}

/**
 * Signs a JWT that the server's own token check (`auth.jwt`) accepts: its issuer, audience and algorithm, signed
 * with its `secret`, or with the private key you give for a `publicKey` / `jwksUri` server. For tests only:
 *
 * ```ts
 * const token = await createMcpTestToken(moduleRef, { sub: 'alice', scope: 'notes:read' });
 * const mcp = await createMcpTestClient(moduleRef, { token });
 * ```
 */
export async function createMcpTestToken(app: INestApplicationContext, claims: McpTestTokenClaims = {}, options: McpTestTokenOptions = {}): Promise<string> {
  const server = findMcpServer(app, options.server, 'createMcpTestToken');
  // Several token checks (one per issuer): the one for `options.issuer`, else the first with a secret, else the first.
  const checks = [server.resolved.module.auth?.jwt ?? []].flat();
  const jwt =
    checks.find((check) => options.issuer !== undefined && [check.issuer].flat().includes(options.issuer)) ??
    checks.find((check) => check.secret !== undefined) ??
    checks[0];
  if (!jwt) throw new Error(McpTestingMessages.noJwt(server.serverName));
  const jose = await loadJose();
  const key = jwt.secret !== undefined ? (typeof jwt.secret === 'string' ? new TextEncoder().encode(jwt.secret) : new Uint8Array(jwt.secret)) : options.privateKey;
  if (key === undefined) throw new Error(McpTestingMessages.needsPrivateKey(server.serverName));
  const { scope, ...rest } = claims;
  const payload = { ...rest, ...(scope !== undefined && { scope: Array.isArray(scope) ? scope.join(' ') : scope }) };
  const alg = options.algorithm ?? jwtAlgorithms(jwt)[0];
  let token = new jose.SignJWT(payload).setProtectedHeader({ alg, ...(options.keyId && { kid: options.keyId }) }).setIssuedAt();
  const expiresIn = options.expiresIn ?? '1h';
  token = token.setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn);
  const issuer = options.issuer ?? (typeof jwt.issuer === 'string' ? jwt.issuer : Array.isArray(jwt.issuer) ? jwt.issuer[0] : undefined);
  if (issuer !== undefined) token = token.setIssuer(issuer);
  const audience = options.audience ?? (jwt.audience as string | string[] | undefined);
  if (audience !== undefined) token = token.setAudience(audience);
  return token.sign(key as Parameters<typeof token.sign>[0]);
}
