import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_PROTOCOL_VERSION_HEADER, MCP_SESSION_ID_HEADER } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import type { ResolvedStreamableHttpOptions } from '../options/transport-options.js';
import type { ResolvedMcpLimits } from '../options/mcp-limits.js';
import { formatZodIssues } from '../schema/schema.js';
import { runInMcpRequestContext, mcpRequestContextOf } from '../context/request-context.js';
import { accepts, sendEmpty, type HttpExchange } from '../http/http-exchange.js';
import { sendJsonRpcError, writeRejection } from '../http/mcp-rejection.js';
import { McpResponseWriter } from '../http/mcp-response-writer.js';
import { McpEventStore } from '../stores/mcp-event-store.js';
import type { McpSessionRecord } from '../stores/mcp-session-store.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpDispatcher } from '../execution/mcp-dispatcher.js';
import { checkInitialize } from '../execution/checked-handshake.js';
import { protocolMessageEntry, protocolRequestEntry } from '../execution/protocol-request-entry.js';
import { McpSessions, type McpSession } from '../sessions/mcp-sessions.js';
import { McpLifecycle } from '../lifecycle/mcp-lifecycle.js';
import { StreamableHttpTransport, type StreamableHttpTransportOptions } from './streamable-http.transport.js';
import { McpStatelessPool, type McpStatelessConnection } from './mcp-stateless-pool.js';

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function isRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

/** Connects a protocol server to our transport, and gives the transport the server's direct entries for checked messages. */
async function connectProtocol(server: Server, transport: StreamableHttpTransport): Promise<void> {
  await server.connect(transport);
  transport.requestEntry = protocolRequestEntry(server);
  transport.messageEntry = protocolMessageEntry(server);
}

/**
 * The Streamable HTTP endpoint (MCP 2025-11-25, basic/transports) of one server, for 2025-era messages: finds or
 * opens the session (through `McpLifecycle` and `McpSessions`), and hands the message to our transport. The
 * revision routing above it (`McpEndpoint`) gives it the POSTs that are not 2026-07-28 requests.
 */
@Injectable()
export class StreamableHttpEndpoint implements OnApplicationShutdown {
  readonly options: ResolvedStreamableHttpOptions;
  readonly limits: ResolvedMcpLimits;
  /** Options of every transport this endpoint makes (sessions add resumability). */
  private readonly transportOptions: StreamableHttpTransportOptions;
  private readonly statelessPool = new McpStatelessPool(() => this.openStateless());
  /** What a session's transport calls when it closes by itself: one function for every session. */
  private readonly forgetSession = (id: string) => this.sessions.forget(id);

  constructor(
    private readonly dispatcher: McpDispatcher,
    private readonly sessions: McpSessions,
    private readonly lifecycle: McpLifecycle,
    private readonly resolved: McpResolvedOptions,
    private readonly auth: McpAuthenticator,
    @Inject(McpEventStore) private readonly events: McpEventStore,
  ) {
    this.options = resolved.endpoint;
    this.limits = resolved.limits;
    this.transportOptions = { requestTimeoutMs: this.limits.requestTimeoutMs, keepAliveMs: this.limits.keepAliveMs };
    if (!this.options.stateless) sessions.rebuildWith('streamable-http', (record) => this.rebuild(record));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.statelessPool.closeAll();
  }

  /** A 2025-era POST, its message already received and checked. */
  async post(exchange: HttpExchange, body: JSONRPCMessage): Promise<void> {
    if (isRequest(body) && body.method === 'initialize') return this.initialize(exchange, body);
    if (this.options.stateless) {
      if (!this.checkProtocolVersion(exchange, {})) return;
      return this.serveStateless(exchange, body);
    }
    const found = this.findSession(exchange, isRequest(body) ? body.id : null);
    if (found instanceof Promise) return found.then((session) => this.postInSession(exchange, body, session));
    this.postInSession(exchange, body, found);
  }

  private postInSession(exchange: HttpExchange, body: JSONRPCMessage, session: McpSession | undefined): void {
    // MCP_SESSION_ID_HEADER, spelled out: an object literal with a computed key is built property by property.
    const headers: OutgoingHttpHeaders = { 'mcp-session-id': session?.id };
    if (!session || !this.checkProtocolVersion(exchange, headers)) return;
    if (isRequest(body) && !this.lifecycle.admitStream(session.transport)) {
      return writeRejection(exchange.res, this.lifecycle.streamRefusal(headers, body.id));
    }
    this.run(exchange, session.id, () => this.deliver(exchange, session.transport as StreamableHttpTransport, body, headers));
  }

