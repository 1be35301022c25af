import { currentMcpRequestContext } from './request-context.js';

/**
 * Headers left out by default: hop-by-hop (RFC 9110 §7.6.1) and transport headers, MCP's own, and credentials
 * (the bearer token, cookies). Headers the request's `Connection` names are hop-by-hop too, and left out as well.
 */
const EXCLUDED = new Set([
  'host',
  'content-length',
  'content-type',
  'connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'expect',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'last-event-id',
  'authorization',
  'cookie',
]);

/** The header names a `Connection` header lists (`Connection: keep-alive, X-Token` names `x-token`). */
function connectionOptions(connection: string | string[] | undefined): Set<string> {
  const value = Array.isArray(connection) ? connection.join(',') : connection;
  const names = new Set<string>();
  for (const name of value?.split(',') ?? []) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed) names.add(trimmed);
  }
  return names;
}

export interface GetHttpHeadersOptions {
  /** Return every header, the excluded ones included. */
  all?: boolean;
  /** Header names to return although they are excluded by default, e.g. `['authorization']`. */
  include?: string[];
}

/**
 * The headers of the HTTP request that carried the current MCP message, lower-cased, multi-value headers
 * joined with ", ". Hop-by-hop headers (the fixed set, `proxy-*`, and every header `Connection` names),
 * transport and MCP headers, `authorization` and `cookie` are left out unless asked for, so forwarding them to
 * another service does not leak a credential by accident. `{}` outside an MCP request and on stdio (no HTTP request).
 */
export function getHttpHeaders(options: GetHttpHeadersOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = currentMcpRequestContext()?.raw;
  if (!raw) return headers;
  const include = options.include ? new Set(options.include.map((name) => name.toLowerCase())) : undefined;
  const hopByHop = options.all ? undefined : connectionOptions(raw.headers.connection);
  for (const [name, value] of Object.entries(raw.headers)) {
    if (value === undefined) continue;
    if (!options.all && (EXCLUDED.has(name) || name.startsWith('proxy-') || hopByHop!.has(name)) && !include?.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
