import { McpMessages } from '../mcp.messages.js';
import { currentMcpRequestContext } from './request-context.js';

/**
 * The HTTP request that carried the current MCP message (Express `Request` or Fastify `FastifyRequest`).
 * Throws when called outside an MCP request.
 */
export function getHttpRequest<TRequest = unknown>(): TRequest {
  const store = currentMcpRequestContext();
  if (!store) throw new Error(McpMessages.outsideMcpRequest('getHttpRequest'));
  return store.request as TRequest;
}
