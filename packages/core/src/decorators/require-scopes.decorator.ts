import { SetMetadata } from '@nestjs/common';
import { MCP_SCOPES_METADATA } from '../mcp.constants.js';

/**
 * Scopes a caller's token needs for the MCP tools, resources and prompts of a method (or of every such method
 * of a class). Merged with the decorator's own `scopes` option; a caller needs all of them.
 *
 * ```ts
 * @RequireScopes('notes:write')
 * @McpTool({ description: 'Create a note' })
 * create_note(input: CreateNoteDto) { ... }
 * ```
 */
export const RequireScopes = (...scopes: string[]): ClassDecorator & MethodDecorator => SetMetadata(MCP_SCOPES_METADATA, scopes);
