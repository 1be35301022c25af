import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { PipeTransform, Type } from '@nestjs/common';

/**
 * Parameter kinds understood by MCP handlers (see `McpParamsFactory`). The arguments are Nest's route param type
 * "body" (so `ValidationPipe` validates a DTO there); the context and the HTTP request are numbers no Nest route
 * param type has, which pipes see as "custom". They must not be RESPONSE (1) or NEXT (2): on a controller method
 * that is also a route (a route tool, docs/rest-as-tools.md) Nest would then leave the response to the method.
 */
export enum McpParamType {
  ARGS = 3,
  CONTEXT = 101,
  HTTP_REQUEST = 102,
}

/** Marks a method whose parameters are the implicit ones of `applyDefaultMcpParams` (none declared). */
export const MCP_IMPLICIT_PARAMS = 'nestmcp:implicitParams';

function createMcpParamDecorator(type: McpParamType) {
  return (data?: string, ...pipes: (Type<PipeTransform> | PipeTransform)[]): ParameterDecorator =>
    (target, key, index) => {
      const existing = Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key!) ?? {};
      Reflect.defineMetadata(
        ROUTE_ARGS_METADATA,
        { ...existing, [`${type}:${index}`]: { index, data, pipes } },
        target.constructor,
        key!,
      );
    };
}

/**
 * The tool, resource or prompt arguments (or one property of them). Needed only when a method also uses a
 * custom parameter decorator (`createParamDecorator`): then every parameter must be decorated, as on routes.
 * Pipes given here (or with `@UsePipes`) run on the value, e.g. `@McpArgs(new ValidationPipe())`.
 */
export const McpArgs: (property?: string, ...pipes: (Type<PipeTransform> | PipeTransform)[]) => ParameterDecorator =
  createMcpParamDecorator(McpParamType.ARGS);

/** The `McpContext` of the call (see `@McpArgs()` for when a decorator is needed). */
export const McpCtx = (): ParameterDecorator => createMcpParamDecorator(McpParamType.CONTEXT)();

/** The HTTP request that carried the call (Express or Fastify request object). */
export const McpHttpRequest = (): ParameterDecorator => createMcpParamDecorator(McpParamType.HTTP_REQUEST)();

/**
 * Gives an MCP handler method without parameter decorators the implicit ones: `(@McpArgs() args, @McpCtx() ctx,
 * @McpHttpRequest() req)`, so pipes (`@UsePipes`, global pipes) run on its arguments as on a route's body.
 * Called by `@McpTool` / `@McpResource` / `@McpPrompt` when they are applied, which is after the parameter
 * decorators: a method with any parameter decorator keeps exactly the ones it declares.
 */
export function applyDefaultMcpParams(target: object, key: string | symbol, method?: unknown): void {
  if (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key)) return;
  // A route (`@Get()` applied before): its parameters are the route's, the tool calls it over HTTP.
  if (typeof method === 'function' && Reflect.getMetadata(PATH_METADATA, method) !== undefined) return;
  const param = (type: McpParamType, index: number) => ({ [`${type}:${index}`]: { index, data: undefined, pipes: [] } });
  Reflect.defineMetadata(
    ROUTE_ARGS_METADATA,
    { ...param(McpParamType.ARGS, 0), ...param(McpParamType.CONTEXT, 1), ...param(McpParamType.HTTP_REQUEST, 2) },
    target.constructor,
    key,
  );
  Reflect.defineMetadata(MCP_IMPLICIT_PARAMS, true, target.constructor, key);
}
