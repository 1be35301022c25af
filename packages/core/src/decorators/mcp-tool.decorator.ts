import { SetMetadata } from '@nestjs/common';
import { MCP_TOOL_METADATA } from '../mcp.constants.js';
import type { McpToolOptions } from '../interfaces/mcp-tool-options.interface.js';

/**
 * Exposes a provider method as an MCP tool. The method receives the validated arguments and the `McpContext`:
 *
 * ```ts
 * @McpTool({ description: 'Add two numbers', input: z.object({ a: z.number(), b: z.number() }) })
 * add({ a, b }: { a: number; b: number }) { return String(a + b); }
 * ```
 */
export const McpTool = (options: McpToolOptions = {}): MethodDecorator => SetMetadata(MCP_TOOL_METADATA, options);
