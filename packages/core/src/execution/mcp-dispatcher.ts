import { Inject, Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  PingRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolRequest,
  type CallToolResult,
  type JSONRPCRequest,
  type Result,
  type CompleteResult,
  type GetPromptResult,
  type ReadResourceResult,
  type ServerCapabilities,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { sharedJsonSchemaValidator } from '../registry/json-schema-validator.js';
import { formatZodIssues } from '../registry/schema.js';
import type { McpHandlerFn } from '../registry/mcp-registry.types.js';
import { currentMcpRequestContext } from '../context/request-context.js';
import { serializeOnce } from '../transports/json-rpc-text.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpContext } from './mcp-context.js';
import { McpSessionState } from './mcp-session-state.js';
import { toCallToolResult, toGetPromptResult, toReadResourceResult, toolErrorResult } from './mcp-results.js';
import { throwWithBareMessage, toMcpError, toolErrorText } from './mcp-error-mapper.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Handled = Promise<Result>;

const RESOURCE_NOT_FOUND = -32002;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * tools/call params in the common shape (name, object arguments, plain _meta) are taken as they are; anything
 * else goes through the SDK's schema, which gives the exact error. The shape check is what the schema checks.
 */
function callToolParams(request: JSONRPCRequest): CallToolRequest['params'] {
  const params = request.params;
  if (isObject(params) && typeof params.name === 'string' && params.task === undefined) {
    const { arguments: args, _meta: meta } = params;
    const token = isObject(meta) ? meta.progressToken : undefined;
    const plainMeta = meta === undefined || (isObject(meta) && (token === undefined || typeof token === 'string' || Number.isInteger(token)));
    if ((args === undefined || isObject(args)) && plainMeta) return params as CallToolRequest['params'];
  }
  return parseParams(CallToolRequestSchema, request).params;
}

/** A CallToolResult the tool built itself (not one we built from its value) is checked like the SDK does. */
function checkOwnResult(tool: string, value: unknown): void {
  if (!isObject(value) || !('content' in value || 'structuredContent' in value)) return;
  const checked = CallToolResultSchema.safeParse(value);
  if (!checked.success) throw new McpError(ErrorCode.InvalidParams, McpMessages.invalidToolResult(tool, formatZodIssues(checked.error.issues)));
}

function parseParams<T extends z.ZodType>(schema: T, request: unknown): z.output<T> {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const method = (request as { method?: string }).method ?? 'request';
    throw new McpError(ErrorCode.InvalidParams, McpMessages.invalidParams(method, formatZodIssues(parsed.error.issues)));
  }
  return parsed.data;
}

/**
 * Serves the MCP methods of one server from its registry. Each protocol connection (a session, or one
 * stateless request) gets an SDK `Server` (JSON-RPC correlation, negotiation, progress, cancellation) whose
 * handlers are these; nothing here grows with the number of registered tools.
 */
@Injectable()
export class McpDispatcher {
  readonly capabilities: ServerCapabilities;

  constructor(
    private readonly registry: McpRegistry,
    @Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions,
    private readonly auth: McpAuthenticator,
  ) {
    this.capabilities = {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
      ...options.capabilities,
    };
  }

  /** A protocol server for one connection, with its per-connection state. */
  createServer(sessionId: string | undefined): { server: Server; state: McpSessionState } {
    const { name, version, title, websiteUrl, icons, instructions } = this.options;
    const server = new Server(
      { name, version, ...(title && { title }), ...(websiteUrl && { websiteUrl }), ...(icons && { icons }) },
      { capabilities: this.capabilities, instructions, jsonSchemaValidator: sharedJsonSchemaValidator },
    );
    const state = new McpSessionState(sessionId);
    this.bind(server, state);
    return { server, state };
  }

  /**
   * Serves every method but initialize (the SDK answers it) through one
   * fallback handler per connection, rather than one registered handler per method: a session holds one
   * closure instead of two dozen, and a request is not schema-parsed again by the SDK's per-handler wrappers
   * (its tools/call wrapper parses the request and the result; we check params here, results we did not build
   * in checkOwnResult). The SDK still does correlation, progress, cancellation and server-to-client requests.
   */
  private bind(server: Server, state: McpSessionState): void {
    // The SDK's own logging/setLevel keeps the level per session id inside the Server; ours keeps it in the state.
    // Its ping parses params into a -32603 on wrong types; ours answers -32602, as for every method.
    server.removeRequestHandler('logging/setLevel');
    server.removeRequestHandler('ping');
    server.fallbackRequestHandler = (request, extra) => this.handle(request, extra, server, state).catch(throwWithBareMessage);
  }

  private async handle(request: JSONRPCRequest, extra: Extra, server: Server, state: McpSessionState): Handled {
    const registry = this.registry;
    // Params are checked (even where unused) so that wrong types get -32602. With auth, lists show each caller
    // what it may use (the same cached list for callers who may use everything, so it stays serialized once).
    switch (request.method) {
      case 'tools/call':
        return this.callTool(request, extra, server, state);
      case 'tools/list':
        return serializeOnce(registry.listTools(this.access(request, ListToolsRequestSchema)));
      case 'resources/list':
        return serializeOnce(registry.listResources(this.access(request, ListResourcesRequestSchema)));
      case 'resources/templates/list':
        return serializeOnce(registry.listResourceTemplates(this.access(request, ListResourceTemplatesRequestSchema)));
      case 'resources/read':
        return this.readResource(request, extra, server, state);
      case 'resources/subscribe':
        this.authorize(request);
        state.subscriptions.add(parseParams(SubscribeRequestSchema, request).params.uri);
        return {};
      case 'resources/unsubscribe':
        state.subscriptions.delete(parseParams(UnsubscribeRequestSchema, request).params.uri);
        return {};
      case 'prompts/list':
        return serializeOnce(registry.listPrompts(this.access(request, ListPromptsRequestSchema)));
      case 'prompts/get':
        return this.getPrompt(request, extra, server, state);
      case 'completion/complete':
        return this.complete(request, extra);
      case 'logging/setLevel':
        state.logLevel = parseParams(SetLevelRequestSchema, request).params.level;
        return {};
      case 'ping':
        parseParams(PingRequestSchema, request);
        return {};
      default:
        throw new McpError(ErrorCode.MethodNotFound, McpMessages.methodNotFound(request.method));
    }
  }

