import { Inject, Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
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
  type CallToolResult,
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
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpContext } from './mcp-context.js';
import { McpSessionState } from './mcp-session-state.js';
import { toCallToolResult, toGetPromptResult, toReadResourceResult, toolErrorResult } from './mcp-results.js';
import { toMcpError, toolErrorText } from './mcp-error-mapper.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type RequestSchema = Parameters<Server['setRequestHandler']>[0];

/** Only the method literal is checked by the SDK, so that bad params get -32602 from us rather than -32603. */
const methodOnly = (method: string) => z.looseObject({ method: z.literal(method) }) as unknown as RequestSchema;
const LIST_TOOLS = methodOnly('tools/list');
const CALL_TOOL = methodOnly('tools/call');
const LIST_RESOURCES = methodOnly('resources/list');
const LIST_TEMPLATES = methodOnly('resources/templates/list');
const READ_RESOURCE = methodOnly('resources/read');
const SUBSCRIBE = methodOnly('resources/subscribe');
const UNSUBSCRIBE = methodOnly('resources/unsubscribe');
const LIST_PROMPTS = methodOnly('prompts/list');
const GET_PROMPT = methodOnly('prompts/get');
const COMPLETE = methodOnly('completion/complete');
const SET_LEVEL = methodOnly('logging/setLevel');
const PING = methodOnly('ping');

const RESOURCE_NOT_FOUND = -32002;

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

  private bind(server: Server, state: McpSessionState): void {
    const registry = this.registry;
    // Params are checked here (even where unused) so that wrong types get -32602, as for every method.
    // With auth, lists show each caller what it may use (McpAccessList keeps the shared list for callers who may use all).
    const access = () => this.auth.accessOf(currentMcpRequestContext()?.request);
    server.setRequestHandler(PING, (request) => (parseParams(PingRequestSchema, request), {}));
    server.setRequestHandler(LIST_TOOLS, (request) => (parseParams(ListToolsRequestSchema, request), registry.listTools(access())));
    server.setRequestHandler(CALL_TOOL, (request, extra) => this.callTool(request, extra, server, state));
    server.setRequestHandler(LIST_RESOURCES, (request) => (parseParams(ListResourcesRequestSchema, request), registry.listResources(access())));
    server.setRequestHandler(LIST_TEMPLATES, (request) => (parseParams(ListResourceTemplatesRequestSchema, request), registry.listResourceTemplates(access())));
    server.setRequestHandler(READ_RESOURCE, (request, extra) => this.readResource(request, extra, server, state));
    server.setRequestHandler(SUBSCRIBE, (request) => {
      this.authorize(request);
      state.subscriptions.add(parseParams(SubscribeRequestSchema, request).params.uri);
      return {};
    });
    server.setRequestHandler(UNSUBSCRIBE, (request) => {
      state.subscriptions.delete(parseParams(UnsubscribeRequestSchema, request).params.uri);
      return {};
    });
    server.setRequestHandler(LIST_PROMPTS, (request) => (parseParams(ListPromptsRequestSchema, request), registry.listPrompts(access())));
    server.setRequestHandler(GET_PROMPT, (request, extra) => this.getPrompt(request, extra, server, state));
    server.setRequestHandler(COMPLETE, (request, extra) => this.complete(request, extra));
    server.setRequestHandler(SET_LEVEL, (request) => {
      state.logLevel = parseParams(SetLevelRequestSchema, request).params.level;
      return {};
    });
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

  private async callTool(request: unknown, extra: Extra, server: Server, state: McpSessionState): Promise<CallToolResult> {
    this.authorize(request);
    const { params } = parseParams(CallToolRequestSchema, request);
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
