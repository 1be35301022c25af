import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  InitializeRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { MCP_PROTOCOL_VERSION_HEADER, MCP_SESSION_ID_HEADER } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { McpDispatcher } from '../execution/mcp-dispatcher.js';
import { ModernEndpoint } from '../modern/modern-endpoint.js';
import { formatZodIssues } from '../schema/schema.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { runInMcpRequestContext, type McpRequestContextStore } from '../context/request-context.js';
import { McpSessions, type McpSession } from './mcp-sessions.js';
import { McpResponseStream } from './mcp-response-stream.js';
import { StreamableHttpTransport, type StreamableHttpTransportOptions } from './streamable-http.transport.js';
import { receiveMcpMessage } from './incoming-message.js';
import { InMemoryEventStore } from '../stores/in-memory-event-store.js';
import { McpStatelessPool, type McpStatelessConnection } from './mcp-stateless-pool.js';
import { type HttpExchange, accepts, sendEmpty, toHttpExchange } from '../http/http-exchange.js';
import { sendJsonRpcError } from '../http/mcp-rejection.js';
import { resolveStreamableHttpOptions, type ResolvedStreamableHttpOptions } from '../options/transport-options.js';
import { resolveMcpLimits, type ResolvedMcpLimits } from '../options/mcp-limits.js';

const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;
/** Spec 2025-11-25: transport-level errors without a JSON-RPC id use this code (SDK convention). */
const SERVER_ERROR = -32000;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

/**
 * The Streamable HTTP endpoint (MCP 2025-11-25, basic/transports) of one server: checks each HTTP request,
 * finds or opens its session, and hands its message to our transport. Called by the generated McpController.
 */
@Injectable()
export class StreamableHttpEndpoint implements OnApplicationShutdown {
  readonly options: ResolvedStreamableHttpOptions;
  readonly limits: ResolvedMcpLimits;
  /** Options of every transport this endpoint makes (sessions add resumability). */
  private readonly transportOptions: StreamableHttpTransportOptions;
  private readonly sessionTransportOptions: StreamableHttpTransportOptions;

  constructor(
    private readonly dispatcher: McpDispatcher,
    private readonly sessions: McpSessions,
    @Inject(MCP_MODULE_OPTIONS) private readonly moduleOptions: McpModuleOptions,
    /** The 2026-07-28 path (docs/protocol-versions.md). */
    private readonly modern: ModernEndpoint,
    private readonly auth: McpAuthenticator,
  ) {
    this.options = resolveStreamableHttpOptions(moduleOptions.transports) ?? resolveStreamableHttpOptions({})!;
    this.limits = resolveMcpLimits(moduleOptions.limits);
    this.transportOptions = { requestTimeoutMs: this.limits.requestTimeoutMs, keepAliveMs: this.limits.keepAliveMs };
    const resumability = this.options.resumability;
    this.sessionTransportOptions = resumability
      ? { ...this.transportOptions, resumability: { store: resumability.eventStore ?? new InMemoryEventStore(), retryMs: resumability.retryMs } }
      : this.transportOptions;
  }

  private readonly statelessPool = new McpStatelessPool(() => this.openStateless());

  async onApplicationShutdown(): Promise<void> {
    await this.statelessPool.closeAll();
  }

  async post(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    const { req, res } = exchange;
    const needed = this.options.jsonResponse ? ['application/json'] : ['application/json', 'text/event-stream'];
    if (!needed.every((type) => accepts(req.headers.accept, type))) {
      return sendJsonRpcError(res, 406, SERVER_ERROR, McpMessages.notAcceptable(needed.join(' and ')));
    }
    const body = await receiveMcpMessage(exchange, this.limits, this.auth);
    if (!body) return;
    // 2026-07-28 requests (their _meta names the protocol version) take the modern path; the rest stays here.
    if (await this.modern.handlePost(exchange, body)) return;

    if (isRequest(body) && body.method === 'initialize') return this.initialize(exchange, body);
    if (this.options.stateless) {
      if (!this.checkProtocolVersion(exchange, {})) return;
      return this.serveStateless(exchange, body);
    }

    const session = this.findSession(exchange);
    const headers = { [MCP_SESSION_ID_HEADER]: session?.id };
    if (!session || !this.checkProtocolVersion(exchange, headers)) return;
    if (isRequest(body) && !this.checkStreamLimit(exchange, session, headers, body.id)) return;
    this.run(exchange, session.id, () => this.deliver(exchange, session.transport, body, headers));
  }

