import { DEFAULT_STREAMABLE_HTTP_PATH } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpResumabilityOptions, McpTransportsOptions } from '../interfaces/mcp-options.interface.js';

export interface ResolvedStreamableHttpOptions {
  path: string;
  stateless: boolean;
  jsonResponse: boolean;
  /** Set when SSE streams are resumable (never for a stateless server). */
  resumability?: McpResumabilityOptions;
}

/** Largest request body read by the transport itself (when no body parser ran), like the SDK: 4 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Interval of keep-alive comments on standalone SSE streams. */
export const DEFAULT_KEEP_ALIVE_MS = 25_000;

/** The Streamable HTTP options with defaults applied, or `undefined` when the transport is turned off. */
export function resolveStreamableHttpOptions(transports: McpTransportsOptions | undefined): ResolvedStreamableHttpOptions | undefined {
  const given = transports?.streamableHttp;
  if (given === false) return undefined;
  const path = given?.path ?? DEFAULT_STREAMABLE_HTTP_PATH;
  if (!path.startsWith('/')) throw new Error(McpMessages.invalidPath(path));
  const stateless = given?.stateless ?? false;
  const resumability = given?.resumability && !stateless ? (given.resumability === true ? {} : given.resumability) : undefined;
  return { path, stateless, jsonResponse: given?.jsonResponse ?? false, ...(resumability && { resumability }) };
}
