import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { McpConfigurableModule, MCP_MODULE_OPTIONS } from './mcp.module-definition.js';
import { McpMessages } from './mcp.messages.js';
import type { McpModuleAsyncOptions, McpModuleOptions, McpTransportsOptions } from './interfaces/mcp-options.interface.js';
import { McpExplorer } from './discovery/mcp.explorer.js';
import { McpMetadataAccessor } from './discovery/mcp-metadata.accessor.js';
import { McpRegistry } from './registry/mcp-registry.js';
import { McpDispatcher } from './execution/mcp-dispatcher.js';
import { McpHandlerInvoker } from './execution/mcp-handler-invoker.js';
import { McpSessions } from './transports/mcp-sessions.js';
import { StreamableHttpEndpoint } from './transports/streamable-http.endpoint.js';
import { createMcpController } from './transports/mcp.controller.js';
import { resolveStreamableHttpOptions } from './transports/transport-options.js';
import { McpAuthenticator } from './auth/mcp-authenticator.js';
import { McpServerAuthGuard } from './auth/mcp-auth.guard.js';
import { ProtectedResourceRoutes } from './auth/protected-resource.routes.js';

/**
 * Serves an MCP server from a Nest application. Each `forRoot()` / `forRootAsync()` is one server with its
 * own name, paths, registry and sessions; several can live in one app.
 *
 * ```ts
 * McpModule.forRoot({ name: 'notes', version: '1.0.0', transports: { streamableHttp: { path: '/mcp' } } })
 * ```
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    McpMetadataAccessor,
    McpRegistry,
    McpHandlerInvoker,
    McpExplorer,
    McpDispatcher,
    McpSessions,
    StreamableHttpEndpoint,
    // Bearer auth (inactive unless the options have `auth`)
    McpAuthenticator,
    McpServerAuthGuard,
    ProtectedResourceRoutes,
  ],
  exports: [McpRegistry, McpSessions],
})
export class McpModule extends McpConfigurableModule {
  static override forRoot(options: McpModuleOptions): DynamicModule {
    if (!options?.name) throw new Error(McpMessages.invalidServerName());
    return McpModule.withTransports(super.forRoot(options), options.transports);
  }

  static override forRootAsync(options: McpModuleAsyncOptions): DynamicModule {
    const staticTransports = options.transports;
    const base = super.forRootAsync(options);
    // Routes are fixed now; the factory's options must agree with them (and get them when it gives none).
    const checked: Provider = {
      provide: MCP_MODULE_OPTIONS,
      useFactory: (resolved: McpModuleOptions) => McpModule.mergeTransports(resolved, staticTransports),
      inject: [ASYNC_RESOLVED_OPTIONS],
    };
    const providers = (base.providers ?? []).map((provider) =>
      (provider as { provide?: unknown }).provide === MCP_MODULE_OPTIONS
        ? { ...(provider as object), provide: ASYNC_RESOLVED_OPTIONS }
        : provider,
    ) as Provider[];
    return McpModule.withTransports({ ...base, providers: [...providers, checked] }, staticTransports);
  }

  private static withTransports(module: DynamicModule, transports: McpTransportsOptions | undefined): DynamicModule {
    return { ...module, controllers: [...(module.controllers ?? []), createMcpController(resolveStreamableHttpOptions(transports))] };
  }

  private static mergeTransports(resolved: McpModuleOptions, staticTransports: McpTransportsOptions | undefined): McpModuleOptions {
    if (!resolved?.name) throw new Error(McpMessages.invalidServerName());
    const fixed = resolveStreamableHttpOptions(staticTransports);
    const fromFactory = resolved.transports?.streamableHttp;
    if (fromFactory && fixed && fromFactory.path !== undefined && fromFactory.path !== fixed.path) {
      throw new Error(McpMessages.pathMismatch(fixed.path, fromFactory.path));
    }
    const streamableHttp = fromFactory === undefined ? staticTransports?.streamableHttp : fixed && { ...fixed, ...fromFactory, path: fixed.path };
    return { ...resolved, transports: { ...staticTransports, ...resolved.transports, streamableHttp } };
  }
}

/** The options as the async factory returned them, before the static transports are merged in. */
const ASYNC_RESOLVED_OPTIONS = Symbol('MCP_ASYNC_RESOLVED_OPTIONS');
