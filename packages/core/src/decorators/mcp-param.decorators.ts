import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { PipeTransform, Type } from '@nestjs/common';

/**
 * Parameter kinds understood by MCP handlers (see `McpParamsFactory`). The numbers are Nest's route param
 * types where that helps pipes: the arguments are the "body" (so `ValidationPipe` validates a DTO there), the
 * context and the HTTP request are "custom" (pipes such as `ValidationPipe` leave them alone).
 */
export enum McpParamType {
  CONTEXT = 1,
  HTTP_REQUEST = 2,
  ARGS = 3,
}

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
export function applyDefaultMcpParams(target: object, key: string | symbol): void {
  if (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key)) return;
  const param = (type: McpParamType, index: number) => ({ [`${type}:${index}`]: { index, data: undefined, pipes: [] } });
  Reflect.defineMetadata(
    ROUTE_ARGS_METADATA,
    { ...param(McpParamType.ARGS, 0), ...param(McpParamType.CONTEXT, 1), ...param(McpParamType.HTTP_REQUEST, 2) },
    target.constructor,
    key,
  );
}
