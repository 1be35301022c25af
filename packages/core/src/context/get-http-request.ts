import { McpMessages } from '../mcp.messages.js';
import { currentMcpRequestContext } from './request-context.js';

/**
 * The HTTP request that carried the current MCP message (Express `Request` or Fastify `FastifyRequest`).
 * Throws when called outside an MCP request, and on the stdio transport, where no HTTP request carries messages.
 * (With the testing kit's in-memory channel it is the fake request built from the test's headers and token.)
 */
export function getHttpRequest<TRequest = unknown>(): TRequest {
  const store = currentMcpRequestContext();
  if (!store) throw new Error(McpMessages.outsideMcpRequest('getHttpRequest'));
  if (store.channel === 'stdio') throw new Error(McpMessages.noHttpRequestOnStdio('getHttpRequest'));
  return store.request as TRequest;
}
