import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import type { McpServerSelector } from '../interfaces/mcp-tool-options.interface.js';
import type { McpCompleteFn, McpCompleter } from '../interfaces/mcp-resource-options.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { McpHandlerInvoker } from '../execution/mcp-handler-invoker.js';
import { McpMetadataAccessor } from './mcp-metadata.accessor.js';
import { guardMetadataHint, type DiscoveredMcpHandler } from './guard-metadata-hint.js';

/**
 * Finds `@McpTool()`, `@McpResource()` and `@McpPrompt()` methods on the application's providers at
 * bootstrap and registers the ones that belong to this server in its registry.
 *
 * A method belongs to this server when its provider is declared in one of the `include` modules (or
 * `include` is not set) and its decorator's `server` option names this server (or is not set).
 */
@Injectable()
export class McpExplorer implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('McpEnhancers');
  /** What was registered, for the start-up hint about metadata no global guard checks. */
  private readonly handlers: DiscoveredMcpHandler[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: McpMetadataAccessor,
    private readonly invoker: McpHandlerInvoker,
    private readonly registry: McpRegistry,
    @Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions,
    private readonly config: ApplicationConfig,
  ) {}

  onModuleInit(): void {
    this.explore();
  }

  /** After every global enhancer is known (`app.useGlobalGuards()` included). */
  onApplicationBootstrap(): void {
    const hint = guardMetadataHint(this.options.name, this.config, this.options.inheritGlobalEnhancers, this.handlers);
    if (hint) this.logger.warn(hint);
  }

  explore(): void {
    const providers = this.discovery.getProviders(this.options.include ? { include: this.options.include } : undefined);
    for (const wrapper of providers) {
      const prototype = this.prototypeOf(wrapper);
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        this.registerMethod(wrapper, prototype, methodName);
      }
    }
  }

  private prototypeOf(wrapper: InstanceWrapper): object | undefined {
    // Class providers only: factory and value providers have no decorated methods of their own to bind.
    if (wrapper.isAlias || !wrapper.metatype || wrapper.inject || !wrapper.instance) return undefined;
    return (wrapper.metatype as { prototype?: object }).prototype;
  }

  private registerMethod(wrapper: InstanceWrapper, prototype: object, methodName: string): void {
    const method = (prototype as Record<string, (...args: unknown[]) => unknown>)[methodName];
    const source = `${String(wrapper.name)}.${methodName}`;
    const access = (declared: string[] | undefined) => this.access(method, wrapper, declared);
    const found = (item: string) => this.handlers.push({ item, source, method, type: wrapper.metatype as object });
    const tool = this.accessor.getTool(method);
    if (tool && this.selects(tool.server)) {
      this.registry.registerTool({ ...tool, name: tool.name ?? methodName, ...access(tool.scopes) }, this.invoker.create(wrapper, methodName), source);
      found(`tool "${tool.name ?? methodName}"`);
    }
    const resource = this.accessor.getResource(method);
    if (resource && this.selects(resource.server)) {
      this.registry.registerResource(
        { ...resource, name: resource.name ?? methodName, complete: this.completers(wrapper, resource.complete), ...access(resource.scopes) },
        this.invoker.create(wrapper, methodName),
        source,
      );
      found(`resource "${resource.uri ?? resource.uriTemplate}"`);
    }
    const prompt = this.accessor.getPrompt(method);
    if (prompt && this.selects(prompt.server)) {
      this.registry.registerPrompt(
        { ...prompt, name: prompt.name ?? methodName, complete: this.completers(wrapper, prompt.complete), ...access(prompt.scopes) },
        this.invoker.create(wrapper, methodName),
        source,
      );
      found(`prompt "${prompt.name ?? methodName}"`);
    }
  }

  /** Completers named by method run on the provider, through the same pipeline as its other MCP methods. */
  private completers(wrapper: InstanceWrapper, complete: Record<string, McpCompleter> | undefined): Record<string, McpCompleteFn> | undefined {
    if (!complete) return undefined;
    const entries = Object.entries(complete).map(([argument, completer]): [string, McpCompleteFn] => {
      if (typeof completer === 'function') return [argument, completer];
      const handler = this.invoker.create(wrapper, completer);
      return [argument, (value, context) => handler(value, context as never) as Promise<string[]>];
    });
    return Object.fromEntries(entries);
  }

  /** Scopes (the decorator's own plus `@RequireScopes()`) and `@McpPublic()` of a method. */
  private access(method: (...args: unknown[]) => unknown, wrapper: InstanceWrapper, declared: string[] | undefined) {
    const type = wrapper.metatype as object;
    return { scopes: [...(declared ?? []), ...this.accessor.getScopes(method, type)], public: this.accessor.isPublic(method, type) };
  }

  private selects(server: McpServerSelector | undefined): boolean {
    if (server === undefined) return true;
    return Array.isArray(server) ? server.includes(this.options.name) : server === this.options.name;
  }
}
