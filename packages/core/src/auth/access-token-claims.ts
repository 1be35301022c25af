import type { AccessToken } from '../interfaces/token-verifier.interface.js';
import { principalKey } from './mcp-principal.js';

function words(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Maps JWT claims to an `AccessToken`: scopes from `scope` (RFC 8693/9068) or `scp`, client from `client_id`, `azp` or `cid`. */
export function accessTokenFromClaims(token: string, claims: Record<string, unknown>): AccessToken {
  const aud = claims.aud;
  return {
    token,
    claims,
    scopes: words(claims.scope) ?? words(claims.scp) ?? [],
    clientId: text(claims.client_id) ?? text(claims.azp) ?? text(claims.cid),
    subject: text(claims.sub),
    issuer: text(claims.iss),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    audience: typeof aud === 'string' || Array.isArray(aud) ? (aud as string | string[]) : undefined,
  };
}

/**
 * The principal a token stands for: issuer + subject (or client id for client-credentials tokens). A token that
 * names neither is its own principal (by hash, never by value).
 */
export function principalOf(token: AccessToken): string {
  return principalKey(token, token.token);
}
