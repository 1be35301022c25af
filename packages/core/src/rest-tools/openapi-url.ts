import { McpMessages } from '../mcp.messages.js';

/** The `baseUrl` of `fromOpenApi()`, checked: an absolute http(s) URL with no credentials, query or fragment. */
export function parseOpenApiBaseUrl(baseUrl: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new Error(McpMessages.openApiBadBaseUrl(String(baseUrl)));
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.username || base.password || base.search || base.hash) {
    throw new Error(McpMessages.openApiBadBaseUrl(baseUrl));
  }
  return base;
}

/**
 * Why an operation's path template cannot be appended to the base URL, if it cannot. OpenAPI paths start with `/`;
 * one that does not (`@evil.example/x`, `:8080/x`, `.evil.example/x`) would change the base URL's host or port when
 * appended, `//host/x` reads as another host to many URL parsers, and `.`/`..` segments (also percent-encoded) or
 * a `\` leave the base URL's path: each would send the configured credentials elsewhere.
 */
export function openApiPathProblem(path: string): string | undefined {
  if (!path.startsWith('/') || path.startsWith('//')) return 'must start with a single "/"';
  if (/[\\?#]/.test(path)) return 'must not contain "\\", "?" or "#"';
  const segments = path.split('/').map((segment) => segment.replace(/%2e/gi, '.'));
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'must not contain "." or ".." segments';
  return undefined;
}

/** The base URL's path as a prefix every call's path must start with (no trailing `/`). */
function prefixOf(base: URL): string {
  return base.pathname.replace(/\/+$/, '');
}

/**
 * The URL of one call: the request's path and query appended to the base URL, and checked once more as the HTTP
 * client will read it (same origin as the base URL, no credentials, under its path), whatever built the path.
 */
export function openApiCallUrl(base: URL, target: string, route: string): URL {
  const prefix = prefixOf(base);
  const url = new URL(`${base.origin}${prefix}${target}`);
  const inside = url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
  if (url.origin !== base.origin || url.username || url.password || !inside) throw new Error(McpMessages.openApiUrlEscapes(route));
  return url;
}
