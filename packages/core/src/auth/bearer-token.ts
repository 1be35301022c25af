import type { IncomingHttpHeaders } from 'node:http';

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750 §2.1), or `undefined`.
 * Only the header is read: a token in the query string or the body is never accepted.
 */
export function bearerTokenFrom(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(header);
  return match?.[1];
}

export function hasAuthorizationHeader(headers: IncomingHttpHeaders): boolean {
  return headers.authorization !== undefined;
}
