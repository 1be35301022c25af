import type { Server } from 'node:http';
import { Inject, Injectable, type OnModuleInit, type RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, DiscoveryService, HttpAdapterHost, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import type { McpRestOperation, McpRestOperationMap } from '../interfaces/mcp-rest-tools-options.interface.js';
import type { McpServerSelector, McpToolOptions } from '../interfaces/mcp-tool-options.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { callerAddress } from '../rest-tools/caller-address.js';
import { callInProcess } from '../rest-tools/in-process-http.js';
import { createRestTool, forwardedHeaders, resolveRestCallOptions, type RestSender } from '../rest-tools/rest-tool.js';
import { isRouteMethod, routeOperation } from '../rest-tools/route-operation.js';
import { SWAGGER } from '../rest-tools/dto-rest-schema.js';
import { routeHost, servedRoute, type ServedRoute } from '../rest-tools/served-route.js';
import { openApiSender } from '../rest-tools/openapi-sender.js';
import { McpRouteTargetGuard } from '../rest-tools/route-target.guard.js';
import { McpMetadataAccessor } from './mcp-metadata.accessor.js';

/**
 * Makes tools of REST operations at bootstrap (docs/rest-as-tools.md): the app's controller routes that opt in
 * (`@McpTool()` on the route, or the controller in `routes.include`), called as in-process HTTP requests into the
 * app's own server; and the operations of `openApi` sources, called over HTTP. Does nothing in an app without them.
 */
@Injectable()
export class McpRouteToolsExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: McpMetadataAccessor,
    private readonly registry: McpRegistry,
    private readonly config: ApplicationConfig,
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions,
  ) {}

  onModuleInit(): void {
    this.exploreRoutes();
    for (const source of [this.options.openApi ?? []].flat()) {
      const send = openApiSender(source.options);
      for (const operation of source.operations) this.register(operation, send, {});
    }
  }

  /**
   * Called while the app registers its modules, before Nest builds its routes: when this server makes tools of
   * routes, the app gets McpRouteTargetGuard as a global guard (once, whichever server asks). An app without route
   * tools has no guard of ours on any of its routes: Nest then runs no guard step for routes without guards of
   * their own, the MCP route among them.
   */
  installRouteTargetGuard(): void {
    if (this.routeCandidates().next().done) return;
    if (this.config.getGlobalGuards().some((guard) => guard instanceof McpRouteTargetGuard)) return;
    this.config.useGlobalGuards(new McpRouteTargetGuard());
  }

  private exploreRoutes(): void {
    for (const { wrapper, controller, methodName, method, tool } of this.routeCandidates()) this.registerRoute(wrapper, controller, methodName, method, tool);
  }

  /** The controller routes this server makes tools of. */
  private *routeCandidates(): Generator<{ wrapper: InstanceWrapper; controller: Type<unknown>; methodName: string; method: (...args: unknown[]) => unknown; tool: McpToolOptions | undefined }> {
    // A standalone application context (stdio, a TestingModule that was only compiled) has no HTTP server to call
    // into, so its controller routes are no tools there (docs/rest-as-tools.md).
    if (!this.adapterHost.httpAdapter) return;
    const included = new Set<unknown>(this.options.routes?.include ?? []);
    const controllers = this.discovery.getControllers(this.options.include ? { include: this.options.include } : undefined);
    const known = new Set(controllers.map((wrapper) => wrapper.metatype));
    for (const controller of included) {
      if (!known.has(controller as Type<unknown>)) throw new Error(McpMessages.restRouteNotController((controller as Type<unknown>).name ?? String(controller)));
    }
    for (const wrapper of controllers) {
      const metatype = wrapper.metatype as Type<unknown> | undefined;
      if (!metatype?.prototype) continue;
      const whole = included.has(metatype);
      for (const methodName of this.scanner.getAllMethodNames(metatype.prototype)) {
        const method = (metatype.prototype as Record<string, (...args: unknown[]) => unknown>)[methodName];
        if (!isRouteMethod(method)) continue;
        const tool = this.accessor.getTool(method);
        if (tool ? !this.selects(tool.server) : !whole || Reflect.getMetadata(SWAGGER.excludeEndpoint, method)?.disable) continue;
        yield { wrapper, controller: metatype, methodName, method, tool };
      }
    }
  }

  private registerRoute(
    wrapper: InstanceWrapper,
    controller: Type<unknown>,
    methodName: string,
    method: (...args: unknown[]) => unknown,
    tool: McpToolOptions | undefined,
  ): void {
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, method) as RequestMethod;
    const where = `${controller.name}.${methodName}`;
    const served = servedRoute(this.config, this.modules.applicationId, controller, wrapper.host?.metatype as Type<unknown> | undefined, method, requestMethod, where);
    const operation = routeOperation({ controller, methodName, method, requestMethod, servedPath: served.path, tool });
    const scopes = [...(tool?.scopes ?? []), ...this.accessor.getScopes(method, controller)];
    const send = this.inProcessSender(served, { controller, handler: method }, `${operation.method} ${operation.path}`);
    this.register(operation, send, { scopes, public: this.accessor.isPublic(method, controller), tool }, this.options.routes?.map);
  }

  private register(
    generated: McpRestOperation,
    send: RestSender,
    extra: { scopes?: string[]; public?: boolean; tool?: McpToolOptions },
    map?: McpRestOperationMap,
  ): void {
    const operation = map ? map(generated) : generated;
    if (operation === false) return;
    const restTool = createRestTool(operation, send);
    const { tool } = extra;
    this.registry.registerTool(
      {
        name: operation.name,
        title: operation.title,
        description: operation.description,
        annotations: tool?.annotations ?? { readOnlyHint: operation.method === 'GET' || operation.method === 'HEAD' },
        icons: tool?.icons,
        _meta: tool?._meta,
        cache: tool?.cache,
        scopes: extra.scopes,
        public: extra.public,
      },
      (args) => restTool.handler(args),
      operation.source,
      { input: restTool.input, output: restTool.output },
    );
  }

  /**
   * Calls one route in this app's own HTTP server, with the caller's forwarded headers and address, the route's
   * version headers and host, and only to that route's handler (docs/rest-as-tools.md).
   */
  private inProcessSender(served: ServedRoute, target: { controller: object; handler: object }, route: string): RestSender {
    const call = resolveRestCallOptions(this.options.routes, this.options.auth !== undefined);
    return async (request, caller) => {
      const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
      if (!server) throw new Error(McpMessages.restNoHttpServer(route));
      const address = callerAddress(caller);
      const host = routeHost(served, caller?.headers.host);
      const headers: Record<string, string> = {
        accept: 'application/json',
        // Header arguments first: the caller's forwarded headers (its credentials, its tenant) win over them.
        ...request.headers,
        ...forwardedHeaders(caller, call.forwardHeaders),
        ...address.headers,
        ...served.headers,
        host: host.host,
      };
      // A host-bound route gets its own host; a proxy's X-Forwarded-Host (which req.hostname prefers behind trust
      // proxy) would name the MCP endpoint's.
      if (host.fixed) delete headers['x-forwarded-host'];
      return callInProcess(server, { ...request, headers }, {
        caller: address,
        target,
        route,
        timeoutMs: call.timeoutMs,
        maxResponseBytes: call.maxResponseBytes,
      });
    };
  }

  private selects(server: McpServerSelector | undefined): boolean {
    if (server === undefined) return true;
    return Array.isArray(server) ? server.includes(this.options.name) : server === this.options.name;
  }
}
