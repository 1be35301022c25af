/**
 * Limits of one MCP server. Every limit has a default (see `docs/production.md`); `0` turns a timeout off.
 */
export interface McpLimitsOptions {
  /** Largest request body accepted on the MCP routes, in bytes (413 beyond it). Default 4 MiB, like the SDK. */
  maxBodyBytes?: number;
  /** Deepest nesting of arrays and objects accepted in a message (400 -32600 beyond it). Default 64. */
  maxJsonDepth?: number;
  /**
   * Most sessions open at once, Streamable HTTP and legacy SSE together; initialize (or a new SSE stream) beyond
   * it gets 503 with Retry-After. Default 10 000.
   */
  maxSessions?: number;
  /**
   * Most sessions one caller may hold at once: per principal on a server with auth, per client address for
   * anonymous callers (X-Forwarded-For behind a trusted proxy). Beyond it a new session gets 429 with Retry-After.
   * Default `0`: no cap besides `maxSessions`.
   */
  maxSessionsPerPrincipal?: number;
  /** Most resources one session may subscribe to (resources/subscribe, subscriptions/listen). Default 100. */
  maxSubscriptionsPerSession?: number;
  /**
   * Bytes an SSE stream may hold waiting for a client that does not read; past them the stream is ended (a
   * resumable stream's events stay in the event store for the client to resume). Default 4 MiB; `0`: no limit.
   */
  maxStreamBufferBytes?: number;
  /** A session with no request and no open stream for this long is closed; its id then gets 404. Default 30 min. */
  sessionIdleTimeoutMs?: number;
  /**
   * Most responses open at once in one session: the standalone GET stream plus every POSTed request
   * still waiting for its answer. Beyond it a request gets 429 with Retry-After. Default 100.
   */
  maxStreamsPerSession?: number;
  /** Interval of SSE keep-alive comments on open streams, so proxies keep them. Default 25 s; `0` sends none. */
  keepAliveMs?: number;
  /**
   * Longest time one request (a tool call, a resource read, ...) may run. When it passes, the handler's
   * `ctx.signal` is aborted and the caller gets a -32001 Request timed out error. Default 5 min; `0` turns it off.
   */
  requestTimeoutMs?: number;
  /** On shutdown, how long in-flight requests may take to finish before their sessions are closed. Default 10 s. */
  drainTimeoutMs?: number;
  /** Retry-After (seconds) sent with 503 (sessions full, shutting down) and 429 (too many streams). Default 5. */
  retryAfterSeconds?: number;
}

/** CORS for browser clients on the MCP routes (only origins that pass the origin check get CORS headers). */
export interface McpCorsOptions {
  /** Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). Default `false`. */
  credentials?: boolean;
  /** How long browsers may cache a preflight answer, in seconds. Default 600. */
  maxAge?: number;
  /** Request headers allowed besides the MCP ones (Content-Type, Accept, Authorization, Mcp-Session-Id, ...). */
  allowedHeaders?: string[];
  /** Response headers exposed besides Mcp-Session-Id, Mcp-Protocol-Version and WWW-Authenticate. */
  exposedHeaders?: string[];
}

/** Options of the health endpoint. */
export interface McpHealthOptions {
  /** Path of the endpoint (the app's global prefix applies). Default `/mcp/health`. */
  path?: string;
}
