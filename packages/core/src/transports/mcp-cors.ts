import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { McpCorsOptions } from '../interfaces/mcp-limits.interface.js';
import { McpMessages } from '../mcp.messages.js';

const MCP_REQUEST_HEADERS = ['Content-Type', 'Accept', 'Authorization', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID'];
const MCP_RESPONSE_HEADERS = ['Mcp-Session-Id', 'Mcp-Protocol-Version', 'WWW-Authenticate'];
const METHODS = 'GET, POST, DELETE, OPTIONS';

/** CORS for the MCP routes: headers for an origin that passed the origin check. */
export class McpCors {
  private readonly allowHeaders: string;
  private readonly exposeHeaders: string;
  private readonly credentials: boolean;
  private readonly maxAge: number;

  constructor(options: McpCorsOptions) {
    this.allowHeaders = [...MCP_REQUEST_HEADERS, ...(options.allowedHeaders ?? [])].join(', ');
    this.exposeHeaders = [...MCP_RESPONSE_HEADERS, ...(options.exposedHeaders ?? [])].join(', ');
    this.credentials = options.credentials ?? false;
    this.maxAge = options.maxAge ?? 600;
  }

  /**
   * The CORS of a server, or `undefined` when it is off. Refuses, at start-up, credentials for any origin
   * (`allowedOrigins: ['*']`): the origin is echoed, so every site could then call the server with the user's
   * cookies, which the CORS spec forbids for `*` for that very reason.
   */
  static from(option: boolean | McpCorsOptions | undefined, allowedOrigins?: readonly string[]): McpCors | undefined {
    if (!option) return undefined;
    const options = option === true ? {} : option;
    if (options.credentials && allowedOrigins?.includes('*')) throw new Error(McpMessages.corsCredentialsWithAnyOrigin());
    return new McpCors(options);
  }

  /** Whether the request is a CORS preflight (OPTIONS with Access-Control-Request-Method). */
  static isPreflight(req: IncomingMessage): boolean {
    return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  }

  /** Headers for an actual request from `origin`. */
  headers(origin: string): OutgoingHttpHeaders {
    return {
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-expose-headers': this.exposeHeaders,
      ...(this.credentials && { 'access-control-allow-credentials': 'true' }),
    };
  }

  /** Headers of the answer to a preflight from `origin`. */
  preflightHeaders(origin: string): OutgoingHttpHeaders {
    return {
      ...this.headers(origin),
      'access-control-allow-methods': METHODS,
      'access-control-allow-headers': this.allowHeaders,
      'access-control-max-age': String(this.maxAge),
    };
  }
}