  async get(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    const { req, res } = exchange;
    if (this.modern.served === '2026-07-28') return sendJsonRpcError(res, 405, SERVER_ERROR, McpMessages.modernMethodNotAllowed(), { allow: 'POST' });
    if (this.options.stateless) return sendJsonRpcError(res, 405, SERVER_ERROR, McpMessages.statelessNoStream(), { allow: 'POST' });
    if (!accepts(req.headers.accept, 'text/event-stream')) {
      return sendJsonRpcError(res, 406, SERVER_ERROR, McpMessages.notAcceptable('text/event-stream'));
    }
    if (this.sessions.draining) return this.refuseNewWork(exchange, 'draining');
    const session = this.findSession(exchange);
    const headers = { [MCP_SESSION_ID_HEADER]: session?.id };
    if (!session || !this.checkProtocolVersion(exchange, headers)) return;
    if (!this.checkStreamLimit(exchange, session, headers, null)) return;
    const stream = new McpResponseStream(res, 'sse', headers);
    const lastEventId = headerValue(req.headers['last-event-id']);
    if (!(await session.transport.attachStream(stream, lastEventId, this.clientVersion(exchange)))) {
      return sendJsonRpcError(res, 409, SERVER_ERROR, McpMessages.streamAlreadyOpen(), headers);
    }
    stream.openNow(this.limits.keepAliveMs);
  }

  /** OPTIONS that is not a CORS preflight answered by the gate: which methods this route serves. */
  async allow(request: unknown, reply: unknown): Promise<void> {
    sendEmpty(toHttpExchange(request, reply).res, 204, { allow: 'GET, POST, DELETE, OPTIONS' });
  }

  async delete(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    if (this.modern.served === '2026-07-28') {
      return sendJsonRpcError(exchange.res, 405, SERVER_ERROR, McpMessages.modernMethodNotAllowed(), { allow: 'POST' });
    }
    if (this.options.stateless) {
      return sendJsonRpcError(exchange.res, 405, SERVER_ERROR, McpMessages.statelessNoStream(), { allow: 'POST' });
    }
    const session = this.findSession(exchange);
    if (!session || !this.checkProtocolVersion(exchange, { [MCP_SESSION_ID_HEADER]: session.id })) return;
    await this.sessions.close(session.id);
    sendEmpty(exchange.res, 200);
  }

  /** initialize: opens a session (stateful) or serves it on a one-off connection (stateless). */
  private async initialize(exchange: HttpExchange, message: JSONRPCRequest): Promise<void> {
    if (this.options.stateless) return this.serveStateless(exchange, message);
    if (headerValue(exchange.req.headers[MCP_SESSION_ID_HEADER])) {
      return sendJsonRpcError(exchange.res, 400, INVALID_REQUEST, McpMessages.alreadyInitialized(), {}, message.id);
    }
    const parsed = InitializeRequestSchema.safeParse(message);
    if (!parsed.success) {
      const detail = formatZodIssues(parsed.error.issues);
      return sendJsonRpcError(exchange.res, 400, INVALID_PARAMS, McpMessages.invalidParams('initialize', detail), {}, message.id);
    }
    const admission = this.sessions.admission();
    if (admission !== 'open') return this.refuseNewWork(exchange, admission, message.id);
    const id = randomUUID();
    const transport = this.sessionTransport(id);
    const { server, state } = this.dispatcher.createServer(id);
    await server.connect(transport);
    const session: McpSession = { id, transport, server, state, owner: this.auth.principalOf(exchange.request), lastSeen: Date.now() };
    this.sessions.add(session);
    const stream = this.run(exchange, id, () => this.deliver(exchange, transport, message, { [MCP_SESSION_ID_HEADER]: id }));
    // A failed initialize leaves no session behind.
    const answer = await stream?.done;
    if (!answer || 'error' in answer) await this.sessions.close(id);
  }

  /**
   * The transport of a new session. Made here, not inline in `initialize()`: a closure there would share its
   * scope with `exchange` and keep the initialize request and response alive as long as the session.
   */
  private sessionTransport(id: string): StreamableHttpTransport {
    return new StreamableHttpTransport(id, () => this.sessions.forget(id), this.sessionTransportOptions);
  }

  /** Stateless: a protocol connection of its own for this one message (pooled, see McpStatelessPool). */
  private async serveStateless(exchange: HttpExchange, message: JSONRPCMessage): Promise<void> {
    if (!isRequest(message)) return sendEmpty(exchange.res, 202);
    if (this.sessions.draining) return this.refuseNewWork(exchange, 'draining', message.id);
    await this.sessions.trackStateless(async () => {
      const connection = await this.statelessPool.acquire();
      const stream = this.run(exchange, undefined, () => this.deliver(exchange, connection.transport, message, {}));
      const answer = await stream?.done;
      this.statelessPool.release(connection, message.method, answer !== undefined);
    });
  }

