import { SetMetadata } from '@nestjs/common';
import { applyDefaultMcpParams } from './mcp-param.decorators.js';
import { MCP_RESOURCE_METADATA } from '../mcp.constants.js';
import type { McpResourceOptions } from '../interfaces/mcp-resource-options.interface.js';

/**
 * Exposes a provider method as an MCP resource (`uri`) or resource template (`uriTemplate`).
 * The method receives the template variables (`{}` for a fixed resource) and the `McpContext`.
 */
export const McpResource = (options: McpResourceOptions): MethodDecorator => (target, key, descriptor) => {
  SetMetadata(MCP_RESOURCE_METADATA, options)(target, key, descriptor);
  applyDefaultMcpParams(target, key);
};
