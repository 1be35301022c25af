import type { McpContext } from './mcp-context.js';
import { McpMessages } from '../mcp.messages.js';
import { currentMcpRequestContext } from './request-context.js';

/** The `McpContext` of the tool, resource or prompt call in progress. Throws outside one. */
export function getMcpContext(): McpContext {
  const context = currentMcpRequestContext()?.mcpContext as McpContext | undefined;
  if (!context) throw new Error(McpMessages.outsideMcpRequest('getMcpContext'));
  return context;
}
