import { SetMetadata } from '@nestjs/common';
import { applyDefaultMcpParams } from './mcp-param.decorators.js';
import { MCP_PROMPT_METADATA } from '../mcp.constants.js';
import type { McpPromptOptions } from '../interfaces/mcp-prompt-options.interface.js';

/** Exposes a provider method as an MCP prompt. The method receives the arguments and the `McpContext`. */
export const McpPrompt = (options: McpPromptOptions = {}): MethodDecorator => (target, key, descriptor) => {
  SetMetadata(MCP_PROMPT_METADATA, options)(target, key, descriptor);
  applyDefaultMcpParams(target, key);
};
