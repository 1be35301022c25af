import { DEFAULT_STREAMABLE_HTTP_PATH } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import { DEFAULT_MCP_LIMITS } from './mcp-limits.js';
import type { McpTransportsOptions } from '../interfaces/mcp-options.interface.js';

export interface ResolvedStreamableHttpOptions {
  path: string;
  stateless: boolean;
  jsonResponse: boolean;
}

/** Largest request body on the MCP routes by default, like the SDK: 4 MiB (`limits.maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = DEFAULT_MCP_LIMITS.maxBodyBytes;
/** Interval of keep-alive comments on SSE streams by default (`limits.keepAliveMs`). */
export const DEFAULT_KEEP_ALIVE_MS = DEFAULT_MCP_LIMITS.keepAliveMs;

/** The Streamable HTTP options with defaults applied, or `undefined` when the transport is turned off. */
export function resolveStreamableHttpOptions(transports: McpTransportsOptions | undefined): ResolvedStreamableHttpOptions | undefined {
  const given = transports?.streamableHttp;
  if (given === false) return undefined;
  const path = given?.path ?? DEFAULT_STREAMABLE_HTTP_PATH;
  if (!path.startsWith('/')) throw new Error(McpMessages.invalidPath(path));
  return { path, stateless: given?.stateless ?? false, jsonResponse: given?.jsonResponse ?? false };
}
