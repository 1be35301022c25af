import { createHash } from 'node:crypto';

interface RequestWithPrincipal {
  auth?: { clientId?: string; sub?: string; extra?: { sub?: unknown } };
  user?: { sub?: unknown; id?: unknown };
  headers?: Record<string, string | string[] | undefined>;
  raw?: { headers?: Record<string, string | string[] | undefined> };
}

/**
 * Who is calling, for binding a multi-round-trip `requestState` to its caller: the authenticated principal
 * (what the auth guard left on the request: `req.auth` / `req.user`), else a hash of the bearer token,
 * else `anonymous` (then any caller may finish the call, as any caller could have started it).
 */
export function callerIdentity(request: unknown): string {
  const req = (request ?? {}) as RequestWithPrincipal;
  const subject = req.auth?.sub ?? req.auth?.extra?.sub ?? req.user?.sub ?? req.user?.id;
  if (subject !== undefined) return `sub:${String(subject)}${req.auth?.clientId ? `@${req.auth.clientId}` : ''}`;
  if (req.auth?.clientId) return `client:${req.auth.clientId}`;
  const headers = req.headers ?? req.raw?.headers ?? {};
  const authorization = headers.authorization;
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  if (value) return `token:${createHash('sha256').update(value).digest('base64url')}`;
  return 'anonymous';
}
