import { Injectable } from '@nestjs/common';
import { Server, type ServerOptions } from '@modelcontextprotocol/sdk/server/index.js';
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
  type CallToolRequest,
  type JSONRPCRequest,
  type RequestId,
  type Result,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { sharedJsonSchemaValidator } from '../schema/json-schema-validator.js';
import { formatZodIssues } from '../schema/schema.js';
import { serializeOnce } from '../http/json-rpc-text.js';
import { McpContext, type McpContextExtra } from '../context/mcp-context.js';
import { McpSessionState } from '../context/mcp-session-state.js';
import { McpOperations, type McpInvocation } from '../operations/mcp-operations.js';
import { McpOperationError } from '../operations/mcp-operation-error.js';
import { throwWithBareMessage, wireError } from './mcp-wire-error.js';
import { compactProtocolServer } from './protocol-server-state.js';
import { useCheckedHandshake } from './checked-handshake.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Told when the dispatcher's handler of a request has settled (its method returned, threw or was abandoned), so a
 * transport can count a request whose client left until it really ends. Implemented by our transports.
 */
export interface McpRequestTracker {
  requestSettled(id: RequestId): void;
}

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

function parseParams<T extends z.ZodType>(schema: T, request: unknown): z.output<T> {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const method = (request as { method?: string }).method ?? 'request';
    throw new McpError(ErrorCode.InvalidParams, McpMessages.invalidParams(method, formatZodIssues(parsed.error.issues)));
  }
  return parsed.data;
}

/** How the core runs a 2025 method: its McpContext is made of the SDK's handler extra, server and connection state. */
class SessionInvocation implements McpInvocation {
  constructor(
    private readonly extra: Extra,
    private readonly server: Server,
    private readonly state: McpSessionState,
  ) {}

  context(method: string, params: Record<string, unknown>): McpContext {
    return new McpContext(method, params, this.extra as McpContextExtra, this.server, this.state);
  }
}

/**
 * The 2025-11-25 revision's SDK glue: each protocol connection (a session, or one stateless request) gets an SDK
 * `Server` (JSON-RPC correlation, negotiation, progress, cancellation, server-to-client requests) whose requests
 * go to the core of operations (`McpOperations`); neutral errors become `McpError`s. Nothing here grows with the
 * number of registered tools.
 */
@Injectable()
export class McpDispatcher {
  /** The options of every connection's SDK Server: one object (the SDK keeps it, and never changes it). */
  private readonly serverOptions: ServerOptions;

  constructor(
    private readonly operations: McpOperations,
    private readonly options: McpResolvedOptions,
  ) {
    const { capabilities, instructions } = operations;
    this.serverOptions = Object.freeze({ capabilities, instructions, jsonSchemaValidator: sharedJsonSchemaValidator });
  }

  get capabilities() {
    return this.operations.capabilities;
  }

  /**
   * A protocol server for one connection, with its state (given, or a fresh one for `sessionId`). `tracker` is told
   * when each request's handler settles.
   */
  createServer(state: McpSessionState | string | undefined, tracker?: McpRequestTracker): { server: Server; state: McpSessionState } {
    const connectionState =
      state instanceof McpSessionState ? state : new McpSessionState(state, this.options.limits.maxSubscriptionsPerSession);
    const server = new Server(this.operations.serverInfo, this.serverOptions);
    this.bind(server, connectionState, tracker);
    return { server, state: connectionState };
  }

  /**
   * Serves every method but initialize (the SDK answers it) through one fallback handler per connection, rather
   * than one registered handler per method: a session holds one closure instead of two dozen, and a request is not
   * schema-parsed again by the SDK's per-handler wrappers (its tools/call wrapper parses the request and the
   * result; the core checks results we did not build). The SDK still does correlation, progress, cancellation and
   * server-to-client requests.
   */
  private bind(server: Server, state: McpSessionState, tracker: McpRequestTracker | undefined): void {
    // The SDK's own logging/setLevel keeps the level per session id inside the Server; ours keeps it in the state.
    // Its ping parses params into a -32603 on wrong types; ours answers -32602, as for every method.
    server.removeRequestHandler('logging/setLevel');
    server.removeRequestHandler('ping');
    server.fallbackRequestHandler = (request, extra) => this.handle(request, extra, server, state, tracker);
    useCheckedHandshake(server);
    compactProtocolServer(server);
  }

  private async handle(request: JSONRPCRequest, extra: Extra, server: Server, state: McpSessionState, tracker?: McpRequestTracker): Promise<Result> {
    try {
      return await this.dispatch(request, extra, server, state);
    } catch (error) {
      // Errors leave with their bare message (no "MCP error N: " prefix), neutral ones as the SDK's McpError.
      if (error instanceof McpOperationError) throw wireError(error.code, error.message, error.data);
      return throwWithBareMessage(error);
    } finally {
      tracker?.requestSettled(request.id);
    }
  }

  private async dispatch(request: JSONRPCRequest, extra: Extra, server: Server, state: McpSessionState): Promise<Result> {
    const operations = this.operations;
    // Params are checked (even where unused) so that wrong types get -32602. Lists are the cached results, so the
    // transport writes their serialized bytes.
    switch (request.method) {
      case 'tools/call':
        return (await operations.callTool(callToolParams(request) as Record<string, unknown>, new SessionInvocation(extra, server, state))) as Result;
      case 'tools/list':
        this.check(request, ListToolsRequestSchema);
        return serializeOnce(operations.listTools());
      case 'resources/list':
        this.check(request, ListResourcesRequestSchema);
        return serializeOnce(operations.listResources());
      case 'resources/templates/list':
        this.check(request, ListResourceTemplatesRequestSchema);
        return serializeOnce(operations.listResourceTemplates());
      case 'resources/read': {
        const { params } = parseParams(ReadResourceRequestSchema, request);
        return ((await operations.readResource(params as Record<string, unknown>, new SessionInvocation(extra, server, state))) as { result: Result }).result;
      }
      case 'resources/subscribe': {
        operations.authorize(request.method, request.params ?? {});
        const { uri } = parseParams(SubscribeRequestSchema, request).params;
        operations.checkSubscribable(uri);
        if (!(await state.subscribe(uri))) {
          throw new McpError(McpErrorCode.ServerError, McpMessages.tooManySubscriptions(this.options.limits.maxSubscriptionsPerSession));
        }
        return {};
      }
      case 'resources/unsubscribe':
        await state.unsubscribe(parseParams(UnsubscribeRequestSchema, request).params.uri);
        return {};
      case 'prompts/list':
        this.check(request, ListPromptsRequestSchema);
        return serializeOnce(operations.listPrompts());
      case 'prompts/get': {
        const { params } = parseParams(GetPromptRequestSchema, request);
        return (await operations.getPrompt(params as Record<string, unknown>, new SessionInvocation(extra, server, state))) as Result;
      }
      case 'completion/complete': {
        const { params } = parseParams(CompleteRequestSchema, request);
        return operations.complete(params as Record<string, unknown>);
      }
      case 'logging/setLevel':
        await state.setLogLevel(parseParams(SetLevelRequestSchema, request).params.level);
        return {};
      case 'ping':
        parseParams(PingRequestSchema, request);
        return {};
      default:
        throw new McpError(ErrorCode.MethodNotFound, McpMessages.methodNotFound(request.method));
    }
  }

  private check(request: JSONRPCRequest, schema: z.ZodType): void {
    if (request.params !== undefined) parseParams(schema, request);
  }
}