  /** Checks a list request's params; the caller's access decides what the list shows. */
  private access(request: JSONRPCRequest, schema: z.ZodType) {
    if (request.params !== undefined) parseParams(schema, request);
    return this.auth.accessOf(currentMcpRequestContext()?.request);
  }

  /**
   * Second line of the per-item authorization (the transports refuse at the HTTP level first, with a challenge):
   * whatever carried the message, a caller never reaches a tool, resource or prompt it may not use.
   */
  private authorize(request: unknown): void {
    const { method, params } = request as { method: string; params?: Record<string, unknown> };
    const refusal = this.auth.refusalFor(this.auth.accessOf(currentMcpRequestContext()?.request), method, params ?? {});
    if (!refusal) return;
    const text = refusal.status === 401 ? McpMessages.authAnonymousRefused() : McpMessages.authInsufficientScope(refusal.scopes);
    throw new McpError(ErrorCode.InvalidRequest, text);
  }

  private invoke(handler: McpHandlerFn, args: unknown, ctx: McpContext): Promise<unknown> {
    const store = currentMcpRequestContext();
    if (store) store.mcpContext = ctx;
    return handler(args, ctx);
  }

  private async callTool(request: JSONRPCRequest, extra: Extra, server: Server, state: McpSessionState): Promise<CallToolResult> {
    this.authorize(request);
    const params = callToolParams(request);
    const tool = this.registry.getTool(params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, McpMessages.unknownTool(params.name));
    const validated = await tool.input.validate(params.arguments ?? {});
    if (!validated.ok) return toolErrorResult(McpMessages.invalidToolArguments(tool.name, validated.error));
    const ctx = new McpContext('tools/call', params as Record<string, unknown>, extra, server, state);
    let value: unknown;
    try {
      value = await this.invoke(tool.handler, validated.value, ctx);
    } catch (error) {
      if (error instanceof McpError) throw error;
      return toolErrorResult(toolErrorText(error));
    }
    checkOwnResult(tool.name, value);
    const result = toCallToolResult(value, tool.output !== undefined);
    if (tool.output && result.structuredContent && !result.isError) {
      const checked = await tool.output.validate(result.structuredContent);
      if (!checked.ok) return toolErrorResult(McpMessages.invalidToolOutput(tool.name, checked.error));
    }
    return result;
  }

  private async readResource(request: unknown, extra: Extra, server: Server, state: McpSessionState): Promise<ReadResourceResult> {
    this.authorize(request);
    const { params } = parseParams(ReadResourceRequestSchema, request);
    const found = this.registry.findResource(params.uri);
    if (!found) throw new McpError(RESOURCE_NOT_FOUND, McpMessages.resourceNotFound(params.uri), { uri: params.uri });
    const ctx = new McpContext('resources/read', params as Record<string, unknown>, extra, server, state);
    try {
      const value = await this.invoke(found.entry.handler, found.variables, ctx);
      return toReadResourceResult(value, params.uri, found.entry.definition.mimeType);
    } catch (error) {
      throw toMcpError(error, RESOURCE_NOT_FOUND);
    }
  }

  private async getPrompt(request: unknown, extra: Extra, server: Server, state: McpSessionState): Promise<GetPromptResult> {
    this.authorize(request);
    const { params } = parseParams(GetPromptRequestSchema, request);
    const prompt = this.registry.getPrompt(params.name);
    if (!prompt) throw new McpError(ErrorCode.InvalidParams, McpMessages.unknownPrompt(params.name));
    let args: unknown = params.arguments ?? {};
    for (const argument of prompt.definition.arguments ?? []) {
      if (argument.required && (args as Record<string, string>)[argument.name] === undefined) {
        throw new McpError(ErrorCode.InvalidParams, McpMessages.missingPromptArgument(prompt.name, argument.name));
      }
    }
    if (prompt.args) {
      const validated = await prompt.args.validate(args);
      if (!validated.ok) throw new McpError(ErrorCode.InvalidParams, McpMessages.invalidPromptArguments(prompt.name, validated.error));
      args = validated.value;
    }
    const ctx = new McpContext('prompts/get', params as Record<string, unknown>, extra, server, state);
    try {
      return toGetPromptResult(await this.invoke(prompt.handler, args, ctx), prompt.definition.description);
    } catch (error) {
      throw toMcpError(error);
    }
  }

  private async complete(request: unknown, _extra: Extra): Promise<CompleteResult> {
    this.authorize(request);
    const { params } = parseParams(CompleteRequestSchema, request);
    const { ref, argument } = params;
    const complete =
      ref.type === 'ref/prompt'
        ? this.registry.getPrompt(ref.name)?.complete
        : this.registry.getResourceTemplate(ref.uri)?.complete;
    const fn = complete?.[argument.name];
    if (!fn) return { completion: { values: [], hasMore: false } };
    try {
      const values = await fn(argument.value, { arguments: params.context?.arguments ?? {} });
      return { completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 } };
    } catch (error) {
      throw toMcpError(error);
    }
  }
}