  async get(exchange: HttpExchange): Promise<void> {
    const { req, res } = exchange;
    if (this.options.stateless) return sendJsonRpcError(res, 405, McpErrorCode.ServerError, McpMessages.statelessNoStream(), { allow: 'POST' });
    if (!accepts(req.headers.accept, 'text/event-stream')) {
      return sendJsonRpcError(res, 406, McpErrorCode.ServerError, McpMessages.notAcceptable('text/event-stream'));
    }
    if (this.lifecycle.draining) return writeRejection(res, this.lifecycle.refusal('draining'));
    const session = await this.findSession(exchange);
    const headers = { [MCP_SESSION_ID_HEADER]: session?.id };
    if (!session || !this.checkProtocolVersion(exchange, headers)) return;
    if (!this.lifecycle.admitStream(session.transport)) return writeRejection(res, this.lifecycle.streamRefusal(headers, null));
    const stream = new McpResponseWriter(res, 'sse', headers, this.limits.maxStreamBufferBytes);
    // A client that left while guards ran: nothing to attach (the standalone stream stays free for its reconnect).
    if (!stream.isOpen) return;
    const transport = session.transport as StreamableHttpTransport;
    if (!(await transport.attachStream(stream, headerValue(req.headers['last-event-id']), this.clientVersion(exchange)))) {
      return sendJsonRpcError(res, 409, McpErrorCode.ServerError, McpMessages.streamAlreadyOpen(), headers);
    }
    stream.openNow(this.limits.keepAliveMs);
  }

  async delete(exchange: HttpExchange): Promise<void> {
    if (this.options.stateless) {
      return sendJsonRpcError(exchange.res, 405, McpErrorCode.ServerError, McpMessages.statelessNoStream(), { allow: 'POST' });
    }
    const session = await this.findSession(exchange);
    if (!session || !this.checkProtocolVersion(exchange, { [MCP_SESSION_ID_HEADER]: session.id })) return;
    await this.sessions.close(session.id);
    sendEmpty(exchange.res, 200);
  }

  /** initialize: opens a session (stateful) or serves it on a one-off connection (stateless). */
  private async initialize(exchange: HttpExchange, message: JSONRPCRequest): Promise<void> {
    if (this.options.stateless) return this.serveStateless(exchange, message);
    if (headerValue(exchange.req.headers[MCP_SESSION_ID_HEADER])) {
      return sendJsonRpcError(exchange.res, 400, McpErrorCode.InvalidRequest, McpMessages.alreadyInitialized(), {}, message.id);
    }
    const parsed = checkInitialize(message);
    if (!parsed.success) {
      const detail = formatZodIssues(parsed.error.issues);
      return sendJsonRpcError(exchange.res, 400, McpErrorCode.InvalidParams, McpMessages.invalidParams('initialize', detail), {}, message.id);
    }
    const owner = this.auth.principalOf(exchange.request);
    const callerKey = this.lifecycle.callerKey(exchange.req, owner);
    const admission = this.lifecycle.admitSession(callerKey);
    if (admission !== 'open') return writeRejection(exchange.res, this.lifecycle.refusal(admission, message.id));
    const id = randomUUID();
    const transport = this.sessionTransport(id);
    const { server, state } = this.dispatcher.createServer(this.sessions.newState(id), transport);
    await connectProtocol(server, transport);
    const { params } = parsed.data;
    // The version the SDK's initialize will answer (the client's if supported, else the latest): in the record
    // before the answer leaves, so the client's next request may go to another process.
    const expected = SUPPORTED_PROTOCOL_VERSIONS.includes(params.protocolVersion) ? params.protocolVersion : LATEST_PROTOCOL_VERSION;
    const negotiated = { protocolVersion: expected, clientInfo: params.clientInfo, clientCapabilities: params.capabilities };
    try {
      await this.sessions.open({ id, kind: 'streamable-http', transport, server, state, owner, callerKey, negotiated });
    } catch {
      return writeRejection(exchange.res, this.lifecycle.storeRefusal(message.id));
    }
    const stream = this.run(exchange, id, () => this.deliver(exchange, transport, message, { [MCP_SESSION_ID_HEADER]: id }));
    // A failed initialize (or one whose client left) leaves no session behind.
    const answer = await stream?.done;
    if (!answer || 'error' in answer) return void (await this.sessions.close(id));
    const answered = (answer as { result?: { protocolVersion?: string } }).result?.protocolVersion;
    if (answered !== expected) this.sessions.initialized(id, { protocolVersion: answered });
  }

  /**
   * The transport of a new session. Made here, not inline in `initialize()`: a closure there would share its
   * scope with `exchange` and keep the initialize request and response alive as long as the session.
   */
  private sessionTransport(id: string): StreamableHttpTransport {
    const resumability = this.options.resumability;
    const options = resumability
      ? { ...this.transportOptions, resumability: { store: this.events, retryMs: resumability.retryMs, key: this.sessions.storeKey(id) } }
      : this.transportOptions;
    return new StreamableHttpTransport(id, this.forgetSession, options);
  }

