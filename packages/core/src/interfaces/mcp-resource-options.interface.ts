import type { McpCacheHint } from './mcp-options.interface.js';
import type { Icon } from './mcp-protocol.types.js';
import type { McpServerSelector } from './mcp-tool-options.interface.js';

/** Completes one template variable or prompt argument: the values to offer for what the user typed so far. */
export type McpCompleteFn = (
  value: string,
  context: { arguments: Record<string, string> },
) => string[] | Promise<string[]>;

/**
 * A completer: a function, or the name of a method of the same provider with the `McpCompleteFn` signature
 * (so it can use the provider's injected services), e.g. `complete: { id: 'completeNoteId' }`.
 */
export type McpCompleter = McpCompleteFn | string;

export interface McpResourceOptions {
  /** A fixed resource URI, e.g. `notes://index`. Set this or `uriTemplate`. */
  uri?: string;
  /** An RFC 6570 URI template, e.g. `notes://{id}`; its variables are passed to the method. */
  uriTemplate?: string;
  /** Name shown in lists. Default: the method name. */
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** Size in bytes, when known ahead of reading. */
  size?: number;
  icons?: Icon[];
  annotations?: { audience?: ('user' | 'assistant')[]; priority?: number; lastModified?: string };
  _meta?: Record<string, unknown>;
  /**
   * 2026-07-28 caching hint (`ttlMs`, `cacheScope`). On a resource it is sent with its resources/read result;
   * on any entry it bounds the list result it appears in (the list's ttlMs is the smallest of its entries').
   * Default: the module's `modern.listCacheHint` (ttlMs 0, private).
   */
  cache?: McpCacheHint;
  /** Completion for template variables, keyed by variable name. */
  complete?: Record<string, McpCompleter>;
  server?: McpServerSelector;
  /**
   * Scopes a caller's token needs to see and use this resource (on a server with `auth`); also `@RequireScopes()`.
   * Callers without them do not see it in lists, and get HTTP 403 insufficient_scope when they use it.
   */
  scopes?: string[];
}
