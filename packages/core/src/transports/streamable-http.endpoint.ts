import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { MCP_PROTOCOL_VERSION_HEADER, MCP_SESSION_ID_HEADER } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { McpDispatcher } from '../execution/mcp-dispatcher.js';
import { runInMcpRequestContext, type McpRequestContextStore } from '../context/request-context.js';
import { McpSessions, type McpSession } from './mcp-sessions.js';
import { McpResponseStream } from './mcp-response-stream.js';
import { StreamableHttpTransport } from './streamable-http.transport.js';
import { McpStatelessPool, type McpStatelessConnection } from './mcp-stateless-pool.js';
import {
  accepts,
  isJsonContentType,
  parsedBody,
  readJsonBody,
  sendEmpty,
  sendJsonRpcError,
  toHttpExchange,
  type HttpExchange,
} from './http-exchange.js';
import {
  DEFAULT_KEEP_ALIVE_MS,
  DEFAULT_MAX_BODY_BYTES,
  resolveStreamableHttpOptions,
  type ResolvedStreamableHttpOptions,
} from './transport-options.js';

const INVALID_REQUEST = -32600;
/** Spec 2025-11-25: transport-level errors without a JSON-RPC id use this code (SDK convention). */
const SERVER_ERROR = -32000;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (typeof value !== 'object' || value === null || (value as { jsonrpc?: unknown }).jsonrpc !== '2.0') return false;
  const message = value as Record<string, unknown>;
  const id = message.id;
  const validId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  if (typeof message.method === 'string') {
    return (id === undefined || validId) && (message.params === undefined || (typeof message.params === 'object' && message.params !== null));
  }
  return validId && ('result' in message || 'error' in message);
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

  constructor(
    private readonly dispatcher: McpDispatcher,
    private readonly sessions: McpSessions,
    @Inject(MCP_MODULE_OPTIONS) private readonly moduleOptions: McpModuleOptions,
  ) {
    this.options = resolveStreamableHttpOptions(moduleOptions.transports) ?? resolveStreamableHttpOptions({})!;
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
    if (!isJsonContentType(req.headers['content-type'])) {
      return sendJsonRpcError(res, 415, SERVER_ERROR, McpMessages.unsupportedMediaType());
    }
    let body = parsedBody(request);
    if (body === undefined) {
      const read = await readJsonBody(req, DEFAULT_MAX_BODY_BYTES);
      if (!read.ok) return sendJsonRpcError(res, read.status, read.code, read.message);
      body = read.value;
    }
    if (Array.isArray(body)) return sendJsonRpcError(res, 400, INVALID_REQUEST, McpMessages.batchNotSupported());
    if (!isJsonRpcMessage(body)) return sendJsonRpcError(res, 400, INVALID_REQUEST, McpMessages.invalidJsonRpc());

    if (isRequest(body) && body.method === 'initialize') return this.initialize(exchange, body);
    if (this.options.stateless) {
      if (!this.checkProtocolVersion(exchange, {})) return;
      return this.serveStateless(exchange, body);
    }

    const session = this.findSession(exchange);
    const headers = { [MCP_SESSION_ID_HEADER]: session?.id };
    if (!session || !this.checkProtocolVersion(exchange, headers)) return;
    this.run(exchange, session.id, () => this.deliver(exchange, session.transport, body as JSONRPCMessage, headers));
  }

  async get(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    const { req, res } = exchange;
    if (this.options.stateless) return sendJsonRpcError(res, 405, SERVER_ERROR, McpMessages.statelessNoStream(), { allow: 'POST' });
    if (!accepts(req.headers.accept, 'text/event-stream')) {
      return sendJsonRpcError(res, 406, SERVER_ERROR, McpMessages.notAcceptable('text/event-stream'));
    }
    const session = this.findSession(exchange);
    const headers = { [MCP_SESSION_ID_HEADER]: session?.id };
    if (!session || !this.checkProtocolVersion(exchange, headers)) return;
    const stream = new McpResponseStream(res, 'sse', headers);
    if (!session.transport.attachStandalone(stream)) {
      return sendJsonRpcError(res, 409, SERVER_ERROR, McpMessages.streamAlreadyOpen());
    }
    stream.openNow(DEFAULT_KEEP_ALIVE_MS);
  }

  async delete(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
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
    const id = randomUUID();
    const transport = this.sessionTransport(id);
    const { server, state } = this.dispatcher.createServer(id);
    await server.connect(transport);
    const session: McpSession = { id, transport, server, state, lastSeen: Date.now() };
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
    return new StreamableHttpTransport(id, () => this.sessions.forget(id));
  }

  /** Stateless: a protocol connection of its own for this one message (pooled, see McpStatelessPool). */
  private async serveStateless(exchange: HttpExchange, message: JSONRPCMessage): Promise<void> {
    if (!isRequest(message)) return sendEmpty(exchange.res, 202);
    const connection = await this.statelessPool.acquire();
    const stream = this.run(exchange, undefined, () => this.deliver(exchange, connection.transport, message, {}));
    const answer = await stream?.done;
    this.statelessPool.release(connection, message.method, answer !== undefined);
  }

  private async openStateless(): Promise<McpStatelessConnection> {
    const transport = new StreamableHttpTransport(undefined);
    const { server } = this.dispatcher.createServer(undefined);
    await server.connect(transport);
    return { server, transport };
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
    if (!transport.handleRequest(message, stream)) {
      sendJsonRpcError(exchange.res, 409, INVALID_REQUEST, McpMessages.duplicateRequestId(message.id), headers, message.id);
      return undefined;
    }
    return stream;
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
    const session = this.sessions.get(id);
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