  /**
   * The connection of a session opened by another process, rebuilt from its record: a new SDK Server fed the
   * session's initialize (its answer goes nowhere), the state with the record's log level and subscriptions.
   */
  private async rebuild(record: McpSessionRecord): Promise<McpSession | undefined> {
    const { id, owner, protocolVersion, clientInfo, clientCapabilities } = record;
    const transport = this.sessionTransport(id);
    const { server, state } = this.dispatcher.createServer(this.sessions.newState(id, record), transport);
    await connectProtocol(server, transport);
    transport.restore({ protocolVersion: protocolVersion!, capabilities: clientCapabilities ?? {}, clientInfo: clientInfo ?? { name: 'unknown', version: '0' } });
    return this.sessions.open({ id, kind: 'streamable-http', transport, server, state, owner, restored: record });
  }

  /** Stateless: a protocol connection of its own for this one message (pooled, see McpStatelessPool). */
  private async serveStateless(exchange: HttpExchange, message: JSONRPCMessage): Promise<void> {
    if (!isRequest(message)) return sendEmpty(exchange.res, 202);
    const admission = this.lifecycle.admitWork();
    if (admission !== 'open') return writeRejection(exchange.res, this.lifecycle.refusal(admission, message.id));
    const pooled = this.statelessPool.acquire();
    const connection = pooled instanceof Promise ? await pooled : pooled;
    const stream = this.run(exchange, undefined, () => this.deliver(exchange, connection.transport, message, {}));
    if (!stream) return this.statelessPool.release(connection, message.method, false);
    // Told when the response ends, without a promise (as a session's request is): the route has nothing to wait for.
    const hold = this.lifecycle.holdRequest(stream);
    stream.onDone((answer) => {
      hold.release();
      this.statelessPool.release(connection, message.method, answer !== undefined);
    });
  }

  private async openStateless(): Promise<McpStatelessConnection> {
    const transport = new StreamableHttpTransport(undefined, undefined, this.transportOptions);
    const { server } = this.dispatcher.createServer(undefined, transport);
    await connectProtocol(server, transport);
    return { server, transport };
  }

  /** Hands the message to the transport inside the request context; returns the response stream of a request. */
  private deliver(
    exchange: HttpExchange,
    transport: StreamableHttpTransport,
    message: JSONRPCMessage,
    headers: OutgoingHttpHeaders,
  ): McpResponseWriter | undefined {
    if (!isRequest(message)) {
      transport.handleMessage(message);
      sendEmpty(exchange.res, 202, headers);
      return undefined;
    }
    const stream = new McpResponseWriter(exchange.res, this.options.jsonResponse ? 'json' : 'sse', headers, this.limits.maxStreamBufferBytes);
    if (!transport.handleRequest(message, stream, this.clientVersion(exchange, message))) {
      sendJsonRpcError(exchange.res, 409, McpErrorCode.InvalidRequest, McpMessages.duplicateRequestId(message.id), headers, message.id);
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
    return runInMcpRequestContext(mcpRequestContextOf(exchange, this.resolved.name, sessionId), fn);
  }

  /**
   * The session named by Mcp-Session-Id (held here, or rebuilt from a shared store); answers 400 (missing), 404
   * (unknown or ended) or 503 (the shared store cannot be reached) otherwise.
   */
  /**
   * The session the request names, or undefined once the refusal is written (400 without an id, 404 unknown or
   * another principal's, 503 when the shared store cannot be reached). At once when the session is held here (the
   * hot path: no promise); a promise only when it must be looked up in a shared store.
   */
  private findSession(exchange: HttpExchange, requestId: JSONRPCRequest['id'] | null = null): McpSession | undefined | Promise<McpSession | undefined> {
    const id = headerValue(exchange.req.headers[MCP_SESSION_ID_HEADER]);
    if (!id) {
      sendJsonRpcError(exchange.res, 400, McpErrorCode.ServerError, McpMessages.sessionIdRequired());
      return undefined;
    }
    const storeDown = (): undefined => {
      writeRejection(exchange.res, this.lifecycle.storeRefusal(requestId));
      return undefined;
    };
    let found: McpSession | undefined | Promise<McpSession | undefined>;
    try {
      // Another principal's session is answered exactly like an unknown one: it learns nothing.
      found = this.sessions.find(id, this.auth.principalOf(exchange.request));
    } catch {
      return storeDown();
    }
    if (found instanceof Promise) return found.then((session) => this.foundOr404(exchange, session), storeDown);
    return this.foundOr404(exchange, found);
  }

  private foundOr404(exchange: HttpExchange, session: McpSession | undefined): McpSession | undefined {
    if (!session) sendJsonRpcError(exchange.res, 404, McpErrorCode.SessionNotFound, McpMessages.sessionNotFound());
    return session;
  }

  /** MCP-Protocol-Version, when sent, must be one we support (absent: 2025-03-26 is assumed). */
  private checkProtocolVersion(exchange: HttpExchange, headers: OutgoingHttpHeaders): boolean {
    const version = headerValue(exchange.req.headers[MCP_PROTOCOL_VERSION_HEADER]);
    if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return true;
    sendJsonRpcError(
      exchange.res,
      400,
      McpErrorCode.ServerError,
      McpMessages.unsupportedProtocolVersion(version, SUPPORTED_PROTOCOL_VERSIONS),
      headers,
    );
    return false;
  }
}
