import { SetMetadata } from '@nestjs/common';
import { applyDefaultMcpParams } from './mcp-param.decorators.js';
import { MCP_TOOL_METADATA } from '../mcp.constants.js';
import type { McpToolOptions } from '../interfaces/mcp-tool-options.interface.js';

/**
 * Exposes a provider method as an MCP tool; on a controller route (beside `@Get()`, `@Post()`, ...) it makes the
 * route a tool whose calls are HTTP requests into the app (docs/rest-as-tools.md). The method receives the validated arguments and the `McpContext`:
 *
 * ```ts
 * @McpTool({ description: 'Add two numbers', input: z.object({ a: z.number(), b: z.number() }) })
 * add({ a, b }: { a: number; b: number }) { return String(a + b); }
 * ```
 */
export const McpTool = (options: McpToolOptions = {}): MethodDecorator => (target, key, descriptor) => {
  SetMetadata(MCP_TOOL_METADATA, options)(target, key, descriptor);
  applyDefaultMcpParams(target, key, descriptor.value);
};
