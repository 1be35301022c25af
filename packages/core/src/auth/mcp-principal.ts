import { createHash } from 'node:crypto';
import type { McpPrincipal } from '../interfaces/mcp-principal.interface.js';

function words(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return undefined;
}

function name(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
}

/**
 * The default mapping of `req.user` to a principal, for the shapes passport strategies and token libraries leave
 * there: scopes from `scopes` (array or space-separated), else `scope` (RFC 8693/9068, space-separated), else `scp`
 * (Entra ID, Okta: string or array); subject from `subject`, `sub`, `id`, `userId`, `username` or `email` (what
 * passport-local and cookie-session apps leave); issuer from `issuer` or `iss`; client from `clientId`, `client_id`,
 * `azp` or `cid`. A string or number is the subject itself (passport's deserializeUser may leave just the id);
 * anything else that is not an object is nobody.
 */
export function principalFromUser(user: unknown): McpPrincipal | undefined {
  const subject = name(user);
  if (subject !== undefined) return { subject, scopes: [] };
  if (!user || typeof user !== 'object') return undefined;
  const u = user as Record<string, unknown>;
  return {
    subject: name(u.subject) ?? name(u.sub) ?? name(u.id) ?? name(u.userId) ?? name(u.username) ?? name(u.email),
    issuer: name(u.issuer) ?? name(u.iss),
    clientId: name(u.clientId) ?? name(u.client_id) ?? name(u.azp) ?? name(u.cid),
    scopes: words(u.scopes) ?? words(u.scope) ?? words(u.scp) ?? [],
  };
}

/**
 * The key a principal is known by (sessions are bound to it): issuer + subject, else issuer + client. A principal
 * that names neither is known by a hash of `fallback` (the bearer token or Authorization header), never by its value.
 * Subjects and clients are apart in the key (`sub` / `client`), so no subject can pass for a client of the same issuer
 * (a user whose subject or username is "client:billing" is not the client "billing").
 */
export function principalKey(principal: McpPrincipal, fallback: string | undefined): string {
  if (principal.subject !== undefined) return JSON.stringify([principal.issuer ?? null, 'sub', principal.subject]);
  if (principal.clientId !== undefined) return JSON.stringify([principal.issuer ?? null, 'client', principal.clientId]);
  return credentialKey(fallback) ?? NAMELESS_PRINCIPAL;
}

/** The key of a principal that names nobody and came without a credential: all such callers share it. */
export const NAMELESS_PRINCIPAL = '\0nameless';

/** The key of a caller known only by the credential it presented: a hash of it, never its value (`undefined`: none). */
export function credentialKey(credential: string | undefined): string | undefined {
  return credential ? `token:${createHash('sha256').update(credential).digest('base64url')}` : undefined;
}
