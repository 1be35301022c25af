import type { Type } from '@nestjs/common';
import type { McpModuleOptions, McpProtocolVersions } from '../interfaces/mcp-options.interface.js';
import { resolveMcpLimits, type ResolvedMcpLimits } from './mcp-limits.js';
import {
  resolveSseOptions,
  resolveStreamableHttpOptions,
  type ResolvedSseOptions,
  type ResolvedStreamableHttpOptions,
} from './transport-options.js';

/**
 * The options of one MCP server, resolved once (defaults applied, paths and limits checked) by the provider
 * `McpResolvedOptions` and injected wherever they are read. `module` is what the app gave, unchanged.
 */
export class McpResolvedOptions {
  readonly name: string;
  readonly limits: ResolvedMcpLimits;
  /** Streamable HTTP, with defaults; `undefined` when turned off. */
  readonly streamableHttp?: ResolvedStreamableHttpOptions;
  /** Streamable HTTP options as its endpoint uses them (defaults when the transport is off). */
  readonly endpoint: ResolvedStreamableHttpOptions;
  readonly sse?: ResolvedSseOptions;
  /** Keep-alive interval of the legacy SSE stream: its own option, else `limits.keepAliveMs`. */
  readonly sseKeepAliveMs: number;
  readonly protocolVersions: McpProtocolVersions;
  /** Which of the app's global enhancers also run on MCP handlers: all (`true`), none but the marked (`false`), or these. */
  readonly inheritGlobalEnhancers: boolean | readonly Type<unknown>[];
  /** Whether `McpStdio.serve()` serves this server on stdin/stdout (`transports.stdio`). */
  readonly stdio: boolean;

  constructor(readonly module: McpModuleOptions) {
    this.name = module.name;
    this.limits = resolveMcpLimits(module.limits);
    this.streamableHttp = resolveStreamableHttpOptions(module.transports);
    this.endpoint = this.streamableHttp ?? resolveStreamableHttpOptions({})!;
    this.sse = resolveSseOptions(module.transports);
    this.sseKeepAliveMs = this.sse?.keepAliveMs ?? this.limits.keepAliveMs;
    this.protocolVersions = module.protocolVersions ?? 'both';
    this.inheritGlobalEnhancers = module.inheritGlobalEnhancers ?? false;
    this.stdio = module.transports?.stdio === true;
  }
}
