import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { mcpRequestContextOf } from '../context/request-context.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpLifecycle } from '../lifecycle/mcp-lifecycle.js';
import { McpChannelSessions, type McpChannelKind } from '../transports/channel-sessions.js';
import type { McpChannelTransport } from '../transports/channel.transport.js';
import { checkJsonRpcBody } from '../transports/json-rpc-message.js';
import { Rev2026Channel } from '../rev-2026-07-28/rev-2026-channel.js';
import { classifyChannelMessage } from './revision-routing.js';
import { McpRouteGuards } from './mcp-route-guards.js';

/** The HTTP request a message on the in-memory channel pretends to come with (built by the testing kit). */
export interface McpChannelExchange {
  /** What `getHttpRequest()` returns, and what the route's guards see. */
  readonly request: object;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** How a channel is connected: what carries it, where the server's messages go. */
export interface McpChannelOptions {
  readonly kind: McpChannelKind;
  /** Receives every message the server sends, in order. */
  readonly output: (message: JSONRPCMessage) => void;
  /**
   * In-memory only: the fake HTTP request of each message. The route's guards run on it, the principal comes from it
   * as over HTTP, and `getHttpRequest()` / `getHttpHeaders()` / `getAccessToken()` read it.
   */
  readonly exchange?: () => McpChannelExchange;
}

/** One connected channel: hand it the client's messages; close it when the channel ends. */
export interface McpChannelConnection {
  receive(message: unknown): void;
  close(): Promise<void>;
  /** The id of its 2025-11-25 session, once a 2025 message opened it. */
  readonly sessionId?: string;
}

function requestIdOf(message: unknown): RequestId | undefined {
  const id = (message as { id?: unknown } | null)?.id;
  const isRequest = typeof (message as { method?: unknown } | null)?.method === 'string';
  return isRequest && (typeof id === 'string' || typeof id === 'number') ? id : undefined;
}

function errorMessage(id: RequestId | null, code: number, message: string, data?: unknown): JSONRPCMessage {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined && { data }) } } as JSONRPCMessage;
}

/** One channel's connection: each message checked, admitted and routed by revision, in the order it arrived. */
class ChannelConnection implements McpChannelConnection {
  private queue: Promise<void> = Promise.resolve();
  private session?: McpChannelTransport;
  private closed = false;

  constructor(
    private readonly channels: McpChannels,
    private readonly options: McpChannelOptions,
  ) {}

  get sessionId(): string | undefined {
    return this.session?.sessionId;
  }

  receive(message: unknown): void {
    // Admission is in order (so a notification never overtakes the request before it); answers are not awaited.
    this.queue = this.queue.then(() => this.handle(message)).catch((error: unknown) => {
      const id = requestIdOf(message);
      if (id !== undefined) this.options.output(errorMessage(id, McpErrorCode.InternalError, error instanceof Error ? error.message : String(error)));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    if (this.session) await this.channels.sessions.close(this.session);
  }

  private async handle(message: unknown): Promise<void> {
    if (this.closed) return;
    const { channels, options } = this;
    const checked = checkJsonRpcBody(message, channels.resolved.limits.maxJsonDepth);
    if (!checked.ok) return options.output(errorMessage(checked.rejection.id ?? null, checked.rejection.code, checked.rejection.message));
    const body = checked.message;
    const id = requestIdOf(body) ?? null;
    const exchange = options.exchange?.();
    if (exchange) {
      const refusal = await channels.refusalOf(exchange, body);
      if (refusal) return id === null ? undefined : options.output(errorMessage(id, refusal.code, refusal.message, refusal.data));
    }
    const route = classifyChannelMessage(body, channels.resolved.protocolVersions);
    switch (route.to) {
      case '2026-07-28': {
        const store = mcpRequestContextOf(exchange, channels.resolved.name, undefined, options.kind);
        void channels.rev2026.serve(route.message, route.revision, options.output, store);
        return;
      }
      case 'refused':
        return id === null ? undefined : options.output(errorMessage(id, route.rejection.code, route.rejection.message, route.rejection.data));
      case 'dropped':
        return;
      case '2025-11-25': {
        const session = await this.openSession(exchange);
        if (typeof session === 'string') return id === null ? undefined : options.output(errorMessage(id, McpErrorCode.ServerError, session));
        session.receive(body, mcpRequestContextOf(exchange, channels.resolved.name, session.sessionId, options.kind));
      }
    }
  }

  /** The channel's 2025 session, opened by its first 2025 message for the principal of that message. */
  private async openSession(exchange: McpChannelExchange | undefined): Promise<McpChannelTransport | string> {
    if (this.session) return this.session;
    const { channels, options } = this;
    const owner = exchange ? channels.auth.principalOf(exchange.request) : undefined;
    const callerKey = exchange ? channels.lifecycle.callerKey(exchange.req, owner) : undefined;
    const opened = await channels.sessions.open({ kind: options.kind, output: options.output, owner, callerKey });
    if (typeof opened === 'string') return channels.lifecycle.refusal(opened).message;
    this.session = opened;
    return opened;
  }
}

/**
 * The channels of one server that are not HTTP: the stdio transport and the testing kit's in-memory channel. A
 * channel's messages meet what an HTTP message meets once its body is read: the JSON-RPC checks, (in-memory) the
 * route's guards and the per-item access check on the fake request, then revision routing: 2026-07-28 requests to
 * `Rev2026Channel`, the rest to the channel's 2025-11-25 session (`McpChannelSessions`). From there on the path is
 * the HTTP one: the dispatchers, the core of operations and the Nest pipeline around each handler.
 */
@Injectable()
export class McpChannels {
  constructor(
    readonly resolved: McpResolvedOptions,
    readonly auth: McpAuthenticator,
    readonly lifecycle: McpLifecycle,
    readonly sessions: McpChannelSessions,
    readonly rev2026: Rev2026Channel,
    private readonly guards: McpRouteGuards,
  ) {}

  /** Name of the server (the McpModule `name`). */
  get serverName(): string {
    return this.resolved.name;
  }

  /** Whether the server is to be served over stdio (`transports: { stdio: true }`). */
  get servesStdio(): boolean {
    return this.resolved.stdio;
  }

  connect(options: McpChannelOptions): McpChannelConnection {
    return new ChannelConnection(this, options);
  }

  /**
   * What the HTTP path refuses before dispatch, for a message on the in-memory channel: the route's guards, then the
   * per-item access (401/403 over HTTP, here a JSON-RPC error with the same text and the status in `data`).
   */
  async refusalOf(exchange: McpChannelExchange, message: JSONRPCMessage): Promise<{ code: number; message: string; data: object } | undefined> {
    const refused = await this.guards.check(exchange.request, exchange.res);
    if (refused) {
      return { code: McpErrorCode.ServerError, message: refused.message, data: { status: refused.status, ...(refused.challenge && { challenge: refused.challenge }) } };
    }
    const refusal = this.auth.refusal(this.auth.accessOf(exchange.request), message);
    if (!refusal) return undefined;
    return { code: McpErrorCode.ServerError, message: this.auth.refusalText(refusal), data: { status: refusal.status } };
  }
}
