import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  Implementation,
  LoggingLevel,
  RequestId,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { McpMessages } from '../mcp.messages.js';
import { currentMcpRequestContext } from '../context/request-context.js';
import { compileSchema, isZodSchema } from '../registry/schema.js';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import type { McpSessionState } from './mcp-session-state.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Structured logging to the client (`notifications/message`), honouring the level it set with logging/setLevel. */
export interface McpLogger {
  debug(data: unknown, logger?: string): Promise<void>;
  info(data: unknown, logger?: string): Promise<void>;
  notice(data: unknown, logger?: string): Promise<void>;
  warning(data: unknown, logger?: string): Promise<void>;
  error(data: unknown, logger?: string): Promise<void>;
}

/**
 * The context of one MCP request, given to every tool, resource and prompt method as its second parameter
 * and available anywhere below it through `getMcpContext()`.
 */
export class McpContext {
  readonly log: McpLogger;

  constructor(
    /** The MCP method being served, e.g. `tools/call`. */
    readonly method: string,
    /** The request's params as the client sent them. */
    readonly params: Record<string, unknown>,
    private readonly extra: Extra,
    private readonly server: Server,
    private readonly state: McpSessionState,
  ) {
    const send = (level: LoggingLevel) => (data: unknown, logger?: string) => this.sendLog(level, data, logger);
    this.log = { debug: send('debug'), info: send('info'), notice: send('notice'), warning: send('warning'), error: send('error') };
  }

  /** Session id; `undefined` on a stateless server. */
  get sessionId(): string | undefined {
    return this.extra.sessionId;
  }

  /** JSON-RPC id of the request. */
  get requestId(): RequestId {
    return this.extra.requestId;
  }

  /** Aborted when the client cancels the request (notifications/cancelled) or the session ends. */
  get signal(): AbortSignal {
    return this.extra.signal;
  }

  /** Client name and version from initialize (stateful sessions). */
  get clientInfo(): Implementation | undefined {
    return this.server.getClientVersion();
  }

  /** Client capabilities from initialize (stateful sessions). */
  get clientCapabilities(): ClientCapabilities | undefined {
    return this.server.getClientCapabilities();
  }

  /** `_meta` of the request, e.g. its `progressToken`. */
  get meta(): Record<string, unknown> | undefined {
    return this.extra._meta as Record<string, unknown> | undefined;
  }

  /** The HTTP request that carried this message (same as `getHttpRequest()`). */
  get httpRequest(): unknown {
    return currentMcpRequestContext()?.request;
  }

  /**
   * Reports progress to the client, if it asked for progress (sent a progressToken); otherwise does nothing.
   * Returns whether a notification was sent.
   */
  async reportProgress(progress: number, total?: number, message?: string): Promise<boolean> {
    const progressToken = this.extra._meta?.progressToken;
    if (progressToken === undefined) return false;
    await this.extra.sendNotification({
      method: 'notifications/progress',
      params: { progressToken, progress, ...(total !== undefined && { total }), ...(message !== undefined && { message }) },
    });
    return true;
  }

  /**
   * Closes the SSE stream that carries this request's messages, so the client reconnects (after the `retry`
   * the server sent) with Last-Event-ID and receives the rest from the event store: polling for long-running
   * work (SEP-1699). Returns false (and does nothing) unless the transport has `resumability` and this request's
   * answer goes on an SSE stream. The stream is closed after the events already sent, and only if the client got
   * an event id to resume from (clients before 2025-11-25 get no priming event: their stream stays open).
   */
  closeSSEStream(): boolean {
    if (!this.extra.closeSSEStream) return false;
    this.extra.closeSSEStream();
    return true;
  }

  private async sendLog(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    if (!this.state.wantsLog(level)) return;
    await this.extra.sendNotification({
      method: 'notifications/message',
      params: { level, data, ...(logger !== undefined && { logger }) },
    });
  }

  /**
   * Asks the user for input through the client (elicitation/create, form mode). `schema` is a flat object
   * schema (zod or JSON Schema) of what to ask. Needs a stateful session and a client with the elicitation capability.
   */
  async elicit(message: string, schema: z.ZodType | JsonSchemaObject): Promise<ElicitResult> {
    this.assertServerRequestPossible('elicit()', 'elicitation');
    const requestedSchema = (isZodSchema(schema) ? compileSchema(schema, 'elicit()').jsonSchema : schema) as ElicitRequestFormParams['requestedSchema'];
    return this.server.elicitInput(
      { mode: 'form', message, requestedSchema },
      { relatedRequestId: this.extra.requestId, signal: this.extra.signal },
    );
  }

  /** Asks the client's model for a completion (sampling/createMessage). Needs a stateful session and the sampling capability. */
  async sample(params: CreateMessageRequestParams): Promise<CreateMessageResult> {
    this.assertServerRequestPossible('sample()', 'sampling');
    return this.server.createMessage(params, { relatedRequestId: this.extra.requestId, signal: this.extra.signal }) as Promise<CreateMessageResult>;
  }

  private assertServerRequestPossible(what: string, capability: keyof ClientCapabilities): void {
    if (this.extra.sessionId === undefined) throw new Error(McpMessages.statelessServerRequest(what));
    if (!this.server.getClientCapabilities()?.[capability]) throw new Error(McpMessages.clientLacksCapability(what, capability));
  }
}
