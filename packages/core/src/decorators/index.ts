export * from './mcp-tool.decorator.js';
export * from './mcp-resource.decorator.js';
export * from './mcp-prompt.decorator.js';
export { McpArgs, McpCtx, McpHttpRequest } from './mcp-param.decorators.js';
