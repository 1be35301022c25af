import type { McpCacheHint } from './mcp-options.interface.js';
import type { Icon } from './mcp-protocol.types.js';
import type { McpCompleter } from './mcp-resource-options.interface.js';
import type { McpSchemaInput } from './mcp-schema.interface.js';
import type { McpServerSelector } from './mcp-tool-options.interface.js';

export interface McpPromptArgument {
  name: string;
  description?: string;
  required?: boolean;
}

export interface McpPromptOptions {
  /** Prompt name. Default: the method name. */
  name?: string;
  title?: string;
  description?: string;
  /**
   * Arguments: a list of `{ name, description, required }`, or a schema (zod object or shape, DTO class, JSON Schema)
   * whose top-level properties become the arguments (prompt arguments are strings on the wire).
   */
  args?: McpPromptArgument[] | McpSchemaInput;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /**
   * 2026-07-28 caching hint (`ttlMs`, `cacheScope`). On a resource it is sent with its resources/read result;
   * on any entry it bounds the list result it appears in (the list's ttlMs is the smallest of its entries').
   * Default: the module's `modern.listCacheHint` (ttlMs 0, private).
   */
  cache?: McpCacheHint;
  /** Completion for arguments, keyed by argument name. */
  complete?: Record<string, McpCompleter>;
  server?: McpServerSelector;
  /**
   * Scopes a caller's token needs to see and use this prompt (on a server with `auth`); also `@RequireScopes()`.
   * Callers without them do not see it in lists, and get HTTP 403 insufficient_scope when they use it.
   */
  scopes?: string[];
}
