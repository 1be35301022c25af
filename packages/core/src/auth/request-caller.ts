import { createHash } from 'node:crypto';
import type { McpAuthenticator } from './mcp-authenticator.js';

interface WithHeaders {
  headers?: Record<string, string | string[] | undefined>;
  raw?: { headers?: Record<string, string | string[] | undefined> };
}

/**
 * Who calls, for binding what outlives a request to its caller (a 2026-07-28 `requestState`): the principal the
 * auth layer established (`McpAuthenticator.principalOf()`: issuer + subject, so a refreshed token of the same
 * subject is the same caller). A server without auth has no principal: then the credential the client presented
 * (a hash of its Authorization header) is all that tells callers apart; without one, every caller is `anonymous`.
 */
export function callerOf(auth: McpAuthenticator, request: unknown): string {
  const principal = auth.principalOf(request);
  if (principal !== undefined) return `principal:${principal}`;
  const req = (request ?? {}) as WithHeaders;
  const header = (req.headers ?? req.raw?.headers ?? {}).authorization;
  const value = Array.isArray(header) ? header[0] : header;
  return value ? `credential:${createHash('sha256').update(value).digest('base64url')}` : 'anonymous';
}
