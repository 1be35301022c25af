import { DEFAULT_SSE_MESSAGES_PATH, DEFAULT_SSE_PATH, DEFAULT_STREAMABLE_HTTP_PATH } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpResumabilityOptions, McpTransportsOptions } from '../interfaces/mcp-options.interface.js';

export interface ResolvedStreamableHttpOptions {
  path: string;
  stateless: boolean;
  jsonResponse: boolean;
  /** Set when SSE streams are resumable (never for a stateless server). */
  resumability?: McpResumabilityOptions;
}


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

export interface ResolvedSseOptions {
  path: string;
  messagesPath: string;
  /** Set on the transport; otherwise the server's `limits.keepAliveMs` applies. */
  keepAliveMs?: number;
}

/** The legacy HTTP+SSE options with defaults applied, or `undefined` when the transport is off (the default). */
export function resolveSseOptions(transports: McpTransportsOptions | undefined): ResolvedSseOptions | undefined {
  const given = transports?.sse;
  if (!given) return undefined;
  const path = given.path ?? DEFAULT_SSE_PATH;
  const messagesPath = given.messagesPath ?? DEFAULT_SSE_MESSAGES_PATH;
  for (const each of [path, messagesPath]) if (!each.startsWith('/')) throw new Error(McpMessages.invalidPath(each));
  const streamable = resolveStreamableHttpOptions(transports)?.path;
  const clash = [path, messagesPath, streamable].find((each, index, all) => each !== undefined && all.indexOf(each) !== index);
  if (clash) throw new Error(McpMessages.ssePathClash(clash));
  return { path, messagesPath, keepAliveMs: given.keepAliveMs };
}
