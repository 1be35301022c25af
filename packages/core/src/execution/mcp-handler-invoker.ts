import { Injectable } from '@nestjs/common';
import { PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
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
import { MCP_IMPLICIT_PARAMS } from '../decorators/mcp-param.decorators.js';

type Method = (...args: unknown[]) => unknown;

/** A metadata key no method has: Nest's context then reads no parameters and passes the call's arguments as they are. */
const NO_PARAMS_KEY = 'nestmcp:noParams';

function listsAny(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

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
  private readonly globals: ReturnType<typeof mcpGlobalEnhancers>;

  constructor(config: ApplicationConfig, modules: ModulesContainer, options: McpResolvedOptions) {
    // Nest's own context creators, reading the global enhancers through a view that keeps those for MCP handlers
    // (the only parts of the container they use are the modules and the application config).
    this.globals = mcpGlobalEnhancers(config, options.inheritGlobalEnhancers);
    const container = { applicationConfig: this.globals, getModules: () => modules };
    this.externalContextCreator = ExternalContextCreator.fromContainer(container as unknown as NestContainer);
  }

  create(wrapper: InstanceWrapper, methodName: string): McpHandlerFn {
    if (wrapper.isDependencyTreeStatic() && !wrapper.isTransient) {
      const instance = wrapper.instance as Record<string, Method>;
      const call = this.contextCall(instance, methodName, undefined, undefined, this.paramsKey(instance, methodName));
      return (args, ctx) => call(args, ctx, currentMcpRequestContext()?.request);
    }
    return (args, ctx) => this.callScoped(wrapper, methodName, args, ctx);
  }

  /**
   * Where Nest reads the handler's parameters. A method with the implicit ones (`applyDefaultMcpParams`: args, ctx,
   * request, no decorator of its own) and no pipe that applies to it (global, class or method) is called with the
   * call's arguments as they are: Nest would only copy them one by one through its pipes step, three async
   * functions and a Promise.all per call, to the same places. Guards, interceptors and filters see the same arguments.
   */
  private paramsKey(instance: Record<string, Method>, methodName: string): string {
    if (!Reflect.getMetadata(MCP_IMPLICIT_PARAMS, instance.constructor, methodName)) return ROUTE_ARGS_METADATA;
    // Any pipe at all, as metadata (a transient or request-scoped one has no instance to look at yet).
    const pipes =
      listsAny(this.globals.getGlobalPipes()) ||
      listsAny(this.globals.getGlobalRequestPipes()) ||
      listsAny(Reflect.getMetadata(PIPES_METADATA, instance.constructor)) ||
      listsAny(Reflect.getMetadata(PIPES_METADATA, instance[methodName]));
    return pipes ? ROUTE_ARGS_METADATA : NO_PARAMS_KEY;
  }

  private contextCall(
    instance: Record<string, Method>,
    methodName: string,
    contextId?: ReturnType<typeof ContextIdFactory.create>,
    inquirerId?: string,
    paramsKey: string = ROUTE_ARGS_METADATA,
  ) {
    return this.externalContextCreator.create(
      instance,
      instance[methodName],
      methodName,
      paramsKey,
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
