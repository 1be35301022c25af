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

/**
 * Whether the request tried bearer authentication (an Authorization header with the Bearer scheme, valid or not).
 * Without it the request "lacks any authentication information" for this server (RFC 6750 §3.1): another
 * scheme is an unsupported method, and a challenge then carries no error code.
 */
export function triesBearerAuth(headers: IncomingHttpHeaders): boolean {
  const header = headers.authorization;
  return typeof header === 'string' && /^bearer(\s|$)/i.test(header.trimStart());
}
