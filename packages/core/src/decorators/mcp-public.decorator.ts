import { SetMetadata } from '@nestjs/common';
import { MCP_PUBLIC_METADATA } from '../mcp.constants.js';

/**
 * Marks MCP tools, resources or prompts (a method, or every such method of a class) as needing no token on a
 * server with `auth`. Callers without a token can initialize, list and use public items only; every other
 * request of theirs gets 401 with the `WWW-Authenticate` challenge. A token, when sent, is still verified.
 */
export const McpPublic = (): ClassDecorator & MethodDecorator => SetMetadata(MCP_PUBLIC_METADATA, true);
