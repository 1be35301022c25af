import { Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, ContextIdFactory, ExternalContextCreator, ModuleRef, ModulesContainer } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { MCP_CONTEXT_TYPE } from '../mcp.constants.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { mcpGlobalEnhancers } from './mcp-global-enhancers.js';
import type { McpHandlerFn } from '../registry/mcp-registry.types.js';
import { currentMcpRequestContext } from '../context/request-context.js';
import type { McpContext } from '../context/mcp-context.js';
import { McpParamsFactory } from './mcp-params.factory.js';

type Method = (...args: unknown[]) => unknown;

/**
 * Turns a decorated provider method into an `McpHandlerFn` that runs through the Nest pipeline
 * (guards, interceptors, pipes, exception filters) with context type `'mcp'`.
 *
 * The enhancers are those bound on the provider's class and method (`@UseGuards()`, ...), plus the app's global ones
 * that apply to MCP handlers (`@ApplyToMcpHandlers()`, `inheritGlobalEnhancers`): the others already ran on the MCP
 * HTTP route that carried the call, in the `'http'` context they were written for (docs/enhancers.md).
 *
 * Static providers are bound once, at bootstrap. Request-scoped, transient-in-scoped and durable providers
 * are resolved for every call from a context id tied to the HTTP request that carried it, never run on
 * the placeholder instance that discovery sees.
 */
@Injectable()
export class McpHandlerInvoker {
  private readonly paramsFactory = new McpParamsFactory();
  private readonly externalContextCreator: ExternalContextCreator;

  constructor(config: ApplicationConfig, modules: ModulesContainer, options: McpResolvedOptions) {
    // Nest's own context creators, reading the global enhancers through a view that keeps those for MCP handlers
    // (the only parts of the container they use are the modules and the application config).
    const container = { applicationConfig: mcpGlobalEnhancers(config, options.inheritGlobalEnhancers), getModules: () => modules };
    this.externalContextCreator = ExternalContextCreator.fromContainer(container as unknown as NestContainer);
  }

  create(wrapper: InstanceWrapper, methodName: string): McpHandlerFn {
    if (wrapper.isDependencyTreeStatic() && !wrapper.isTransient) {
      const instance = wrapper.instance as Record<string, Method>;
      const call = this.contextCall(instance, methodName);
      return (args, ctx) => call(args, ctx, currentMcpRequestContext()?.request);
    }
    return (args, ctx) => this.callScoped(wrapper, methodName, args, ctx);
  }

  private contextCall(instance: Record<string, Method>, methodName: string, contextId?: ReturnType<typeof ContextIdFactory.create>, inquirerId?: string) {
    return this.externalContextCreator.create(
      instance,
      instance[methodName],
      methodName,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      contextId,
      inquirerId,
      undefined,
      MCP_CONTEXT_TYPE,
    );
  }

  private async callScoped(wrapper: InstanceWrapper, methodName: string, args: unknown, ctx: McpContext): Promise<unknown> {
    const request = currentMcpRequestContext()?.request;
    const requestObject = request && typeof request === 'object' ? request : undefined;
    // One context id per HTTP request: request-scoped providers (and REQUEST) resolve to that request.
    const contextId = requestObject ? ContextIdFactory.getByRequest(requestObject) : ContextIdFactory.create();
    const moduleRef = wrapper.host?.providers.get(ModuleRef)?.instance as ModuleRef | undefined;
    if (!moduleRef) throw new Error(`No module reference for ${String(wrapper.name)}`);
    if (requestObject) moduleRef.registerRequestByContextId(requestObject, contextId);
    const instance = (await moduleRef.resolve(wrapper.token, contextId, { strict: true })) as Record<string, Method>;
    return this.contextCall(instance, methodName, contextId, wrapper.id)(args, ctx, request);
  }
}
