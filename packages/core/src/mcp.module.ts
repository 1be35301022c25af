import { Module, type DynamicModule, type NestModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { McpHttpRequestModule } from './context/mcp-http-request.module.js';
import { McpConfigurableModule, MCP_MODULE_OPTIONS } from './mcp.module-definition.js';
import { McpMessages } from './mcp.messages.js';
import type { McpModuleAsyncOptions, McpModuleOptions, McpTransportsOptions } from './interfaces/mcp-options.interface.js';
import type { McpHealthOptions } from './interfaces/mcp-limits.interface.js';
import { McpExplorer } from './discovery/mcp.explorer.js';
import { McpRouteToolsExplorer } from './discovery/mcp-route-tools.explorer.js';
import { McpMetadataAccessor } from './discovery/mcp-metadata.accessor.js';
import { McpRegistry } from './registry/mcp-registry.js';
import { McpDispatcher } from './execution/mcp-dispatcher.js';
import { McpHandlerInvoker } from './execution/mcp-handler-invoker.js';
import { McpGlobalEnhancerHints } from './execution/mcp-global-enhancer-hints.js';
import { McpOperations } from './operations/mcp-operations.js';
import { McpResolvedOptions } from './options/mcp-resolved-options.js';
import { resolveSseOptions, resolveStreamableHttpOptions } from './options/transport-options.js';
import { mcpStoreProviders } from './mcp-stores.providers.js';
import { McpNotifications } from './sessions/mcp-notifications.js';
import { McpSessions } from './sessions/mcp-sessions.js';
import { SseSessions } from './sessions/sse-sessions.js';
import { McpLifecycle } from './lifecycle/mcp-lifecycle.js';
import { StreamableHttpEndpoint } from './transports/streamable-http.endpoint.js';
import { SseEndpoint } from './transports/sse.endpoint.js';
import { McpHttpGate } from './transports/mcp-http-gate.js';
import { McpServedRoutes } from './http/mcp-served-routes.js';
import { Rev2026Dispatcher } from './rev-2026-07-28/rev-2026.dispatcher.js';
import { Rev2026Endpoint } from './rev-2026-07-28/rev-2026.endpoint.js';
import { McpEndpoint } from './endpoint/mcp-endpoint.js';
import { McpChannels } from './endpoint/mcp-channels.js';
import { McpRouteGuards } from './endpoint/mcp-route-guards.js';
import { McpChannelSessions } from './transports/channel-sessions.js';
import { Rev2026Channel } from './rev-2026-07-28/rev-2026-channel.js';
import { createMcpController } from './endpoint/mcp.controller.js';
import { McpHealth } from './health/mcp-health.js';
import { createMcpHealthController, resolveHealthPath } from './health/mcp-health.controller.js';
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
  imports: [DiscoveryModule, McpHttpRequestModule],
  providers: [
    // The options, resolved once
    { provide: McpResolvedOptions, useFactory: (options: McpModuleOptions) => new McpResolvedOptions(options), inject: [MCP_MODULE_OPTIONS] },
    // Stores (sessions, events, bus, replay guard): given in `stores`, else in memory
    ...mcpStoreProviders,
    McpMetadataAccessor,
    McpRegistry,
    McpHandlerInvoker,
    McpGlobalEnhancerHints,
    McpExplorer,
    // Tools from the app's routes and from OpenAPI documents (none unless asked for)
    McpRouteToolsExplorer,
    // The core of operations and each revision's glue
    McpOperations,
    McpDispatcher,
    Rev2026Dispatcher,
    // Sessions, admission and lifecycle
    McpNotifications,
    McpSessions,
    SseSessions,
    McpLifecycle,
    // HTTP: the transports, the 2026-07-28 path, and the revision routing above them
    StreamableHttpEndpoint,
    SseEndpoint,
    Rev2026Endpoint,
    McpEndpoint,
    // Channels that are not HTTP (stdio, the testing kit's in-memory channel), above the same dispatchers
    McpChannelSessions,
    Rev2026Channel,
    McpRouteGuards,
    McpChannels,
    McpServedRoutes,
    McpHttpGate,
    McpHealth,
    // Bearer auth (inactive unless the options have `auth`)
    McpAuthenticator,
    McpServerAuthGuard,
    ProtectedResourceRoutes,
  ],
  exports: [McpRegistry, McpSessions, McpHealth, McpChannels],
})
export class McpModule extends McpConfigurableModule implements NestModule {
  constructor(
    private readonly gate: McpHttpGate,
    private readonly routeTools: McpRouteToolsExplorer,
  ) {
    super();
  }

  /**
   * Runs after the app's body parsers are registered and before its routes: hooks in the MCP routes' gate, and
   * when routes are tools, the guard that keeps a route tool's in-process request on its own route.
   */
  configure(): void {
    this.gate.install();
    this.routeTools.installRouteTargetGuard();
  }

  static override forRoot(options: McpModuleOptions): DynamicModule {
    if (!options?.name) throw new Error(McpMessages.invalidServerName());
    // Options known now: a server that verifies no tokens needs no guard on its routes (one step less per request).
    const verifiesTokens = options.auth?.jwt !== undefined || options.auth?.verifier !== undefined;
    return McpModule.withHealth(McpModule.withTransports(super.forRoot(options), options.transports, verifiesTokens), options.health);
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
    return McpModule.withHealth(McpModule.withTransports({ ...base, providers: [...providers, checked] }, staticTransports), options.health);
  }

  private static withHealth(module: DynamicModule, health: boolean | McpHealthOptions | undefined): DynamicModule {
    const path = resolveHealthPath(health);
    return path ? { ...module, controllers: [...(module.controllers ?? []), createMcpHealthController(path)] } : module;
  }

  private static withTransports(module: DynamicModule, transports: McpTransportsOptions | undefined, authGuard = true): DynamicModule {
    const controller = createMcpController(resolveStreamableHttpOptions(transports), resolveSseOptions(transports), authGuard);
    return { ...module, controllers: [...(module.controllers ?? []), controller] };
  }

  private static mergeTransports(resolved: McpModuleOptions, staticTransports: McpTransportsOptions | undefined): McpModuleOptions {
    if (!resolved?.name) throw new Error(McpMessages.invalidServerName());
    const fixed = resolveStreamableHttpOptions(staticTransports);
    const fromFactory = resolved.transports?.streamableHttp;
    if (fromFactory && fixed && fromFactory.path !== undefined && fromFactory.path !== fixed.path) {
      throw new Error(McpMessages.pathMismatch(fixed.path, fromFactory.path));
    }
    const streamableHttp = fromFactory === undefined ? staticTransports?.streamableHttp : fixed && { ...fixed, ...fromFactory, path: fixed.path };
    // The legacy SSE routes are fixed too: the static ones win over what the factory returns.
    const sse = staticTransports?.sse ?? false;
    return { ...resolved, transports: { ...staticTransports, ...resolved.transports, streamableHttp, sse } };
  }
}

/** The options as the async factory returned them, before the static transports are merged in. */
const ASYNC_RESOLVED_OPTIONS = Symbol('MCP_ASYNC_RESOLVED_OPTIONS');
