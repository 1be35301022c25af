import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { McpDispatcher } from '../execution/mcp-dispatcher.js';
import { runInMcpRequestContext } from '../context/request-context.js';
import { SseSessions } from './sse-sessions.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { SseTransport } from './sse.transport.js';
import { receiveMcpMessage } from './incoming-message.js';
import { accepts, sendEmpty, toHttpExchange, type HttpExchange } from '../http/http-exchange.js';
import { sendJsonRpcError } from '../http/mcp-rejection.js';
import { resolveSseOptions, type ResolvedSseOptions } from '../options/transport-options.js';
import { resolveMcpLimits, type ResolvedMcpLimits } from '../options/mcp-limits.js';

const SERVER_ERROR = -32000;

/** The path of the request as the client sent it (global prefix and version included), without the query. */
function requestPath(exchange: HttpExchange): string {
  const url = (exchange.request as { originalUrl?: string }).originalUrl ?? exchange.req.url ?? '/';
  const path = url.split('?')[0];
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function sessionIdOf(exchange: HttpExchange): string | undefined {
  const query = (exchange.request as { query?: Record<string, unknown> }).query;
  const fromQuery = query?.sessionId;
  if (typeof fromQuery === 'string') return fromQuery;
  const url = exchange.req.url ?? '';
  const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
  return new URLSearchParams(search).get('sessionId') ?? undefined;
}

/**
 * The legacy HTTP+SSE endpoint (MCP 2024-11-05) of one server: GET on `path` opens a session whose stream
 * carries every server message; POST on `messagesPath?sessionId=` delivers one client message and answers
 * 202. Called by the generated McpController.
 */
@Injectable()
export class SseEndpoint {
  readonly options?: ResolvedSseOptions;
  private readonly limits: ResolvedMcpLimits;

  constructor(
    private readonly dispatcher: McpDispatcher,
    private readonly sessions: SseSessions,
    @Inject(MCP_MODULE_OPTIONS) private readonly moduleOptions: McpModuleOptions,
    private readonly auth: McpAuthenticator,
  ) {
    this.options = resolveSseOptions(moduleOptions.transports);
    this.limits = resolveMcpLimits(moduleOptions.limits);
  }

  /** GET: opens the stream; its first event (`endpoint`) tells the client where to POST. */
  async open(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    const accept = exchange.req.headers.accept;
    if (accept && !accepts(accept, 'text/event-stream')) {
      return sendJsonRpcError(exchange.res, 406, SERVER_ERROR, McpMessages.notAcceptable('text/event-stream'));
    }
    if (this.sessions.size >= this.limits.maxSessions) {
      return sendJsonRpcError(exchange.res, 503, SERVER_ERROR, McpMessages.tooManySessions(), {
        'retry-after': String(this.limits.retryAfterSeconds),
      });
    }
    const id = randomUUID();
    const transport = new SseTransport(id, exchange.res, this.messagesUrl(exchange, id), this.options!.keepAliveMs ?? this.limits.keepAliveMs, () =>
      this.sessions.forget(id),
    );
    const { server, state } = this.dispatcher.createServer(id);
    this.sessions.add({ id, transport, server, state, owner: this.auth.principalOf(exchange.request) });
    await server.connect(transport);
    // The client may have gone while connecting: then the transport is closed and the session forgotten.
    if (!transport.isOpen) this.sessions.forget(id);
  }

  /** POST: one client message for the session named by `?sessionId=`; its answer goes out on the stream. */
  async message(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    const { req, res } = exchange;
    const id = sessionIdOf(exchange);
    if (!id) return sendJsonRpcError(res, 400, SERVER_ERROR, McpMessages.sseSessionIdRequired());
    // Another principal's session is answered exactly like an unknown one.
    const session = this.sessions.get(id, this.auth.principalOf(exchange.request));
    if (!session) return sendJsonRpcError(res, 404, -32001, McpMessages.sseSessionNotFound());
    const message = await receiveMcpMessage(exchange, this.limits, this.auth);
    if (!message) return;
    // The handler runs in the context of THIS POST: getHttpRequest() and headers are this request's.
    runInMcpRequestContext(
      { request: exchange.request, raw: req, response: res, serverName: this.moduleOptions.name, sessionId: id },
      () => session.transport.handleMessage(message),
    );
    sendEmpty(res, 202);
  }

  /** The messages URL for this stream: the GET's own path with the SSE path swapped for the messages path. */
  private messagesUrl(exchange: HttpExchange, sessionId: string): string {
    const { path, messagesPath } = this.options!;
    const own = requestPath(exchange);
    const base = own.endsWith(path) ? own.slice(0, own.length - path.length) : '';
    return `${base}${messagesPath}?sessionId=${encodeURIComponent(sessionId)}`;
  }
}
