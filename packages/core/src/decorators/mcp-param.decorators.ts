import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { PipeTransform, Type } from '@nestjs/common';

/** Parameter kinds understood by MCP handlers (see `McpParamsFactory`). */
export enum McpParamType {
  ARGS = 0,
  CONTEXT = 1,
  HTTP_REQUEST = 2,
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
