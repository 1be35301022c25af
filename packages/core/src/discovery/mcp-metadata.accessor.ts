import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MCP_PROMPT_METADATA, MCP_PUBLIC_METADATA, MCP_RESOURCE_METADATA, MCP_SCOPES_METADATA, MCP_TOOL_METADATA } from '../mcp.constants.js';
import type { McpToolOptions } from '../interfaces/mcp-tool-options.interface.js';
import type { McpResourceOptions } from '../interfaces/mcp-resource-options.interface.js';
import type { McpPromptOptions } from '../interfaces/mcp-prompt-options.interface.js';

type Target = (...args: unknown[]) => unknown;

/** Reads the MCP decorators' metadata from a method. Read-only: discovery never writes metadata. */
@Injectable()
export class McpMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getTool(target: Target): McpToolOptions | undefined {
    return this.reflector.get(MCP_TOOL_METADATA, target);
  }

  getResource(target: Target): McpResourceOptions | undefined {
    return this.reflector.get(MCP_RESOURCE_METADATA, target);
  }

  getPrompt(target: Target): McpPromptOptions | undefined {
    return this.reflector.get(MCP_PROMPT_METADATA, target);
  }

  /** Scopes of `@RequireScopes()` on the method and its class, merged. */
  getScopes(target: Target, type: object): string[] {
    return this.reflector.getAllAndMerge<string[]>(MCP_SCOPES_METADATA, [target, type as Target]) ?? [];
  }

  /** Whether `@McpPublic()` is on the method or its class. */
  isPublic(target: Target, type: object): boolean {
    return this.reflector.getAllAndOverride<boolean>(MCP_PUBLIC_METADATA, [target, type as Target]) === true;
  }
}
