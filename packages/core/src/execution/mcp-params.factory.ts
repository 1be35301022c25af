import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import { McpParamType } from '../decorators/mcp-param.decorators.js';

/**
 * The arguments every MCP handler is invoked with, in this order. Guards and interceptors see them through
 * `context.getArgs()`, `context.switchToRpc()` (data = arguments, context = McpContext) or `McpExecutionContext`.
 */
export type McpHandlerArgs = [args: unknown, ctx: unknown, httpRequest: unknown];

/** Maps `@McpArgs()`, `@McpCtx()` and `@McpHttpRequest()` to values. */
export class McpParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData, args: McpHandlerArgs): unknown {
    switch (type as McpParamType) {
      case McpParamType.ARGS:
        return data && args[0] && typeof args[0] === 'object' ? (args[0] as Record<string, unknown>)[data as string] : args[0];
      case McpParamType.CONTEXT:
        return args[1];
      case McpParamType.HTTP_REQUEST:
        return args[2];
      default:
        return undefined;
    }
  }
}
