import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What carried the current MCP message: an HTTP request, an in-process channel of the testing kit (with a fake
 * HTTP request built from the test's headers and token), or the stdio transport (no HTTP request at all). Set by
 * the transport, never inferred from what is missing: access rules depend on it (docs/stdio.md).
 */
export type McpChannel = 'http' | 'in-memory' | 'stdio';

/**
 * What is known about the HTTP request that carries the current MCP message. Opened by the transport for
 * every HTTP request (not once per session), so headers and tokens are never stale.
 */
export interface McpRequestContextStore {
  readonly channel: McpChannel;
  /** The framework's request object (Express `Request` or Fastify `FastifyRequest`); `undefined` on stdio. */
  readonly request: unknown;
  /** The Node request under it; `undefined` on stdio. */
  readonly raw?: IncomingMessage;
  readonly response?: ServerResponse;
  /** Name of the MCP server (the McpModule `name`) that serves the request. */
  readonly serverName: string;
  /** Session id, when the transport has sessions. */
  sessionId?: string;
  /** Set by the MCP handler while a tool, resource or prompt runs (an `McpContext`). */
  mcpContext?: unknown;
}

const storage = new AsyncLocalStorage<McpRequestContextStore>();

/** One HTTP request and its response, as `McpRequestContextStore` needs them (an `HttpExchange`). */
interface ExchangeLike {
  readonly request: unknown;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/**
 * The request context of one message: the one function every transport and revision builds it with. `exchange` is
 * the HTTP request and response that carried it (on the in-memory channel, the fake ones); none on stdio.
 */
export function mcpRequestContextOf(
  exchange: ExchangeLike | undefined,
  serverName: string,
  sessionId?: string,
  channel: McpChannel = 'http',
): McpRequestContextStore {
  return { channel, request: exchange?.request, raw: exchange?.req, response: exchange?.res, serverName, sessionId };
}

/** Runs `fn` with `store` as the current MCP request context. */
export function runInMcpRequestContext<T>(store: McpRequestContextStore, fn: () => T): T {
  return storage.run(store, fn);
}

/** Runs `fn` outside any MCP request context (an in-process HTTP request a tool makes is a request of its own). */
export function runOutsideMcpRequestContext<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The current MCP request context, or `undefined` outside an MCP request. */
export function currentMcpRequestContext(): McpRequestContextStore | undefined {
  return storage.getStore();
}
