import { currentMcpRequestContext } from './request-context.js';

/** Headers left out by default: hop-by-hop and transport headers, MCP's own, and the bearer token. */
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
]);

export interface GetHttpHeadersOptions {
  /** Return every header, the excluded ones included. */
  all?: boolean;
  /** Header names to return although they are excluded by default, e.g. `['authorization']`. */
  include?: string[];
}

/**
 * The headers of the HTTP request that carried the current MCP message, lower-cased, multi-value headers
 * joined with ", ". Hop-by-hop, transport and MCP headers and `authorization` are left out unless asked for,
 * so forwarding them to another service does not leak a token by accident. `{}` outside an MCP request.
 */
export function getHttpHeaders(options: GetHttpHeadersOptions = {}): Record<string, string> {
  const store = currentMcpRequestContext();
  if (!store) return {};
  const include = options.include ? new Set(options.include.map((name) => name.toLowerCase())) : undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(store.raw.headers)) {
    if (value === undefined) continue;
    if (!options.all && (EXCLUDED.has(name) || name.startsWith('proxy-')) && !include?.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
