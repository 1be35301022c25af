import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  Implementation,
  ListRootsResult,
  LoggingLevel,
  RequestId,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { McpMessages } from '../mcp.messages.js';
import { currentMcpRequestContext } from './request-context.js';
import { compileSchema, isZodSchema } from '../schema/schema.js';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';

/** What the context asks of the connection's state: whether the client wants a log message of this level. */
export interface McpLogFilter {
  wantsLog(level: LoggingLevel): boolean;
}

/** What the context uses of the protocol request it serves (the SDK's handler extra on the 2025 path). */
export type McpContextExtra = Pick<RequestHandlerExtra<ServerRequest, ServerNotification>, 'sessionId' | 'requestId' | 'signal' | '_meta' | 'sendNotification' | 'closeSSEStream'>;
/** What the context uses of the protocol server (the SDK `Server` on the 2025 path). */
export type McpContextServer = Pick<Server, 'getClientVersion' | 'getClientCapabilities' | 'elicitInput' | 'createMessage' | 'listRoots'>;

/** Options of `elicit()`, `sample()` and `listRoots()`. */
export interface McpInputOptions {
  /**
   * 2026-07-28: the key of this input in `inputRequests` / `inputResponses`, e.g. `'user_name'`.
   * Default: `elicit-0`, `elicit-1`, ... (`sample-n`, `roots-n`) in the order the method asks.
   */
  key?: string;
}

/**
 * How `elicit()` / `sample()` reach the client when there is no server-to-client request: on the 2026-07-28
 * path they are answered from the retried request (multi-round-trip), or end the call with `input_required`.
 */
export interface McpClientInputs {
  elicit(message: string, requestedSchema: ElicitRequestFormParams['requestedSchema'], options?: McpInputOptions): Promise<ElicitResult>;
  sample(params: CreateMessageRequestParams, options?: McpInputOptions): Promise<CreateMessageResult>;
  listRoots(options?: McpInputOptions): Promise<ListRootsResult>;
}

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
  private logger?: McpLogger;
  private settled = false;

  constructor(
    /** The MCP method being served, e.g. `tools/call`. */
    readonly method: string,
    /** The request's params as the client sent them. */
    readonly params: Record<string, unknown>,
    private readonly extra: McpContextExtra,
    private readonly server: McpContextServer,
    private readonly state: McpLogFilter,
    /** Set on the 2026-07-28 path: elicit()/sample() become multi-round-trip input requests. */
    private readonly inputs?: McpClientInputs,
  ) {}

  /** Structured logging to the client; made when a method first asks for it (most never do). */
  get log(): McpLogger {
    if (!this.logger) {
      const send = (level: LoggingLevel) => (data: unknown, logger?: string) => this.sendLog(level, data, logger);
      this.logger = { debug: send('debug'), info: send('info'), notice: send('notice'), warning: send('warning'), error: send('error') };
    }
    return this.logger;
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

  /**
   * Marks the call as over (its method settled, or its request was answered, cancelled or timed out): what it
   * sends afterwards (logs, progress) is dropped, so it can never reach a stream that now serves another request.
   * Called by the core of operations.
   */
  settle(): void {
    this.settled = true;
  }

  /** Whether messages of this call may still go to the client. */
  private get live(): boolean {
    return !this.settled && !this.extra.signal.aborted;
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
    if (progressToken === undefined || !this.live) return false;
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
    if (!this.live || !this.state.wantsLog(level)) return;
    await this.extra.sendNotification({
      method: 'notifications/message',
      params: { level, data, ...(logger !== undefined && { logger }) },
    });
  }

  /**
   * Asks the user for input through the client (elicitation/create, form mode). `schema` is a flat object
   * schema (zod or JSON Schema) of what to ask. Needs a client with the elicitation capability.
   * 2025-11-25: a server-to-client request in a stateful session. 2026-07-28: the call ends with
   * `input_required`; when the client retries with the answer, the method runs again from the start and this
   * call returns that answer (see docs/protocol-versions.md, "MRTR for tool authors").
   */
  async elicit(message: string, schema: z.ZodType | JsonSchemaObject, options?: McpInputOptions): Promise<ElicitResult> {
    const requestedSchema = (isZodSchema(schema) ? compileSchema(schema, 'elicit()').jsonSchema : schema) as ElicitRequestFormParams['requestedSchema'];
    if (this.inputs) return this.inputs.elicit(message, requestedSchema, options);
    this.assertServerRequestPossible('elicit()', 'elicitation');
    return this.server.elicitInput(
      { mode: 'form', message, requestedSchema },
      { relatedRequestId: this.extra.requestId, signal: this.extra.signal },
    );
  }

  /**
   * Asks the client's model for a completion (sampling/createMessage). Needs the sampling capability;
   * 2025-11-25: a stateful session; 2026-07-28: a multi-round-trip input, like `elicit()`.
   */
  async sample(params: CreateMessageRequestParams, options?: McpInputOptions): Promise<CreateMessageResult> {
    if (this.inputs) return this.inputs.sample(params, options);
    this.assertServerRequestPossible('sample()', 'sampling');
    return this.server.createMessage(params, { relatedRequestId: this.extra.requestId, signal: this.extra.signal }) as Promise<CreateMessageResult>;
  }

  /** Asks the client for its roots (roots/list). Needs the roots capability; same eras as `sample()`. */
  async listRoots(options?: McpInputOptions): Promise<ListRootsResult> {
    if (this.inputs) return this.inputs.listRoots(options);
    this.assertServerRequestPossible('listRoots()', 'roots');
    return this.server.listRoots(undefined, { relatedRequestId: this.extra.requestId, signal: this.extra.signal }) as Promise<ListRootsResult>;
  }

  private assertServerRequestPossible(what: string, capability: keyof ClientCapabilities): void {
    if (this.extra.sessionId === undefined) throw new Error(McpMessages.statelessServerRequest(what));
    if (!this.server.getClientCapabilities()?.[capability]) throw new Error(McpMessages.clientLacksCapability(what, capability));
  }
}
