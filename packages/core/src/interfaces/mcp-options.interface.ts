import type { ConfigurableModuleAsyncOptions, Type } from '@nestjs/common';
import type { Icon, ServerCapabilities } from './mcp-protocol.types.js';
import type { McpAuthOptions } from './mcp-auth-options.interface.js';

/** Options of the Streamable HTTP transport (MCP 2025-11-25). */
export interface McpStreamableHttpOptions {
  /** Path of the endpoint, e.g. `/mcp` (the app's global prefix applies). Default `/mcp`. */
  path?: string;
  /** No sessions: every POST is served by a fresh protocol state; GET and DELETE answer 405. Default `false`. */
  stateless?: boolean;
  /** Answer each request with one `application/json` body instead of an SSE stream. Default `false`. */
  jsonResponse?: boolean;
}

export interface McpTransportsOptions {
  /** Streamable HTTP. On by default at `/mcp`; pass `false` to turn it off. */
  streamableHttp?: McpStreamableHttpOptions | false;
}

/** Options of one MCP server, given to `McpModule.forRoot()` or returned by the `forRootAsync()` factory. */
export interface McpModuleOptions {
  /** Server name sent in the initialize result. Also the name `@McpTool({ server })` refers to. */
  name: string;
  /** Server version sent in the initialize result. */
  version: string;
  /** Human-friendly server title. */
  title?: string;
  /** Instructions for the client's model, sent in the initialize result. */
  instructions?: string;
  websiteUrl?: string;
  icons?: Icon[];
  /** Transports and their paths. Default: Streamable HTTP at `/mcp`, with sessions and SSE responses. */
  transports?: McpTransportsOptions;
  /**
   * Capabilities to add to (or override in) the ones derived from what is registered.
   * By default tools, resources, prompts, completions and logging are declared when the server has them.
   */
  capabilities?: ServerCapabilities;
  /**
   * Serve only the tools, resources and prompts of providers declared in these modules.
   * Default: every provider of the application (narrowed by `@McpTool({ server })` where set).
   */
  include?: Type<unknown>[];
  /** Bearer-token protection (OAuth 2.1 resource server): every MCP route of this server needs a valid token. See docs/auth.md. */
  auth?: McpAuthOptions;
}

/**
 * `McpModule.forRootAsync()` options. The HTTP routes are registered when the module is defined,
 * before any factory runs, so `transports` (the paths) are given here, not by the factory.
 */
export type McpModuleAsyncOptions = ConfigurableModuleAsyncOptions<McpModuleOptions, 'create'> & {
  transports?: McpTransportsOptions;
};
