import type { ExecutionContext, Type } from '@nestjs/common';
import { MCP_CONTEXT_TYPE } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpContext } from '../context/mcp-context.js';
import type { McpHandlerArgs } from './mcp-params.factory.js';

/**
 * Typed access to the MCP call in a guard, interceptor, filter or custom parameter decorator, like
 * `GqlExecutionContext` for GraphQL:
 *
 * ```ts
 * canActivate(context: ExecutionContext) {
 *   if (context.getType() !== 'mcp') return true;      // global guards also run on HTTP routes
 *   const mcp = McpExecutionContext.create(context);
 *   return mcp.toolName !== 'delete_everything' || mcp.user?.roles?.includes('admin');
 * }
 * ```
 */
export class McpExecutionContext {
  private constructor(private readonly context: ExecutionContext) {}

  /** Wraps an execution context of type `'mcp'`; throws for other types (check `isMcp()` first). */
  static create(context: ExecutionContext): McpExecutionContext {
    if (!McpExecutionContext.isMcp(context)) throw new Error(McpMessages.notMcpExecutionContext(context.getType()));
    return new McpExecutionContext(context);
  }

  /** Whether the context is an MCP call (tool, resource, prompt or completion handler). */
  static isMcp(context: ExecutionContext): boolean {
    return context.getType<string>() === MCP_CONTEXT_TYPE;
  }

  private get args(): McpHandlerArgs {
    return this.context.getArgs() as McpHandlerArgs;
  }

  /** The `McpContext` of the call (session, request id, progress, logging, ...). */
  get mcpContext(): McpContext {
    return this.args[1] as McpContext;
  }

  /** The MCP method: `tools/call`, `resources/read`, `prompts/get`, ... */
  get method(): string {
    return this.mcpContext.method;
  }

  /** The tool's name for `tools/call`, otherwise `undefined`. */
  get toolName(): string | undefined {
    return this.method === 'tools/call' ? (this.mcpContext.params.name as string) : undefined;
  }

  /** The prompt's name for `prompts/get`, otherwise `undefined`. */
  get promptName(): string | undefined {
    return this.method === 'prompts/get' ? (this.mcpContext.params.name as string) : undefined;
  }

  /** The resource URI for `resources/read`, otherwise `undefined`. */
  get resourceUri(): string | undefined {
    return this.method === 'resources/read' ? (this.mcpContext.params.uri as string) : undefined;
  }

  /** The validated arguments (tool arguments, prompt arguments, resource template variables). */
  getArguments<T = Record<string, unknown>>(): T {
    return this.args[0] as T;
  }

  /** Session id; `undefined` on a stateless server. */
  get sessionId(): string | undefined {
    return this.mcpContext.sessionId;
  }

  /** The HTTP request that carried the call (Express or Fastify request). */
  getHttpRequest<T = Record<string, unknown>>(): T {
    return this.args[2] as T;
  }

  /** What an auth guard put on the request as `req.auth` (token info), if anything. */
  get auth(): unknown {
    return (this.args[2] as { auth?: unknown } | undefined)?.auth;
  }

  /** What an auth guard put on the request as `req.user`, if anything. */
  get user(): any {
    return (this.args[2] as { user?: unknown } | undefined)?.user;
  }

  getClass<T = unknown>(): Type<T> {
    return this.context.getClass<T>();
  }

  getHandler(): (...args: unknown[]) => unknown {
    return this.context.getHandler() as (...args: unknown[]) => unknown;
  }
}
