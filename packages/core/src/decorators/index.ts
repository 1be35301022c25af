export * from './mcp-tool.decorator.js';
export * from './mcp-resource.decorator.js';
export * from './mcp-prompt.decorator.js';
export { McpArgs, McpCtx, McpHttpRequest } from './mcp-param.decorators.js';
export { RequireScopes } from './require-scopes.decorator.js';
export { McpPublic } from './mcp-public.decorator.js';
export { ApplyToMcpHandlers } from './apply-to-mcp-handlers.decorator.js';
