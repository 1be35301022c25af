/**
 * Every JSON-RPC and MCP error code @nestmcp/core sends, in one place (JSON-RPC 2.0 section 5.1, MCP 2025-11-25
 * and 2026-07-28). Import these rather than writing the numbers.
 */
export const McpErrorCode = {
  /** The body is not JSON (or not UTF-8). */
  ParseError: -32700,
  /** Not a JSON-RPC 2.0 message, a batch, nested too deep, a forbidden key, or a request the state forbids. */
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Transport-level errors without a more precise code (SDK convention: 4xx/5xx HTTP answers). */
  ServerError: -32000,
  /** A session that ended or never existed (HTTP 404). */
  SessionNotFound: -32001,
  /** A request that ran past `limits.requestTimeoutMs`. */
  RequestTimeout: -32001,
  /** `resources/read` (and subscribe) of a URI no resource or template serves. */
  ResourceNotFound: -32002,
  /** 2026-07-28: request headers disagree with the body (or a required one is missing). */
  HeaderMismatch: -32020,
  /** 2026-07-28: the method needs a client capability the request's `_meta` did not declare. */
  MissingClientCapability: -32021,
  /** 2026-07-28: a protocol revision this server does not serve. */
  UnsupportedProtocolVersion: -32022,
} as const;
