import type { IncomingMessage } from 'node:http';

/**
 * Headers that say who the client is and how it reached the app, set by the proxies in front of it: sent on with an
 * in-process request as the MCP request carried them, whatever `forwardHeaders` says. An app behind a proxy
 * (`app.set('trust proxy', ...)`, Fastify's `trustProxy`) computes `req.ip`, `req.protocol` and `req.hostname` from
 * them and the connection's address; without them an IP guard or a rate limiter on the route would see the proxy,
 * or this process, instead of the caller (docs/rest-as-tools.md, "The caller's address").
 */
export const CALLER_ADDRESS_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip'] as const;

/** What the route's framework sees of its client: the connection's end, and the proxy headers of the MCP request. */
export interface CallerAddress {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly remoteFamily?: string;
  /** The MCP request came over TLS: `req.secure`, `req.protocol` say so to the route too. */
  readonly encrypted: boolean;
  readonly headers: Record<string, string>;
}

/** The MCP caller's address as the route would see it on a REST request from the same client. */
export function callerAddress(caller: IncomingMessage | undefined): CallerAddress {
  const headers: Record<string, string> = {};
  if (!caller) return { encrypted: false, headers };
  for (const name of CALLER_ADDRESS_HEADERS) {
    const value = caller.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const socket = caller.socket as (IncomingMessage['socket'] & { encrypted?: boolean }) | undefined;
  return {
    remoteAddress: socket?.remoteAddress,
    remotePort: socket?.remotePort,
    remoteFamily: socket?.remoteFamily,
    encrypted: socket?.encrypted === true,
    headers,
  };
}
