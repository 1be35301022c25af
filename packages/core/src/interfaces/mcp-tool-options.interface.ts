import type { McpCacheHint } from './mcp-options.interface.js';
import type { Icon, ToolAnnotations } from './mcp-protocol.types.js';
import type { McpSchemaInput } from './mcp-schema.interface.js';

/** Which server(s) a tool, resource or prompt belongs to; the `name` of a McpModule.forRoot(). */
export type McpServerSelector = string | string[];

export interface McpToolOptions {
  /** Tool name. Default: the method name. */
  name?: string;
  title?: string;
  description?: string;
  /** Arguments: a zod schema or shape, a class-validator DTO class, or a JSON Schema object. Default: no arguments. */
  input?: McpSchemaInput;
  /** Structured result schema. When set, a returned value becomes `structuredContent` plus a text copy. */
  output?: McpSchemaInput;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /**
   * 2026-07-28 caching hint (`ttlMs`, `cacheScope`). On a resource it is sent with its resources/read result;
   * on any entry it bounds the list result it appears in (the list's ttlMs is the smallest of its entries').
   * Default: the module's `modern.listCacheHint` (ttlMs 0, private).
   */
  cache?: McpCacheHint;
  /** Serve this tool only on the named server(s). Default: every server that sees the provider. */
  server?: McpServerSelector;
  /**
   * Scopes a caller's token needs to see and use this tool (on a server with `auth`); also `@RequireScopes()`.
   * Callers without them do not see it in lists, and get HTTP 403 insufficient_scope when they use it.
   */
  scopes?: string[];
}