  private async openStateless(): Promise<McpStatelessConnection> {
    const transport = new StreamableHttpTransport(undefined, undefined, this.transportOptions);
    const { server } = this.dispatcher.createServer(undefined);
    await server.connect(transport);
    return { server, transport };
  }

  /** 503 with Retry-After: the server is full of sessions, or shutting down. */
  private refuseNewWork(exchange: HttpExchange, why: 'full' | 'draining', id: string | number | null = null): void {
    const message = why === 'full' ? McpMessages.tooManySessions() : McpMessages.shuttingDown();
    sendJsonRpcError(exchange.res, 503, SERVER_ERROR, message, { 'retry-after': String(this.limits.retryAfterSeconds) }, id);
  }

  /** 429 with Retry-After when the session already has `maxStreamsPerSession` open responses. */
  private checkStreamLimit(exchange: HttpExchange, session: McpSession, headers: OutgoingHttpHeaders, id: string | number | null): boolean {
    const limit = this.limits.maxStreamsPerSession;
    if (limit === 0 || session.transport.openStreams < limit) return true;
    const retry = { ...headers, 'retry-after': String(this.limits.retryAfterSeconds) };
    sendJsonRpcError(exchange.res, 429, SERVER_ERROR, McpMessages.tooManyStreams(limit), retry, id);
    return false;
  }

  /** Hands the message to the transport inside the request context; returns the response stream of a request. */
  private deliver(
    exchange: HttpExchange,
    transport: StreamableHttpTransport,
    message: JSONRPCMessage,
    headers: OutgoingHttpHeaders,
  ): McpResponseStream | undefined {
    if (!isRequest(message)) {
      transport.handleMessage(message);
      sendEmpty(exchange.res, 202, headers);
      return undefined;
    }
    const stream = new McpResponseStream(exchange.res, this.options.jsonResponse ? 'json' : 'sse', headers);
    if (!transport.handleRequest(message, stream, this.clientVersion(exchange, message))) {
      sendJsonRpcError(exchange.res, 409, INVALID_REQUEST, McpMessages.duplicateRequestId(message.id), headers, message.id);
      return undefined;
    }
    return stream;
  }

  /** The protocol version an HTTP request announces: its MCP-Protocol-Version header, or initialize's params. */
  private clientVersion(exchange: HttpExchange, message?: JSONRPCRequest): string | undefined {
    const version =
      headerValue(exchange.req.headers[MCP_PROTOCOL_VERSION_HEADER]) ??
      (message?.method === 'initialize' ? (message.params as { protocolVersion?: unknown } | undefined)?.protocolVersion : undefined);
    return typeof version === 'string' ? version : undefined;
  }

  private run<T>(exchange: HttpExchange, sessionId: string | undefined, fn: () => T): T {
    const store: McpRequestContextStore = {
      request: exchange.request,
      raw: exchange.req,
      response: exchange.res,
      serverName: this.moduleOptions.name,
      sessionId,
    };
    return runInMcpRequestContext(store, fn);
  }

  /** The session named by Mcp-Session-Id; answers 400 (missing) or 404 (unknown or ended) otherwise. */
  private findSession(exchange: HttpExchange): McpSession | undefined {
    const id = headerValue(exchange.req.headers[MCP_SESSION_ID_HEADER]);
    if (!id) {
      sendJsonRpcError(exchange.res, 400, SERVER_ERROR, McpMessages.sessionIdRequired());
      return undefined;
    }
    // Another principal's session is answered exactly like an unknown one: it learns nothing.
    const session = this.sessions.get(id, this.auth.principalOf(exchange.request));
    if (!session) sendJsonRpcError(exchange.res, 404, -32001, McpMessages.sessionNotFound());
    return session;
  }

  /** MCP-Protocol-Version, when sent, must be one we support (absent: 2025-03-26 is assumed). */
  private checkProtocolVersion(exchange: HttpExchange, headers: OutgoingHttpHeaders): boolean {
    const version = headerValue(exchange.req.headers[MCP_PROTOCOL_VERSION_HEADER]);
    if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return true;
    sendJsonRpcError(
      exchange.res,
      400,
      SERVER_ERROR,
      McpMessages.unsupportedProtocolVersion(version, SUPPORTED_PROTOCOL_VERSIONS),
      headers,
    );
    return false;
  }
}
